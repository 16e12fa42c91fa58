from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from essor.core.models import Decision, TransitionLog
from essor.core.reversing import reverse_one
from essor.core.text import fold
from essor.territories.models import Commune

from . import nomenclatures, workflow
from .enums import (
    AdministrativeStatus,
    ChangeKind,
    ClaimStatus,
    CoordinatePrecision,
    Diffusion,
    EssFamily,
    LabelKind,
    MembershipRole,
    Source,
    SuggestionStatus,
)
from .ess import ess_family_reason
from .identifiers import is_valid_rna, is_valid_siren, is_valid_siret


def validate_siren(value):
    if value and not is_valid_siren(value):
        raise ValidationError(
            "« %(value)s » n'est pas un numéro SIREN valide.", params={"value": value}
        )


def validate_siret(value):
    if value and not is_valid_siret(value):
        raise ValidationError(
            "« %(value)s » n'est pas un numéro SIRET valide.", params={"value": value}
        )


def validate_rna(value):
    if value and not is_valid_rna(value):
        raise ValidationError(
            "« %(value)s » n'est pas un numéro RNA valide (W suivi de 9 caractères).",
            params={"value": value},
        )


class Label(models.Model):
    """A label or agrément an organisation holds (SIAE kinds, EA, ESAT, GEIQ...)."""

    code = models.SlugField("code", max_length=30, unique=True)
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("nature", max_length=20, choices=LabelKind.choices)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "label ou agrément"
        verbose_name_plural = "labels et agréments"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


# « Publicly listed », the one rule: in activity and in the ESS (a family decided by the
# importers or the CRESS). /annuaire/, its map and export, the open-data API and the
# platform search list these organisations and no other; the search index's triggers
# select the same rows (a test compares them, tests/test_search.py); an organisation's
# page is public when it is listed or a registered reason says why
# (directory.services.with_public_page).
IN_ESS = ~models.Q(ess_family="")
PUBLICLY_LISTED = models.Q(status=AdministrativeStatus.ACTIVE) & IN_ESS


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=AdministrativeStatus.ACTIVE)

    def in_ess(self):
        return self.filter(IN_ESS)

    def publicly_listed(self):
        return self.filter(PUBLICLY_LISTED)


def folded_search_text(name, acronym="", description=""):
    """An organisation's `search_text` (importers writing rows without instances too)."""
    return fold(" ".join(filter(None, [name, acronym, description])))


class Organisation(models.Model):
    """A legal unit (unité légale) of the ESS."""

    # Identity — from SIRENE or the RNA when imported; not hand-editable then.
    siren = models.CharField(
        "SIREN", max_length=9, unique=True, null=True, blank=True, validators=[validate_siren]
    )
    rna = models.CharField(
        "numéro RNA", max_length=10, unique=True, null=True, blank=True, validators=[validate_rna]
    )
    name = models.CharField("nom", max_length=255)
    acronym = models.CharField("sigle", max_length=100, blank=True)
    legal_category = models.CharField("catégorie juridique", max_length=4, blank=True)
    ess_family = models.CharField(
        "famille de l'ESS", max_length=20, choices=EssFamily.choices, blank=True
    )
    ess_flag = models.BooleanField("dans le champ de l'ESS selon SIRENE", null=True, blank=True)
    is_esus = models.BooleanField("agrément ESUS", default=False)
    is_mission_company = models.BooleanField("société à mission", default=False)
    is_public_utility = models.BooleanField("reconnue d'utilité publique", default=False)
    created_on = models.DateField("date de création", null=True, blank=True)
    closed_on = models.DateField("date de fermeture", null=True, blank=True)
    status = models.CharField(
        "état",
        max_length=10,
        choices=AdministrativeStatus.choices,
        default=AdministrativeStatus.ACTIVE,
    )
    diffusion = models.CharField(
        "diffusion", max_length=1, choices=Diffusion.choices, default=Diffusion.PUBLIC
    )
    # Profile — written by the organisation's admins.
    description = models.TextField("présentation (Markdown)", blank=True)
    website = models.URLField("site web", blank=True)
    public_email = models.EmailField("e-mail de contact public", blank=True)
    public_phone = models.CharField(
        "téléphone public",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 .()-]{6,20}$", "Numéro de téléphone invalide.")],
    )
    logo = models.ImageField("logo", upload_to="logos/", blank=True)
    networks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="network_members",
        verbose_name="réseaux",
    )
    labels = models.ManyToManyField(
        Label, blank=True, related_name="organisations", verbose_name="labels et agréments"
    )
    sectors = models.JSONField("secteurs de l'ESS", default=list, blank=True)
    # Provenance.
    source = models.CharField(
        "source", max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_updated_at = models.DateTimeField("mise à jour de la source", null=True, blank=True)
    is_synthetic = models.BooleanField("fictive (démonstration)", default=False)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    # Fields refreshed by imports; the profile form never edits them.
    REGISTRY_FIELDS = [
        "siren", "rna", "name", "acronym", "legal_category", "ess_family", "ess_flag",
        "is_mission_company", "is_public_utility", "created_on", "closed_on", "status", "diffusion",
    ]  # fmt: skip

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]
        indexes = [models.Index(fields=["ess_family", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_one("directory:organisation", self.pk)

    @property
    def display_name(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def legal_category_label(self):
        return nomenclatures.legal_category_label(self.legal_category)

    @property
    def ess_family_reason(self):
        return ess_family_reason(self.legal_category, "O" if self.ess_flag else None)

    @property
    def is_from_registry(self):
        return self.source in {Source.SIRENE, Source.RNA}

    def refresh_search_text(self):
        """The folded text the fallback search and the FTS index read."""
        self.search_text = folded_search_text(self.name, self.acronym, self.description)


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=MembershipRole.ADMIN)


class Membership(models.Model):
    """A person's place in an organisation of the directory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        "rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=AdministrativeStatus.ACTIVE)

    def employers(self):
        return self.filter(is_employer=True)

    def in_region(self, region_code=None):
        return self.filter(commune__region_id=region_code or settings.ESSOR_REGION)


class Establishment(models.Model):
    siret = models.CharField(
        "SIRET", max_length=14, unique=True, null=True, blank=True, validators=[validate_siret]
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="establishments",
        verbose_name="structure",
    )
    name = models.CharField("nom ou enseigne", max_length=255, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="establishments"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinate_precision = models.CharField(
        "précision de la position", max_length=12, choices=CoordinatePrecision.choices, blank=True
    )
    naf = models.CharField("activité (NAF rév. 2)", max_length=6, blank=True)
    headcount_band = models.CharField("tranche d'effectif", max_length=2, blank=True)
    is_employer = models.BooleanField("employeur", default=False)
    is_head_office = models.BooleanField("siège", default=False)
    status = models.CharField(
        "état",
        max_length=10,
        choices=AdministrativeStatus.choices,
        default=AdministrativeStatus.ACTIVE,
    )
    diffusion = models.CharField(
        "diffusion", max_length=1, choices=Diffusion.choices, default=Diffusion.PUBLIC
    )
    created_on = models.DateField("date de création", null=True, blank=True)
    closed_on = models.DateField("date de fermeture", null=True, blank=True)
    source = models.CharField(
        "source", max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_updated_at = models.DateTimeField("mise à jour de la source", null=True, blank=True)
    is_synthetic = models.BooleanField("fictif (démonstration)", default=False)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement"
        ordering = ["-is_head_office", "name"]
        indexes = [
            models.Index(fields=["status", "is_employer"]),
            models.Index(fields=["naf"]),
        ]
        constraints = [
            # A position is a pair: never one coordinate without the other.
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="establishment_latitude_with_longitude",
            ),
        ]

    def __str__(self):
        return self.name or self.organisation.name

    @property
    def naf_label(self):
        return nomenclatures.naf_label(self.naf)

    @property
    def headcount_band_label(self):
        return nomenclatures.headcount_band_label(self.headcount_band)

    @property
    def shows_address(self):
        # INSEE withholds a partially-diffusible unit's address: so do we.
        return self.diffusion == Diffusion.PUBLIC


class OrganisationChange(models.Model):
    """One change of an organisation's profile: who, when, what (old and new values).

    Staff can revert a change; the revert is itself a change."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("nature", max_length=20, choices=ChangeKind.choices)
    # {"field": [old, new]}, values as stored (JSON-serialisable).
    changes = models.JSONField("changements")
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)
    reverted_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reverts"
    )

    class Meta:
        verbose_name = "modification"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()} ({self.created_at:%d/%m/%Y})"


class Claim(Decision, models.Model):
    """ "C'est ma structure": a person asks to administer an organisation's listing."""

    workflow = workflow.CLAIMS

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    message = models.TextField("message", blank=True, max_length=2000)
    status = models.CharField(
        "état", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    automatic = models.BooleanField("validée automatiquement (domaine de l'e-mail)", default=False)
    # What the person was in the organisation before: a revoked claim gives it back.
    previous_role = models.CharField(
        "rôle avant la demande", max_length=10, choices=MembershipRole.choices, blank=True
    )
    created_at = models.DateTimeField("demandée le", auto_now_add=True)

    class Meta:
        verbose_name = "revendication"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_claim_per_user_and_org",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class ClaimTransition(TransitionLog):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une revendication"
        verbose_name_plural = "historique des revendications"


class EditSuggestion(Decision, models.Model):
    """A correction suggested by anyone logged in, applied only after moderation."""

    workflow = workflow.SUGGESTIONS

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="suggestions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # {"field": new_value}
    proposed = models.JSONField("modifications proposées")
    comment = models.TextField("explication", blank=True, max_length=2000)
    status = models.CharField(
        "état", max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)

    class Meta:
        verbose_name = "suggestion de correction"
        verbose_name_plural = "suggestions de correction"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"


class Invitation(models.Model):
    """An organisation admin invites someone by e-mail to join the organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField(
        "rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
