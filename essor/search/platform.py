"""The platform search: one query over every registered kind (registry.py), grouped by
kind — what /recherche/, the header's box and /api/recherche/ answer.

An answer is cached under the directory's generation and the state of the documents
(both move with every write): a hit is never stale."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from . import index, registry
from .backends import get_backend
from .directory import Total
from .registry import Results

PER_KIND = 5
PER_PAGE = 20
MAX_PAGE = 50
CACHE_SECONDS = 3600


@dataclass
class PlatformResults:
    query: str
    # The kinds with results: those whose best result holds every word in its title
    # first, then in the kinds' order.
    groups: list = field(default_factory=list)

    @property
    def total(self):
        return sum(group.total for group in self.groups)

    @property
    def fuzzy(self):
        return bool(self.groups) and all(group.fuzzy for group in self.groups)


def search_everything(query, *, per_kind=PER_KIND):
    kinds = registry.kinds()
    indexed = [kind for kind in kinds if isinstance(kind, registry.IndexedKind)]
    state = index.ensure_current(indexed)
    key = None
    if state is not None and CACHE_SECONDS:
        backend = get_backend()
        parts = (query, per_kind, [kind.name for kind in kinds], str(state))
        digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"essor:platform:{backend.vendor}:{backend.generation()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            # Kinds by name: a kind is code, not data (and may not pickle).
            return PlatformResults(
                query,
                [Results(registry.get(name), *rest) for name, *rest in cached],
            )
    found = _search_kinds(kinds, indexed, query, per_kind, approximate=False)
    if not any(result.total for result in found.values()):
        # Approximate matches only when nothing at all matches the words: beside exact
        # results of another kind they are noise, and a dear trigram scan of 180,000
        # names on PostgreSQL.
        found = _search_kinds(kinds, indexed, query, per_kind, approximate=True)
    groups = [found[kind.name] for kind in kinds if found[kind.name].total]
    groups.sort(key=lambda group: (not (group.hits and group.hits[0].in_title), group.kind.order))
    results = PlatformResults(query, groups)
    if key is not None:
        cached = [(g.kind.name, g.total, g.hits, g.fuzzy) for g in groups]
        cache.set(key, cached, CACHE_SECONDS)
    return results


def _search_kinds(kinds, indexed, query, per_kind, *, approximate):
    """{kind name: Results}: the kinds of the document index in one query, then the
    others (the directory) each through its own engine."""
    found = {
        result.kind.name: result
        for result in index.search(
            indexed, query, limit=per_kind, ensure=False, approximate=approximate
        )
    }
    for kind in kinds:
        if kind.name not in found:
            found[kind.name] = kind.search(query, limit=per_kind, approximate=approximate)
    return found


def search_kind(kind, query, *, page=1, per_page=PER_PAGE):
    """One kind's results for the query, a page at a time, and the Django Page of it
    (past the last page, the last one)."""
    result = kind.search(query, offset=(page - 1) * per_page, limit=per_page)
    paginator = Paginator(Total(result.total), per_page)
    if page > paginator.num_pages and result.total:
        page = min(paginator.num_pages, MAX_PAGE)
        result = kind.search(query, offset=(page - 1) * per_page, limit=per_page)
    return result, Page(result.hits, page, paginator)
