from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from essor.territories.areas import MAX_RADIUS_KM
from essor.territories.forms import AreaPickerForm, CommuneField

from .categories import category_tree
from .eligibility import RESERVATION_CHOICES
from .enums import NeedKind, Outcome, SupplierKind
from .models import PurchaseCategory, PurchaseNeed, SupplierDocument, SupplierProfile
from .sourcing import Criteria


def _amount_field(label):
    """An optional amount in euros, excluding tax, as buyers and suppliers give it."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "min_value": "Le montant ne peut pas être négatif.",
            "invalid": "Indiquez un montant en euros.",
        },
    )


def _attributes(attrs):
    """Django's widgets/attrs.html, in Python."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class GroupedSelect(forms.Select):
    """A <select> written in Python, the markup of Django's templates less their blank
    lines: those render one template per option, and the sourcing page, whose speed is
    a target, has 73."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>',
                        option["value"],
                        _attributes(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))  # noqa: S308 - a fixed string
        parts.append(mark_safe("\n</select>"))  # noqa: S308 - a fixed string
        return mark_safe("".join(parts))  # noqa: S308 - each part is escaped above


class CategoryChoiceField(forms.ModelChoiceField):
    """A category, or a whole family, picked in the tree (grouped options)."""

    widget = GroupedSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", PurchaseCategory.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "Toutes les catégories")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Cette catégorie d'achat n'existe pas."}
        )
        super().__init__(**kwargs)

    def _grouped(self, families_selectable):
        choices = [("", self.empty_label)] if self.empty_label is not None else []
        for family, children in category_tree(self.queryset.order_by("position")):
            options = [(c.code, c.name) for c in children]
            if families_selectable:
                options.insert(0, (family.code, f"{family.name} (toute la famille)"))
            choices.append((family.name, options))
        return choices


class SourcingForm(forms.Form):
    """The sourcing filters, read from the query string: the URL is the search to share."""

    q = forms.CharField(label="Mots-clés", required=False, max_length=200)
    categorie = CategoryChoiceField(label="Catégorie d'achat", required=False)
    commune = CommuneField(
        label="Lieu d'exécution (commune)",
        required=False,
        help_text="Les fournisseurs qui interviennent dans cette commune, et ceux situés dans "
        "le rayon choisi.",
    )
    rayon = forms.IntegerField(
        label="Rayon (km)",
        required=False,
        min_value=0,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "min_value": "Le rayon ne peut pas être négatif.",
            "max_value": f"Le rayon est de {MAX_RADIUS_KM} km au plus.",
            "invalid": "Le rayon est un nombre de kilomètres.",
        },
    )
    type = forms.MultipleChoiceField(
        label="Type de fournisseur",
        choices=SupplierKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Type de fournisseur inconnu : %(value)s."},
    )
    reserve = forms.MultipleChoiceField(
        label="Marchés réservés",
        choices=RESERVATION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les fournisseurs à qui ce marché peut être réservé.",
        error_messages={"invalid_choice": "Réservation inconnue : %(value)s."},
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = self.fields["categorie"]._grouped(True)

    def clean(self):
        data = super().clean()
        if data.get("rayon") and not data.get("commune") and "commune" not in self.errors:
            self.add_error("commune", "Indiquez la commune au centre du rayon.")
        return data

    CRITERIA_FIELDS = ("q", "categorie", "commune", "rayon", "type", "reserve")
    MULTIPLE = {"type", "reserve"}

    def params(self):
        """The criteria given, as the query string holds them: what a saved search keeps
        (the page is left out)."""
        params = {}
        for name in self.CRITERIA_FIELDS:
            value = (
                self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name)
            )
            if name in self.MULTIPLE:
                value = [v for v in ([value] if isinstance(value, str) else value or []) if v]
            elif isinstance(value, list):
                value = value[-1] if value else ""
            if value:
                params[name] = value.strip() if isinstance(value, str) else value
        return params

    def criteria(self):
        data = self.cleaned_data
        return Criteria(
            text=data.get("q") or "",
            category=data.get("categorie"),
            commune=data.get("commune"),
            radius_km=data.get("rayon") or None,
            kinds=data.get("type") or [],
            reservations=data.get("reserve") or [],
        )


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label="Nom de la recherche",
        max_length=150,
        error_messages={
            "required": "Donnez un nom à la recherche.",
            "max_length": "Le nom tient en 150 caractères.",
        },
    )
    criteres = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class SupplierProfileForm(AreaPickerForm, forms.ModelForm):
    area_error = (
        "Indiquez votre périmètre d'intervention : la région, des départements, des "
        "intercommunalités, des communes, un rayon autour d'une commune (ou toute la France)."
    )
    categories = forms.ModelMultipleChoiceField(
        label="Ce que vous vendez (catégories d'achat)",
        queryset=PurchaseCategory.objects.filter(parent__isnull=False),
        error_messages={
            "required": "Choisissez au moins une catégorie d'achat.",
            "invalid_choice": "Cette catégorie d'achat n'existe pas.",
            "invalid_pk_value": "Cette catégorie d'achat n'existe pas.",
        },
        help_text="Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    publish = forms.BooleanField(
        label="Publier la fiche : les acheteurs la trouvent dans le sourcing", required=False
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "summary",
            "description",
            "categories",
            "headcount_band",
            "turnover_band",
            "is_scic",
            "certifications",
            "references",
            "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        field.choices = [
            (family.name, [(c.pk, c.name) for c in children])
            for family, children in category_tree(PurchaseCategory.objects.order_by("position"))
        ]
        if self.instance.pk:
            self.initial["categories"] = list(self.instance.categories.values_list("pk", flat=True))
            self.initial["publish"] = self.instance.is_published


# --- Needs and answers -------------------------------------------------------------------------

ALLOWED_FILES = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8",),
    ".jpeg": (b"\xff\xd8",),
    # Office Open XML and OpenDocument files are zip archives.
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}
# Under the request limit (essor/core/uploads.py, 10 Mo) so that a need can carry a few.
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_FILES = 5
FILE_HELP = "PDF, DOCX, XLSX, ODT, ODS, PNG ou JPEG ; 5 Mo au plus par fichier."


def check_upload(upload):
    """A French ValidationError when the file is too big or not what its name says."""
    name = upload.name.lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in ALLOWED_FILES:
        raise forms.ValidationError(
            f"« {upload.name} » : type de fichier refusé. Acceptés : {FILE_HELP}"
        )
    if upload.size > MAX_FILE_SIZE:
        raise forms.ValidationError(f"« {upload.name} » dépasse 5 Mo.")
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ALLOWED_FILES[extension]):
        raise forms.ValidationError(
            f"« {upload.name} » : le contenu du fichier ne correspond pas à son extension."
        )
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"{MAX_FILES} fichiers au plus.")
        return [check_upload(super(MultipleFileField, self).clean(f, initial)) for f in files]


def preselect_single(field):
    """A member of a single organisation has nothing to choose: it comes chosen."""
    only = list(field.queryset[:2])
    if len(only) == 1:
        field.initial = only[0]


class NeedForm(forms.ModelForm):
    buyer = forms.ModelChoiceField(
        label="Structure acheteuse",
        queryset=None,
        error_messages={
            "required": "Choisissez la structure qui achète.",
            "invalid_choice": "Vous ne pouvez déposer un besoin qu'au nom d'une structure dont vous êtes membre.",
        },
    )
    category = forms.ModelChoiceField(
        label="Catégorie d'achat",
        queryset=PurchaseCategory.objects.filter(parent__isnull=False),
        error_messages={
            "required": "Choisissez la catégorie d'achat.",
            "invalid_choice": "Cette catégorie d'achat n'existe pas.",
        },
    )
    commune = CommuneField(
        label="Lieu d'exécution (commune)",
        help_text="Une commune française : les fournisseurs qui y interviennent seront prévenus.",
    )
    notice_url = forms.URLField(
        label="Lien vers l'avis officiel",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Indiquez l'adresse complète de l'avis (https://…)."},
    )
    attachments = MultipleFileField(
        label="Pièces jointes (cahier des charges…)", required=False, help_text=FILE_HELP
    )

    class Meta:
        model = PurchaseNeed
        fields = [
            "buyer", "title", "description", "category", "commune", "kind",
            "contract_reference", "notice_url", "budget_band", "reserved",
            "has_social_clause", "questions_deadline", "answers_deadline", "is_public",
        ]  # fmt: skip
        widgets = {
            "questions_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "answers_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "title": {"required": "Donnez un intitulé au besoin."},
            "description": {"required": "Décrivez le besoin."},
            "kind": {"required": "Indiquez la nature de la demande."},
            "answers_deadline": {
                "required": "Indiquez la date limite des réponses.",
                "invalid": "Date invalide (jj/mm/aaaa).",
            },
            "questions_deadline": {"invalid": "Date invalide (jj/mm/aaaa)."},
        }

    def __init__(self, *args, buyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = buyers
        if self.instance.pk:
            del self.fields["buyer"]
        else:
            preselect_single(self.fields["buyer"])
        self.fields["category"].choices = [("", "Choisissez une catégorie")] + [
            (family.name, [(c.pk, c.name) for c in children])
            for family, children in category_tree(PurchaseCategory.objects.order_by("position"))
        ]

    def clean_answers_deadline(self):
        from django.utils import timezone

        deadline = self.cleaned_data["answers_deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("La date limite des réponses est déjà passée.")
        return deadline

    def clean(self):
        data = super().clean()
        questions, answers = data.get("questions_deadline"), data.get("answers_deadline")
        if questions and answers and questions > answers:
            self.add_error(
                "questions_deadline",
                "La date limite des questions doit précéder celle des réponses.",
            )
        if data.get("kind") == NeedKind.PUBLIC_CONTRACT and not data.get("contract_reference"):
            self.add_error("contract_reference", "Indiquez la référence du marché public.")
        if data.get("notice_url") and not data["notice_url"].startswith("https://"):
            self.add_error("notice_url", "Le lien vers l'avis doit commencer par https://.")
        return data


MEMBER_ROWS = 3


class AnswerForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label="Répondre au nom de",
        queryset=None,
        error_messages={
            "required": "Choisissez la structure qui répond.",
            "invalid_choice": "Vous ne pouvez répondre qu'au nom d'une structure dont la fiche "
            "fournisseur est publiée et dont vous êtes membre.",
        },
    )
    interested = forms.TypedChoiceField(
        label="Êtes-vous intéressé ?",
        choices=[("oui", "Oui, nous sommes intéressés"), ("non", "Non, pas cette fois")],
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Dites si vous êtes intéressé."},
    )
    message = forms.CharField(
        label="Message à l'acheteur", widget=forms.Textarea, required=False, max_length=5000
    )
    amount = _amount_field("Montant proposé (€ HT)")
    quote = forms.FileField(label="Devis ou document", required=False, help_text=FILE_HELP)
    lead_share = forms.CharField(
        label="En groupement : votre part du travail (mandataire)", required=False, max_length=200
    )

    def __init__(self, *args, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
        preselect_single(self.fields["supplier"])
        for n in range(1, MEMBER_ROWS + 1):
            self.fields[f"member_{n}"] = forms.CharField(
                label=f"Co-traitant {n} : SIREN", required=False, max_length=14
            )
            self.fields[f"share_{n}"] = forms.CharField(
                label=f"Co-traitant {n} : sa part du travail", required=False, max_length=200
            )

    def clean_quote(self):
        upload = self.cleaned_data.get("quote")
        return check_upload(upload) if upload else None

    def clean(self):
        data = super().clean()
        members = []
        for n in range(1, MEMBER_ROWS + 1):
            siren = "".join((data.get(f"member_{n}") or "").split())
            share = (data.get(f"share_{n}") or "").strip()
            if not siren:
                if share:
                    self.add_error(f"member_{n}", "Indiquez le SIREN du co-traitant.")
                continue
            profile = (
                SupplierProfile.objects.published()
                .filter(organisation__siren=siren[:9])
                .select_related("organisation")
                .first()
            )
            if profile is None:
                self.add_error(
                    f"member_{n}",
                    f"Aucune structure de SIREN {siren} n'a de fiche fournisseur publiée.",
                )
            elif not share:
                self.add_error(f"share_{n}", "Indiquez la part du travail de ce co-traitant.")
            elif any(profile.pk == m.pk for m, _ in members):
                self.add_error(f"member_{n}", "Ce co-traitant est déjà dans le groupement.")
            else:
                members.append((profile, share))
        if members and not (data.get("lead_share") or "").strip():
            self.add_error("lead_share", "En groupement, indiquez votre part du travail.")
        data["members"] = members
        return data


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Issue",
        choices=Outcome.choices,
        error_messages={"required": "Indiquez l'issue du besoin."},
    )
    amount = _amount_field("Montant attribué (€ HT)")
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModerationForm(forms.Form):
    comment = forms.CharField(
        label="Motif (obligatoire pour un refus)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MAX_SUPPLIER_DOCUMENTS = 10


class SupplierDocumentForm(forms.ModelForm):
    file = forms.FileField(
        label="Fichier",
        help_text=FILE_HELP,
        error_messages={"required": "Choisissez le fichier à déposer."},
    )

    class Meta:
        model = SupplierDocument
        fields = ["kind", "title", "visibility", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "visibility": "Une plaquette est pour tout le monde ; une attestation, plutôt pour "
            "les acheteurs connectés (comptes « Acheteur » ou membres d'une structure).",
        }
        error_messages = {
            "kind": {"required": "Indiquez la nature du document."},
            "title": {"required": "Donnez un intitulé au document."},
            "visibility": {"required": "Indiquez qui peut voir le document."},
        }

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])

    def clean(self):
        data = super().clean()
        if self.profile.pk and self.profile.documents.count() >= MAX_SUPPLIER_DOCUMENTS:
            raise forms.ValidationError(
                f"{MAX_SUPPLIER_DOCUMENTS} documents au plus : supprimez-en un avant d'en "
                "déposer un autre."
            )
        return data
