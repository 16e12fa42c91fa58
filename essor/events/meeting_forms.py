from django import forms

from essor.purchasing import services as purchasing

from .enums import ParticipantKind
from .models import BusinessMeetings

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class MeetingsSettingsForm(forms.ModelForm):
    class Meta:
        model = BusinessMeetings
        fields = [
            "first_slot_at",
            "slot_count",
            "slot_minutes",
            "table_count",
            "request_deadline",
            "max_requests",
        ]
        widgets = {"first_slot_at": DATETIME, "request_deadline": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_slot_at", "request_deadline"):
            self.fields[name].input_formats = FORMATS
        self.fields["slot_count"].min_value = 1
        self.fields["slot_count"].max_value = 40
        self.fields["table_count"].max_value = 200
        self.fields["max_requests"].max_value = 40


class FamilyCheckboxes(forms.CheckboxSelectMultiple):
    """Purchase categories as checkboxes folded by family (about 75 of them): a family
    with a ticked category stays open and says how many."""

    template_name = "events/widgets/families.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["families"] = [
            (group, options, index, sum(1 for o in options if o["selected"]))
            for group, options, index in context["widget"]["optgroups"]
        ]
        return context


class ParticipantForm(forms.Form):
    organisation_name = forms.CharField(label="Structure représentée", max_length=200)
    kind = forms.ChoiceField(
        label="Vous êtes", choices=ParticipantKind.choices, widget=forms.RadioSelect
    )
    offers = forms.MultipleChoiceField(
        label="Ce que vous proposez",
        choices=purchasing.category_choices,
        required=False,
        widget=FamilyCheckboxes,
    )
    offers_text = forms.CharField(
        label="Vos offres, en quelques mots", max_length=300, required=False
    )
    needs = forms.MultipleChoiceField(
        label="Ce que vous recherchez",
        choices=purchasing.category_choices,
        required=False,
        widget=FamilyCheckboxes,
    )
    needs_text = forms.CharField(
        label="Vos besoins, en quelques mots", max_length=300, required=False
    )
    presentation = forms.CharField(
        label="Présentation",
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unavailable_slots = forms.MultipleChoiceField(
        label="Créneaux où vous n'êtes pas disponible",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unavailable_slots"].choices = [
            (str(s), f"Créneau {s + 1} ({start:%H:%M})")
            for s, start, _end in _local_slots(meetings)
        ]


def _local_slots(meetings):
    from django.utils import timezone

    return [
        (s, timezone.localtime(start), timezone.localtime(end)) for s, start, end in meetings.slots
    ]


class RequestForm(forms.Form):
    target = forms.CharField(max_length=12)
    priority = forms.IntegerField(label="Priorité", min_value=1, max_value=40, required=False)


class LateMeetingForm(forms.Form):
    requester = forms.CharField(label="Participant", max_length=12)
    target = forms.CharField(label="Rencontre", max_length=12)
