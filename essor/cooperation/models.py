"""Offers and needs of cooperation between organisations, the matches between them, the
message threads they open and what a concluded exchange brought.

One model for the seven kinds (`Listing`): what is common is a column, what belongs to
one kind is in `details`, validated by kinds.KINDS[kind]. The territory is a commune with
a radius, or a wider area (EPCI, département, région) around it: the area is also stored
as a territories.areas.Area row (ListingArea), so that « what serves this place? » is the
platform's one covering() query; its centre and reach are kept on the listing for
matching, which weighs tens of thousands of listings by distance."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from essor.core.models import Decision, TransitionLog
from essor.directory.models import Organisation
from essor.territories.areas import MAX_RADIUS_KM, Area, AreaLevel
from essor.territories.models import Commune

from .enums import ACTIVE_STATUSES, PUBLIC_STATUSES, Direction, Kind, Status
from .kinds import KINDS, MAX_DAYS_PER_WEEK
from .workflow import LISTINGS

WIDER_AREAS = [
    (AreaLevel.EPCI.value, "son intercommunalité (EPCI)"),
    (AreaLevel.DEPARTEMENT.value, "son département"),
    (AreaLevel.REGION.value, "sa région"),
]


class ListingQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def offers(self):
        return self.filter(direction=Direction.OFFER)

    def needs(self):
        return self.filter(direction=Direction.NEED)


class Listing(Decision, models.Model):
    workflow = LISTINGS

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperation_listings",
        verbose_name="structure",
    )
    direction = models.CharField("sens", max_length=10, choices=Direction.choices)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    category = models.CharField("catégorie", max_length=30)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description (Markdown)", max_length=4000, blank=True)
    details = models.JSONField("caractéristiques", default=dict, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    radius_km = models.PositiveSmallIntegerField("rayon (km)", null=True, blank=True)
    area_level = models.CharField(
        "ou tout le territoire de", max_length=15, choices=WIDER_AREAS, blank=True
    )
    # Kept from the commune or the area at each save (services.save_listing): matching.
    latitude = models.FloatField(null=True, editable=False)
    longitude = models.FloatField(null=True, editable=False)
    reach_km = models.FloatField(default=0, editable=False)
    territory_label = models.CharField("territoire", max_length=200, editable=False)
    starts_on = models.DateField("à partir du")
    ends_on = models.DateField("jusqu'au", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("publiée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = "offre ou besoin de coopération"
        verbose_name_plural = "offres et besoins de coopération"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind", "direction", "latitude"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_km__isnull=True)
                | Q(radius_km__gte=1, radius_km__lte=MAX_RADIUS_KM),
                name="cooperation_radius_in_range",
            ),
            models.CheckConstraint(
                condition=Q(radius_km__isnull=True) | Q(area_level=""),
                name="cooperation_radius_or_area",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="cooperation_status_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="cooperation_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="cooperation_direction_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.SHARED_JOB)
                | Q(details__days_per_week__lte=MAX_DAYS_PER_WEEK),
                name="cooperation_shared_job_at_most_5_days",
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} · {self.title} — {self.organisation}"

    def get_absolute_url(self):
        return reverse("cooperation:listing", args=[self.pk])

    @property
    def spec(self):
        return KINDS[self.kind]

    @property
    def category_label(self):
        return self.spec.category_label(self.category)

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    def detail_items(self):
        """[(label, value)] of the kind's attributes, in the form's order, for pages."""
        form = self.spec.form()
        items = []
        for name, field in form.fields.items():
            value = self.details.get(name)
            if value in (None, "", [], False):
                continue
            choices = dict(getattr(field, "choices", []) or [])
            if isinstance(value, list):
                value = ", ".join(str(choices.get(v, v)) for v in value)
            elif value is True:
                value = "oui"
            else:
                value = choices.get(value, value)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            items.append((field.label, value))
        return items


class ListingArea(Area):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="areas")

    class Meta(Area.Meta):
        constraints = [
            *Area.Meta.constraints,
            models.UniqueConstraint(
                fields=["listing", "level", "code"], name="one_area_per_listing"
            ),
        ]


class ListingTransition(TransitionLog):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une offre ou d'un besoin"


class Match(models.Model):
    """An offer that fits a need, found once and notified once."""

    offer = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    need = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    distance_km = models.FloatField("distance (km)")
    reasons = models.JSONField("pourquoi", default=list)
    notified_at = models.DateTimeField("notifiée le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rapprochement"
        constraints = [
            models.UniqueConstraint(fields=["offer", "need"], name="cooperation_one_match")
        ]

    def __str__(self):
        return f"{self.offer_id} ↔ {self.need_id}"


class Thread(models.Model):
    """The conversation between a listing's organisation and another one. Private to the
    two; each side's e-mail is shown only once both have accepted to share it."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="threads")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cooperation_threads",
        verbose_name="structure qui écrit",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    owner_accepted_at = models.DateTimeField(null=True, blank=True)
    guest_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "échange de messages"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "organisation"], name="cooperation_one_thread_per_pair"
            )
        ]

    def __str__(self):
        return f"Échange {self.pk}"

    def get_absolute_url(self):
        return reverse("cooperation:thread", args=[self.pk])

    @property
    def contacts_shared(self):
        return bool(self.owner_accepted_at and self.guest_accepted_at)


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_owner = models.BooleanField()
    body = models.TextField("message", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class Outcome(models.Model):
    """What a concluded exchange brought."""

    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, related_name="outcome")
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="avec",
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    concluded_at = models.DateTimeField(auto_now_add=True)
    skills_days = models.DecimalField(
        "jours de compétences", max_digits=7, decimal_places=1, default=0
    )
    surface_m2 = models.PositiveIntegerField("m² partagés", default=0)
    mentoring_hours = models.DecimalField(
        "heures de mentorat", max_digits=7, decimal_places=1, default=0
    )
    jobs_shared = models.DecimalField("emplois partagés", max_digits=5, decimal_places=1, default=0)
    euros_saved = models.PositiveIntegerField("euros économisés", default=0)
    comment = models.TextField("ce que l'échange a apporté", max_length=2000, blank=True)

    class Meta:
        verbose_name = "échange conclu"
        constraints = [
            models.CheckConstraint(
                condition=Q(skills_days__gte=0, mentoring_hours__gte=0, jobs_shared__gte=0),
                name="cooperation_outcome_not_negative",
            )
        ]

    def __str__(self):
        return f"Conclusion de {self.listing_id}"


# --- Employer groups and the GE helper's proposals ------------------------------------------


class CarrierKind(models.TextChoices):
    GE = "ge", "groupement d'employeurs (GE)"
    CRGE = "crge", "centre de ressources des groupements d'employeurs (CRGE)"


class EmployerGroup(models.Model):
    """A directory organisation that carries shared jobs (a GE) or supports those who
    do (a CRGE), and the territory it serves: the GE helper's proposals go to those
    that cover the jobs' place."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="employer_group"
    )
    kind = models.CharField("type", max_length=5, choices=CarrierKind.choices)
    report_quote = models.TextField("ce qu'en dit l'état des lieux 2016", blank=True)
    provenance = models.CharField("provenance", max_length=300, blank=True)

    class Meta:
        verbose_name = "groupement d'employeurs ou CRGE"
        verbose_name_plural = "groupements d'employeurs et CRGE"

    def __str__(self):
        return f"{self.organisation} ({self.get_kind_display()})"


class CarrierArea(Area):
    group = models.ForeignKey(EmployerGroup, on_delete=models.CASCADE, related_name="areas")

    class Meta(Area.Meta):
        constraints = [
            *Area.Meta.constraints,
            models.UniqueConstraint(
                fields=["group", "level", "code"], name="one_area_per_employer_group"
            ),
        ]


class JobProposal(models.Model):
    """One job grouping shared-job needs, proposed by the GE helper."""

    key = models.CharField(max_length=200, unique=True, editable=False)  # the needs' ids
    family = models.CharField("métier", max_length=30)
    days_per_week = models.DecimalField("jours par semaine", max_digits=3, decimal_places=1)
    needs = models.ManyToManyField(Listing, related_name="job_proposals")
    recipients = models.ManyToManyField(EmployerGroup, related_name="proposals", blank=True)
    max_km = models.FloatField("plus grande distance entre deux lieux (km)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "proposition d'emploi partagé"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_per_week__gt=0, days_per_week__lte=MAX_DAYS_PER_WEEK),
                name="cooperation_proposal_at_most_5_days",
            )
        ]

    def __str__(self):
        return f"Emploi partagé {self.pk} ({self.days_per_week} j/sem.)"


class GroupingRun(models.Model):
    """One run of the GE helper: what it formed and why the others were left out."""

    created_at = models.DateTimeField(auto_now_add=True)
    travel_km = models.PositiveSmallIntegerField("distance maximale entre deux lieux (km)")
    needs = models.PositiveIntegerField("besoins examinés")
    jobs = models.PositiveIntegerField("emplois formés")
    days_covered = models.DecimalField("jours couverts", max_digits=7, decimal_places=1)
    optimal = models.BooleanField("optimum prouvé")
    seconds = models.FloatField("durée (s)")
    refusals = models.JSONField("besoins laissés de côté, et pourquoi", default=dict)

    class Meta:
        verbose_name = "passage de l'aide aux groupements d'employeurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.jobs} emplois"


# --- Places of the ESS -------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    TIERS_LIEU = "tiers-lieu", "tiers-lieu"
    MAISON_ESS = "maison-ess", "maison de l'ESS"
    PEPINIERE = "pepiniere", "pépinière d'entreprises"
    COUVEUSE = "couveuse", "couveuse"
    FABLAB = "fablab", "fablab"
    RECYCLERIE = "recyclerie", "recyclerie, ressourcerie"
    COWORKING = "coworking", "espace de coworking"
    PTCE = "ptce", "pôle territorial de coopération économique (PTCE)"


class EssPlace(models.Model):
    """A place of the ESS: a directory organisation (or one of its establishments) of
    one of these kinds, the services it hosts, and its offers of premises (its
    organisation's). Kept here rather than in the directory, which stays the register of
    organisations; the directory search reads the kinds through the facet this app
    registers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ess_places", verbose_name="structure"
    )
    kind = models.CharField("type de lieu", max_length=15, choices=PlaceKind.choices)
    name = models.CharField("nom", max_length=200)
    # None when the sources do not say where it is (the report lists some PTCE by name).
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="commune",
        null=True,
        blank=True,
    )
    services = models.JSONField("services hébergés", default=list, blank=True)
    description = models.TextField("présentation", blank=True)
    report_quote = models.TextField("ce qu'en dit l'état des lieux 2016", blank=True)
    provenance = models.CharField("provenance", max_length=300, blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lieu de l'ESS"
        verbose_name_plural = "lieux de l'ESS"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_place_kind_per_org"),
            models.CheckConstraint(
                condition=Q(kind__in=PlaceKind.values), name="cooperation_place_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperation:place", args=[self.pk])
