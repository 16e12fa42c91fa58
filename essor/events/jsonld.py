"""schema.org `Event` for each event page (search engines and agendas read it)."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .enums import Status

EVENT_STATUS = {
    Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_jsonld(event):
    url = settings.ESSOR_BASE_URL + event.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": EVENT_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "organizer": {"@type": "Organization", "name": event.organiser.display_name},
        "audience": {"@type": "Audience", "audienceType": event.get_audience_display()},
        "offers": {
            "@type": "Offer",
            "price": f"{event.price:.2f}",
            "priceCurrency": "EUR",
            "url": url,
        },
    }
    if event.description:
        data["description"] = event.description[:500]
    if event.commune_id:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        data["location"] = {
            "@type": "Place",
            "name": event.place_label,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.address,
                "addressLocality": event.commune.name,
                "addressCountry": "FR",
            },
        }
    else:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        # The meeting link is for the registrants: the page stands for it.
        data["location"] = {"@type": "VirtualLocation", "url": url}
    if event.capacity:
        data["maximumAttendeeCapacity"] = event.capacity
    return data


_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data):
    """A <script type="application/ld+json"> block, escaped like json_script."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
