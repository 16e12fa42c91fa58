"""Events of the agenda and their registrations. Business meetings (« Espresso ») are in
meetings.py: an event of kind « rendez-vous d'affaires » carries their settings."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from essor.core.models import Decision, TransitionLog
from essor.directory.models import Organisation
from essor.territories.models import Commune

from .enums import (
    Audience,
    EventKind,
    MeetingsState,
    MeetingStatus,
    Outcome,
    ParticipantKind,
    RegistrationStatus,
    Status,
    Theme,
)
from .workflow import EVENTS


class EventQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published events (cancelled ones keep their page, but leave
        the lists)."""
        return self.filter(status=Status.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def for_listing(self):
        return self.select_related("organiser", "commune", "commune__departement").prefetch_related(
            "theme_links"
        )


class Event(Decision, models.Model):
    workflow = EVENTS

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("adresse", max_length=220, unique=True)
    kind = models.CharField("type", max_length=20, choices=EventKind.choices)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PENDING)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="events", verbose_name="organisateur"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_events",
        verbose_name="proposé par",
    )
    description = models.TextField("description", blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune",
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    online_url = models.URLField("lien de la visioconférence", blank=True)
    audience = models.CharField(
        "public", max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    price = models.DecimalField("prix (€)", max_digits=8, decimal_places=2, default=0)
    capacity = models.PositiveIntegerField(
        "places", null=True, blank=True, help_text="Vide : sans limite."
    )
    registration_opens_at = models.DateTimeField(
        "ouverture des inscriptions", null=True, blank=True
    )
    registration_closes_at = models.DateTimeField("clôture des inscriptions", null=True, blank=True)
    # Published on the event's page once it has taken place (a consultation's workshop).
    minutes = models.TextField("compte rendu (Markdown)", blank=True)
    is_demo = models.BooleanField("démonstration", default=False)
    provenance = models.CharField("provenance", max_length=300, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=False) | ~Q(online_url=""), name="event_has_a_place"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="event_price_not_negative"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__lte=F("ends_at")),
                name="event_registration_closes_before_end",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    @property
    def themes(self):
        return [Theme(link.theme) for link in self.theme_links.all()]

    def set_themes(self, themes):
        themes = list(dict.fromkeys(themes))
        self.theme_links.exclude(theme__in=themes).delete()
        existing = set(self.theme_links.values_list("theme", flat=True))
        EventTheme.objects.bulk_create(
            EventTheme(event=self, theme=t) for t in themes if t not in existing
        )

    @property
    def is_online(self):
        return bool(self.online_url) and self.commune_id is None

    @property
    def place_label(self):
        if self.commune_id:
            return ", ".join(part for part in (self.address, self.commune.name) if part)
        return "En ligne"

    @property
    def is_free(self):
        return not self.price

    def is_past(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def registration_state(self, now=None):
        """None when one may register now, or the French reason why not."""
        now = now or timezone.now()
        if self.status != Status.PUBLISHED:
            return "Cet événement n'est pas ouvert aux inscriptions."
        if self.is_past(now):
            return "Cet événement a déjà eu lieu : les inscriptions sont closes."
        if self.registration_opens_at and now < self.registration_opens_at:
            opens = timezone.localtime(self.registration_opens_at).strftime("%d/%m/%Y à %H:%M")
            return f"Les inscriptions ouvrent le {opens}."
        if self.registration_closes_at and now > self.registration_closes_at:
            return "Les inscriptions sont closes."
        return None


class EventTheme(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "theme"], name="one_theme_per_event")
        ]

    def __str__(self):
        return self.get_theme_display()


class EventTransition(TransitionLog):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="transitions")


ACTIVE = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField("état", max_length=20, choices=RegistrationStatus.choices)
    organisation_name = models.CharField("structure", max_length=200, blank=True)
    attended = models.BooleanField("présent", null=True, blank=True)
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    promoted_at = models.DateTimeField("sorti de la liste d'attente le", null=True, blank=True)
    cancelled_at = models.DateTimeField("désinscrit le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status="confirmed"),
                name="attendance_only_for_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.event}"

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.email


# Business meetings (« Espresso »): an event of kind « rendez-vous d'affaires »


class BusinessMeetings(models.Model):
    """The settings and state of an event's business meetings."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="meetings")
    first_slot_at = models.DateTimeField("début du premier créneau")
    slot_count = models.PositiveSmallIntegerField("nombre de créneaux", default=12)
    slot_minutes = models.PositiveSmallIntegerField("durée d'un créneau (minutes)", default=20)
    table_count = models.PositiveSmallIntegerField("nombre de tables", default=10)
    request_deadline = models.DateTimeField("date limite des demandes")
    max_requests = models.PositiveSmallIntegerField("demandes par participant", default=8)
    state = models.CharField(
        "état", max_length=20, choices=MeetingsState.choices, default=MeetingsState.OPEN
    )
    progress = models.PositiveSmallIntegerField("progression (%)", default=0)
    progress_message = models.CharField("étape", max_length=200, blank=True)
    solver_status = models.CharField("résultat du calcul", max_length=200, blank=True)
    scheduled_at = models.DateTimeField("planning calculé le", null=True, blank=True)

    class Meta:
        verbose_name = "rendez-vous d'affaires"
        verbose_name_plural = "rendez-vous d'affaires"
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_count__gte=1, slot_count__lte=40), name="meetings_slot_count"
            ),
            models.CheckConstraint(
                condition=Q(table_count__gte=1, table_count__lte=200), name="meetings_table_count"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=120),
                name="meetings_slot_minutes",
            ),
            models.CheckConstraint(
                condition=Q(max_requests__gte=1, max_requests__lte=40), name="meetings_max_requests"
            ),
        ]

    def __str__(self):
        return f"Rendez-vous d'affaires — {self.event}"

    def slot_start(self, slot):
        return self.first_slot_at + timedelta(minutes=self.slot_minutes * slot)

    def slot_end(self, slot):
        return self.slot_start(slot) + timedelta(minutes=self.slot_minutes)

    @property
    def slots(self):
        return [(s, self.slot_start(s), self.slot_end(s)) for s in range(self.slot_count)]

    def requests_open(self, now=None):
        return self.state == MeetingsState.OPEN and (now or timezone.now()) <= self.request_deadline


def categories():
    """The purchase categories (purchasing.services.category_index()), imported when first
    needed: the models of both apps load before either's services."""
    from essor.purchasing.services import category_index

    return category_index()


class Participant(models.Model):
    meetings = models.ForeignKey(
        BusinessMeetings, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_participations"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure",
    )
    organisation_name = models.CharField("structure représentée", max_length=200)
    kind = models.CharField("vous êtes", max_length=20, choices=ParticipantKind.choices)
    presentation = models.TextField("présentation", blank=True, max_length=1500)
    offers = models.JSONField("ce que vous proposez", default=list, blank=True)
    needs = models.JSONField("ce que vous recherchez", default=list, blank=True)
    offers_text = models.CharField("vos offres, en quelques mots", max_length=300, blank=True)
    needs_text = models.CharField("vos besoins, en quelques mots", max_length=300, blank=True)
    unavailable_slots = models.JSONField(
        "créneaux où vous n'êtes pas disponible", default=list, blank=True
    )
    is_cancelled = models.BooleanField("a annulé sa participation", default=False)
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField("inscrit le", default=timezone.now)

    class Meta:
        verbose_name = "participant"
        ordering = ["organisation_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meetings", "user"], name="one_participation_per_person"
            ),
        ]

    def __str__(self):
        return self.organisation_name

    # Offers and needs are codes of the purchase categories (essor/purchasing, through its
    # services): `index` is purchasing.category_index(), read once by the caller of a list.
    def offer_labels(self, index=None):
        index = categories() if index is None else index
        return [index[c][0] for c in self.offers if c in index]

    def need_labels(self, index=None):
        index = categories() if index is None else index
        return [index[c][0] for c in self.needs if c in index]


class MeetingRequest(models.Model):
    requester = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="requests_made"
    )
    target = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="requests_received"
    )
    priority = models.PositiveSmallIntegerField("priorité", default=1)
    created_at = models.DateTimeField("demandé le", default=timezone.now)

    class Meta:
        verbose_name = "demande de rendez-vous"
        ordering = ["priority", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "target"], name="one_request_per_pair"),
            models.CheckConstraint(
                condition=~Q(requester=F("target")), name="no_request_to_oneself"
            ),
            models.CheckConstraint(condition=Q(priority__gte=1), name="request_priority_positive"),
        ]

    def __str__(self):
        return f"{self.requester} → {self.target}"


class Meeting(models.Model):
    meetings = models.ForeignKey(
        BusinessMeetings, on_delete=models.CASCADE, related_name="meetings"
    )
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField("créneau")
    table = models.PositiveSmallIntegerField("table")
    status = models.CharField(
        "état", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    first_outcome = models.CharField(
        "suite (premier)", max_length=20, choices=Outcome.choices, blank=True
    )
    second_outcome = models.CharField(
        "suite (second)", max_length=20, choices=Outcome.choices, blank=True
    )

    class Meta:
        verbose_name = "rendez-vous"
        ordering = ["slot", "table"]
        constraints = [
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="meeting_pair_ordered"),
            models.UniqueConstraint(
                fields=["meetings", "slot", "table"],
                condition=~Q(status="cancelled"),
                name="one_meeting_per_table_and_slot",
            ),
            models.UniqueConstraint(
                fields=["meetings", "first", "second"],
                condition=~Q(status="cancelled"),
                name="one_meeting_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.first} × {self.second} (créneau {self.slot + 1}, table {self.table + 1})"

    def other(self, participant):
        return self.second if participant.pk == self.first_id else self.first

    def outcome_of(self, participant):
        return self.first_outcome if participant.pk == self.first_id else self.second_outcome
