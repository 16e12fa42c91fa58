"""iCalendar (RFC 5545) files: the agenda's feeds, one event's file (attached to the
confirmation e-mail) and a participant's business meetings. Built with `icalendar`."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .enums import Status

PRODID = "-//CRESS//ESSor agenda//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _utc(moment):
    return moment.astimezone(UTC)


def add_entry(
    calendar,
    *,
    uid,
    summary,
    starts_at,
    ends_at,
    description="",
    location="",
    url="",
    cancelled=False,
):
    entry = VEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", _utc(timezone.now()))
    entry.add("dtstart", _utc(starts_at))
    entry.add("dtend", _utc(ends_at))
    entry.add("summary", summary)
    if description:
        entry.add("description", description)
    if location:
        entry.add("location", location)
    if url:
        entry.add("url", url)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return entry


def event_uid(event):
    return f"evenement-{event.pk}@essor"


def add_event(calendar, event):
    url = settings.ESSOR_BASE_URL + event.get_absolute_url()
    location = event.place_label if event.commune_id else event.online_url
    description = f"Organisé par {event.organiser.display_name}. {event.get_kind_display()}.\n{url}"
    return add_entry(
        calendar,
        uid=event_uid(event),
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        description=description,
        location=location,
        url=url,
        cancelled=event.status == Status.CANCELLED,
    )


def events_calendar(events, name="Agenda de l'ESS — ESSor"):
    calendar = _calendar(name)
    for event in events:
        add_event(calendar, event)
    return calendar.to_ical().decode("utf-8")


def event_calendar(event):
    return events_calendar([event], name=event.title)


def meetings_calendar(name, entries):
    """entries: dicts of add_entry's keyword arguments."""
    calendar = _calendar(name)
    for entry in entries:
        add_entry(calendar, **entry)
    return calendar.to_ical().decode("utf-8")
