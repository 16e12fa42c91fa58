from django import forms
from django.conf import settings
from django.db.models import Q

from essor.directory.enums import Phase
from essor.directory.models import Organisation
from essor.directory.nomenclatures import ess_sectors
from essor.territories.forms import AreaPickerForm, PlaceField
from essor.territories.models import Commune, Departement, Epci

from .enums import (
    Cost,
    Format,
    HelpKind,
    Persona,
    ProjectKind,
    ProviderKind,
    SupportAudience,
    SupportLegalForm,
    SupportRequestStatus,
)
from .matching import Criteria, main_departement
from .models import SupportOffer


def sector_choices():
    return sorted(ess_sectors().items(), key=lambda item: (item[0] == "autres", item[1]))


class CriteriaForm(forms.Form):
    """All the assistant's questions on one page: the results page's correction form,
    and, one field at a time, each step of the assistant."""

    profil = forms.ChoiceField(
        label="Vous êtes…",
        choices=Persona.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Ce profil n'existe pas : choisissez dans la liste."},
    )
    commune = PlaceField(
        label="Où se trouve votre projet ?",
        required=False,
        help_text="Votre commune, votre intercommunalité ou votre département : tapez son nom "
        "ou son code postal, puis choisissez dans la liste.",
    )
    epci = forms.ModelChoiceField(
        label="Ou votre intercommunalité",
        queryset=Epci.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Cette intercommunalité est inconnue."},
    )
    departement = forms.ModelChoiceField(
        label="Ou, si vous ne savez pas encore la commune, votre département",
        queryset=Departement.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Ce département est inconnu."},
    )
    etape = forms.ChoiceField(
        label="Où en êtes-vous ?",
        choices=Phase.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Cette étape n'existe pas : choisissez dans la liste."},
    )
    projet = forms.ChoiceField(
        label="Votre projet est…",
        choices=ProjectKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    forme = forms.ChoiceField(
        label="Quelle forme juridique envisagez-vous ?",
        choices=[("", "Je ne sais pas encore")] + SupportLegalForm.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    besoins = forms.MultipleChoiceField(
        label="De quoi avez-vous besoin ?",
        choices=HelpKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Plusieurs réponses possibles. Sans réponse, nous proposons ce dont on a "
        "le plus souvent besoin à votre étape.",
    )
    secteur = forms.ChoiceField(
        label="Dans quel secteur d'activité ?",
        choices=[("", "Je ne sais pas ou autre")],
        required=False,
    )

    def __init__(self, *args, only=None, require=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secteur"].choices = [("", "Je ne sais pas ou autre")] + sector_choices()
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} — {d.name}"
        # The region's départements, and the one already given if it lies elsewhere: a
        # hundred options would weigh on every results page for little use.
        given = self.data.get("departement") or self.initial.get("departement") or ""
        self.fields["departement"].queryset = Departement.objects.filter(
            Q(region_id=settings.ESSOR_REGION) | Q(code=str(given)[:3])
        )
        if only is not None:
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
        for name in require:
            if name in self.fields:
                self.fields[name].required = True
        if "commune" in require:
            self.fields["commune"].error_messages["required"] = (
                "Indiquez votre commune, votre intercommunalité ou votre département."
            )
        if "profil" in require:
            self.fields["profil"].error_messages["required"] = "Dites-nous qui vous êtes."
        if "etape" in require:
            self.fields["etape"].error_messages["required"] = "Choisissez où vous en êtes."
        if "projet" in require:
            self.fields["projet"].error_messages["required"] = (
                "Dites-nous si votre projet est individuel ou collectif."
            )

    def clean(self):
        data = super().clean()
        if (
            "commune" in self.fields
            and "departement" in self.fields
            and not self.errors
            and not data.get("commune")
            and not data.get("departement")
            and not data.get("epci")
        ):
            raise forms.ValidationError("Indiquez votre commune (ou au moins votre département).")
        return data

    def place(self):
        """(commune, epci, departement) of the answers: the place field may hold any."""
        data = self.cleaned_data
        place = data.get("commune")
        if isinstance(place, Commune):
            return place, None, place.departement
        if isinstance(place, Departement):
            return None, None, place
        epci = place if isinstance(place, Epci) else data.get("epci")
        if epci is not None:
            return None, epci, main_departement(epci)
        return None, None, data.get("departement")

    def to_criteria(self, text=""):
        data = self.cleaned_data
        commune, epci, departement = self.place()
        return Criteria(
            commune=commune,
            departement=departement,
            epci=epci,
            persona=data.get("profil") or "",
            phase=data.get("etape") or "",
            project=data.get("projet") or "",
            legal_form=data.get("forme") or "",
            needs=list(data.get("besoins") or []),
            sector=data.get("secteur") or "",
            text=text,
        )


class FreeTextForm(forms.Form):
    texte = forms.CharField(
        label="Décrivez votre situation en une phrase",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « je veux reprendre l'entreprise de mon patron en SCOP près "
        "de Guéret », « nous voulons ouvrir un café associatif à Limoges », « acheteur public "
        "à Angoulême, je veux acheter à des structures d'insertion » ou « élue d'une commune "
        "de Haute-Vienne, je veux soutenir l'ESS ».",
        error_messages={"required": "Écrivez quelques mots sur votre projet."},
    )


def regional_departements():
    """The platform region's départements, for the catalogue's filter."""
    return Departement.objects.filter(region_id=settings.ESSOR_REGION)


class OfferForm(AreaPickerForm, forms.ModelForm):
    help_kinds = forms.MultipleChoiceField(
        label="Types d'aide", choices=HelpKind.choices, widget=forms.CheckboxSelectMultiple
    )
    phases = forms.MultipleChoiceField(
        label="Étapes de la vie du projet",
        choices=Phase.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune case cochée : toutes les étapes.",
    )
    audiences = forms.MultipleChoiceField(
        label="Publics",
        choices=SupportAudience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune case cochée : tous les publics.",
    )
    legal_forms = forms.MultipleChoiceField(
        label="Formes juridiques dont vous êtes spécialiste",
        choices=SupportLegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sectors = forms.MultipleChoiceField(
        label="Secteurs",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune case cochée : tous les secteurs.",
    )

    class Meta:
        model = SupportOffer
        fields = [
            "provider_kind", "title", "description", "help_kinds", "phases", "audiences",
            "legal_forms", "sectors", "cost", "cost_details", "format", "how_to_ask",
            "contact_email", "contact_phone", "website", "accepts_requests",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    website = forms.URLField(label="Page web de l'offre", required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = sector_choices()
        self.fields["provider_kind"].choices = ProviderKind.choices
        self.fields["cost"].choices = Cost.choices
        self.fields["format"].choices = Format.choices

    def clean(self):
        if self.cleaned_data.get("format") == Format.REMOTE and not self.areas():
            # A remote offer with no declared territory serves the whole country.
            self.cleaned_data["national"] = True
        return super().clean()


class RejectOfferForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (envoyé à la structure)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Expliquez le refus : la structure pourra corriger."},
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label="Votre message",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text="Présentez votre projet et ce que vous attendez. 3 000 caractères au plus.",
        error_messages={"required": "Écrivez un message aux acteurs choisis."},
    )
    contact_name = forms.CharField(label="Votre nom", max_length=150)
    contact_email = forms.EmailField(label="Votre adresse e-mail")
    contact_phone = forms.RegexField(
        label="Votre téléphone",
        regex=r"^\+?[0-9 .()-]{6,20}$",
        required=False,
        error_messages={"invalid": "Numéro de téléphone invalide."},
    )
    consent = forms.BooleanField(
        label="",  # set with the actors' names
        error_messages={
            "required": "Sans votre accord, nous ne pouvons pas transmettre votre demande."
        },
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        names = ", ".join(p.name for p in providers)
        self.consent_text = (
            f"J'accepte que ma situation, mon message, mon nom et mes coordonnées soient "
            f"transmis à : {names}, pour qu'ils me répondent."
        )
        self.fields["consent"].label = self.consent_text


class RequestStatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouvel état", choices=())
    redirected_to = forms.ModelChoiceField(
        label="Réorientée vers (structure de l'annuaire)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
    )
    redirected_to_text = forms.CharField(
        label="Ou, si elle n'est pas dans la liste, son nom", max_length=200, required=False
    )
    note = forms.CharField(
        label="Message à la personne",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Il lui est envoyé par e-mail et reste dans l'historique de la demande.",
    )

    def __init__(self, *args, support_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, SupportRequestStatus(status).label)
            for status in support_request.allowed_transitions
        ]
        self.fields["redirected_to"].queryset = (
            Organisation.objects.filter(support_offers__status="published")
            .exclude(pk=support_request.provider_id)
            .distinct()
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        if data.get("status") == SupportRequestStatus.REDIRECTED and not (
            data.get("redirected_to") or data.get("redirected_to_text", "").strip()
        ):
            raise forms.ValidationError("Dites vers quelle structure vous réorientez la personne.")
        return data


class CoverageFilterForm(forms.Form):
    etape = forms.ChoiceField(
        label="Étape", choices=[("", "Toutes les étapes")] + Phase.choices, required=False
    )
    aide = forms.ChoiceField(
        label="Type d'aide",
        choices=[("", "Tous les types d'aide")] + HelpKind.choices,
        required=False,
    )
