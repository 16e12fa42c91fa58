"""The resources section on other apps' pages (essor/core/page_sections.py): an
organisation's published trainings, and the guides that cite a page."""

import functools

from . import guides
from .models import Training

SHOWN = 6


def organisation_trainings(request, organisation):
    trainings = list(
        Training.objects.published()
        .filter(organiser=organisation)
        .select_related("organiser", "region", "departement", "epci")
        .order_by("next_session", "title")[:SHOWN]
    )
    return {"organisation_trainings": trainings} if trainings else None


@functools.cache  # the shipped guides change only with the code
def _cited_paths():
    """{path: [guide, …]}: the platform pages each shipped guide links to (the query of a
    filtered list left out: the list is the page cited)."""
    cited = {}
    for guide in guides.GUIDES:
        for _, url in guide.related():
            path = url.split("?", 1)[0]
            if guide not in cited.setdefault(path, []):
                cited[path].append(guide)
    return cited


def guides_citing(request, path):
    """« Cité dans les guides » at the end of any page a guide links to (the PAGE slot):
    no query, the shipped guides are code."""
    citing = _cited_paths().get(path)
    return {"citing_guides": citing} if citing else None
