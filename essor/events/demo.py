"""The agenda's demo content (data/demo/events.json): a Mois de l'ESS with an event in
every département of the région, a réunion d'information and a conférence des acheteurs.
Every event is flagged `is_demo` and shown with the « démonstration » badge; dates are
placed in the next November (or from today) so the demo agenda is never in the past.
Running the step twice changes nothing."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from essor.core.demo import demo_step
from essor.directory.enums import Source
from essor.directory.models import Organisation
from essor.territories.models import Commune

from .enums import Status
from .models import Event
from .services import unique_slug


def next_november_year(today=None):
    today = today or timezone.localdate()
    return today.year if today.month < 11 else today.year + 1


def _moment(day, clock):
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _day(record, today):
    if record.get("month"):
        return today.replace(
            year=next_november_year(today), month=record["month"], day=record["day"]
        )
    return today + timedelta(days=record["day_offset"])


def organisation(name):
    return Organisation.objects.filter(name=name, source=Source.REPORT).first()


@demo_step("events.json", order=70)
def load_demo_events(data):
    """Returns how many events were created."""
    today = timezone.localdate()
    created = 0
    for record in data["records"]:
        if Event.objects.filter(title=record["title"], is_demo=True).exists():
            continue
        organiser = organisation(record["organiser"])
        commune = (
            Commune.objects.filter(code=record["commune"]).first() if record["commune"] else None
        )
        if organiser is None or (record["commune"] and commune is None):
            continue  # the report's organisations or the geography are not loaded
        day = _day(record, today)
        event = Event(
            title=record["title"],
            kind=record["kind"],
            status=Status.PUBLISHED,
            organiser=organiser,
            description=record["description"],
            starts_at=_moment(day, record["start"]),
            ends_at=_moment(day, record["end"]),
            commune=commune,
            address=record.get("address", ""),
            online_url=record.get("online_url", ""),
            audience=record["audience"],
            price=record["price"],
            capacity=record["capacity"],
            is_demo=True,
            provenance=record["provenance"],
        )
        event.slug = unique_slug(event.title, event.starts_at)
        event.save()
        event.set_themes(record["themes"])
        created += 1
    return created


ESPRESSO_ORGANISER = "CRESS Poitou-Charentes"


def _espresso_event(record, organiser, today):
    from .enums import EventKind
    from .models import BusinessMeetings

    event = Event.objects.filter(title=record["title"], is_demo=True).first()
    if event is not None:
        return event, False
    commune = Commune.objects.filter(code=record["commune"]).first()
    if commune is None:
        return None, False
    day = today + timedelta(days=record["day_offset"])
    event = Event(
        title=record["title"],
        kind=EventKind.BUSINESS,
        status=Status.PUBLISHED,
        organiser=organiser,
        description=record["description"],
        starts_at=_moment(day, record["start"]),
        ends_at=_moment(day, record["end"]),
        commune=commune,
        audience="professionnels",
        capacity=40,
        is_demo=True,
        provenance=record["provenance"],
    )
    event.slug = unique_slug(event.title, event.starts_at)
    event.save()
    event.set_themes(["cooperation", "achats"])
    BusinessMeetings.objects.create(
        event=event,
        first_slot_at=event.starts_at,
        slot_count=record["slots"],
        slot_minutes=20,
        table_count=record["tables"],
        request_deadline=event.starts_at - timedelta(days=2),
        max_requests=record["max_requests"],
    )
    return event, True


def _demo_user(record):
    from essor.accounts.models import User

    user = User.objects.filter(email=record["email"]).first()
    if user is None:
        user = User(email=record["email"], first_name="Contact", last_name=record["name"][:150])
        user.set_unusable_password()
        user.save()
    return user


def _schedule_demo(meetings, with_outcomes):
    """Place the requests with the real scheduler, confirm, and record illustrative
    outcomes when the Espresso is over."""
    from .enums import MeetingsState, MeetingStatus, Outcome
    from .meetings import instance_of
    from .models import Meeting
    from .scheduler import schedule

    result = schedule(instance_of(meetings), time_limit=5.0, workers=1)
    cycle = list(Outcome.values)
    rows = []
    for index, m in enumerate(sorted(result.meetings, key=lambda m: (m.slot, m.table))):
        row = Meeting(
            meetings=meetings,
            first_id=min(m.a, m.b),
            second_id=max(m.a, m.b),
            slot=m.slot,
            table=m.table,
            status=MeetingStatus.CONFIRMED,
        )
        if with_outcomes:
            row.first_outcome = cycle[index % len(cycle)]
            row.second_outcome = cycle[(index + 1) % len(cycle)] if index % 4 else ""
        rows.append(row)
    Meeting.objects.bulk_create(rows)
    meetings.state = MeetingsState.PUBLISHED
    meetings.progress = 100
    meetings.solver_status = f"{len(rows)} rendez-vous placés (démonstration)."
    meetings.scheduled_at = timezone.now()
    meetings.save()


@demo_step("espresso.json", order=71)
def load_demo_espresso(data):
    """Two illustrative Espresso of the CRESS Poitou-Charentes. Returns how many were created."""
    from .enums import MeetingsState, RegistrationStatus
    from .meetings import suggestions
    from .models import MeetingRequest, Participant, Registration

    organiser = organisation(ESPRESSO_ORGANISER)
    if organiser is None:
        return 0
    today = timezone.localdate()
    created = {}
    events = {}
    for record in data["records"]:
        if record["type"] == "event":
            event, was_created = _espresso_event(record, organiser, today)
            if event is not None:
                events[record["key"]] = (event, record)
                created[record["key"]] = was_created
    for record in data["records"]:
        if record["type"] != "participant":
            continue
        user = _demo_user(record)
        for key in record["events"]:
            if key not in events or not created[key]:
                continue
            event = events[key][0]
            Registration.objects.get_or_create(
                event=event,
                user=user,
                defaults={
                    "status": RegistrationStatus.CONFIRMED,
                    "organisation_name": record["name"],
                },
            )
            Participant.objects.get_or_create(
                meetings=event.meetings,
                user=user,
                defaults={
                    "organisation_name": record["name"],
                    "kind": record["kind"],
                    "offers": record["offers"],
                    "needs": record["needs"],
                    "is_demo": True,
                },
            )
    for key, (event, record) in events.items():
        if not created[key]:
            continue
        meetings = event.meetings
        for participant in meetings.participants.all():
            for priority, row in enumerate(
                suggestions(participant, limit=meetings.max_requests), start=1
            ):
                MeetingRequest.objects.get_or_create(
                    requester=participant,
                    target=row["participant"],
                    defaults={"priority": priority},
                )
        if record["outcomes"]:
            meetings.state = MeetingsState.CLOSED
            _schedule_demo(meetings, with_outcomes=True)
        else:
            meetings.request_deadline = event.starts_at - timedelta(days=1)
            meetings.save(update_fields=["request_deadline"])
    return sum(created.values())
