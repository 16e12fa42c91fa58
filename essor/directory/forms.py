from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat

from . import nomenclatures
from .enums import LabelKind, MembershipRole
from .models import Label, Organisation
from .services import FIELD_LABELS, read_value, suggestable_fields

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 2000
LOGO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
PHONE_VALIDATORS = Organisation._meta.get_field("public_phone").validators


def sector_choices():
    return sorted(nomenclatures.ess_sectors().items(), key=lambda item: item[1])


class LogoField(forms.ImageField):
    """An image checked by its content, not its name: JPEG, PNG or WebP, 1 MB and
    2000 × 2000 pixels at most (a logo, not a photograph)."""

    default_error_messages = {
        "invalid_image": "Ce fichier n'est pas une image JPEG, PNG ou WebP lisible.",
    }
    # The content decides, not the name: the file is stored under a name of ours.
    default_validators = []

    def to_python(self, data):
        if data and getattr(data, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(
                f"Le logo pèse {filesizeformat(data.size)} : 1 Mo au maximum.", code="too_big"
            )
        image_file = super().to_python(data)
        if image_file is None:
            return None
        image = image_file.image
        if image.format not in LOGO_FORMATS:
            raise forms.ValidationError(
                f"Le logo doit être une image JPEG, PNG ou WebP (ce fichier est au format "
                f"{image.format}).",
                code="format",
            )
        width, height = image.size
        if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
            raise forms.ValidationError(
                f"Le logo mesure {width} × {height} pixels : {MAX_LOGO_SIDE} × {MAX_LOGO_SIDE} "
                "au maximum.",
                code="dimensions",
            )
        return image_file


def network_candidates(organisation):
    """The organisations that can be picked as networks: those that already head a network
    or carry a network label, plus the current ones. Listing every organisation of the
    directory would make a form of thousands of checkboxes."""
    current = organisation.networks.values("pk")
    return (
        Organisation.objects.in_ess()
        .filter(
            Q(network_members__isnull=False) | Q(labels__kind=LabelKind.NETWORK) | Q(pk__in=current)
        )
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name")
    )


class ProfileForm(forms.Form):
    """What an organisation's admins edit. A plain Form rather than a ModelForm: the
    service compares old and new values, so the form must not touch the instance."""

    description = forms.CharField(
        label="Présentation",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Texte en Markdown : **gras**, *italique*, listes, liens. Le HTML est retiré.",
    )
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")
    public_email = forms.EmailField(label="E-mail de contact public", required=False)
    public_phone = forms.CharField(
        label="Téléphone public", required=False, max_length=20, validators=PHONE_VALIDATORS
    )
    logo = LogoField(
        label="Logo",
        required=False,
        help_text="Image JPEG, PNG ou WebP, 1 Mo et 2000 × 2000 pixels au maximum.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    networks = forms.ModelMultipleChoiceField(
        label="Réseaux dont la structure est membre",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labels = forms.ModelMultipleChoiceField(
        label="Labels et agréments",
        queryset=Label.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label="Secteurs d'activité",
        choices=sector_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, organisation, *args, **kwargs):
        initial = {
            "description": organisation.description,
            "website": organisation.website,
            "public_email": organisation.public_email,
            "public_phone": organisation.public_phone,
            "logo": organisation.logo,
            "networks": read_value(organisation, "networks"),
            "labels": read_value(organisation, "labels"),
            "sectors": organisation.sectors,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["networks"].queryset = network_candidates(organisation)

    def clean_logo(self):
        value = self.cleaned_data.get("logo")
        # None: keep the current logo; False: the "clear" box was ticked.
        if value is False or isinstance(value, UploadedFile):
            return value
        return None


class ClaimForm(forms.Form):
    message = forms.CharField(
        label="Message à l'équipe de la CRESS",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Votre fonction dans la structure, un moyen de la vérifier…",
    )


class SuggestionForm(forms.Form):
    """A correction of the public fields; only the values that differ are kept."""

    FIELDS = {
        "name": lambda: forms.CharField(max_length=255),
        "acronym": lambda: forms.CharField(max_length=100),
        "address": lambda: forms.CharField(max_length=255),
        "description": lambda: forms.CharField(
            max_length=10_000, widget=forms.Textarea(attrs={"rows": 8})
        ),
        "website": lambda: forms.URLField(assume_scheme="https"),
        "public_email": lambda: forms.EmailField(),
        "public_phone": lambda: forms.CharField(max_length=20, validators=PHONE_VALIDATORS),
        "sectors": lambda: forms.MultipleChoiceField(
            choices=sector_choices, widget=forms.CheckboxSelectMultiple
        ),
    }

    comment = forms.CharField(
        label="Explication",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui est inexact et d'où vient votre information : l'équipe de la CRESS "
        "la vérifie avant de corriger.",
    )

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        fields = suggestable_fields(organisation)
        for name in fields:
            field = self.FIELDS[name]()
            field.label = FIELD_LABELS[name]
            field.required = False
            field.initial = read_value(organisation, name)
            self.fields[name] = field
        # The explanation last, after the values it explains.
        self.order_fields([*fields, "comment"])

    def proposed(self):
        # A field absent from the POST is left as it is, not proposed empty.
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name != "comment" and self.add_prefix(name) in self.data
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Envoyé par e-mail à la personne.",
    )


class RevokeClaimForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Envoyé par e-mail à la personne, qui perd les droits que la demande lui a donnés.",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne")
    role = forms.ChoiceField(
        label="Rôle", choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices)
