# ruff: noqa: S608 - the f-strings join fixed table and column names and fragments built
# here; every value a person typed travels as a query parameter.
"""The search interface and the SQL both backends share.

A result is an organisation (a legal unit): "vers qui se tourner ?" asks who, and an
organisation with twelve establishments in the département is one answer, not twelve.
Establishment-level filters (territory, NAF section, ESS sector, headcount band, radius,
map zone) select the organisations having at least one active establishment that
satisfies all of them together; the map shows those establishments.

Facet counts are counts of organisations, computed for each facet with every filter
except its own (choosing a value replaces the current one), so the count beside a value
is exactly the number of results once it is chosen.

Two ways compute them, with the same answers (a test runs both): the in-memory index
(memory.py), which answers once it holds the index's current generation, and SQL
(below), which answers meanwhile — after a write, until the snapshot is read again. In
SQL all counts come from one statement: the text is matched once (CTE `t`), and the
establishments of the organisations the text and organisation filters select are read
once (CTEs `d`, `m`) for all the establishment facets. Counts and pages are then cached
under the index's generation, which every write to the directory bumps.

Both backends read the same two tables kept by triggers (migration 0003): they differ
only in how text is matched and ranked.
"""

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache

from essor.directory.enums import LabelKind

EARTH_RADIUS_KM = 6371.0088
# Every write to the directory bumps this generation (triggers); cached results carry it.
BUMP = "UPDATE directory_search_state SET generation = generation + 1 WHERE id = 1"
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_km: float

    def bounding_box(self):
        """The box around the circle: an index range scan before the exact distance."""
        dlat = self.radius_km / KM_PER_DEGREE
        cos_lat = max(math.cos(math.radians(self.lat)), 0.01)
        dlon = self.radius_km / (KM_PER_DEGREE * cos_lat)
        return BBox(self.lon - dlon, self.lat - dlat, self.lon + dlon, self.lat + dlat)


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class SearchFilters:
    text: str = ""
    family: str = ""
    esus: bool = False
    # The open-data API's complement of `esus`: organisations without the agrément.
    not_esus: bool = False
    label: int | None = None
    # A label of kind LabelKind.PLACE: a kind of place of the ESS (tiers-lieu, PTCE…),
    # its own facet beside the labels proper.
    place: int | None = None
    section: str = ""
    sector: str = ""
    band: str = ""
    departement: str = ""
    epci: str = ""
    commune: str = ""
    # A NAF code or its beginning ("88", "88.9", "88.99B"): the open-data API's filter.
    naf: str = ""
    near: Near | None = None
    zone: BBox | None = None
    # The point distances are measured from (the chosen commune's centre).
    origin: tuple | None = None
    # Whether approximate names stand in when no organisation matches the words (the
    # platform search asks for them only when no kind matches at all).
    approximate: bool = True


ORG_FACETS = ("family", "esus", "label", "place")
# The « place » facet counts the labels of this kind, the « label » facet the others (a
# plain string: the SQL parameter).
PLACE_LABEL_KIND = LabelKind.PLACE.value
# facet name -> column of directory_search_site
SITE_FACETS = {
    "section": "section",
    "sector": "sector",
    "band": "band",
    "departement": "dep",
    "epci": "epci",
}
FACETS = ORG_FACETS + tuple(SITE_FACETS)


@dataclass(frozen=True)
class TextQuery:
    """What to look for: groups that a document must all match; a group is a tuple of
    alternatives, an alternative a tuple of synonyms.Word that must all be found
    (text.parse). Without synonyms, each group is one word."""

    groups: tuple
    fuzzy: bool = False
    # What a backend looks for, word by word (PostgreSQL: stems and words).
    prefixes: dict = field(default_factory=dict, compare=False)

    @property
    def terms(self):
        """The words as typed (each group's first alternative)."""
        return tuple(dict.fromkeys(w.text for group in self.groups for w in group[0]))

    @property
    def words(self):
        """Every word of every alternative, once."""
        return tuple(
            dict.fromkeys(w for group in self.groups for alternative in group for w in alternative)
        )


@dataclass
class SearchResult:
    total: int
    ids: list
    facets: dict = field(default_factory=dict)
    fuzzy: bool = False


@dataclass
class Cell:
    lat: float
    lon: float
    count: int
    est_id: int
    stacked: bool


class SearchBackend:
    """What the views need from a search engine. See SqlSearchBackend for the shared
    implementation; a backend only supplies its text matching."""

    vendor = ""

    def search(self, filters, *, sort="relevance", offset=0, limit=20, facets=True):
        """SearchResult: the total, the organisation ids of the page, the facet counts."""
        raise NotImplementedError

    def ids(self, filters, *, sort="relevance", limit=None):
        """All matching organisation ids, in order (the CSV export)."""
        raise NotImplementedError

    def summaries(self, filters, org_ids):
        """{org_id: (matching establishments, a commune code, distance km or None)}."""
        raise NotImplementedError

    def map_cells(self, filters, bbox, cell_degrees):
        """Matching establishments in `bbox`, aggregated on a grid of `cell_degrees`."""
        raise NotImplementedError

    def point_names(self, est_ids):
        """{est_id: (org_id, organisation name)}."""
        raise NotImplementedError

    def sites_in(self, filters, bbox, limit):
        """[(est_id, org_id)] of matching establishments in `bbox`."""
        raise NotImplementedError

    def rebuild(self):
        """Rewrite the whole index from the directory tables."""
        raise NotImplementedError


class Sql:
    """An SQL fragment with its parameters, in order."""

    __slots__ = ("sql", "params")

    def __init__(self, sql, params=()):
        self.sql = sql
        self.params = list(params)


def _join(fragments, separator=" AND "):
    return Sql(separator.join(f.sql for f in fragments), [p for f in fragments for p in f.params])


def _where(fragments):
    if not fragments:
        return Sql("")
    joined = _join(fragments)
    return Sql(" WHERE " + joined.sql, joined.params)


# Relevance, the same on both databases: first the organisations whose name (or acronym,
# SIREN, RNA) holds every word (tier 0), then those whose activity does (tier 1), then
# the rest — words found in the description (tier 2); within each tier the shortest
# name, the one nearest to what was typed, then the name order. For approximate matches
# on PostgreSQL, the trigram similarity takes the place of the tier.


class SqlSearchBackend(SearchBackend):
    name_order = "o.name_sort, o.org_id"
    # The join that makes the planner start from the text matches `t` (a few thousand
    # organisations) rather than from a facet's index over the whole table.
    driving_join = "JOIN"
    # Facet counts and pages are cached under the index's generation, which every
    # write bumps (triggers of migration 0003): a hit is never stale.
    cache_seconds = 3600

    def __init__(self, connection):
        self.connection = connection

    # --- what a backend supplies -----------------------------------------------------

    def text_matches(self, text):
        """Sql selecting the org_id of the organisations matching `text` (a TextQuery)."""
        raise NotImplementedError

    def ranked_ids(self, text, conditions, offset, limit):
        """Sql of the matching org ids under `conditions` (on alias o), in the order of
        relevance (see above)."""
        raise NotImplementedError

    def has_text_match(self, text):
        """Whether any organisation matches `text` (a TextQuery)."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------

    def text_postings(self):
        """Rows (term, "key,key,...") of the database's text index, one per term, a key
        being org_id * 8 + where the term occurs (memory.IN_NAME | IN_ACTIVITY |
        ELSEWHERE): what the in-memory index matches words with."""
        raise NotImplementedError

    def term_lookups(self, text):
        """A function of a Word of `text` giving the (prefix, exact) terms of the text
        index that find it: what text_matches looks for."""
        raise NotImplementedError

    def text_hits_in_memory(self, text, snapshot):
        """(mask, ranks) of the organisations of `snapshot` matching `text`, ranks being
        the relevance tiers — what text_hits_with_tiers gives, from the postings."""
        found, second, first = snapshot.text_masks(text.groups, self.term_lookups(text))
        # The name's matches are among the name's or activity's: 0, 1 or 2.
        return found, 2 - second.view(np.int8) - first.view(np.int8)

    def resolve_text(self, filters, snapshot=None):
        """The text part of a search: exact (stemmed, prefix) matching, or — when nothing
        at all matches the words — the approximate matching of the backend. With a
        `snapshot` holding the postings, whether anything matches is read there."""
        from .text import parse

        groups = parse(filters.text)
        if not groups:
            return None
        exact = self.text_query(groups)
        if not filters.approximate:
            return exact
        if snapshot is not None:
            matched = snapshot.text_masks(groups, self.term_lookups(exact))[0].any()
        else:
            matched = self.has_text_match(exact)
        return exact if matched else self.text_query(groups, fuzzy=True)

    def text_query(self, groups, fuzzy=False):
        return TextQuery(groups, fuzzy)

    def generation(self):
        rows = self._execute(Sql("SELECT generation FROM directory_search_state WHERE id = 1"))
        return rows[0][0]

    def _execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql.sql, sql.params)
            return cursor.fetchall()

    def _stream(self, sql, size=2000):
        """The rows of `sql`, read `size` at a time (a server-side cursor on PostgreSQL):
        the text index's postings are never all in the client's memory at once."""
        with self.connection.chunked_cursor() as cursor:
            cursor.execute(sql.sql, sql.params)
            while rows := cursor.fetchmany(size):
                yield from rows

    def _with(self, text, driving=None):
        """The CTEs: `t`, the organisations matching the text; with `driving` (Sql on
        `o`), `d`, those also matching the organisation filters, and `m`, all the
        establishments of `d`, read once for every establishment facet."""
        ctes = []
        if text is not None:
            match = self.text_matches(text)
            ctes.append(Sql(f"t AS MATERIALIZED ({match.sql})", match.params))
        if driving is not None:
            ctes.append(
                Sql(
                    f"d AS MATERIALIZED (SELECT o.org_id FROM {self._org_from(text)}{driving.sql})",
                    driving.params,
                )
            )
            ctes.append(
                Sql(
                    "m AS MATERIALIZED (SELECT s.org_id, s.est_id, s.dep, s.epci, s.section, "
                    "s.sector, s.band, s.commune, s.lat, s.lon "
                    f"FROM d {self.driving_join} directory_search_site s ON s.org_id = d.org_id)"
                )
            )
        if not ctes:
            return Sql("")
        joined = _join(ctes, ", ")
        return Sql(f"WITH {joined.sql} ", joined.params)

    def _org_from(self, text):
        if text is None:
            return "directory_search_org o"
        return f"t {self.driving_join} directory_search_org o ON o.org_id = t.org_id"

    def _site_from(self, text):
        if text is None:
            return "directory_search_site s"
        return f"t {self.driving_join} directory_search_site s ON s.org_id = t.org_id"

    def _distance(self, alias, lat, lon):
        # Haversine, in SQL that SQLite (3.35+ math functions, or Django's) and
        # PostgreSQL both run.
        return Sql(
            f"2 * {EARTH_RADIUS_KM} * ASIN(SQRT("
            f"POWER(SIN(RADIANS({alias}.lat - %s) / 2), 2) + COS(RADIANS(%s)) * "
            f"COS(RADIANS({alias}.lat)) * POWER(SIN(RADIANS({alias}.lon - %s) / 2), 2)))",
            [lat, lat, lon],
        )

    def _org_conditions(self, filters, alias, exclude=None):
        conditions = []
        if filters.family and exclude != "family":
            conditions.append(Sql(f"{alias}.family = %s", [filters.family]))
        if filters.esus and exclude != "esus":
            conditions.append(Sql(f"{alias}.esus = %s", [True]))
        if filters.not_esus and exclude != "esus":
            conditions.append(Sql(f"{alias}.esus = %s", [False]))
        for facet in ("label", "place"):
            if getattr(filters, facet) and exclude != facet:
                conditions.append(
                    Sql(
                        f"{alias}.org_id IN (SELECT organisation_id FROM "
                        "directory_organisation_labels WHERE label_id = %s)",
                        [getattr(filters, facet)],
                    )
                )
        return conditions

    def _site_conditions(self, filters, alias, exclude=None):
        conditions = []
        for facet, column in (*SITE_FACETS.items(), ("commune", "commune")):
            value = getattr(filters, facet)
            if value and exclude != facet:
                conditions.append(Sql(f"{alias}.{column} = %s", [value]))
        if filters.naf:
            conditions.append(
                Sql(
                    f"{alias}.est_id IN (SELECT id FROM directory_establishment WHERE naf LIKE %s)",
                    [filters.naf + "%"],
                )
            )
        for box in (filters.zone, filters.near.bounding_box() if filters.near else None):
            if box:
                conditions.append(
                    Sql(
                        f"{alias}.lat BETWEEN %s AND %s AND {alias}.lon BETWEEN %s AND %s",
                        [box.south, box.north, box.west, box.east],
                    )
                )
        if filters.near:
            distance = self._distance(alias, filters.near.lat, filters.near.lon)
            conditions.append(
                Sql(f"{distance.sql} <= %s", [*distance.params, filters.near.radius_km])
            )
        return conditions

    def _org_scope(self, filters, text, exclude=None):
        """Conditions on `o` (directory_search_org) for organisations matching filters;
        the text is the driving table `t`, not a condition."""
        conditions = self._org_conditions(filters, "o", exclude)
        site = self._site_conditions(filters, "s")
        if site:
            joined = _join(site)
            if text is None:
                sql = (
                    f"o.org_id IN (SELECT s.org_id FROM directory_search_site s WHERE {joined.sql})"
                )
            else:
                # Few organisations: look their establishments up one by one.
                sql = (
                    "EXISTS (SELECT 1 FROM directory_search_site s "
                    f"WHERE s.org_id = o.org_id AND {joined.sql})"
                )
            conditions.append(Sql(sql, joined.params))
        return conditions

    def _site_scope(self, filters, exclude=None):
        return self._site_conditions(filters, "s", exclude) + self._org_conditions(filters, "s")

    def _facet_statement(self, filters, text):
        branches = []
        org_from = self._org_from(text)

        def org_where(exclude=None):
            return _where(self._org_scope(filters, text, exclude))

        where = org_where()
        branches.append(
            Sql(
                "SELECT 'org' AS facet, o.family AS value, "
                "CASE WHEN o.esus THEN 1 ELSE 0 END AS flag, COUNT(*) AS n "
                f"FROM {org_from}{where.sql} GROUP BY o.family, o.esus",
                where.params,
            )
        )
        if filters.family:
            where = org_where("family")
            branches.append(
                Sql(
                    f"SELECT 'family', o.family, 0, COUNT(*) FROM {org_from}{where.sql} "
                    "GROUP BY o.family",
                    where.params,
                )
            )
        if filters.esus:
            where = org_where("esus")
            branches.append(
                Sql(
                    "SELECT 'esus', NULL, CASE WHEN o.esus THEN 1 ELSE 0 END, COUNT(*) "
                    f"FROM {org_from}{where.sql} GROUP BY o.esus",
                    where.params,
                )
            )
        # Labels and places of the ESS: the same pairs, told apart by the label's kind.
        for facet, test in (("label", "<>"), ("place", "=")):
            where = _where(
                [
                    Sql(f"l.kind {test} %s", [PLACE_LABEL_KIND]),
                    *self._org_scope(filters, text, facet),
                ]
            )
            branches.append(
                Sql(
                    f"SELECT '{facet}', CAST(ol.label_id AS VARCHAR(20)), 0, COUNT(*) "
                    f"FROM {org_from} JOIN directory_organisation_labels ol "
                    "ON ol.organisation_id = o.org_id "
                    f"JOIN directory_label l ON l.id = ol.label_id{where.sql} GROUP BY ol.label_id",
                    where.params,
                )
            )
        # Establishment facets: from `m` (the establishments of the organisations the
        # text and organisation filters select, read once) when those narrow the
        # search; from the table and its (column, org_id) indexes otherwise.
        org_conditions = self._org_conditions(filters, "o")
        driving = _where(org_conditions) if text is not None or org_conditions else None
        for facet, column in SITE_FACETS.items():
            where = _where(
                [Sql(f"s.{column} IS NOT NULL"), *self._site_conditions(filters, "s", facet)]
            )
            if driving is None:
                sql = (
                    f"SELECT '{facet}', s.{column}, 0, COUNT(DISTINCT s.org_id) "
                    f"FROM directory_search_site s{where.sql} GROUP BY s.{column}"
                )
            else:
                # `m` is in no order: distinct (value, organisation) pairs by hashing,
                # where COUNT(DISTINCT) would sort every group.
                sql = (
                    f"SELECT '{facet}', value, 0, COUNT(*) FROM (SELECT DISTINCT s.{column} "
                    f"AS value, s.org_id FROM m s{where.sql}) pairs GROUP BY value"
                )
            branches.append(Sql(sql, where.params))
        union = _join(branches, " UNION ALL ")
        prefix = self._with(text, driving)
        return Sql(prefix.sql + union.sql, prefix.params + union.params)

    def _read_facets(self, rows, filters):
        total = 0
        facets = {name: {} for name in FACETS}
        for facet, value, flag, count in rows:
            if facet == "org":
                total += count
                if not filters.family:
                    facets["family"][value] = facets["family"].get(value, 0) + count
                if not filters.esus and flag:
                    facets["esus"]["1"] = facets["esus"].get("1", 0) + count
            elif facet == "esus":
                if flag:
                    facets["esus"]["1"] = count
            else:
                facets[facet][value] = count
        return total, facets

    def _count(self, filters, text):
        where = _where(self._org_scope(filters, text))
        prefix = self._with(text)
        rows = self._execute(
            Sql(
                f"{prefix.sql}SELECT COUNT(*) FROM {self._org_from(text)}{where.sql}",
                prefix.params + where.params,
            )
        )
        return rows[0][0]

    def _page_sql(self, filters, text, sort, offset, limit):
        prefix = self._with(text)
        if sort == "distance" and filters.origin:
            distance = self._distance("s", *filters.origin)
            where = _where(self._site_scope(filters))
            return Sql(
                f"{prefix.sql}SELECT s.org_id, MIN({distance.sql}) AS d "
                f"FROM {self._site_from(text)}{where.sql} GROUP BY s.org_id "
                "ORDER BY d, s.org_id LIMIT %s OFFSET %s",
                prefix.params + distance.params + where.params + [limit, offset],
            )
        if sort == "relevance" and text is not None:
            return self.ranked_ids(text, self._org_scope(filters, text), offset, limit)
        where = _where(self._org_scope(filters, text))
        order = self.name_order
        if sort == "-name":
            order = ", ".join(f"{column} DESC" for column in order.split(", "))
        return Sql(
            f"{prefix.sql}SELECT o.org_id FROM {self._org_from(text)}{where.sql} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            prefix.params + where.params + [limit, offset],
        )

    def _cache_key(self, generation, filters, *parts):
        digest = hashlib.sha1(repr((filters, parts)).encode(), usedforsecurity=False)
        return f"essor:search:{self.vendor}:{generation}:{digest.hexdigest()}"

    def search(self, filters, *, sort="relevance", offset=0, limit=20, facets=True):
        generation = self.generation()
        plan = _Plan(self, filters, generation)
        key = self._cache_key(generation, filters, "facets" if facets else "count")
        summary = cache.get(key)
        if summary is None:
            if plan.snapshot is not None:
                if facets:
                    total, counts, plan.result = plan.snapshot.counted(filters, plan.text_mask)
                else:
                    total, counts = int(plan.matched[0].sum()), {}
            elif facets:
                rows = self._execute(self._facet_statement(filters, plan.text))
                total, counts = self._read_facets(rows, filters)
            else:
                total, counts = self._count(filters, plan.text), {}
            summary = (total, counts, bool(plan.text and plan.text.fuzzy))
            cache.set(key, summary, self.cache_seconds)
        total, counts, fuzzy = summary
        ids = []
        if total and offset < total and limit:
            key = self._cache_key(generation, filters, "page", sort, offset, limit)
            ids = cache.get(key)
            if ids is None:
                ids = plan.ordered(sort, offset, limit)
                cache.set(key, ids, self.cache_seconds)
        return SearchResult(total, ids, counts, fuzzy=fuzzy)

    def ids(self, filters, *, sort="relevance", limit=None):
        return _Plan(self, filters, self.generation()).ordered(sort, 0, limit)

    def summaries(self, filters, org_ids):
        if not org_ids:
            return {}
        origin = filters.origin
        distance = self._distance("s", *origin) if origin else Sql("NULL")
        scope = [
            Sql(f"s.org_id IN ({', '.join(['%s'] * len(org_ids))})", org_ids),
            *self._site_conditions(filters, "s"),
        ]
        where = _where(scope)
        rows = self._execute(
            Sql(
                "SELECT s.org_id, COUNT(*), MAX(CASE WHEN s.head THEN '1' ELSE '0' END "
                f"|| COALESCE(s.commune, '')), MIN({distance.sql}) "
                f"FROM directory_search_site s{where.sql} GROUP BY s.org_id",
                distance.params + where.params,
            )
        )
        return {
            org_id: (count, (commune or "")[1:] or None, dist)
            for org_id, count, commune, dist in rows
        }

    def _in_box(self, bbox):
        return Sql(
            "s.lat BETWEEN %s AND %s AND s.lon BETWEEN %s AND %s",
            [bbox.south, bbox.north, bbox.west, bbox.east],
        )

    def map_cells(self, filters, bbox, cell_degrees):
        plan = _Plan(self, filters, self.generation())
        if plan.snapshot is not None:
            return plan.snapshot.cells(filters, plan.text_mask, bbox, cell_degrees)
        text = plan.text
        where = _where([self._in_box(bbox), *self._site_scope(filters)])
        prefix = self._with(text)
        # Cells are anchored at (-90, -180), not at the viewport: a pan keeps clusters.
        rows = self._execute(
            Sql(
                f"{prefix.sql}SELECT FLOOR((s.lat + 90.0) / %s) AS gy, "
                "FLOOR((s.lon + 180.0) / %s) AS gx, COUNT(*), AVG(s.lat), AVG(s.lon), "
                "MIN(s.est_id), MIN(s.lat), MAX(s.lat), MIN(s.lon), MAX(s.lon) "
                f"FROM {self._site_from(text)}{where.sql} GROUP BY gy, gx",
                prefix.params + [cell_degrees, cell_degrees] + where.params,
            )
        )
        return [
            Cell(lat, lon, count, est_id, count > 1 and south == north and west == east)
            for _, _, count, lat, lon, est_id, south, north, west, east in rows
        ]

    def point_names(self, est_ids):
        if not est_ids:
            return {}
        rows = self._execute(
            Sql(
                "SELECT s.est_id, s.org_id, o.name FROM directory_search_site s "
                "JOIN directory_search_org o ON o.org_id = s.org_id "
                f"WHERE s.est_id IN ({', '.join(['%s'] * len(est_ids))})",
                est_ids,
            )
        )
        return {est_id: (org_id, name) for est_id, org_id, name in rows}

    def sites_in(self, filters, bbox, limit):
        plan = _Plan(self, filters, self.generation())
        if plan.snapshot is not None:
            return plan.snapshot.sites_listed(filters, plan.text_mask, bbox, limit)
        text = plan.text
        where = _where([self._in_box(bbox), *self._site_scope(filters)])
        prefix = self._with(text)
        return self._execute(
            Sql(
                f"{prefix.sql}SELECT s.est_id, s.org_id FROM {self._site_from(text)} "
                f"JOIN directory_search_org o ON o.org_id = s.org_id{where.sql} "
                f"ORDER BY {self.name_order}, s.est_id LIMIT %s",
                prefix.params + where.params + [limit],
            )
        )


class _Plan:
    """One search's text (resolved once, on demand) and the in-memory snapshot of the
    index when it is up to date (memory.py); without it, everything runs in SQL."""

    def __init__(self, backend, filters, generation):
        # memory.py builds on this module: imported when first needed.
        from . import memory

        self.backend, self.filters = backend, filters
        self.snapshot = memory.current(backend, generation)
        self._text = self._text_mask = self._rank = self._matched = _UNRESOLVED
        # The result's organisations when the counts gave them (in memory).
        self.result = None

    @property
    def text(self):
        if self._text is _UNRESOLVED:
            self._text = self.backend.resolve_text(self.filters, self.snapshot)
        return self._text

    @property
    def text_mask(self):
        """The organisations matching the words, over the snapshot; None without words."""
        if self._text_mask is _UNRESOLVED:
            self._text_mask = self._rank = None
            if self.text is not None:
                hits = self.backend.text_hits_in_memory(self.text, self.snapshot)
                self._text_mask, self._rank = hits
        return self._text_mask

    @property
    def matched(self):
        if self._matched is _UNRESOLVED:
            self._matched = self.snapshot.matching(self.filters, self.text_mask)
        return self._matched

    @property
    def rank(self):
        """Relevance ranks of the organisations matching the words (tiers, or the
        similarity of approximate matches); None without words."""
        return None if self.text_mask is None else self._rank

    def ordered(self, sort, offset, limit):
        if self.snapshot is not None:
            rank = self.rank if sort == "relevance" else None
            # Only the distance order reads the matching establishments.
            if self.result is not None and sort != "distance":
                matched = (self.result, None)
            else:
                matched = self.matched
            return self.snapshot.ordered(self.filters, matched, rank, sort, offset, limit)
        sql = self.backend._page_sql(self.filters, self.text, sort, offset, limit or 10_000_000)
        return [row[0] for row in self.backend._execute(sql)]


_UNRESOLVED = object()
