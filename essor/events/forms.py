from django import forms
from django.db.models import Q

from essor.accounts.perms import is_cress_staff
from essor.directory.enums import Source
from essor.directory.models import Organisation
from essor.territories.models import Commune

from .enums import Theme
from .models import Event

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def organiser_choices(user):
    """The organisations a person may organise for: their own; the CRESS staff also the
    organisations the report cites and those that already organise events."""
    query = Q(memberships__user=user)
    if is_cress_staff(user):
        query |= Q(source=Source.REPORT) | Q(events__isnull=False)
    return Organisation.objects.filter(query).distinct().order_by("name")


class EventForm(forms.ModelForm):
    organiser = forms.ModelChoiceField(
        label="Structure organisatrice", queryset=Organisation.objects.none()
    )
    commune_code = forms.CharField(
        label="Commune (code INSEE)",
        required=False,
        max_length=5,
        help_text="Par exemple 87085 pour Limoges. Laissez vide pour un événement en ligne.",
    )
    online_url = forms.URLField(
        label="Lien de la visioconférence",
        required=False,
        assume_scheme="https",
        help_text="Pour un événement en ligne ; seuls les inscrits le voient.",
    )
    themes = forms.MultipleChoiceField(
        label="Thèmes", choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "organiser",
            "description",
            "starts_at",
            "ends_at",
            "address",
            "online_url",
            "audience",
            "price",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "minutes",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_opens_at": DATETIME,
            "registration_closes_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"minutes": "Publié sur la page de l'événement une fois qu'il a eu lieu."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organiser_choices(user)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        if self.instance.pk:
            self.fields["commune_code"].initial = self.instance.commune_id or ""
            self.fields["themes"].initial = [t.value for t in self.instance.themes]

    def clean_commune_code(self):
        code = self.cleaned_data["commune_code"].strip()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError("Aucune commune n'a ce code INSEE.")
        return commune

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", "La fin doit suivre le début.")
        if not data.get("commune_code") and not data.get("online_url"):
            self.add_error(
                "commune_code", "Indiquez une commune, ou le lien d'un événement en ligne."
            )
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes < opens:
            self.add_error(
                "registration_closes_at", "La clôture doit suivre l'ouverture des inscriptions."
            )
        if closes and end and closes > end:
            self.add_error(
                "registration_closes_at",
                "Les inscriptions doivent fermer avant la fin de l'événement.",
            )
        if data.get("capacity") == 0:
            self.add_error("capacity", "Indiquez au moins une place, ou laissez vide.")
        return data

    def event_fields(self):
        data = dict(self.cleaned_data)
        data["commune"] = data.pop("commune_code")
        data.pop("themes", None)
        return {k: v for k, v in data.items() if k in {*self.Meta.fields, "commune"}}


class RegistrationForm(forms.Form):
    organisation_name = forms.CharField(
        label="Votre structure (facultatif)", required=False, max_length=200
    )


class DecisionForm(forms.Form):
    transition = forms.CharField(max_length=30)
    comment = forms.CharField(
        label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
