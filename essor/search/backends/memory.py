"""The directory's search index, in memory: what makes a search with exact facet counts
instant with every ESS establishment of France loaded.

Everything is computed here, over columns of numbers: one entry per listed
organisation, one per active establishment (the two tables the triggers of migration
0003 keep), and the postings of the text index. A count over 250,000 establishments is a
few vectorised passes (milliseconds) where SQL would group and hash row by row
(hundreds of milliseconds).

The words are matched with the database's own text index, copied: at each reading, its
postings (PostgreSQL: `unnest(document)`, aggregated by lexeme; SQLite: the `fts5vocab`
instance table of the FTS5 index) become a sorted vocabulary of terms, each with a
slice of organisation indexes and, per posting, where the term occurs (IN_NAME: weight A,
the name and identifiers columns; IN_ACTIVITY: B, the activity; ELSEWHERE). A word is
the terms its backend looks for (term_lookups: PostgreSQL's stems and prefixes, SQLite's
light stem) — a prefix is a contiguous range of the sorted vocabulary, found by
bisection —, so the matches and the relevance tiers are those of the SQL path
(text_masks), in about a millisecond, without reading a row. A term costs 17 bytes, a
posting 5: 22–27 MB at 180,000 organisations (bench/README.md).

A snapshot belongs to one generation of the index, the counter every write bumps. When
the generation moves, the snapshot is read again in a background thread (seconds of CPU,
the text index's postings the dearest part; at most one reading every READING_INTERVAL) and, until it is
ready, searches run in SQL (base.py): results are never stale, only slower for a moment
after a write. Tests read it inline (ESSOR_SEARCH_MEMORY = "inline").

The processes of a machine share one copy (issue 20.2): the process that reads a
generation writes its arrays as .npy files under ESSOR_SEARCH_INDEX_DIR
(`<database>/<generation>/`, renamed into place whole), and every process maps those
files read-only (numpy memmap): the pages are the operating system's page cache, held
once however many workers map them. A lock file makes one process read the tables while
the others keep answering in SQL, then map what it wrote. When the folder cannot be
written, a process keeps its own copy in memory, as before.
"""

import bisect
import contextlib
import ctypes
import ctypes.util
import fcntl
import functools
import hashlib
import json
import logging
import math
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connections

from .base import EARTH_RADIUS_KM, ORG_FACETS, PLACE_LABEL_KIND, SITE_FACETS, BBox, Cell, Sql

logger = logging.getLogger(__name__)

# Site columns coded as small integers, with the filter each answers to.
CODED = {"dep": "departement", "epci": "epci", "section": "section", "sector": "sector",
         "band": "band", "commune": "commune"}  # fmt: skip
NO_VALUE = -1
# A search whose words or place leave at most this many establishments is counted over
# those alone (their indexes); beyond, over whole columns. At national scale (2 million
# establishments) a pass over a column costs about a millisecond, and a count runs a
# dozen of them per facet.
FEW_SITES = 150_000
# Counted over whole columns, a facet whose establishments (those passing every other
# filter) are this few is counted over their indexes instead: a département's filter
# leaves a hundredth of the columns to each other facet.
FEW_COUNTED = FEW_SITES
# Site filters that are facets (excluded one at a time when counting), and the others.
LABELS = ("label", "place")
# A page in name order reads the order by slices from this size up.
NAME_SLICE = 65_536


def _codes(values):
    """(vocabulary, int32 codes) of a column of strings or None; None is NO_VALUE."""
    column = np.array(["" if v is None else v for v in values], dtype=str)
    vocabulary, codes = np.unique(column, return_inverse=True)
    codes = codes.astype(np.int32)
    if len(vocabulary) and vocabulary[0] == "":
        codes -= 1
        vocabulary = vocabulary[1:]
    return {value: code for code, value in enumerate(vocabulary.tolist())}, codes


def _positions(sorted_ids, ids):
    """(positions in `sorted_ids` of the `ids` it holds, which of `ids` it holds)."""
    ids = np.asarray(ids, dtype=np.int64)
    if not len(sorted_ids):
        return np.zeros(0, np.int64), np.zeros(len(ids), bool)
    positions = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    found = sorted_ids[positions] == ids
    return positions[found], found


# Where a term occurs in a document: the parts of the relevance tiers (base.py).
IN_NAME, IN_ACTIVITY, ELSEWHERE = 1, 2, 4
EVERYWHERE = IN_NAME | IN_ACTIVITY | ELSEWHERE
# text_masks' masks: anywhere, then tier 1 (name or activity), then tier 0 (name).
TIER_PARTS = (EVERYWHERE, IN_NAME | IN_ACTIVITY, IN_NAME)


class _Terms:
    """The sorted terms of a snapshot as a sequence of bytes, for bisect: read from the
    mapped arrays, never copied whole."""

    __slots__ = ("blob", "start")

    def __init__(self, blob, start):
        self.blob, self.start = blob, start

    def __len__(self):
        return len(self.start) - 1

    def __getitem__(self, index):
        return self.blob[self.start[index] : self.start[index + 1]].tobytes()


def read_postings(rows):
    """The postings arrays (Snapshot.term_bytes...posting_where, org_id-indexed later)
    from rows (term, "key,key,..."), a key being org_id * 8 + where, a row per term."""
    terms, lists = [], []
    for term, keys in rows:
        terms.append(term.encode())
        lists.append(keys)
    order = sorted(range(len(terms)), key=terms.__getitem__)
    terms = [terms[i] for i in order]
    keys = [np.fromstring(lists[i], dtype=np.int64, sep=",") for i in order]
    del lists
    counts = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    return {
        "term_bytes": np.frombuffer(b"".join(terms), dtype=np.uint8).copy(),
        "term_start": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "posting_start": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        "keys": keys,
    }


@dataclass
class Snapshot:
    generation: int
    # Organisations, in org_id order (their index is their position).
    org_id: np.ndarray
    family: np.ndarray  # int8 code in families
    families: list
    esus: np.ndarray
    name_length: np.ndarray
    name_rank: np.ndarray  # position in the name order
    by_name: np.ndarray  # organisation indexes in name order
    # (organisation index, label id) pairs, and whether the label is a place of the ESS
    # (the « place » facet) or a label proper (the « label » facet).
    label_org: np.ndarray
    label_id: np.ndarray
    label_place: np.ndarray
    # Establishments, grouped by organisation.
    site_org: np.ndarray
    est_id: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    columns: dict  # column -> int32 codes
    vocabularies: dict  # column -> {value: code}
    # column -> establishment order by (organisation, value): for distinct pairs.
    pair_order: dict
    # The text index's postings, as the database's own index holds them (see TextIndex):
    # the terms in byte order, concatenated (term_bytes, term_start), and for each term
    # a slice (posting_start) of organisation indexes with where the term occurs.
    term_bytes: np.ndarray
    term_start: np.ndarray
    posting_start: np.ndarray
    posting_org: np.ndarray
    posting_where: np.ndarray  # IN_NAME | IN_ACTIVITY | ELSEWHERE

    @property
    def size(self):
        return len(self.org_id)

    @property
    def nbytes(self):
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        arrays += [*self.columns.values(), *self.pair_order.values()]
        return sum(a.nbytes for a in arrays)

    def _derived(self, name, compute):
        """What is computed once per process from the arrays (not kept in the files)."""
        derived = self.__dict__.setdefault("_derived_values", {})
        if name not in derived:
            derived[name] = compute()
        return derived[name]

    @property
    def site_start(self):
        """The establishments of organisation i are site_start[i]:site_start[i + 1]."""
        return self._derived(
            "site_start",
            lambda: np.concatenate(
                ([0], np.cumsum(np.bincount(self.site_org, minlength=self.size)))
            ),
        )

    def sites_of(self, org_indexes):
        """The establishments of the given organisations (ascending indexes), in order."""
        start = self.site_start
        first, end = start[org_indexes], start[org_indexes + 1]
        lengths = end - first
        offsets = np.cumsum(lengths) - lengths
        return np.arange(int(lengths.sum())) + np.repeat(first - offsets, lengths)

    # --- text ------------------------------------------------------------------------

    def term_postings(self, prefix, exact, terms=None):
        """The slice of postings of the term `prefix` (`exact`) or of every term starting
        with it: the terms are sorted, those sharing a prefix are contiguous."""
        terms = terms or _Terms(self.term_bytes, self.term_start)
        key = prefix.encode()
        low = bisect.bisect_left(terms, key)
        if exact:
            high = low + (low < len(terms) and terms[low] == key)
        else:
            # UTF-8 never uses the byte 0xff: every term starting with `key` sorts below.
            high = bisect.bisect_left(terms, key + b"\xff", low)
        return int(self.posting_start[low]), int(self.posting_start[high])

    def _last(self, name, key, compute):
        """compute(), kept until asked with another `key`: a search asks the same thing
        several times (counts, filters, page); arrays kept are made read-only."""
        last = self.__dict__.get(name)
        if last is None or last[0] != key:
            value = compute()
            for array in value if isinstance(value, tuple) else (value,):
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False
            last = self.__dict__[name] = (key, value)
        return last[1]

    def text_masks(self, groups, lookups):
        """(matches, matches in the name or activity, matches in the name): the
        organisations where every group of `groups` (TextQuery.groups) is found, in the
        whole document and within the relevance tiers' parts. `lookups(word)` gives the
        (prefix, exact) terms to look for; a word is found when one of them is."""
        terms = {w: tuple(lookups(w)) for group in groups for alt in group for w in alt}
        key = (repr(groups), tuple(sorted(terms.items(), key=repr)))
        # Asked twice a search (whether anything matches, then the matches): masks of
        # 1.5 million organisations cost milliseconds a word.
        return self._last("_last_text", key, lambda: self._text_masks(groups, terms))

    def _text_masks(self, groups, terms):
        # Plain views of the mapped arrays: a memmap's indexing costs microseconds.
        sorted_terms = _Terms(np.asarray(self.term_bytes), np.asarray(self.term_start))
        posting_org, posting_where = np.asarray(self.posting_org), np.asarray(self.posting_where)
        levels = {}

        def word_level(word):
            # 0: not found; else 1 + the number of tier parts it is found in (nested:
            # the name is within the name or activity, within everywhere).
            if word not in levels:
                slices = []
                for prefix, exact in terms[word]:
                    start, end = self.term_postings(prefix, exact, sorted_terms)
                    slices.append((posting_org[start:end], posting_where[start:end]))
                level = np.zeros(self.size, np.int8)
                for value, parts in enumerate(TIER_PARTS, start=1):
                    for orgs, where in slices:
                        # Higher levels are written after lower ones: an organisation
                        # found twice keeps its best.
                        level[orgs if parts == EVERYWHERE else orgs[(where & parts) != 0]] = value
                levels[word] = level
            return levels[word]

        # Every word of an alternative (minimum), one alternative of a group (maximum),
        # every group (minimum): a level is a tier reached by the whole query.
        reduce = functools.reduce
        level = reduce(
            np.minimum,
            [
                reduce(
                    np.maximum,
                    [reduce(np.minimum, [word_level(w) for w in alt]) for alt in group],
                )
                for group in groups
            ],
        )
        return tuple(level >= value for value in range(1, len(TIER_PARTS) + 1))

    def ranked_hits(self, ids, ranks=None):
        """(mask, ranks or None) over the snapshot of organisation ids and their ranks."""
        positions, found = self.org_indexes(ids)
        mask = np.zeros(self.size, bool)
        mask[positions] = True
        rank = None
        if ranks is not None:
            rank = np.full(self.size, np.inf)
            rank[positions] = np.asarray(ranks, dtype=np.float64)[found]
        return mask, rank

    # --- filters ---------------------------------------------------------------------

    def org_indexes(self, org_ids):
        """Indexes of the given organisation ids that the snapshot holds."""
        return _positions(self.org_id, org_ids)

    def org_conditions(self, filters, text_mask, exclude=None):
        mask = np.ones(self.size, bool) if text_mask is None else text_mask.copy()
        if filters.family and exclude != "family":
            code = self.families.index(filters.family) if filters.family in self.families else -2
            mask &= self.family == code
        if filters.esus and exclude != "esus":
            mask &= self.esus
        if filters.not_esus and exclude != "esus":
            mask &= ~self.esus
        for facet in ("label", "place"):
            if getattr(filters, facet) and exclude != facet:
                labelled = np.zeros(self.size, bool)
                labelled[self.label_org[self.label_id == getattr(filters, facet)]] = True
                mask &= labelled
        return mask

    def box_sites(self, box, among=None):
        """The establishments (ascending indexes) in `box`, among `among` if given."""
        lat = self.lat if among is None else self.lat[among]
        inside = np.flatnonzero((lat >= box.south) & (lat <= box.north))
        if among is not None:
            inside = among[inside]
        lon = self.lon[inside]
        return inside[(lon >= box.west) & (lon <= box.east)]

    def place_sites(self, filters):
        """The establishments (ascending indexes) in the chosen commune, radius and map
        zone; None when none of these is chosen. The band of latitudes first: a radius
        reads a tenth of the longitudes."""
        key = (filters.commune, filters.zone, filters.near)
        # Asked three times a search (counts, filters, page).
        return self._last("_last_place", key, lambda: self._place_sites(filters))[0]

    def site_distances(self, lat, lon, sites):
        """distances(), read from those the last radius computed when it was around
        (lat, lon) and held `sites`."""
        last = self.__dict__.get("_last_place")
        if last is not None and last[1][1] is not None:
            (_, _, near), (place, distance) = last
            if (near.lat, near.lon) == (lat, lon):
                positions = np.searchsorted(place, sites)
                if len(place) and np.array_equal(
                    place[np.minimum(positions, len(place) - 1)], sites
                ):
                    return distance[positions]
        return self.distances(lat, lon, sites)

    def _place_sites(self, filters):
        """(place_sites, their distances to a radius's centre or None)."""
        sites = distance = None
        if filters.commune:
            code = self.vocabularies["commune"].get(filters.commune, -2)
            sites = np.flatnonzero(self.columns["commune"] == code)
        for box in (filters.zone, filters.near.bounding_box() if filters.near else None):
            if box:
                sites = self.box_sites(box, sites)
        if filters.near:
            near = filters.near
            distance = self.distances(near.lat, near.lon, sites)
            inside = distance <= near.radius_km
            sites, distance = sites[inside], distance[inside]
        return sites, distance

    def candidate_sites(self, filters, text_mask, however_many=False):
        """The establishments a search can involve (ascending indexes): those in the
        chosen place, of the organisations matching the words; None when they are more
        than FEW_SITES (the columns are then read whole). however_many: those of the
        place, however many."""
        sites = self.place_sites(filters)
        if sites is not None:
            if text_mask is not None:
                sites = sites[text_mask[self.site_org[sites]]]
            if however_many:
                return sites
        elif text_mask is not None and np.count_nonzero(text_mask) <= FEW_SITES:
            sites = self.sites_of(np.flatnonzero(text_mask))
        return sites if sites is not None and len(sites) <= FEW_SITES else None

    def site_filters(self, filters, sites):
        """{facet or "naf" or "place": mask over `sites`} of each establishment filter,
        `sites` being indexes or None (all). "place" is absent when `sites` are the
        candidates (already in the place)."""
        conditions = {}
        for column, facet in CODED.items():
            value = getattr(filters, facet)
            if value and facet != "commune":
                codes = self.columns[column] if sites is None else self.columns[column][sites]
                conditions[facet] = codes == self.vocabularies[column].get(value, -2)
        if filters.naf:
            codes = [c for v, c in self.vocabularies["naf"].items() if v.startswith(filters.naf)]
            naf = self.columns["naf"] if sites is None else self.columns["naf"][sites]
            conditions["naf"] = np.isin(naf, codes)
        if sites is None:
            place = self.place_sites(filters)
            if place is not None:
                conditions["place"] = np.zeros(len(self.lat), bool)
                conditions["place"][place] = True
        return conditions

    def distances(self, lat, lon, sites):
        """Haversine distances (km) from (lat, lon) to the given establishments, the
        formula the SQL path uses."""
        lat1, lon1 = math.radians(lat), math.radians(lon)
        lat2, lon2 = np.radians(self.lat[sites]), np.radians(self.lon[sites])
        a = (
            np.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))

    def matching(self, filters, text_mask):
        """(organisations of the result, their establishments that match, or None
        when no establishment filter applies)."""
        orgs = self.org_conditions(filters, text_mask)
        chosen = self.matching_sites(filters, text_mask, orgs)
        if chosen is None:
            return orgs, None
        sites = np.zeros(len(self.site_org), bool)
        sites[chosen] = True
        result = np.zeros(self.size, bool)
        result[self.site_org[chosen]] = True
        return result, sites

    def matching_sites(self, filters, text_mask, orgs):
        """The establishments (ascending indexes) of the organisations `orgs` matching
        every establishment filter; None when no establishment filter applies."""
        if not self.has_site_filters(filters):
            return None
        # Every establishment filter applies here (none left out for a count): the
        # place's establishments, however many, are fewer than all.
        candidates = self.candidate_sites(filters, text_mask, however_many=True)
        sites = np.arange(len(self.site_org)) if candidates is None else candidates
        ok = orgs[self.site_org[sites]]
        for condition in self.site_filters(filters, candidates).values():
            ok &= condition
        return sites[ok]

    def has_site_filters(self, filters):
        return bool(
            any(getattr(filters, facet) for facet in CODED.values())
            or filters.naf
            or filters.zone
            or filters.near
        )

    # --- counts ----------------------------------------------------------------------

    def counted(self, filters, text_mask):
        """(total, {facet: {value: count}}, result): each facet counted with every filter
        but its own, in organisations — the base SQL path's meaning, see base.py — and
        the mask of the result's organisations (None on the landing page), the first part
        of matching(), which a page in relevance or name order need not compute again."""
        unfiltered = not any(getattr(filters, f) for f in ("family", "esus", "not_esus", *LABELS))
        if unfiltered and text_mask is None and not self.has_site_filters(filters):
            # The landing page: every organisation counted, once per snapshot.
            total, counts, _ = self._derived(
                "unfiltered", lambda: self._count_facets(filters, None)
            )
            return total, {facet: dict(values) for facet, values in counts.items()}, None
        return self._count_facets(filters, text_mask)

    def _count_facets(self, filters, text_mask):
        # Over the few establishments of the words or the place when they are few
        # (indexes), else over whole columns.
        sites = self.candidate_sites(filters, text_mask)
        conditions = self.site_filters(filters, sites)
        owners = self.site_org if sites is None else self.site_org[sites]
        orgs = self.org_conditions(filters, text_mask)

        def allowed(exclude=None):
            mask = None
            for facet, condition in conditions.items():
                if facet != exclude:
                    mask = condition if mask is None else mask & condition
            return mask

        # Organisations with an establishment matching every establishment filter.
        placed = None
        if self.has_site_filters(filters):
            every = allowed()
            placed = np.zeros(self.size, bool)
            placed[owners if every is None else owners[every]] = True
        results = orgs if placed is None else orgs & placed
        counts = {name: {} for name in ORG_FACETS + tuple(SITE_FACETS)}
        for facet in ORG_FACETS:
            scope = results
            if getattr(filters, facet):
                scope = self.org_conditions(filters, text_mask, exclude=facet)
                if placed is not None:
                    scope &= placed
            if facet == "family":
                found = np.bincount(self.family[scope], minlength=len(self.families))
                counts["family"] = {
                    self.families[code]: int(n) for code, n in enumerate(found) if n
                }
            elif facet == "esus":
                n = int(np.count_nonzero(scope & self.esus))
                counts["esus"] = {"1": n} if n else {}
            else:
                kind = self.label_place if facet == "place" else ~self.label_place
                chosen = scope[self.label_org] & kind
                labels, found = np.unique(self.label_id[chosen], return_counts=True)
                counts[facet] = {
                    str(k): int(n) for k, n in zip(labels.tolist(), found.tolist(), strict=True)
                }
        in_orgs = orgs[owners]
        for facet, column in SITE_FACETS.items():
            mask = allowed(facet)
            selected = in_orgs if mask is None else in_orgs & mask
            if sites is not None:
                counts[facet] = self.distinct_among(column, sites[selected], owners[selected])
            elif mask is not None and np.count_nonzero(selected) <= FEW_COUNTED:
                chosen = np.flatnonzero(selected)
                counts[facet] = self.distinct_among(column, chosen, self.site_org[chosen])
            else:
                counts[facet] = self.distinct_pairs(column, selected)
        return int(np.count_nonzero(results)), counts, results

    @property
    def single_site(self):
        """Whether each establishment is its organisation's only one (most are): its
        (value, organisation) pair is distinct whatever the value."""
        return self._derived("single_site", lambda: (np.diff(self.site_start) == 1)[self.site_org])

    def _shared_pair_order(self, column):
        """pair_order[column] without the establishments that are their organisation's only one."""

        def compute():
            order = self.pair_order[column]
            return order[~self.single_site[order]]

        return self._derived(f"pairs-{column}", compute)

    def _counted(self, column, values):
        values = values[values != NO_VALUE]
        found = np.bincount(values, minlength=len(self.vocabularies[column]))
        names = list(self.vocabularies[column])
        return {names[code]: int(found[code]) for code in np.flatnonzero(found).tolist()}

    def distinct_pairs(self, column, site_mask):
        """{value: number of organisations having an establishment of site_mask with
        that value}: the distinct (value, organisation) pairs — of an organisation's only
        establishment, its value; of the others, from the establishments in
        (organisation, value) order."""
        codes = self.columns[column]
        alone = codes[site_mask & self.single_site]
        order = self._shared_pair_order(column)
        chosen = order[site_mask[order]]
        values = codes[chosen]
        owners = self.site_org[chosen]
        new = np.ones(len(chosen), bool)
        new[1:] = (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])
        return self._counted(column, np.concatenate((alone, values[new])))

    def distinct_among(self, column, sites, owners):
        """distinct_pairs over the establishments `sites` (ascending indexes) of `owners`."""
        values = self.columns[column][sites]
        same = owners[1:] == owners[:-1]
        if same.any():
            shared = np.zeros(len(owners), bool)
            shared[1:] |= same
            shared[:-1] |= same
            width = len(self.vocabularies[column]) + 1  # codes from NO_VALUE
            keys = np.unique(owners[shared].astype(np.int64) * width + values[shared] + 1)
            values = np.concatenate((values[~shared], (keys % width - 1).astype(np.int32)))
        return self._counted(column, values)

    # --- order -----------------------------------------------------------------------

    def ordered(self, filters, matched, text_rank, sort, offset=0, limit=None):
        """The organisation ids of the result (`matched`, as matching() gives it), in
        the order of `sort`, sliced."""
        orgs, sites = matched
        end = None if limit is None else offset + limit
        if sort == "distance" and filters.origin:
            candidates = np.flatnonzero(sites if sites is not None else orgs[self.site_org])
            if not len(candidates):
                return []
            distance = self.site_distances(*filters.origin, candidates)
            distance = np.where(np.isnan(distance), np.inf, distance)
            owners = self.site_org[candidates]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            nearest = np.minimum.reduceat(distance, starts)
            owners = owners[starts]
            chosen = np.lexsort((self.org_id[owners], nearest))[offset:end]
            return self.org_id[owners[chosen]].tolist()
        if sort == "relevance" and text_rank is not None:
            candidates = np.flatnonzero(orgs)
            keys = (
                self.name_rank[candidates],
                self.name_length[candidates],
                text_rank[candidates],
            )
            chosen = candidates[np.lexsort(keys)[offset:end]]
            return self.org_id[chosen].tolist()
        by_name = self.by_name if sort != "-name" else self.by_name[::-1]
        if end is None:
            return self.org_id[by_name[orgs[by_name]][offset:]].tolist()
        # Name order, a page: read the order by slices until the page is full (the
        # first slice when most organisations match, the landing page).
        found, step, start = [], NAME_SLICE, 0
        while start < len(by_name) and sum(map(len, found)) < end:
            chunk = by_name[start : start + step]
            found.append(chunk[orgs[chunk]])
            start += step
            step *= 4
        in_order = np.concatenate(found) if found else by_name[:0]
        return self.org_id[in_order[offset:end]].tolist()

    # --- map -------------------------------------------------------------------------

    def sites_in_box(self, filters, text_mask, box):
        # The map's box is one more zone: with the zone chosen, the two boxes' overlap.
        zone = filters.zone
        if zone is not None:
            box = BBox(
                max(box.west, zone.west), max(box.south, zone.south),
                min(box.east, zone.east), min(box.north, zone.north),
            )  # fmt: skip
        filters = replace(filters, zone=box)
        return self.matching_sites(filters, text_mask, self.org_conditions(filters, text_mask))

    def cells(self, filters, text_mask, box, cell_degrees):
        chosen = self.sites_in_box(filters, text_mask, box)
        if not len(chosen):
            return []
        lat, lon = self.lat[chosen], self.lon[chosen]
        # Anchored at (-90, -180) like the SQL path: a pan keeps the clusters.
        rows = np.floor((lat + 90.0) / cell_degrees).astype(np.int64)
        cols = np.floor((lon + 180.0) / cell_degrees).astype(np.int64)
        # Cells numbered row by row over the box (a few thousand at most): counted by
        # bincount, bounds by ufunc.at (fast since numpy 1.25), no sort.
        width = int(cols.max() - cols.min()) + 1
        local = (rows - rows.min()) * width + (cols - cols.min())
        count = np.bincount(local)
        size, used = len(count), np.flatnonzero(count)
        count = count[used]
        sums_lat = np.bincount(local, weights=lat, minlength=size)[used]
        sums_lon = np.bincount(local, weights=lon, minlength=size)[used]
        first = np.full(size, np.iinfo(np.int64).max)
        np.minimum.at(first, local, self.est_id[chosen])
        south, north = np.full(size, np.inf), np.full(size, -np.inf)
        west, east = south.copy(), north.copy()
        np.minimum.at(south, local, lat)
        np.maximum.at(north, local, lat)
        np.minimum.at(west, local, lon)
        np.maximum.at(east, local, lon)
        first, south, north, west, east = (a[used] for a in (first, south, north, west, east))
        stacked = (count > 1) & (south == north) & (west == east)
        return [
            Cell(float(a), float(b), int(n), int(e), bool(s))
            for a, b, n, e, s in zip(
                (sums_lat / count).tolist(), (sums_lon / count).tolist(), count.tolist(),
                first.tolist(), stacked.tolist(), strict=True,
            )
        ]  # fmt: skip

    def sites_listed(self, filters, text_mask, box, limit):
        chosen = self.sites_in_box(filters, text_mask, box)
        order = np.lexsort((self.est_id[chosen], self.name_rank[self.site_org[chosen]]))
        chosen = chosen[order[:limit]]
        owners = self.org_id[self.site_org[chosen]]
        return list(zip(self.est_id[chosen].tolist(), owners.tolist(), strict=True))


def load(backend, generation):
    """Read the index tables into a Snapshot of `generation`; None if a write landed
    meanwhile (the snapshot would mix two states)."""
    rows = backend._execute  # noqa: SLF001 - the backend's own SQL runner
    orgs = rows(
        Sql(
            "SELECT o.org_id, o.family, o.esus, LENGTH(o.name) "  # noqa: S608 - fixed columns
            f"FROM directory_search_org o ORDER BY {backend.name_order}"
        )
    )
    sites = rows(
        Sql(
            "SELECT s.org_id, s.est_id, s.lat, s.lon, s.dep, s.epci, s.section, s.sector, "
            "s.band, s.commune, e.naf FROM directory_search_site s "
            "JOIN directory_establishment e ON e.id = s.est_id ORDER BY s.org_id, s.est_id"
        )
    )
    labels = rows(
        Sql(
            "SELECT ol.organisation_id, ol.label_id, CASE WHEN l.kind = %s THEN 1 ELSE 0 END "
            "FROM directory_organisation_labels ol JOIN directory_label l ON l.id = ol.label_id",
            [PLACE_LABEL_KIND],
        )
    )
    postings = read_postings(backend.text_postings())
    if backend.generation() != generation:
        return None

    # Organisations come in name order: their index is their rank in org_id order.
    ids_by_name = np.array([r[0] for r in orgs], dtype=np.int64)
    order = np.argsort(ids_by_name, kind="stable")
    org_id = ids_by_name[order]
    name_rank = order.astype(np.int32)  # position in name order of the i-th id
    by_name = np.empty_like(name_rank)
    by_name[name_rank] = np.arange(len(order), dtype=np.int32)
    families, family = _codes([r[1] for r in orgs])

    pairs = np.array(labels, dtype=np.int64).reshape(-1, 3)
    label_org, found = _positions(org_id, pairs[:, 0])
    label_id = pairs[found, 1]
    label_place = pairs[found, 2].astype(bool)

    site_org, found = _positions(org_id, [r[0] for r in sites])
    kept = [r for r, keep in zip(sites, found.tolist(), strict=True) if keep]
    columns, vocabularies = {}, {}
    for position, column in enumerate([*CODED, "naf"], start=4):
        vocabularies[column], columns[column] = _codes([r[position] for r in kept])
    site_org = site_org.astype(np.int32)
    keys = postings.pop("keys")
    # A document without its organisation (the tables emptied by hand) is found by
    # no search: its postings are dropped, as the SQL path's join drops it.
    posting_org, found = _positions(org_id, keys >> 3)
    before = np.concatenate([[0], np.cumsum(found)])
    postings["posting_start"] = before[postings["posting_start"]]
    keys = keys[found]
    return Snapshot(
        **postings,
        posting_org=posting_org.astype(np.int32),
        posting_where=(keys & EVERYWHERE).astype(np.uint8),
        generation=generation,
        org_id=org_id,
        family=family[order].astype(np.int8),
        families=sorted(families, key=families.get),
        esus=np.array([bool(r[2]) for r in orgs], dtype=bool)[order],
        name_length=np.array([r[3] for r in orgs], dtype=np.int32)[order],
        name_rank=name_rank,
        by_name=by_name,
        label_org=label_org.astype(np.int32),
        label_id=label_id,
        label_place=label_place,
        site_org=site_org,
        est_id=np.array([r[1] for r in kept], dtype=np.int64),
        lat=np.array([np.nan if r[2] is None else r[2] for r in kept], dtype=np.float64),
        lon=np.array([np.nan if r[3] is None else r[3] for r in kept], dtype=np.float64),
        columns=columns,
        vocabularies=vocabularies,
        pair_order={
            column: np.lexsort((columns[column], site_org)).astype(np.int32)
            for column in SITE_FACETS.values()
        },
    )


# --- files shared by the processes of a machine -----------------------------------------

# Bump when the arrays of a Snapshot change: files of another layout are never mapped.
FILES_LAYOUT = "3"
ARRAYS = ("org_id", "family", "esus", "name_length", "name_rank", "by_name", "label_org",
          "label_id", "label_place", "site_org", "est_id", "lat", "lon", "term_bytes",
          "term_start", "posting_start", "posting_org", "posting_where")  # fmt: skip
_folders = {}


def index_folder(backend):
    """The folder of this database's files, named after the database. A replica holds
    its primary's data (essor/core/replicas.py): it shares the primary's folder, so that
    a process reading from both maps one copy."""
    conn = backend.connection
    database = conn.settings_dict
    if conn.alias in settings.DATABASE_REPLICAS:
        database = connections["default"].settings_dict
    identity = [
        FILES_LAYOUT,
        conn.vendor,
        *(str(database.get(k)) for k in ("NAME", "HOST", "PORT")),
    ]
    key = hashlib.sha256("|".join(identity).encode()).hexdigest()[:16]
    folder = Path(settings.ESSOR_SEARCH_INDEX_DIR) / key
    _folders[conn.alias] = folder
    return folder


def _load_array(path):
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:  # an empty array cannot be mapped
        return np.load(path)


def mapped(folder, generation):
    """The snapshot of `generation` mapped from its files; None when they are not written."""
    path = folder / str(generation)
    try:
        meta = json.loads((path / "meta.json").read_text())
    except (FileNotFoundError, NotADirectoryError):
        return None
    return Snapshot(
        generation=generation,
        families=meta["families"],
        vocabularies=meta["vocabularies"],
        columns={c: _load_array(path / f"column-{c}.npy") for c in meta["vocabularies"]},
        pair_order={c: _load_array(path / f"pairs-{c}.npy") for c in SITE_FACETS.values()},
        **{name: _load_array(path / f"{name}.npy") for name in ARRAYS},
    )


def write(snapshot, folder):
    """Write `snapshot` under `folder/<generation>`, whole or not at all, and remove the
    older generations (a process still mapping one keeps its pages until it moves on)."""
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f".draft-{os.getpid()}-{uuid.uuid4().hex}"
    draft.mkdir()
    for name in ARRAYS:
        np.save(draft / f"{name}.npy", getattr(snapshot, name))
    for column, codes in snapshot.columns.items():
        np.save(draft / f"column-{column}.npy", codes)
    for column, order in snapshot.pair_order.items():
        np.save(draft / f"pairs-{column}.npy", order)
    meta = {"families": snapshot.families, "vocabularies": snapshot.vocabularies}
    (draft / "meta.json").write_text(json.dumps(meta))
    try:
        draft.rename(folder / str(snapshot.generation))
    except OSError:  # written meanwhile by another process
        shutil.rmtree(draft, ignore_errors=True)
    for old in folder.iterdir():
        if old.name.isdigit() and int(old.name) < snapshot.generation:
            shutil.rmtree(old, ignore_errors=True)


def build(backend, generation, wait):
    """Read the tables into the files of `generation` and map them; None when another
    process is reading them (and not `wait`) or a write landed meanwhile. When the
    folder cannot be written: the snapshot in this process's memory."""
    try:
        folder = index_folder(backend)
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / "reading.lock", "w")  # noqa: SIM115 - held until the end
    except OSError:
        logger.warning(
            "Index de recherche : %s impossible à écrire", settings.ESSOR_SEARCH_INDEX_DIR
        )
        return load(backend, generation)
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        snapshot = mapped(folder, generation)  # read by the process that held the lock
        if snapshot is not None:
            return snapshot
        snapshot = load(backend, generation)
        if snapshot is None:
            return None
        try:
            write(snapshot, folder)
        except OSError:
            logger.exception("Index de recherche : écriture impossible dans %s", folder)
            return snapshot
        shared = mapped(folder, generation)
        if shared is None:
            return snapshot
    del snapshot
    _release_heap()
    return shared


def _release_heap():
    """Hand back to the system the heap the reading used (rows read as tuples: about
    45 MB at 250,000 establishments), which glibc otherwise keeps in the process."""
    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)


# --- one snapshot per database and process ---------------------------------------------

_snapshots = {}
_loading = set()
_last_reading = {}
_lock = threading.Lock()
# While an import writes batch after batch, a reading every few seconds is enough: the
# searches meanwhile run in SQL, exact but slower.
READING_INTERVAL = 10.0


def current(backend, generation):
    """The snapshot of `generation` when there is one: this process's, or mapped from the
    files another process wrote. Else None (search in SQL), after starting its reading —
    inline or in the background, as settings say."""
    mode = settings.ESSOR_SEARCH_MEMORY
    if mode == "off":
        return None
    key = backend.connection.alias
    snapshot = _snapshots.get(key)
    if snapshot is not None and snapshot.generation == generation:
        return snapshot
    if key in _folders:  # known: finding the files is one stat()
        snapshot = mapped(_folders[key], generation)
        if snapshot is not None:
            _snapshots[key] = snapshot
            return snapshot
    if mode == "inline":
        snapshot = build(backend, generation, wait=True)
        if snapshot is not None:
            _snapshots[key] = snapshot
        return snapshot
    with _lock:
        if key in _loading or time.monotonic() - _last_reading.get(key, -1e9) < READING_INTERVAL:
            return None
        _loading.add(key)
        _last_reading[key] = time.monotonic()
    threading.Thread(
        target=_load_in_background, args=(type(backend), key, generation), daemon=True
    ).start()
    return None


def _load_in_background(backend_class, alias, generation):
    try:
        backend = backend_class(connections[alias])
        snapshot = build(backend, generation, wait=False)
        # None: another process is reading; a next search maps its files.
        if snapshot is not None:
            _snapshots[alias] = snapshot
    except Exception:
        logger.exception("Lecture de l'index de recherche en mémoire impossible")
    finally:
        connections[alias].close()
        with _lock:
            _loading.discard(alias)


def forget():
    """Drop the snapshots (tests that switch databases)."""
    _snapshots.clear()
    _last_reading.clear()
    _folders.clear()
