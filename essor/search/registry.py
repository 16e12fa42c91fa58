"""The document registry: every kind of content the platform search (/recherche/, the
header's box, /api/recherche/) finds, and how each is indexed.

A kind is registered once, by the app that owns the content, in its AppConfig.ready().
Most kinds are a `ModelKind`: a model, the queryset of what the public may see (the
« published » rule) and the document of one object. Their documents live in the generic
index (models.Document, index.py) on both databases.

The app keeps the index in step by calling `reindex()` in the service functions that
create, change, publish or remove an object — explicit calls rather than triggers,
because a document is built in Python (labels of enums, Markdown turned to text, the
name of a related organisation, content that is not in the database at all). Writes
that bypass the services (the admin, a QuerySet.update(), a forgotten call) are caught
before the next search by the kind's fingerprint — the number, greatest `updated_at`
and sum of the keys of its published objects, one aggregate query: when it moved, the
kind is indexed again, so unpublished content never lingers in the results.

The organisations and the places are searched by their own engines (kinds.py): they
only register how to search them.

Example — the events module (essor/events) makes its published events findable:

    # essor/events/documents.py
    from urllib.parse import urlencode

    from django.urls import reverse

    from essor.search.registry import Document, ModelKind

    from .models import Event


    class EventKind(ModelKind):
        name = "evenements"                  # ?type=evenements, stable
        label = "Agenda"                     # the group's heading on /recherche/
        singular, plural = "événement", "événements"
        order = 65                           # groups of equal relevance, in this order
        model = Event
        version = "1"                        # change it when document() changes

        def published(self):                 # the « published » rule, nothing else
            return Event.objects.published().select_related("organiser")

        def document(self, event):
            return Document(
                key=event.pk,
                title=event.title,                       # weight A
                keywords=f"{event.organiser.name} {event.get_kind_display()}",  # weight B
                body=event.description,                  # weight C (Markdown is fine)
                url=event.get_absolute_url(),
                summary=event.summary,
                context=f"{event.starts_on:%d/%m/%Y} · {event.organiser.name}",
                territory=event.area_label,
            )

        def search_url(self, query):         # the full search of the kind, or None
            return reverse("events:index") + "?" + urlencode({"q": query})

    # essor/events/apps.py, in EventsConfig.ready():
    from essor.search.registry import register
    from .documents import EventKind
    register(EventKind())

    # essor/events/services.py, at the end of each write (same transaction):
    from essor.search.registry import reindex
    reindex(Event, [event.pk])      # an unpublished or deleted event leaves the index

That is all: the next search indexes every published event (the kind is new to the
index), then each reindex() keeps it in step. `essor rebuild_search_index` rewrites
everything; a kind whose text depends on another app's objects (an offer carries its
provider's name) is rewritten by it too — run it daily, see the README.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Document:
    """What the index holds for one item. The text is matched in three parts: `title`
    (weight A: all the words there ranks first), `keywords` (B: names, categories,
    acronyms — ranks second) and `body` (C: descriptions; Markdown is reduced to text).
    `summary`, `context` (one short line: who, when) and `territory` are shown; among
    documents of equal relevance, the higher `priority` comes first."""

    key: object
    title: str
    url: str
    summary: str = ""
    context: str = ""
    territory: str = ""
    keywords: str = ""
    body: str = ""
    priority: int = 0


@dataclass
class Hit:
    title: str
    url: str
    summary: str = ""
    context: str = ""
    territory: str = ""
    # Whether every word of the query is in the title (ranks groups on /recherche/).
    in_title: bool = False


@dataclass
class Results:
    """One kind's answer to a query: how many, the best ones."""

    kind: "Kind"
    total: int
    hits: list = field(default_factory=list)
    fuzzy: bool = False


class Kind:
    """Something the platform search finds. Subclasses supply search()."""

    name = ""
    label = ""
    singular = ""
    plural = ""
    order = 100

    def search(self, text, *, offset=0, limit=5, approximate=True):
        """Results for the query `text` (as typed), best first; with `approximate`,
        approximate matches when nothing matches the words exactly."""
        raise NotImplementedError

    def search_url(self, query):
        """The kind's own full search for `query` (with its filters), or None: then
        /recherche/ lists every result of the kind itself."""
        return None

    def count_label(self, total):
        return f"{total} {self.singular if total == 1 else self.plural}"


class IndexedKind(Kind):
    """A kind whose documents are in the generic index (index.py)."""

    # Stored with the documents: a kind whose version changed is indexed anew.
    version = "1"

    def documents(self, keys=None):
        """The Documents of the published items (of those `keys` only, when given)."""
        raise NotImplementedError

    def fingerprint(self):
        """A short text that changes whenever the published items change, checked before
        each search; None when the kind cannot tell (then only reindex() and the version
        keep it in step)."""
        return None

    def search(self, text, *, offset=0, limit=5, approximate=True):
        from . import index

        return index.search([self], text, offset=offset, limit=limit, approximate=approximate)[0]


class ModelKind(IndexedKind):
    """A kind made of one model's objects."""

    model = None

    def published(self):
        """The objects the public may see: only those are indexed."""
        return self.model._default_manager.all()

    def document(self, obj):
        raise NotImplementedError

    def fingerprint(self):
        from django.db.models import Count, Max, Sum

        aggregates = {"n": Count("pk"), "keys": Sum("pk")}
        if any(f.name == "updated_at" for f in self.model._meta.get_fields()):
            aggregates["last"] = Max("updated_at")
        found = self.published().order_by().aggregate(**aggregates)
        return ":".join(str(found[name]) for name in sorted(found))[:100]

    def documents(self, keys=None):
        objects = self.published()
        if keys is not None:
            objects = objects.filter(pk__in=list(keys))
        for obj in objects:
            yield self.document(obj)


_kinds = {}


def register(kind):
    if not NAME.match(kind.name or ""):
        raise ImproperlyConfigured(f"Nom de type de recherche invalide : {kind.name!r}")
    registered = _kinds.get(kind.name)
    if registered is not None and type(registered) is not type(kind):
        raise ImproperlyConfigured(f"Deux types de recherche portent le nom {kind.name!r}")
    _kinds[kind.name] = kind
    return kind


def kinds():
    """The registered kinds, in their order."""
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))


def get(name):
    return _kinds.get(name)


def indexed_kinds(target=None):
    """The kinds of the generic index: all, those named `target`, or those built on
    the model `target`."""
    found = [kind for kind in kinds() if isinstance(kind, IndexedKind)]
    if target is None:
        return found
    if isinstance(target, str):
        return [kind for kind in found if kind.name == target]
    return [k for k in found if isinstance(k, ModelKind) and issubclass(target, k.model)]


def reindex(target, keys=None):
    """Write again the documents of `keys` (all when None) of the kinds named or built on
    the model `target`: a key whose item is no longer published leaves the index. Call
    it in the service function that wrote, inside its transaction."""
    from . import index

    chosen = indexed_kinds(target)
    if not chosen:
        raise ImproperlyConfigured(f"Aucun type de recherche pour {target!r}")
    for kind in chosen:
        index.write(kind, keys)


def rebuild():
    """Write again every kind's documents, and drop those of kinds no longer registered;
    returns {kind name: number of documents}."""
    from . import index

    written = {kind.name: index.write(kind) for kind in indexed_kinds()}
    index.forget_others(list(written))
    return written
