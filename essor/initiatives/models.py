from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from essor.core.fields import CodeListField
from essor.core.models import Decision, TransitionLog
from essor.directory.models import Organisation

from . import workflow
from .enums import (
    Axis,
    CarrierRole,
    InitiativeSource,
    ReportReason,
    ReportStatus,
    Stage,
    Status,
    Theme,
)
from .text import initiative_search_text, search_fold

# A carrier may change what it wrote while nobody is reading it as published.
EDITABLE_STATUSES = {Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED}


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def of_member(self, user):
        """What a person wrote, or what an organisation of theirs carries (any status)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(created_by=user)
            | models.Q(
                carriers__role=CarrierRole.CARRIER,
                carriers__organisation__memberships__user=user,
            )
        ).distinct()

    def for_listing(self):
        return self.prefetch_related(
            models.Prefetch(
                "carriers",
                queryset=Carrier.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            "theme_links",
        )


class Initiative(models.Model):
    """A practice or social innovation ("fiche action"), carried by organisations of the
    directory. Its life is a moderated workflow (workflow.INITIATIVES) logged in transitions."""

    workflow = workflow.INITIATIVES

    slug = models.SlugField("adresse", max_length=120, unique=True)
    title = models.CharField("titre", max_length=200)
    summary = models.TextField("résumé", max_length=700)
    body = models.TextField("description (Markdown)")
    axis = models.CharField("axe", max_length=15, choices=Axis.choices)
    stage = models.CharField("étape", max_length=20, choices=Stage.choices, blank=True)
    territory_label = models.CharField("territoire", max_length=200, blank=True)
    departement_codes = CodeListField("départements", max_length=200)
    epci_codes = CodeListField("intercommunalités", max_length=1000)
    organisations = models.ManyToManyField(
        Organisation, through="Carrier", related_name="initiatives", verbose_name="structures"
    )
    # Carriers that are a kind of structure rather than one organisation ("les CIGALES").
    other_carriers = models.CharField("autres porteurs (hors annuaire)", max_length=255, blank=True)
    impact = models.TextField("impact (Markdown)", blank=True)
    year = models.PositiveSmallIntegerField(
        "année de lancement",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    # [{"url": "https://…", "label": "…"}]
    links = models.JSONField("liens", default=list, blank=True)
    contact_name = models.CharField("contact (nom)", max_length=150, blank=True)
    contact_email = models.EmailField("contact (e-mail public)", blank=True)
    source = models.CharField(
        "origine",
        max_length=15,
        choices=InitiativeSource.choices,
        default=InitiativeSource.CONTRIBUTED,
    )
    source_citation = models.TextField("source citée", blank=True)
    # The report example's identifier: what makes the report loader idempotent.
    report_slug = models.SlugField(
        max_length=120, unique=True, null=True, blank=True, editable=False
    )
    report_section = models.CharField("section du rapport", max_length=300, blank=True)
    status = models.CharField(
        "état", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    search_title = models.CharField(max_length=200, editable=False, blank=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = "initiative"
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "axis"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_from_report(self):
        return self.source == InitiativeSource.REPORT

    @property
    def themes(self):
        return [Theme(link.theme) for link in self.theme_links.all()]

    @property
    def carrier_links(self):
        return [c for c in self.carriers.all() if c.role == CarrierRole.CARRIER]

    @property
    def partner_links(self):
        return [c for c in self.carriers.all() if c.role == CarrierRole.PARTNER]

    @property
    def carrier_names(self):
        names = [c.organisation.display_name for c in self.carrier_links]
        return names + ([self.other_carriers] if self.other_carriers else [])

    def set_themes(self, themes):
        themes = list(dict.fromkeys(themes))
        self.theme_links.exclude(theme__in=themes).delete()
        existing = set(self.theme_links.values_list("theme", flat=True))
        InitiativeTheme.objects.bulk_create(
            InitiativeTheme(initiative=self, theme=t) for t in themes if t not in existing
        )

    def refresh_search_text(self):
        names = [
            name
            for c in self.carriers.select_related("organisation")
            for name in (c.organisation.name, c.organisation.acronym)
        ]
        self.search_text = initiative_search_text(
            title=self.title,
            summary=self.summary,
            body=self.body,
            territory=self.territory_label,
            names=[*names, self.other_carriers],
        )
        self.search_title = search_fold(self.title)[:200]


class InitiativeTheme(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.CharField("thème", max_length=30, choices=Theme.choices)

    class Meta:
        verbose_name = "thème"
        constraints = [
            models.UniqueConstraint(fields=["initiative", "theme"], name="one_theme_link_per_theme")
        ]

    def __str__(self):
        return self.get_theme_display()


class Carrier(models.Model):
    """An organisation of the directory that carries an initiative, or a partner of it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="carriers")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="initiative_roles",
        verbose_name="structure",
    )
    role = models.CharField(
        "rôle", max_length=10, choices=CarrierRole.choices, default=CarrierRole.CARRIER
    )

    class Meta:
        verbose_name = "structure porteuse ou partenaire"
        verbose_name_plural = "structures porteuses ou partenaires"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation"], name="one_role_per_initiative_and_org"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ImpactIndicator(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField("indicateur", max_length=200)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=50, blank=True)
    year = models.PositiveSmallIntegerField(
        "année",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    class Meta:
        verbose_name = "indicateur d'impact"
        verbose_name_plural = "indicateurs d'impact"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}".strip()


class InitiativeTransition(TransitionLog):
    """One line of an initiative's history: who did what, when, and why."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape de l'historique"
        verbose_name_plural = "historique"


class ContentReport(Decision, models.Model):
    """Anyone may report an initiative; CRESS staff handle the queue (workflow.REPORTS: who
    handled it, when and what was done are the Decision's fields)."""

    workflow = workflow.REPORTS

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="content_reports"
    )
    reason = models.CharField("motif", max_length=20, choices=ReportReason.choices)
    message = models.TextField("précisions", max_length=2000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_email = models.EmailField("e-mail pour la réponse", blank=True)
    status = models.CharField(
        "état",
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField("signalé le", auto_now_add=True)

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.initiative} — {self.get_reason_display()} ({self.get_status_display()})"


class SpreadRequest(models.Model):
    """ "Je veux essaimer cette initiative": a contact request sent to the carriers, kept
    so that they find it on ESSor too."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="spread_requests"
    )
    name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse e-mail")
    organisation_name = models.CharField("structure", max_length=200, blank=True)
    message = models.TextField("message", max_length=3000)
    consent_at = models.DateTimeField("accord de transmission donné le")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spread_requests",
    )
    recipient_count = models.PositiveSmallIntegerField("destinataires", default=0)
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "demande d'essaimage"
        verbose_name_plural = "demandes d'essaimage"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} → {self.initiative}"
