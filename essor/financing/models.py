from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from essor.core.models import HeldChanges, TransitionLog
from essor.core.storage import PrivateFileField
from essor.core.text import fold
from essor.directory.enums import Phase
from essor.directory.models import Organisation
from essor.territories.areas import Area

from . import workflow
from .enums import (
    ACCOUNT_LABELS,
    CHARGES,
    AlertKind,
    ApplyMode,
    Beneficiary,
    BudgetScope,
    CallKind,
    DocumentKind,
    DossierStatus,
    Envelope,
    FundingRequestStatus,
    Instrument,
    LineStatus,
    Need,
    PdfStatus,
    Recurrence,
    ToolStatus,
)

ZERO = Decimal("0.00")


def money(**kwargs):
    # Amounts in euros with cents, as Decimal: never floats.
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class FinancingToolQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ToolStatus.PUBLISHED)

    def covering(self, place):
        """Tools whose territory serves all or part of the place (see territories.areas)."""
        return self.filter(pk__in=ToolArea.objects.covering(place).values("tool_id"))

    def with_facet(self, name, value):
        return self.filter(facets__contains=f" {name}:{value} ")

    def search(self, text):
        words = fold(text).split()
        queryset = self
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset


class FinancingTool(HeldChanges, models.Model):
    """A financing tool or a call for projects, as its funder describes it."""

    workflow = workflow.TOOL_CHANGES

    title = models.CharField("intitulé", max_length=200)
    summary = models.CharField("description courte", max_length=300)
    description = models.TextField("description détaillée (Markdown)", blank=True)
    funders = models.ManyToManyField(
        Organisation, related_name="financing_tools", verbose_name="financeurs", blank=True
    )
    instructing_body = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructed_tools",
        verbose_name="organisme instructeur",
        help_text="Quand il diffère du financeur (une plateforme, un opérateur délégué…).",
    )
    programme = models.CharField(
        "programme", max_length=150, blank=True, help_text="FSE+, FEDER, dispositif régional…"
    )
    instrument = models.CharField("instrument", max_length=30, choices=Instrument.choices)
    call_kind = models.CharField(
        "type d'appel", max_length=10, choices=CallKind.choices, default=CallKind.PERMANENT
    )
    opens_on = models.DateField("ouverture", null=True, blank=True)
    closes_on = models.DateField("clôture", null=True, blank=True)
    recurrence = models.CharField(
        "récurrence", max_length=10, choices=Recurrence.choices, blank=True, default=""
    )
    envelope = models.CharField(
        "état de l'enveloppe", max_length=10, choices=Envelope.choices, default=Envelope.OPEN
    )
    beneficiaries = models.JSONField("bénéficiaires éligibles", default=list, blank=True)
    min_age_months = models.PositiveIntegerField(
        "ancienneté minimale (mois)", null=True, blank=True
    )
    max_age_months = models.PositiveIntegerField(
        "ancienneté maximale (mois)", null=True, blank=True
    )
    phases = models.JSONField("étapes de vie", default=list, blank=True)
    needs = models.JSONField("besoins financés", default=list, blank=True)
    sectors = models.JSONField("secteurs", default=list, blank=True)
    themes = models.CharField("thèmes", max_length=300, blank=True)
    amount_min = models.PositiveIntegerField("montant minimal (€)", null=True, blank=True)
    amount_max = models.PositiveIntegerField("montant maximal (€)", null=True, blank=True)
    rate = models.CharField("taux ou conditions", max_length=150, blank=True)
    apply_mode = models.CharField(
        "comment candidater", max_length=10, choices=ApplyMode.choices, default=ApplyMode.DOSSIER
    )
    external_url = models.URLField("lien pour candidater", blank=True)
    contact = models.CharField("contact", max_length=300, blank=True)
    # "This tool opens the way to those": an honour loan before a bank loan...
    unlocks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocked_by",
        verbose_name="outils qu'il permet de mobiliser ensuite",
    )
    status = models.CharField(
        "état", max_length=10, choices=ToolStatus.choices, default=ToolStatus.DRAFT
    )
    is_illustrative = models.BooleanField(
        "montants et dates illustratifs (démonstration)", default=False
    )
    import_id = models.CharField(
        "identifiant d'import", max_length=100, unique=True, null=True, blank=True
    )
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised for portable filtering: " phase:seed need:investment benef:scop ".
    facets = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = FinancingToolQuerySet.as_manager()

    class Meta:
        verbose_name = "outil de financement"
        verbose_name_plural = "outils de financement"
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "closes_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
                name="financing_tool_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_min__lte=models.F("amount_max")),
                name="financing_tool_amount_min_at_most_max",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("financing:tool", args=[self.pk])

    def refresh_index(self):
        """Recompute the facets and the search text; call before saving an edit."""
        parts = [f"benef:{v}" for v in self.beneficiaries]
        parts += [f"phase:{v}" for v in self.phases]
        parts += [f"need:{v}" for v in self.needs]
        self.facets = f" {' '.join(parts)} " if parts else ""
        self.search_text = fold(
            " ".join([self.title, self.summary, self.description, self.programme, self.themes])
        )

    def is_published(self):
        return self.status == ToolStatus.PUBLISHED

    @property
    def accepts_dossier(self):
        return self.apply_mode == ApplyMode.DOSSIER

    @property
    def beneficiary_labels(self):
        return [Beneficiary(v).label for v in self.beneficiaries if v in Beneficiary.values]

    @property
    def phase_labels(self):
        return [Phase(v).label for v in self.phases if v in Phase.values]

    @property
    def need_labels(self):
        return [Need(v).label for v in self.needs if v in Need.values]


class ToolArea(Area):
    """One piece of a tool's territory (see essor/territories/areas.py)."""

    tool = models.ForeignKey(FinancingTool, on_delete=models.CASCADE, related_name="areas")

    class Meta(Area.Meta):
        constraints = [
            *Area.Meta.constraints,
            models.UniqueConstraint(fields=["tool", "level", "code"], name="one_area_per_tool"),
        ]


class FollowedTool(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_tools"
    )
    tool = models.ForeignKey(FinancingTool, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "outil suivi"
        constraints = [
            models.UniqueConstraint(fields=["user", "tool"], name="financing_follow_once")
        ]

    def __str__(self):
        return f"{self.user} suit {self.tool}"


class SavedSearch(models.Model):
    """A catalog search a person wants to hear about: its query string is replayed
    against each newly published tool."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="financing_searches"
    )
    name = models.CharField("nom", max_length=150)
    params = models.JSONField("critères", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "recherche enregistrée"
        verbose_name_plural = "recherches enregistrées"
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class SentAlert(models.Model):
    """One row per alert ever sent: re-running the alert command sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # About a tool (its followers, its applicants, its funders when it closes), or about
    # one request waiting for its funder.
    tool = models.ForeignKey(FinancingTool, on_delete=models.CASCADE, null=True, blank=True)
    funding_request = models.ForeignKey(
        "FundingRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    # The deadline or publication the alert was about: a recurring call alerts again next year.
    about = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "alerte envoyée"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tool", "kind", "about"], name="financing_alert_once"
            ),
            models.UniqueConstraint(
                fields=["user", "funding_request", "kind", "about"],
                condition=models.Q(funding_request__isnull=False),
                name="financing_request_alert_once",
            ),
            models.CheckConstraint(
                condition=models.Q(tool__isnull=False) | models.Q(funding_request__isnull=False),
                name="financing_alert_about_something",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.tool or self.funding_request} → {self.user}"


class OrganisationDocument(models.Model):
    """A piece of the organisation's document vault, reused from one dossier to the next.
    Never edited: a new version of the statutes is a new document, so that a submitted
    dossier keeps pointing at the file the funders received."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents", verbose_name="structure"
    )
    kind = models.CharField("nature", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    file = PrivateFileField("fichier", folder="financing/documents")
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def is_valid_on(self, day):
        return self.valid_until is None or self.valid_until >= day

    def download_name(self):
        """The stored name is random: the download is named after what the piece is."""
        suffix = PurePosixPath(self.file.name).suffix
        return f"{slugify(str(self)) or 'piece'}-{self.pk}{suffix}"


class Dossier(models.Model):
    """The dossier unique: written once by an organisation, sent to several funders."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="dossiers", verbose_name="structure"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField("intitulé du projet", max_length=200)
    objectives = models.TextField("objectifs", blank=True)
    description = models.TextField("description du projet", blank=True)
    beneficiaries = models.TextField("publics bénéficiaires", blank=True)
    territory = models.CharField("territoire du projet", max_length=200, blank=True)
    starts_on = models.DateField("date de début", null=True, blank=True)
    ends_on = models.DateField("date de fin", null=True, blank=True)
    indicators = models.TextField("indicateurs d'évaluation", blank=True)
    sworn_accurate = models.BooleanField(
        "Je certifie exactes les informations du présent dossier, notamment la mention de "
        "l'ensemble des demandes de subvention introduites auprès d'autres financeurs.",
        default=False,
    )
    sworn_obligations = models.BooleanField(
        "Je certifie que la structure est à jour de ses obligations administratives, "
        "comptables, sociales et fiscales.",
        default=False,
    )
    share_tour_with_funders = models.BooleanField(
        "J'accepte que chaque financeur du dossier voie le tour de table complet.",
        default=False,
    )
    attachments = models.ManyToManyField(
        OrganisationDocument, blank=True, related_name="dossiers", verbose_name="pièces jointes"
    )
    lead_funder = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_dossiers",
        verbose_name="chef de file",
    )
    status = models.CharField(
        "état", max_length=10, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "dossier de demande de financement"
        verbose_name_plural = "dossiers de demande de financement"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="financing_dossier_starts_before_it_ends",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("financing:dossier", args=[self.pk])

    def is_draft(self):
        return self.status == DossierStatus.DRAFT

    def is_editable(self):
        """A draft, or a submitted dossier one of whose funders asked for a complement:
        the edit then becomes a new frozen version, never a change to an earlier one."""
        if self.is_draft():
            return True
        return self.requests.filter(status=FundingRequestStatus.COMPLEMENT_REQUESTED).exists()

    def current_state(self, requests=None):
        """What the dossier's header says: never « Déposé » while a funder waits for a
        complement, and each funder's step once instruction has begun."""
        if self.is_draft():
            return self.get_status_display()
        # The list of dossiers prefetches requests__funder: .all() reads it.
        requests = list(self.requests.all() if requests is None else requests)
        waiting = [
            r.funder.name for r in requests if r.status == FundingRequestStatus.COMPLEMENT_REQUESTED
        ]
        if waiting:
            return f"Complément demandé par {', '.join(waiting)}"
        if all(r.status == FundingRequestStatus.RECEIVED for r in requests):
            return self.get_status_display()
        return " ; ".join(f"{r.funder.name} : {r.get_status_display().lower()}" for r in requests)

    def budget(self, scope):
        return Budget([line for line in self.budget_lines.all() if line.scope == scope])


class Budget:
    """The charges and products of one budget, with their totals."""

    def __init__(self, lines):
        self.lines = sorted(lines, key=lambda line: (line.account, line.pk or 0))
        self.charges = [line for line in self.lines if line.account in CHARGES]
        self.products = [line for line in self.lines if line.account not in CHARGES]
        self.total_charges = sum((line.amount for line in self.charges), ZERO)
        self.total_products = sum((line.amount for line in self.products), ZERO)

    @property
    def is_empty(self):
        return not self.lines

    @property
    def is_balanced(self):
        return self.total_charges == self.total_products

    @property
    def difference(self):
        return self.total_charges - self.total_products


class BudgetLine(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="budget_lines")
    scope = models.CharField("budget", max_length=10, choices=BudgetScope.choices)
    account = models.CharField("compte", max_length=2, choices=list(ACCOUNT_LABELS.items()))
    label = models.CharField(
        "détail", max_length=200, blank=True, help_text="Pour le compte 74 : le financeur."
    )
    amount = money(verbose_name="montant (€)")
    # A subsidy line (account 74) written from the tour de table: the amount asked of a
    # funder is entered once, there (services.sync_subsidy_lines).
    funding_line = models.OneToOneField(
        "FundingLine",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_line",
        verbose_name="ligne du tour de table",
    )

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["scope", "account", "pk"]

    def __str__(self):
        return f"{self.account} {self.label} {self.amount} €"

    @property
    def account_label(self):
        return ACCOUNT_LABELS.get(self.account, self.account)


class FundingLine(models.Model):
    """A line of the co-financing plan (tour de table)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="funding_lines")
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="financeur",
        help_text="Vide pour un financement encore à trouver.",
    )
    tool = models.ForeignKey(
        FinancingTool,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="outil",
    )
    amount_asked = money(verbose_name="montant demandé (€)")
    amount_granted = money(verbose_name="montant accordé (€)", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=LineStatus.choices, default=LineStatus.PLANNED
    )

    class Meta:
        verbose_name = "ligne du tour de table"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.funder or 'À trouver'} : {self.amount_asked} €"


class DossierVersion(models.Model):
    """Exactly what was sent, frozen: the funders read this, never the live dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    snapshot = models.JSONField()
    reason = models.CharField("motif", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    pdf = PrivateFileField(folder="financing/dossiers", blank=True)
    pdf_status = models.CharField(
        max_length=10, choices=PdfStatus.choices, blank=True, default=PdfStatus.NONE
    )

    class Meta:
        verbose_name = "version déposée"
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="financing_version_once")
        ]

    def __str__(self):
        return f"{self.dossier} — version {self.number}"


class FundingRequestQuerySet(models.QuerySet):
    def for_funders(self, organisations):
        return self.filter(funder__in=organisations)


class FundingRequest(models.Model):
    """What one funder received from a dossier, and where its instruction stands
    (workflow.INSTRUCTION)."""

    workflow = workflow.INSTRUCTION

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requests")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funding_requests"
    )
    tool = models.ForeignKey(
        FinancingTool, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    amount_asked = money(verbose_name="montant demandé (€)")
    amount_granted = money(verbose_name="montant accordé (€)", null=True, blank=True)
    status = models.CharField(
        "état",
        max_length=15,
        choices=FundingRequestStatus.choices,
        default=FundingRequestStatus.RECEIVED,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande reçue"
        verbose_name_plural = "demandes reçues"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "funder"], name="financing_request_once"),
            # Never more than was asked (request_transition says so in French first).
            models.CheckConstraint(
                condition=models.Q(amount_granted__isnull=True)
                | models.Q(amount_granted__gte=0, amount_granted__lte=models.F("amount_asked")),
                name="financing_request_granted_at_most_asked",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} → {self.funder}"

    def get_absolute_url(self):
        return reverse("financing:request", args=[self.pk])


class FundingRequestTransition(TransitionLog):
    """The log of a request's instruction: who did what, when, and why; the amount granted
    and the dossier's version sent with the step."""

    request = models.ForeignKey(
        FundingRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    amount = money(null=True, blank=True)
    version = models.ForeignKey(
        DossierVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'instruction"
        verbose_name_plural = "historique de l'instruction"


class ToolTransition(TransitionLog):
    """The log of a published tool's held links and contacts: held at an edit, then
    published or refused by the CRESS team, with the reason the funder reads."""

    tool = models.ForeignKey(FinancingTool, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'un outil"
        verbose_name_plural = "historique des outils"
