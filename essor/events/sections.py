"""The agenda on other apps' pages (essor/core/page_sections.py): upcoming events of an
organiser, and of a territory."""

from essor.territories.models import Commune, Departement, Epci

from .services import upcoming_events


def organisation_events(request, organisation):
    events = upcoming_events(organisation=organisation)
    return {"events": events, "subject_label": "organisés par cette structure"} if events else None


def territory_events(request, territory):
    if isinstance(territory, Departement):
        events = upcoming_events(departement=territory)
    elif isinstance(territory, Epci):
        events = upcoming_events(epci=territory)
    elif isinstance(territory, Commune):
        events = upcoming_events(commune=territory)
    else:
        return None
    return {"events": events, "subject_label": "sur ce territoire"} if events else None
