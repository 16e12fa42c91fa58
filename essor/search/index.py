# ruff: noqa: S608 - the f-strings join fixed table and column names and fragments built
# here; every value a person typed travels as a query parameter.
"""The generic document index: writing the documents of a kind (registry.py) and
searching them, on SQLite (FTS5) and PostgreSQL (tsvector) alike.

Text is folded in Python (text.normalise) before either database sees it, and queries
are built by the directory's text functions (synonyms, light stems or French stems,
acronyms): a word finds the same documents on both. Relevance is the directory's, the
same on both databases: all the words in the title first (tier 0), then in the title and
keywords (tier 1), then anywhere (tier 2) — and before all, a title that is exactly
what was typed; within a tier, the document's priority (a
commune's population), then the shortest title, then the folded title. When no document
at all matches, the approximate matching of the backend takes over (SQLite: shorter
prefixes; PostgreSQL: trigram similarity of the title)."""

import contextlib
import html
import json
import math
import time

import nh3
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, CharField, Exists, Expression, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from essor.core.text import render_markdown

from .backends import get_backend
from .backends.base import Sql
from .backends.postgresql import FUZZY_CANDIDATES, FUZZY_THRESHOLD, tsquery
from .backends.sqlite import match_expression
from .backends.text import normalise, parse
from .models import Document, IndexedKind
from .registry import Hit, Results

FTS = "search_document_fts"
SUMMARY_LENGTH = 240


def plain(markdown, length=None):
    """The text of a Markdown source, without markup; of its first `length` characters
    when given (rendering a long text to show its start would cost more than a search)."""
    if not markdown:
        return ""
    if length is not None:
        markdown = markdown[: length * 2]
    text = nh3.clean(str(render_markdown(markdown)), tags=set())
    return " ".join(html.unescape(text).split())


def shorten(text, length=SUMMARY_LENGTH):
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


# --- writing -----------------------------------------------------------------------------


COLUMNS = [
    "kind",
    "key",
    "title",
    "title_sort",
    "url",
    "summary",
    "context",
    "territory",
    "priority",
]


def write(kind, keys=None):
    """Replace the documents of `keys` (all when None) of `kind` by what the kind says
    of them now; returns the number written."""
    if keys is not None and not _holds(kind):
        keys = None  # a kind new to the index (or of another version): write it whole
    rows, texts = [], []
    for document in kind.documents(keys):
        summary, body = plain(document.summary), plain(document.body)
        rows.append(
            (
                kind.name,
                str(document.key),
                document.title[:300],
                normalise(document.title)[:300],
                document.url,
                shorten(summary or body),
                document.context[:300],
                document.territory[:200],
                document.priority,
            )
        )
        texts.append(
            (
                normalise(document.title),
                normalise(f"{document.keywords} {document.territory}"),
                normalise(f"{summary} {body}"),
            )
        )
    with transaction.atomic():
        stale = Document.objects.filter(kind=kind.name)
        if keys is not None:
            stale = stale.filter(key__in=[str(key) for key in keys])
        stale.delete()
        if rows:
            # In SQL: tens of thousands of places would spend seconds in model instances.
            (_sqlite_insert if connection.vendor == "sqlite" else _pg_insert)(kind, rows, texts)
        if connection.vendor == "postgresql":
            _pg_settle(whole=keys is None)
        IndexedKind.objects.update_or_create(
            name=kind.name,
            defaults={"version": kind.version, "fingerprint": kind.fingerprint() or ""},
        )
    return len(rows)


def forget_others(names):
    """Remove the documents of kinds other than `names` (an app removed)."""
    Document.objects.exclude(kind__in=names).delete()
    IndexedKind.objects.exclude(name__in=names).delete()


def _sqlite_insert(kind, rows, texts):
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO search_document ({', '.join(COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(COLUMNS))})",
            rows,
        )
        cursor.execute("SELECT key, id FROM search_document WHERE kind = %s", [kind.name])
        ids = dict(cursor.fetchall())
        cursor.executemany(
            f"INSERT INTO {FTS} (rowid, title, keywords, body) VALUES (%s, %s, %s, %s)",
            [(ids[row[1]], *text) for row, text in zip(rows, texts, strict=True)],
        )


def _pg_insert(kind, rows, texts):
    # French stems for meaning, the words themselves for prefixes typed past the stem
    # ("cooperati"), as the directory's documents.
    columns = [list(column) for column in zip(*rows, strict=True)]
    columns += [list(column) for column in zip(*texts, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO search_document ({", ".join(COLUMNS)}, document)
            SELECT {", ".join(COLUMNS)},
                   setweight(to_tsvector('french', t_title), 'A')
                   || setweight(to_tsvector('simple', t_title), 'A')
                   || setweight(to_tsvector('french', t_keywords), 'B')
                   || setweight(to_tsvector('simple', t_keywords), 'B')
                   || setweight(to_tsvector('french', t_body), 'C')
                   || setweight(to_tsvector('simple', t_body), 'C')
              FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                          %s::text[], %s::text[], %s::text[], %s::bigint[],
                          %s::text[], %s::text[], %s::text[])
                   AS t({", ".join(COLUMNS)}, t_title, t_keywords, t_body)""",
            columns,
        )


def _pg_settle(*, whole):
    """Leave the GIN index searchable at full speed: new entries wait in its pending
    list, which every search reads linearly until a vacuum merges it (after a rebuild,
    20–30 ms a query instead of 0.1). A kind written whole may change the table's
    shape: its statistics are renewed, or the planner keeps reading the documents by
    kind rather than through the index."""
    with connection.cursor() as cursor:
        # Only the index's owner may (as for a vacuum); anyone else leaves it to autovacuum.
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid) FROM pg_class c "
            "WHERE c.oid = 'search_document_document'::regclass "
            "AND pg_has_role(c.relowner, 'USAGE')"
        )
        if whole:
            cursor.execute("ANALYZE search_document")


def _holds(kind):
    return IndexedKind.objects.filter(name=kind.name, version=kind.version).exists()


_checked = {}


def ensure_current(kinds):
    """Index again the kinds the index does not hold yet, holds in another version (a
    kind just added, or whose documents changed shape with a deployment) or whose
    published items changed behind the services' back — their fingerprint moved, looked
    at once every settings.ESSOR_SEARCH_CHECK_SECONDS. Returns the state of the documents
    (it changes with every write), or None when this call wrote."""
    stored = {
        name: (version, fingerprint, indexed_at)
        for name, version, fingerprint, indexed_at in IndexedKind.objects.values_list(
            "name", "version", "fingerprint", "indexed_at"
        )
    }
    now, alias = time.monotonic(), connection.alias
    check = now - _checked.get(alias, -math.inf) >= settings.ESSOR_SEARCH_CHECK_SECONDS
    if check:
        _checked[alias] = now
    wrote = False
    for kind in kinds:
        version, fingerprint, _ = stored.get(kind.name, (None, None, None))
        if version != kind.version or (check and fingerprint != (kind.fingerprint() or "")):
            # Another process may index it at the same moment: its documents stand.
            with contextlib.suppress(IntegrityError):
                write(kind)
            wrote = True
    if wrote:
        return None
    return max((row[2] for row in stored.values()), default=None)


def forget():
    """Check the fingerprints at the next search (tests that rewrite the content)."""
    _checked.clear()


# --- searching ---------------------------------------------------------------------------


def search(kinds, text, *, offset=0, limit=5, ensure=True, approximate=True):
    """[Results] of each kind, in the order given: the total and the hits of
    [offset, offset + limit), best first; with `approximate`, approximate matches when
    no document matches the words. `ensure=False` when ensure_current() has just run."""
    results = {kind.name: Results(kind, 0) for kind in kinds}
    groups = parse(text)
    if not groups or not kinds:
        return list(results.values())
    if ensure:
        ensure_current(kinds)
    backend = get_backend()
    names = [kind.name for kind in kinds]
    typed = normalise(text)
    rows = _ranked(backend.text_query(groups), typed, names, offset, limit)
    fuzzy = approximate and not rows
    if fuzzy:
        rows = _ranked(backend.text_query(groups, fuzzy=True), typed, names, offset, limit)
    for kind, title, url, summary, context, territory, rank, total in rows:
        result = results[kind]
        result.total, result.fuzzy = total, fuzzy
        if title is not None:
            result.hits.append(
                Hit(title, url, summary, context, territory, in_title=not fuzzy and rank <= 0)
            )
    return list(results.values())


def matching_keys(kind, text, *, ensure=True):
    """The keys of `kind`'s documents that `text` matches (approximately when nothing
    matches exactly), unranked, or None when the query has no words: for a module that
    filters its items on its own columns and takes the words from the platform engine
    (the studies of /ressources/)."""
    groups = parse(text)
    if not groups:
        return None
    if ensure:
        ensure_current([kind])
    for fuzzy in (False, True):
        keys = _keys(kind, groups, text, fuzzy)
        if keys:
            return keys
    return []


def _keys(kind, groups, text, fuzzy):
    scorer = _sqlite_scored if connection.vendor == "sqlite" else _pg_scored
    scored = scorer(get_backend().text_query(groups, fuzzy=fuzzy), [kind.name], normalise(text))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.key FROM search_document d WHERE d.id IN (SELECT s.id FROM "
            f"({scored.sql}) s)",
            scored.params,
        )
        return [row[0] for row in cursor.fetchall()]


def matching(kind, text, *, ensure=True):
    """A condition for `.filter()` on the model of `kind` (its documents' keys are the
    items' primary keys) that keeps the items `text` matches — the same items as
    matching_keys() — or None when the query has no words: for a module whose own
    filters (a category, a place) narrow the items more than the words do (the
    suppliers' sourcing).

    On PostgreSQL, when some document of the kind matches exactly, the words are tested
    on each remaining item's own document (an EXISTS probing the (kind, key) index),
    not on every document of the index: a broad word (« solidaires ») matches thousands
    of documents, and reading them all cost more than the rest of the search. Elsewhere,
    and for the approximate matches (a few dozen), the keys travel as one parameter."""
    groups = parse(text)
    if not groups:
        return None
    if ensure:
        ensure_current([kind])
    if connection.vendor == "postgresql":
        query = tsquery(get_backend().text_query(groups))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM search_document d WHERE d.kind = %s "
                f"AND d.document @@ ({query.sql}) LIMIT 1",
                [kind.name, *query.params],
            )
            exact = cursor.fetchone() is not None
        if exact:
            own = Document.objects.filter(
                kind=kind.name, key=Cast(OuterRef("pk"), output_field=CharField())
            )
            return Exists(own.filter(_DocumentMatches(query)))
        keys = _keys(kind, groups, text, fuzzy=True)
    else:
        keys = matching_keys(kind, text, ensure=False)
    return Q(pk__in=keys_in(keys))


class _DocumentMatches(Expression):
    """`document @@ query` on a Document queryset's table, whatever its alias (U0 in a
    subquery): the tsvector column is not a model field (migration 0001 adds it)."""

    output_field = BooleanField()

    def __init__(self, query):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.document @@ ({self.query.sql})", list(self.query.params)


def keys_in(keys):
    """An expression for `pk__in=` holding the integer `keys` (of matching_keys) as one
    parameter — an array on PostgreSQL, a JSON list on SQLite — rather than one per key:
    a broad word matches thousands of documents, and an IN list of thousands costs more
    to build, send and plan than the search itself."""
    keys = [int(key) for key in keys]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [keys])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(keys)])


def _ranked(text, typed, names, offset, limit):
    """Rows (kind, title, url, summary, context, territory, rank, total of the kind) of
    the hits of each kind ranked offset+1 to offset+limit; a kind with matches but none
    in that range gives one row of NULLs with its total."""
    scored = (_sqlite_scored if connection.vendor == "sqlite" else _pg_scored)(text, names, typed)
    order = 'rank, priority DESC, LENGTH(title), title_sort COLLATE "C", id'
    if connection.vendor == "sqlite":
        order = "rank, priority DESC, LENGTH(title), title_sort, id"
    sql = (
        "SELECT kind, CASE WHEN n > %s AND n <= %s THEN title END, url, summary, context, "
        "territory, rank, total FROM ("
        f"SELECT r.*, COUNT(*) OVER (PARTITION BY kind) AS total, "
        f"ROW_NUMBER() OVER (PARTITION BY kind ORDER BY {order}) AS n FROM ({scored.sql}) r"
        ") ranked WHERE (n > %s AND n <= %s) OR n = 1 ORDER BY kind, n"
    )
    params = [offset, offset + limit, *scored.params, offset, offset + limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _kinds_in(names):
    return Sql(f"d.kind IN ({', '.join(['%s'] * len(names))})", names)


def _sqlite_scored(text, names, typed):
    matches = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
    every = f"SELECT rowid AS id FROM {FTS} WHERE {FTS} MATCH %s"
    kinds = _kinds_in(names)
    return Sql(
        "SELECT d.id, d.kind, d.title, d.title_sort, d.url, d.summary, d.context, d.territory, "
        f"d.priority, CASE WHEN d.title_sort = %s THEN -1 WHEN d.id IN ({matches}) THEN 0 "
        f"WHEN d.id IN ({matches}) THEN 1 ELSE 2 END "
        # SQLite keeps the left table of a CROSS JOIN as the outer loop: from the
        # matches (a few), not from the documents of the kinds (every commune).
        f"AS rank FROM ({every}) m CROSS JOIN search_document d ON d.id = m.id "
        f"WHERE {kinds.sql}",
        [
            typed,
            match_expression(text, "title"),
            match_expression(text, "title keywords"),
            match_expression(text),
            *kinds.params,
        ],
    )


def _pg_scored(text, names, typed):
    columns = (
        "d.id, d.kind, d.title, d.title_sort, d.url, d.summary, d.context, d.territory, d.priority"
    )
    kinds = _kinds_in(names)
    if text.fuzzy:
        words = " ".join(text.terms)
        return Sql(
            f"SELECT {columns}, -word_similarity(%s, d.title_sort) AS rank "
            f"FROM search_document d WHERE d.id IN (SELECT id FROM search_document d "
            f"WHERE {kinds.sql} ORDER BY %s <<-> title_sort LIMIT %s) "
            "AND word_similarity(%s, d.title_sort) >= %s",
            [words, *kinds.params, words, FUZZY_CANDIDATES, words, FUZZY_THRESHOLD],
        )
    first, second, every = tsquery(text, "A"), tsquery(text, "AB"), tsquery(text)
    return Sql(
        f"SELECT {columns}, CASE WHEN d.title_sort = %s THEN -1 "
        f"WHEN d.document @@ ({first.sql}) THEN 0 "
        f"WHEN d.document @@ ({second.sql}) THEN 1 ELSE 2 END AS rank "
        f"FROM search_document d WHERE d.document @@ ({every.sql}) AND {kinds.sql}",
        [typed, *first.params, *second.params, *every.params, *kinds.params],
    )
