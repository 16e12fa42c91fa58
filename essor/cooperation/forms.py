from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q

from essor.directory.models import Organisation
from essor.territories.areas import MAX_RADIUS_KM
from essor.territories.forms import CommuneField

from .enums import Direction, Kind
from .models import Listing, Outcome
from .services import check_dates


class ListingForm(forms.ModelForm):
    """The common part of an offer or a need; the kind's own part is kinds.KINDS[kind]
    .details_form(), shown on the same page."""

    commune = CommuneField(label="Commune où se trouve l'offre ou le besoin")
    direction = forms.ChoiceField(
        label="Vous publiez", choices=Direction.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label="Catégorie")
    radius_km = forms.IntegerField(
        label="Rayon autour de la commune (km)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        help_text="Ou choisissez un territoire ci-dessous ; laissez les deux vides pour la "
        "seule commune.",
        error_messages={
            "min_value": "Le rayon est d'au moins 1 km.",
            "max_value": f"Le rayon est de {MAX_RADIUS_KM} km au plus.",
        },
    )

    class Meta:
        model = Listing
        fields = [
            "direction", "title", "category", "description", "commune", "radius_km",
            "area_level", "starts_on", "ends_on",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "starts_on": {"invalid": "Indiquez une date au format JJ/MM/AAAA."},
            "ends_on": {"invalid": "Indiquez une date au format JJ/MM/AAAA."},
        }

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        from .kinds import KINDS

        self.kind = Kind(kind)
        self.fields["category"].choices = KINDS[kind].categories
        self.fields["area_level"].required = False

    def clean(self):
        data = super().clean()
        if data.get("radius_km") and data.get("area_level"):
            self.add_error("radius_km", "Choisissez un rayon ou un territoire, pas les deux.")
        probe = Listing(starts_on=data.get("starts_on"), ends_on=data.get("ends_on"))
        if self.instance.pk:
            probe._state.adding = False
        for field, message in check_dates(probe).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class RejectForm(forms.Form):
    comment = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif du refus : il est envoyé à la structure."},
    )


class OutcomeForm(forms.ModelForm):
    """What a concluded exchange brought; the partner is one of the organisations that
    wrote about this listing."""

    class Meta:
        model = Outcome
        fields = [
            "partner", "skills_days", "surface_m2", "mentoring_hours", "jobs_shared",
            "euros_saved", "comment",
        ]  # fmt: skip
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, listing, **kwargs):
        super().__init__(*args, **kwargs)
        # Those who wrote about this listing, and those this organisation wrote to.
        self.fields["partner"].queryset = Organisation.objects.filter(
            Q(cooperation_threads__listing=listing)
            | Q(cooperation_listings__threads__organisation=listing.organisation_id)
        ).distinct()
        self.fields["partner"].required = False
        self.fields["partner"].error_messages["invalid_choice"] = (
            "Choisissez une structure avec qui vous avez échangé sur ESSor."
        )
        for name in ["skills_days", "surface_m2", "mentoring_hours", "jobs_shared", "euros_saved"]:
            field = self.fields[name]
            field.min_value = 0
            field.error_messages["min_value"] = "Indiquez un nombre positif ou 0."
            field.validators.append(MinValueValidator(0, "Indiquez un nombre positif ou 0."))
