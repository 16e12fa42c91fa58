"""The resources section on other apps' pages (essor/core/page_sections.py): an
organisation's published trainings, and the guides that cite a page."""

import functools

from django.core.cache import cache
from django.db.models import F
from django.urls import Resolver404, resolve

from . import guides
from .models import GuideLink, Training

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


# The pages a guide written on the portal may link to (forms.GuideForm): only these ask.
CITABLE_VIEWS = {"support:offer", "financing:tool", "resources:legal_form", "initiatives:detail"}
WRITTEN_CITED_KEY = "resources:written-guides-cited"
WRITTEN_CITED_SECONDS = 300


def _written_cited_paths():
    """{path: [{slug, title, summary}]}: the pages the published written guides link to,
    kept in the cache until a guide is published (services.guide_decide forgets it), five
    minutes at most."""
    cited = cache.get(WRITTEN_CITED_KEY)
    if cited is None:
        cited = {}
        rows = GuideLink.objects.filter(version__guide__published_version=F("version")).values_list(
            "path", "version__guide__slug", "version__title", "version__summary"
        )
        for path, slug, title, summary in rows.order_by("version__title", "pk"):
            entry = {"slug": slug, "title": title, "summary": summary}
            if entry not in cited.setdefault(path, []):
                cited[path].append(entry)
        # Bounded: without a shared cache (REDIS_URL), the other processes forget it late.
        cache.set(WRITTEN_CITED_KEY, cited, WRITTEN_CITED_SECONDS)
    return cited


def forget_written_cited_paths():
    cache.delete(WRITTEN_CITED_KEY)


def guides_citing(request, path):
    """« Cité dans les guides » at the end of any page a guide links to (the PAGE slot):
    no query for the shipped guides (code); the written guides only on the pages they may
    cite, from the cache."""
    citing = list(_cited_paths().get(path, []))
    try:
        view = resolve(path).view_name
    except Resolver404:
        view = ""
    if view in CITABLE_VIEWS:
        citing += _written_cited_paths().get(path, [])
    return {"citing_guides": citing} if citing else None
