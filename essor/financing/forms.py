from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory

from essor.directory import nomenclatures
from essor.directory.enums import Phase
from essor.directory.models import Organisation
from essor.territories.forms import AreaPickerForm
from essor.territories.models import Commune

from .enums import (
    CHARGE_ACCOUNTS,
    PRODUCT_ACCOUNTS,
    SUBSIDY_ACCOUNT,
    Beneficiary,
    CallKind,
    Instrument,
    LineStatus,
    Need,
    Transition,
)
from .models import BudgetLine, Dossier, FinancingTool, FundingLine, OrganisationDocument

ALLOWED_DOCUMENTS = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8"}
MAX_DOCUMENT_SIZE = 5 * 1024 * 1024


def _blank(choices, label="Tous"):
    return [("", label), *choices]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Mots-clés", required=False, max_length=100)
    instrument = forms.ChoiceField(
        label="Instrument", choices=_blank(Instrument.choices), required=False
    )
    call_kind = forms.ChoiceField(
        label="Type d'appel", choices=_blank(CallKind.choices), required=False
    )
    beneficiary = forms.ChoiceField(
        label="Bénéficiaire", choices=_blank(Beneficiary.choices), required=False
    )
    phase = forms.ChoiceField(
        label="Étape", choices=_blank(Phase.choices, "Toutes"), required=False
    )
    need = forms.ChoiceField(label="Besoin", choices=_blank(Need.choices), required=False)
    commune = forms.CharField(
        label="Code INSEE de la commune",
        required=False,
        max_length=5,
        help_text="Par exemple 86194 pour Poitiers : les outils qui couvrent cette commune.",
    )
    open = forms.BooleanField(label="Seulement les appels ouverts", required=False)

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip()
        if code and not Commune.objects.filter(code=code).exists():
            raise ValidationError("Aucune commune n'a ce code INSEE.")
        return code


class ProfileForm(forms.Form):
    """The profile of a project not yet tied to an organisation (or to complete one)."""

    organisation = forms.ModelChoiceField(
        label="Structure", queryset=Organisation.objects.none(), required=False,
        empty_label="Aucune : je décris mon projet",
    )  # fmt: skip
    beneficiary = forms.ChoiceField(
        label="Forme de la structure", choices=_blank(Beneficiary.choices, "—"), required=False
    )
    age_months = forms.IntegerField(
        label="Ancienneté de la structure (mois)", min_value=0, max_value=2000, required=False
    )
    phase = forms.ChoiceField(label="Étape", choices=_blank(Phase.choices, "—"), required=False)
    needs = forms.MultipleChoiceField(
        label="Besoins", choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sector = forms.ChoiceField(label="Secteur d'activité", required=False)
    commune = forms.CharField(label="Code INSEE de la commune", max_length=5, required=False)
    amount = forms.IntegerField(
        label="Montant recherché (€)", min_value=1, max_value=100_000_000, required=False
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "—"), *nomenclatures.ess_sectors().items()]
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise ValidationError("Aucune commune n'a ce code INSEE.")
        return commune


class ToolForm(AreaPickerForm, forms.ModelForm):
    beneficiaries = forms.MultipleChoiceField(
        label="Bénéficiaires éligibles", choices=Beneficiary.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Aucun coché : ouvert à tous.",
    )  # fmt: skip
    phases = forms.MultipleChoiceField(
        label="Étapes de vie", choices=Phase.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    external_url = forms.URLField(
        label="Lien pour candidater", required=False, assume_scheme="https"
    )
    needs = forms.MultipleChoiceField(
        label="Besoins financés", choices=Need.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    sectors = forms.MultipleChoiceField(
        label="Secteurs d'activité", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Les secteurs de l'ESS des observatoires. Aucun coché : tous secteurs.",
    )  # fmt: skip

    class Meta:
        model = FinancingTool
        fields = [
            "title", "summary", "description", "programme", "instrument", "call_kind",
            "opens_on", "closes_on", "recurrence", "envelope", "beneficiaries",
            "min_age_months", "max_age_months", "phases", "needs", "sectors", "themes",
            "amount_min", "amount_max", "rate", "apply_mode", "external_url", "contact",
        ]  # fmt: skip
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = list(nomenclatures.ess_sectors().items())

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low and high and low > high:
            self.add_error("amount_max", "Le montant maximal est inférieur au montant minimal.")
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and opens > closes:
            self.add_error("closes_on", "La clôture précède l'ouverture.")
        if data.get("apply_mode") == "external" and not data.get("external_url"):
            self.add_error("external_url", "Indiquez le lien pour candidater.")
        return data


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "title", "objectives", "description", "beneficiaries", "territory", "starts_on",
            "ends_on", "indicators", "sworn_accurate", "sworn_obligations",
            "share_tour_with_funders",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", "La fin précède le début.")
        return data


class BudgetLineForm(forms.ModelForm):
    account = forms.ChoiceField(
        label="Compte",
        choices=[("", "—"), ("Charges", CHARGE_ACCOUNTS), ("Produits", PRODUCT_ACCOUNTS)],
    )
    amount = forms.DecimalField(label="Montant (€)", min_value=0, max_digits=12, decimal_places=2)

    class Meta:
        model = BudgetLine
        fields = ["account", "label", "amount"]

    def clean(self):
        data = super().clean()
        if data.get("account") == SUBSIDY_ACCOUNT and not (data.get("label") or "").strip():
            self.add_error("label", "Une subvention (compte 74) se détaille par financeur.")
        return data


class BaseDossierFormSet(BaseModelFormSet):
    def __init__(self, *args, dossier, **kwargs):
        self.dossier = dossier
        super().__init__(*args, **kwargs)


class BaseBudgetFormSet(BaseDossierFormSet):
    """The lines typed in the budget; the subsidy lines of the tour de table's funders
    are written from it (services.sync_subsidy_lines) and are not typed twice."""

    def __init__(self, *args, from_tour=(), **kwargs):
        self.from_tour = {line.label for line in from_tour}
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or data.get("account") != SUBSIDY_ACCOUNT:
                continue
            if (data.get("label") or "").strip() in self.from_tour:
                form.add_error(
                    "label",
                    "Ce financeur est dans le tour de table : le montant qui lui est demandé "
                    "vient de là, ne le saisissez pas une seconde fois.",
                )


# One blank line: « Ajouter une ligne » adds more (in the page, or by posting without JS).
BudgetFormSet = modelformset_factory(
    BudgetLine, form=BudgetLineForm, formset=BaseBudgetFormSet, extra=1, can_delete=True
)


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme l'envoi du dossier, figé tel qu'il est, à chaque financeur du tour "
        "de table.",
        error_messages={"required": "Cochez la case pour confirmer l'envoi."},
    )


class FundingLineForm(forms.ModelForm):
    funder = forms.ModelChoiceField(
        label="Financeur", queryset=Organisation.objects.none(), required=False,
        empty_label="À trouver",
    )  # fmt: skip
    tool = forms.ModelChoiceField(
        label="Outil", queryset=FinancingTool.objects.published(), required=False,
        empty_label="—",
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Statut",
        choices=[(LineStatus.PLANNED, "Prévu"), (LineStatus.TO_FIND, "À trouver")],
        # The select shows « Prévu » on a blank line: as its initial value, a blank line
        # left as it is counts as unchanged and is ignored instead of required.
        initial=LineStatus.PLANNED,
    )
    amount_asked = forms.DecimalField(
        label="Montant demandé (€)", min_value=0, max_digits=12, decimal_places=2
    )

    class Meta:
        model = FundingLine
        fields = ["funder", "tool", "amount_asked", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The funders are the organisations that publish at least one tool.
        self.fields["funder"].queryset = Organisation.objects.filter(
            financing_tools__isnull=False
        ).distinct()

    def clean(self):
        data = super().clean()
        tool, funder = data.get("tool"), data.get("funder")
        if tool and funder and not tool.funders.filter(pk=funder.pk).exists():
            self.add_error("tool", "Cet outil n'est pas proposé par ce financeur.")
        if data.get("status") == LineStatus.TO_FIND:
            data["funder"] = None
        elif not funder and not self.errors:
            self.add_error("funder", "Choisissez le financeur, ou le statut « À trouver ».")
        return data


FundingFormSet = modelformset_factory(
    FundingLine, form=FundingLineForm, formset=BaseDossierFormSet, extra=3, can_delete=True
)


class RefuseChangesForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif du refus."},
    )


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(label="Étape", choices=Transition.choices)
    comment = forms.CharField(
        label="Commentaire ou motif", widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=5000,
    )  # fmt: skip
    amount = forms.DecimalField(
        label="Montant accordé (€)", required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, transitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transitions is not None:
            self.fields["transition"].choices = [(t.value, t.label) for t in transitions]


class SavedSearchForm(forms.Form):
    name = forms.CharField(label="Nom de la recherche", max_length=150)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = OrganisationDocument
        fields = ["kind", "title", "file", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"file": "PDF, PNG ou JPEG, 5 Mo au plus."}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        extension = name[name.rfind(".") :] if "." in name else ""
        if extension not in ALLOWED_DOCUMENTS:
            raise ValidationError("Seuls les fichiers PDF, PNG et JPEG sont acceptés.")
        if upload.size > MAX_DOCUMENT_SIZE:
            raise ValidationError("Le fichier dépasse 5 Mo.")
        head = upload.read(8)
        upload.seek(0)
        # The extension is the sender's word; the first bytes are the file's.
        if not head.startswith(ALLOWED_DOCUMENTS[extension]):
            raise ValidationError("Le contenu du fichier ne correspond pas à son extension.")
        return upload


class AttachmentsForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label="Pièces à joindre", queryset=OrganisationDocument.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = organisation.documents.all()
        self.fields["documents"].label_from_instance = lambda document: (
            f"{document.get_kind_display()} — {document}"
            + (
                f" (valable jusqu'au {document.valid_until:%d/%m/%Y})"
                if document.valid_until
                else ""
            )
        )
