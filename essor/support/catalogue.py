"""The published offers held in memory by each process: what orientation scores of them
and the areas they serve (issue 20.5). A question then costs one lookup per covering key
of its place and the scoring of its candidates, instead of reading ~1,650 rows, decoding
their JSON and grouping their areas at every question (50,000 offers over France).

The copy is keyed by the catalogue's generation, which triggers move at every write to
the offers and their areas (migration 0007): one indexed read per question tells whether
it is current, so a write is seen by the next question. The providers' names, shown with
the offers, follow the directory's generation and are read again on their own: an import
into the directory does not rebuild the offers.

Memory: each offer's scoring fields as one tuple (the JSON lists decoded once and shared:
they come from small vocabularies), each (level, code) served as an array of offer ids
with, most often, one shared AreaSpec. For 50,000 offers and 100,000 areas: 38 MB per
process, most of it the offers' tuples and titles; read in about 2.5 s of CPU."""

import gc
import json
import threading
from array import array
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import TextField
from django.db.models.functions import Cast

from essor.directory.models import Organisation
from essor.search.backends import get_backend
from essor.territories.areas import AreaLevel, AreaSpec, squared_km

from .enums import OfferStatus
from .models import OfferArea, SupportOffer

# What scoring reads of an offer, in matching.ROW_FIELDS' order without the provider's
# name (it is spliced in at each question from the names of the directory's generation).
JSON_FIELDS = ["help_kinds", "phases", "audiences", "legal_forms", "sectors"]
FIELDS = [
    "pk", "provider_id", "provider_kind", "title", *JSON_FIELDS, "cost", "cost_details",
    "format", "is_ended",
]  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    generation: int
    offers: dict  # offer id -> tuple of FIELDS
    served: dict  # (level, code) -> (array of offer ids, AreaSpec or tuple of AreaSpec)
    circles: list  # [(offer id, AreaSpec, latitude, longitude)] of the radius areas

    def covering(self, place):
        """{offer id: [(AreaSpec, partial)]}: the published offers whose areas serve the
        place, and how — what OfferArea.objects.covering(place).by_owner() reads from the
        database, by the same rule (Place.keys())."""
        whole, part, point = place.keys()
        found = {}
        # Part first: an area that also serves the whole place is not partial there.
        for keys, partial in ((part, True), (whole, False)):
            for levels, codes in keys:
                codes = set(codes)  # a subquery for a place wider than a commune
                for level in levels:
                    for code in codes:
                        entry = self.served.get((level, code))
                        if entry is None:
                            continue
                        ids, specs = entry
                        if isinstance(specs, AreaSpec):
                            item = (specs, partial)
                            for offer_id in ids:
                                found[offer_id, level, code] = item
                        else:
                            for offer_id, spec in zip(ids, specs, strict=True):
                                found[offer_id, level, code] = (spec, partial)
        if point is not None:
            for offer_id, spec, latitude, longitude in self.circles:
                if squared_km(*point, latitude, longitude) <= spec.radius_km * spec.radius_km:
                    found[offer_id, spec.level, spec.code] = (spec, False)
        by_offer = {}
        for (offer_id, _, _), item in found.items():
            by_offer.setdefault(offer_id, []).append(item)
        return by_offer


def read(using):
    """A Catalogue of the published offers, from the database `using`."""
    generation = catalogue_generation(using)
    decoded = {}

    def decode(text):
        # The same few lists over and over: decoded once, and the same list shared.
        value = decoded.get(text)
        if value is None:
            value = decoded[text] = json.loads(text) if text else []
        return value

    rows = (
        SupportOffer.objects.using(using)
        .published()
        .order_by()
        # As text: decoding 250,000 JSON values one by one is most of the reading.
        .annotate(**{f"{name}_text": Cast(name, TextField()) for name in JSON_FIELDS})
        .values_list(*[f"{f}_text" if f in JSON_FIELDS else f for f in FIELDS])
    )
    first_json, last_json = FIELDS.index(JSON_FIELDS[0]), FIELDS.index(JSON_FIELDS[-1]) + 1
    offers = {}
    for row in rows.iterator(chunk_size=5000):
        offers[row[0]] = (
            row[:first_json]
            + tuple(decode(text) for text in row[first_json:last_json])
            + row[last_json:]
        )

    specs, grouped, circles = {}, {}, []
    areas = (
        OfferArea.objects.using(using)
        .filter(offer__status=OfferStatus.PUBLISHED)
        .order_by()
        .values_list("offer_id", "level", "code", "label", "radius_km", "latitude", "longitude")
    )
    for offer_id, level, code, label, radius_km, latitude, longitude in areas.iterator(
        chunk_size=5000
    ):
        spec = AreaSpec(level, code, label, radius_km)
        spec = specs.setdefault(spec, spec)  # one object for the same area of many offers
        ids, shared = grouped.setdefault((level, code), (array("q"), []))
        ids.append(offer_id)
        shared.append(spec)
        if level == AreaLevel.RADIUS:
            circles.append((offer_id, spec, latitude, longitude))
    served = {}
    for key, (ids, shared) in grouped.items():
        first = shared[0]
        served[key] = (ids, first if all(s is first for s in shared) else tuple(shared))
    return Catalogue(generation, offers, served, circles)


def catalogue_generation(using):
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT generation FROM support_catalogue_state WHERE id = 1")
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class ProviderNames:
    generation: int
    names: dict  # organisation id -> name


def read_names(using):
    generation = get_backend(using).generation()
    offering = SupportOffer.objects.using(using).published().values("provider_id")
    names = dict(
        Organisation.objects.using(using).filter(pk__in=offering).values_list("pk", "name")
    )
    return ProviderNames(generation, names)


_held = {}  # alias -> Catalogue
_names = {}  # alias -> ProviderNames
_lock = threading.Lock()


def current():
    """(Catalogue, {provider id: name}) as the database the request reads from holds them
    now; read again when a write moved a generation."""
    using = router.db_for_read(SupportOffer)
    catalogue, names = _held.get(using), _names.get(using)
    if catalogue is None or catalogue.generation != catalogue_generation(using):
        with _lock:
            # The generation is read before the rows: a write landing in between makes
            # the copy newer than its generation says, never older (the next question
            # then reads it again).
            catalogue = _held[using] = read(using)
            _out_of_collections()
    if names is None or names.generation != get_backend(using).generation():
        with _lock:
            names = _names[using] = read_names(using)
    return catalogue, names.names


def _out_of_collections():
    """The copy is hundreds of thousands of objects that live until the next write: the
    garbage collector's full collections walked them all, and one question in ten
    waited 100 ms more (engine p95 124 → 19 ms at 50,000 offers). Once the garbage is
    collected, what is alive, the copy with it, is kept out of its way (gc.freeze)."""
    gc.collect()
    gc.freeze()


def forget():
    """Drop the copies (tests: a rollback takes the directory's generation back)."""
    gc.unfreeze()
    _held.clear()
    _names.clear()
