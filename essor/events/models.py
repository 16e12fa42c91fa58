"""Events of the agenda and their registrations. Business meetings (« Espresso ») are in
meetings.py: an event of kind « rendez-vous d'affaires » carries their settings."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from essor.core.models import Decision, TransitionLog
from essor.directory.models import Organisation
from essor.territories.models import Commune

from .enums import Audience, EventKind, RegistrationStatus, Status, Theme
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
