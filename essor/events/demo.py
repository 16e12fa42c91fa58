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
