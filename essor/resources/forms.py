from django import forms
from django.conf import settings

from essor.territories.models import Departement

from .enums import TrainingAudience, TrainingFormat
from .legal_forms import QUESTIONS


class LegalFormChooserForm(forms.Form):
    """The questions of « Quelle forme pour mon projet ? », one radio group each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, choices in QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Répondez à cette question pour obtenir des suggestions."
                },
            )


class TrainingSearchForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    public = forms.ChoiceField(
        label="Public",
        required=False,
        choices=[("", "Tous les publics"), *TrainingAudience.choices],
    )
    format = forms.ChoiceField(
        label="Format", required=False, choices=[("", "Tous les formats"), *TrainingFormat.choices]
    )
    departement = forms.ChoiceField(label="Département", required=False)
    opco = forms.BooleanField(label="Finançable par un OPCO", required=False)
    gratuit = forms.BooleanField(label="Gratuite", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.name} ({d.code})")
            for d in Departement.objects.filter(region_id=settings.ESSOR_REGION)
        ]
