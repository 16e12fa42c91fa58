"""The agenda's rules as plain functions: proposing an event, registering with a waiting
list that promotes by itself, cancelling, attendance, reminders. Views and other apps
call these; other apps call nothing else of this app."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from essor.accounts.perms import is_cress_staff
from essor.accounts.personal_data import DELETE, DETACH, UserLink, in_role
from essor.core.emails import queue_email
from essor.search.registry import reindex

from . import ical
from .enums import Audience, RegistrationStatus, Status, Theme
from .models import ACTIVE, Event, Registration

R = RegistrationStatus


class EventError(Exception):
    """A refused action: `message` is the French sentence to show; `status_code` the HTTP
    answer (400 a bad request, 403 not theirs, 409 a conflict with the current state)."""

    def __init__(self, message, status_code=400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


# Proposing


def unique_slug(title, start):
    base = slugify(f"{title} {start:%Y-%m-%d}")[:200] or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def propose_event(*, by, themes=(), **fields):
    """Create an event. The CRESS staff publish at once; anyone else's proposal waits for a
    moderator (essor/events/workflow.py)."""
    event = Event(**fields, created_by=by)
    event.slug = unique_slug(event.title, event.starts_at)
    event.status = Status.PUBLISHED if is_cress_staff(by) else Status.PENDING
    event.full_clean(exclude=["slug"])
    event.save()
    event.set_themes(themes)
    Event.workflow.record(event, "create", by=by, from_status="")
    reindex(Event, [event.pk])
    return event


@transaction.atomic
def update_event(event, *, by, themes=None, **fields):
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean(exclude=["slug"])
    event.save()
    if themes is not None:
        event.set_themes(themes)
    Event.workflow.record(event, "edit", by=by)
    reindex(Event, [event.pk])
    return event


# Registration


def _counts(event):
    return {
        status: event.registrations.filter(status=status).count()
        for status in (R.CONFIRMED, R.WAITING)
    }


def seats_left(event):
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.registrations.filter(status=R.CONFIRMED).count())


def register(event, user, *, organisation_name="", now=None):
    """Register `user`: a seat when one is left, the waiting list otherwise. Refused, with
    the French reason, for an event that is past, closed, not yet open or not published,
    and for a second registration. Returns the registration."""
    now = now or timezone.now()
    with transaction.atomic():
        # One registration at a time per event: the last seat is never given twice.
        event = Event.objects.select_for_update().get(pk=event.pk)
        if reason := event.registration_state(now):
            raise EventError(reason, 409)
        if event.registrations.filter(user=user, status__in=ACTIVE).exists():
            raise EventError("Vous êtes déjà inscrit à cet événement.", 409)
        full = event.capacity is not None and _counts(event)[R.CONFIRMED] >= event.capacity
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    user=user,
                    status=R.WAITING if full else R.CONFIRMED,
                    organisation_name=organisation_name.strip()[:200],
                    created_at=now,
                )
        except IntegrityError as error:  # a double click that raced the check above
            raise EventError("Vous êtes déjà inscrit à cet événement.", 409) from error
    registration.event = event
    _notify(registration)
    return registration


def _context(**values):
    return {"base_url": settings.ESSOR_BASE_URL, **values}


def _notify(registration):
    event = registration.event
    context = _context(event=event, registration=registration, user=registration.user)
    if registration.status == R.CONFIRMED:
        queue_email(
            "events/emails/confirmed",
            context,
            [registration.user.email],
            attachments=[(f"{event.slug}.ics", ical.event_calendar(event), ical.CONTENT_TYPE)],
        )
    else:
        queue_email("events/emails/waiting", context, [registration.user.email])


def waiting_position(registration):
    if registration.status != R.WAITING:
        return None
    return (
        registration.event.registrations.filter(
            status=R.WAITING, created_at__lte=registration.created_at
        )
        .exclude(pk=registration.pk, created_at=registration.created_at)
        .count()
        + 1
    )


def cancel_registration(registration, *, now=None):
    """Cancel a registration; a freed seat goes to the first person waiting, who is told by
    e-mail. Returns the promoted registration, or None."""
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == R.CANCELLED:
            raise EventError("Cette inscription est déjà annulée.", 409)
        if event.is_past(now):
            raise EventError(
                "Cet événement a déjà eu lieu : l'inscription ne peut plus être annulée.", 409
            )
        registration.status = R.CANCELLED
        registration.cancelled_at = now
        registration.attended = None
        registration.save()
        promoted = promote_waiting(event, now=now)
    for person in promoted:
        _notify(person)
    return promoted[0] if promoted else None


def promote_waiting(event, *, now=None):
    """Give the free seats to the people waiting, first come first served (in the caller's
    transaction, with the event locked)."""
    now = now or timezone.now()
    waiting = event.registrations.filter(status=R.WAITING).order_by("created_at", "pk")
    if event.capacity is not None:
        free = event.capacity - event.registrations.filter(status=R.CONFIRMED).count()
        waiting = waiting[: max(0, free)]
    promoted = list(waiting.select_related("user"))
    for registration in promoted:
        registration.status = R.CONFIRMED
        registration.promoted_at = now
        registration.event = event
        registration.save(update_fields=["status", "promoted_at"])
    return promoted


def active_registration(event, user):
    if not user.is_authenticated:
        return None
    return event.registrations.filter(user=user, status__in=ACTIVE).first()


@transaction.atomic
def set_attendance(event, attended_ids, *, now=None):
    """Mark who came among the confirmed registrants (the others: absent). Only once the
    event has started."""
    if not event.is_past(now):
        raise EventError("La présence se note une fois l'événement commencé.", 409)
    confirmed = event.registrations.filter(status=R.CONFIRMED)
    unknown = set(attended_ids) - set(confirmed.values_list("pk", flat=True))
    if unknown:
        raise EventError(
            "Cette liste contient une inscription qui n'est pas de cet événement.", 400
        )
    confirmed.filter(pk__in=attended_ids).update(attended=True)
    confirmed.exclude(pk__in=attended_ids).update(attended=False)


def registrant_rows(event):
    for r in event.registrations.select_related("user").order_by("status", "created_at", "pk"):
        yield (
            r.user.last_name,
            r.user.first_name,
            r.user.email,
            r.organisation_name,
            r.get_status_display(),
            timezone.localtime(r.created_at),
            {True: "présent", False: "absent"}.get(r.attended, ""),
        )


REGISTRANT_HEADER = ["nom", "prénom", "e-mail", "structure", "état", "inscrit le", "présence"]


# Reminders


def send_reminders(now=None):
    """Queue the reminder of every confirmed registrant of an event starting in the next
    24 hours, once. Run daily or hourly (`essor send_event_reminders`). Returns the count."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=R.CONFIRMED,
        reminder_sent_at__isnull=True,
        event__status=Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(days=1),
    ).select_related("event", "event__organiser", "event__commune", "user")
    count = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            queue_email(
                "events/emails/reminder",
                _context(
                    event=registration.event, registration=registration, user=registration.user
                ),
                [registration.user.email],
            )
            count += 1
    return count


# For other apps (page sections, orientation, initiatives)


def upcoming_events(
    *, organisation=None, departement=None, epci=None, commune=None, limit=5, now=None
):
    """The next published events of an organiser or in a territory."""
    events = Event.objects.published().upcoming(now).for_listing()
    if organisation is not None:
        events = events.filter(organiser=organisation)
    if departement is not None:
        events = events.filter(commune__departement=departement)
    if epci is not None:
        events = events.filter(commune__epci=epci)
    if commune is not None:
        events = events.filter(commune=commune)
    return list(events[:limit])


# The themes that answer each need of the orientation (essor/support: its need codes, the
# « besoins » of its public URLs). A need with no theme here leaves the order to the date.
ORIENTATION_NEED_THEMES = {
    "first_info": [Theme.CREATION],
    "training": [Theme.CREATION],
    "individual": [Theme.CREATION],
    "collective": [Theme.CREATION, Theme.COOPERATION],
    "legal": [Theme.CREATION, Theme.GOVERNANCE],
    "financial": [Theme.FINANCING],
    "funding": [Theme.FINANCING],
    "hr": [Theme.EMPLOYMENT],
    "digital": [Theme.DIGITAL],
    "commercial": [Theme.PURCHASING],
    "hosting": [Theme.TERRITORY],
    "incubation": [Theme.CREATION],
    "networking": [Theme.COOPERATION],
    "cae": [Theme.CREATION, Theme.EMPLOYMENT],
}
# Events a person who looks for support may attend (not « professionnels uniquement »).
OPEN_TO_PROJECTS = [Audience.EVERYONE, Audience.CREATORS, Audience.ORGANISATIONS]


def _in_place(place):
    """Events held in the place's département (or the EPCI's, or the région), online ones
    aside: a Q, or None for an empty place."""
    if place.departement is not None:
        return Q(commune__departement=place.departement)
    if place.epci is not None:
        return Q(commune__epci=place.epci)
    if place.region is not None:
        return Q(commune__departement__region=place.region)
    return None


def upcoming_for(place, *, needs=(), limit=3, now=None):
    """The next published events for a person oriented at `place` (territories.areas.Place)
    with these orientation needs: held in their département, or online on a theme that
    answers a need; open to them; those whose themes answer the needs first, then by date."""
    where = _in_place(place)
    if where is None:
        return []
    themes = {t for need in needs for t in ORIENTATION_NEED_THEMES.get(need, ())}
    if themes:
        where |= Q(commune__isnull=True, theme_links__theme__in=themes)
    events = (
        Event.objects.published()
        .upcoming(now)
        .filter(where, audience__in=OPEN_TO_PROJECTS)
        .distinct()
        .for_listing()[:50]
    )

    def answered(event):
        return len(themes & {link.theme for link in event.theme_links.all()})

    return sorted(events, key=lambda e: (-answered(e), e.starts_at, e.pk))[:limit]


def upcoming_for_initiative(*, organisations=(), departement_codes=(), limit=3, now=None):
    """The next published events that concern an initiative: organised by one of its
    organisations first, then held in its départements."""
    organisers = [o.pk for o in organisations]
    where = Q(organiser__in=organisers) | Q(commune__departement__code__in=departement_codes)
    if not organisers and not departement_codes:
        return []
    events = Event.objects.published().upcoming(now).filter(where).distinct().for_listing()[:50]
    return sorted(events, key=lambda e: (e.organiser_id not in organisers, e.starts_at, e.pk))[
        :limit
    ]


# Personal data


def personal_data(user):
    return {
        "inscriptions_evenements": [
            {
                "evenement": r.event.title,
                "debut": r.event.starts_at,
                "etat": r.get_status_display(),
                "structure": r.organisation_name,
                "present": r.attended,
                "inscrit_le": r.created_at,
            }
            for r in user.event_registrations.select_related("event")
        ],
        "evenements_proposes": [
            {"titre": e.title, "etat": e.get_status_display(), "cree_le": e.created_at}
            for e in user.proposed_events.all()
        ],
    }


USER_LINKS = [
    UserLink("events.Event.created_by", DETACH, export="evenements_proposes"),
    in_role("events.Event.decided_by"),
    in_role("events.EventTransition.actor"),
    # Seats are freed for the waiting list first (EventsConfig.ready), then the rows go.
    UserLink("events.Registration.user", DELETE, export="inscriptions_evenements"),
    UserLink("events.Participant.user", DELETE, export="rendez_vous_d_affaires"),
]


def release_registrations(user):
    """Before an account is deleted: free its seats, so the people waiting get them."""
    for registration in Registration.objects.filter(
        user=user, status__in=ACTIVE, event__starts_at__gt=timezone.now()
    ):
        cancel_registration(registration)


# Moderation and cancellation


def decide_event(event, transition, *, by, comment=""):
    """One workflow step (approve, reject, resubmit, cancel); the search index follows, and
    the registrants of a cancelled event are told."""
    from essor.core.workflow import decide

    with transaction.atomic():
        decide(event, transition, by=by, comment=comment)
        reindex(Event, [event.pk])
    if event.status == Status.CANCELLED:
        for registration in event.registrations.filter(status__in=ACTIVE).select_related("user"):
            queue_email(
                "events/emails/cancelled",
                _context(event=event, registration=registration, comment=comment),
                [registration.user.email],
            )
    return event


# For other apps: a consultation's workshops are events of the agenda


def find_event(reference):
    """An event by its slug or the address of its page (« https://…/agenda/<slug>/ »);
    raises EventError with the French reason when there is none."""
    reference = (reference or "").strip()[:500]
    slug = reference
    if "/" in reference:
        try:
            match = resolve(urlsplit(reference).path)
        except Resolver404:
            match = None
        slug = match.kwargs.get("slug", "") if match and match.view_name == "events:detail" else ""
    event = Event.objects.filter(slug=slug).first() if slug else None
    if event is None:
        raise EventError(
            "Événement introuvable : indiquez l'adresse de sa page dans l'agenda.", 404
        )
    return event


def published_event(event_id):
    """The event if the public may see it (published), else None: what another module
    links to (a training's session)."""
    if event_id is None:
        return None
    return Event.objects.published().filter(pk=event_id).first()


def workshop_rows(events, user, *, unpublished=False):
    """The events as a consultation lists its workshops: published ones (all of them for
    its team, `unpublished`), each with `n_confirmed`, `seats_left` and `mine` (the
    person's active registration, or None), in two queries."""
    if not unpublished:
        events = events.filter(status=Status.PUBLISHED)
    events = list(
        events.order_by("starts_at", "pk")
        .select_related("commune")
        .annotate(n_confirmed=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)))
    )
    mine = {}
    if user.is_authenticated:
        mine = {
            r.event_id: r
            for r in Registration.objects.filter(
                event__in=[e.pk for e in events], user=user, status__in=ACTIVE
            )
        }
    for event in events:
        event.mine = mine.get(event.pk)
        event.seats_left = (
            None if event.capacity is None else max(0, event.capacity - event.n_confirmed)
        )
    return events
