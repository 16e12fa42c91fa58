"""Sourcing: the published suppliers a buyer looks for, by category, place (a commune
and a radius), kind of supplier and reserved-contract eligibility, with the words
typed matched by the platform's search engine (the « fournisseurs » kind of
essor/search), never by a second one. Each result says why it matches."""

import math
from dataclasses import dataclass, field

from django.db.models import Q

from essor.search import index
from essor.search.registry import get as get_kind
from essor.territories.areas import EARTH_RADIUS_KM, Place, distance_km, most_local

from .eligibility import KIND_FIELDS, RESERVATION_FIELDS, RESERVATIONS
from .enums import ProfileStatus
from .models import PurchaseCategory, SupplierArea, SupplierProfile

PAGE_SIZE = 20
MAP_LIMIT = 500
EXPORT_LIMIT = 20_000


@dataclass
class Criteria:
    text: str = ""
    category: PurchaseCategory | None = None
    commune: object = None
    radius_km: int | None = None
    kinds: list = field(default_factory=list)
    reservations: list = field(default_factory=list)

    @property
    def place(self):
        return Place.of_commune(self.commune) if self.commune is not None else None

    def describe(self):
        """The criteria in French words, for a saved search's list and e-mails."""
        from .enums import SupplierKind

        parts = []
        if self.text:
            parts.append(f"« {self.text} »")
        if self.category is not None:
            parts.append(self.category.name)
        if self.commune is not None:
            around = f"à {self.radius_km} km de " if self.radius_km else "à "
            parts.append(around + self.commune.label)
        parts.extend(str(SupplierKind(kind).label) for kind in self.kinds)
        parts.extend(RESERVATIONS[code].badge for code in self.reservations)
        return parts

    def category_ids(self):
        if self.category is None:
            return None
        if self.category.is_family:
            return [self.category.pk, *self.category.children.values_list("pk", flat=True)]
        return [self.category.pk]


@dataclass
class Match:
    profile: SupplierProfile
    distance_km: float | None = None
    area: object = None  # the area of its perimeter that serves the place
    partial: bool = False
    categories: list = field(default_factory=list)

    @property
    def reasons(self):
        """Why this supplier matches, in French (shown and e-mailed)."""
        reasons = []
        if self.categories:
            reasons.append("propose : " + ", ".join(c.name for c in self.categories))
        if self.area is not None:
            reasons.append(
                f"intervient sur : {self.area.label}" + (" (en partie)" if self.partial else "")
            )
        if self.distance_km is not None:
            reasons.append(f"situé à environ {round(self.distance_km)} km")
        return reasons


@dataclass
class SourcingResults:
    criteria: Criteria
    total: int
    matches: list
    ids: list  # every matching profile id, in the results' order
    page: int = 1

    @property
    def pages(self):
        return max(1, math.ceil(self.total / PAGE_SIZE))


def filtered(criteria):
    """The published profiles matching every criterion but the distance."""
    profiles = SupplierProfile.objects.published()
    if (ids := criteria.category_ids()) is not None:
        through = SupplierProfile.categories.through.objects.filter(purchasecategory_id__in=ids)
        profiles = profiles.filter(pk__in=through.values("supplierprofile_id"))
    if criteria.kinds:
        condition = Q()
        for kind in criteria.kinds:
            condition |= Q(**{KIND_FIELDS[kind]: True})
        profiles = profiles.filter(condition)
    for code in criteria.reservations:
        profiles = profiles.filter(**{RESERVATION_FIELDS[code]: True})
    if criteria.text:
        words = index.matching(get_kind("fournisseurs"), criteria.text)
        if words is not None:
            profiles = profiles.filter(words)
    return profiles


# Degrees of latitude per km on distance_km's sphere (111.19 km a degree).
DEGREES_PER_KM = 180 / (math.pi * EARTH_RADIUS_KM)


def _box(commune, radius_km):
    """The latitude and longitude ranges around the commune that hold its radius: a
    prefilter the (status, latitude, longitude) index answers; the exact distance
    decides after. A little wider than the circle (1 %), so that no supplier the
    distance keeps is cut by the box's rounding, up to MAX_RADIUS_KM."""
    dlat = radius_km * 1.01 * DEGREES_PER_KM
    dlon = dlat / max(math.cos(math.radians(commune.latitude)), 0.01)
    return Q(
        latitude__gte=commune.latitude - dlat,
        latitude__lte=commune.latitude + dlat,
        longitude__gte=commune.longitude - dlon,
        longitude__lte=commune.longitude + dlon,
    )


def ranked_ids(criteria):
    """[(profile id, distance or None, serves the place)] of every match, nearest first
    when a commune is given, by name otherwise."""
    profiles = filtered(criteria)
    commune = criteria.commune
    if commune is None:
        ordered = profiles.order_by("organisation__name", "pk").values_list("pk", flat=True)
        return [(pk, None, False) for pk in ordered]
    covering = SupplierArea.objects.covering(criteria.place).values("supplier_id")
    radius = criteria.radius_km
    located = radius and commune.latitude is not None
    if located:
        # Those serving the place, and those in the radius's box, as one set: a union
        # rather than an OR, which PostgreSQL can only answer by testing every supplier;
        # the box's half is a range scan of the (status, latitude, longitude) index.
        boxed = SupplierProfile.objects.filter(
            _box(commune, radius), status=ProfileStatus.PUBLISHED
        )
        candidates = covering.union(boxed.values("pk"), all=True)
    else:
        candidates = covering
    rows = profiles.filter(pk__in=candidates).values_list(
        "pk", "latitude", "longitude", "organisation__name"
    )
    serving = set(covering.values_list("supplier_id", flat=True)) if located else None
    found = []
    for pk, lat, lon, name in rows:
        distance = None
        if lat is not None and commune.latitude is not None:
            distance = distance_km(commune.latitude, commune.longitude, lat, lon)
        serves = serving is None or pk in serving
        if not serves and (distance is None or distance > radius):
            continue
        found.append((distance if distance is not None else math.inf, name, pk, serves))
    found.sort()
    return [(pk, None if d == math.inf else d, serves) for d, _, pk, serves in found]


def match_of(criteria, profile_id):
    """The Match of one profile if it meets `criteria`, else None: what a saved search
    asks of a newly published supplier, without ranking all the others."""
    profiles = filtered(criteria).filter(pk=profile_id)
    commune = criteria.commune
    if commune is None:
        return explain(criteria, [(profile_id, None, False)])[0] if profiles.exists() else None
    row = profiles.values_list("latitude", "longitude").first()
    if row is None:
        return None
    distance = None
    if row[0] is not None and commune.latitude is not None:
        distance = distance_km(commune.latitude, commune.longitude, row[0], row[1])
    serves = SupplierArea.objects.filter(supplier_id=profile_id).covering(criteria.place).exists()
    near = criteria.radius_km and distance is not None and distance <= criteria.radius_km
    if not (serves or near):
        return None
    return explain(criteria, [(profile_id, distance, serves)])[0]


def search(criteria, *, page=1, page_size=PAGE_SIZE, offset=None):
    """The results of page `page` (or from `offset`), `page_size` of them."""
    ranked = ranked_ids(criteria)
    start = (page - 1) * page_size if offset is None else offset
    chosen = ranked[start : start + page_size]
    return SourcingResults(
        criteria, len(ranked), explain(criteria, chosen), [pk for pk, *_ in ranked], page
    )


def explain(criteria, chosen, *, with_areas=False):
    """[Match] of [(id, distance, serves)], in that order, read in a few queries; the
    profiles' whole perimeters too `with_areas` (the export lists them, the page names
    only the area that serves the place)."""
    ids = [pk for pk, *_ in chosen]
    profiles = SupplierProfile.objects.filter(pk__in=ids).select_related("organisation", "commune")
    prefetch = ["categories", "areas"] if with_areas else ["categories"]
    profiles = {p.pk: p for p in profiles.prefetch_related(*prefetch)}
    areas = {}
    if criteria.place is not None:
        areas = SupplierArea.objects.filter(supplier_id__in=ids).covering(criteria.place).by_owner()
    wanted = set(criteria.category_ids() or [])
    matches = []
    for pk, distance, _serves in chosen:
        profile = profiles[pk]
        area, partial = most_local(areas.get(pk, []))
        matches.append(
            Match(
                profile,
                distance,
                area,
                partial,
                [c for c in profile.categories.all() if c.pk in wanted],
            )
        )
    return matches


def export_rows(criteria):
    """Rows for the CSV and XLSX exports (a header, then one row per supplier)."""
    ranked = ranked_ids(criteria)[:EXPORT_LIMIT]
    header = [
        "structure", "siren", "commune", "distance_km", "types", "marches_reserves",
        "categories", "perimetre", "effectif", "chiffre_affaires", "contact", "fiche",
    ]  # fmt: skip
    yield header
    for start in range(0, len(ranked), 500):
        for match in explain(criteria, ranked[start : start + 500], with_areas=True):
            p = match.profile
            yield [
                p.organisation.name,
                p.organisation.siren or "",
                p.commune.label if p.commune else "",
                round(match.distance_km, 1) if match.distance_km is not None else None,
                [str(k.label) for k in p.kinds],
                [f"{r.badge} ({r.article})" for r in p.reservations],
                [c.name for c in p.categories.all()],
                [a.label for a in p.areas.all()],
                p.get_headcount_band_display() if p.headcount_band else "",
                p.get_turnover_band_display() if p.turnover_band else "",
                p.contact_email,
                p.get_absolute_url(),
            ]


def map_points(results):
    """Points of the first MAP_LIMIT results, for the map beside the list."""
    ids = results.ids[:MAP_LIMIT]
    rows = SupplierProfile.objects.filter(pk__in=ids, latitude__isnull=False).values_list(
        "pk", "organisation__name", "commune__name", "latitude", "longitude"
    )
    return [
        {"name": name, "commune": commune or "", "lat": lat, "lon": lon, "id": pk}
        for pk, name, commune, lat, lon in rows
    ]


RESERVATION_LIST = list(RESERVATIONS.values())
