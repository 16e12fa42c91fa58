"""The agenda in the platform search (/recherche/): published events still to come."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from essor.search.registry import Document, ModelKind

from .models import Event


class EventKindSearch(ModelKind):
    name = "evenements"
    label = "Agenda"
    singular, plural = "événement", "événements"
    order = 70
    model = Event
    version = "1"

    def published(self):
        return Event.objects.published().for_listing()

    def document(self, event):
        start = timezone.localtime(event.starts_at)
        return Document(
            key=event.pk,
            title=event.title,
            keywords=" ".join(
                [
                    event.organiser.display_name,
                    event.get_kind_display(),
                    *(t.label for t in event.themes),
                ]
            ),
            summary=f"{start:%d/%m/%Y} · {event.place_label}",
            body=event.description,
            url=event.get_absolute_url(),
            context=event.organiser.display_name,
            territory=event.commune.name if event.commune_id else "En ligne",
        )

    def search_url(self, query):
        return reverse("events:index") + "?" + urlencode({"q": query})
