"""The coverage of the territory by support offers, for the CRESS team: for each EPCI of
the region, phase of life and kind of help, how many published offers serve it — the
report's « équité et maillage territorial »."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Sum

from essor.directory.enums import Phase
from essor.territories.areas import Place, index_areas, serving
from essor.territories.models import Commune, Epci, Region

from .enums import HelpKind, OfferStatus
from .models import OfferArea, SupportOffer

CELLS = [(phase, kind) for phase in Phase.values for kind in HelpKind.values]


@dataclass
class EpciCoverage:
    code: str
    name: str
    departements: list
    population: int
    latitude: float | None
    longitude: float | None
    offer_ids: set = field(default_factory=set)
    counts: dict = field(default_factory=dict)  # (phase, kind) -> number of offers
    partial_ids: set = field(default_factory=set)
    profiles: dict = field(default_factory=dict)  # offer id -> (phases, kinds)

    @property
    def covered_cells(self):
        return sum(1 for cell in CELLS if self.counts.get(cell))

    @property
    def coverage_rate(self):
        return round(100 * self.covered_cells / len(CELLS))

    def count(self, phase="", kind=""):
        """Offers serving the EPCI for this phase and kind (either may be "any")."""
        if phase and kind:
            return self.counts.get((phase, kind), 0)
        return len(self.matching_ids(phase, kind))

    def matching_ids(self, phase="", kind=""):
        return {
            offer_id
            for offer_id, (phases, kinds) in self.profiles.items()
            if (not phase or phase in phases) and (not kind or kind in kinds)
        }

    @property
    def has_entry_point(self):
        return any(HelpKind.FIRST_INFO in kinds for _, kinds in self.profiles.values())


def coverage(region_code=None):
    """[EpciCoverage] for every EPCI with communes in the region: the published offers
    that serve each one, wholly or in part (the areas' covering rule, territories.areas),
    in five queries."""
    region_code = region_code or settings.ESSOR_REGION
    epcis = (
        Epci.objects.filter(communes__region_id=region_code)
        .annotate(
            population=Sum("communes__population"),
            lat=Avg("communes__latitude"),
            lon=Avg("communes__longitude"),
        )
        .order_by("name")
    )
    rows = {
        e.code: EpciCoverage(e.code, e.name, [], e.population or 0, e.lat, e.lon) for e in epcis
    }
    for code, departement_id in (
        Commune.objects.filter(epci_id__in=list(rows))
        .order_by("departement_id")
        .values_list("epci_id", "departement_id")
        .distinct()
    ):
        rows[code].departements.append(departement_id)

    profiles = {
        pk: (set(phases or Phase.values), set(kinds))
        for pk, phases, kinds in SupportOffer.objects.published().values_list(
            "pk", "phases", "help_kinds"
        )
    }
    # The areas that touch the région, read once; each EPCI then looks up its own.
    areas = index_areas(
        OfferArea.objects.filter(offer__status=OfferStatus.PUBLISHED)
        .covering(Place(region=Region(code=region_code)))
        .only("pk", "offer_id", "level", "code", "radius_km", "latitude", "longitude")
    )
    for code, place in Place.epcis_of_region(region_code).items():
        row = rows[code]
        whole = set()
        for area, partial in serving(place, areas):
            row.offer_ids.add(area.offer_id)
            (row.partial_ids if partial else whole).add(area.offer_id)
        # An offer serving the whole EPCI through one of its areas is not partial there.
        row.partial_ids -= whole
        row.profiles = {pk: profiles[pk] for pk in row.offer_ids}
        for phases, kinds in row.profiles.values():
            for phase in phases:
                for kind in kinds:
                    row.counts[(phase, kind)] = row.counts.get((phase, kind), 0) + 1
    return list(rows.values())


def white_zones(rows, phase="", kind="", limit=30):
    """The least-served EPCI first; the most populated first among equals."""
    if phase or kind:
        key = lambda r: (r.count(phase, kind), -r.population, r.name)  # noqa: E731
    else:
        key = lambda r: (r.covered_cells, -r.population, r.name)  # noqa: E731
    return sorted(rows, key=key)[:limit]


def level_of(count):
    if count == 0:
        return "none"
    return "low" if count == 1 else "good"


LEVEL_STYLE = {  # fill colour, wording of the legend
    "none": ("#a4161a", "aucune offre (zone blanche)"),
    "low": ("#d9822b", "une seule offre"),
    "good": ("#0b6b4f", "deux offres ou plus"),
}


def svg_map(rows, phase="", kind="", width=640, height=560, margin=20):
    """Circles at each EPCI's centre, sized by population and coloured by the number of
    offers: drawn on the server, so the map needs no script and no tiles."""
    located = [r for r in rows if r.latitude is not None]
    if not located:
        return {"width": width, "height": height, "circles": []}
    lat0 = sum(r.latitude for r in located) / len(located)
    scale_x = math.cos(math.radians(lat0))
    xs = [r.longitude * scale_x for r in located]
    ys = [r.latitude for r in located]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1
    factor = (min(width, height) - 2 * margin) / span
    biggest = max(r.population for r in located) or 1
    circles = []
    for row, x, y in zip(located, xs, ys, strict=True):
        count = row.count(phase, kind)
        level = level_of(count)
        circles.append(
            {
                "row": row,
                "cx": round(margin + (x - min(xs)) * factor, 1),
                "cy": round(height - margin - (y - min(ys)) * factor, 1),
                "r": round(3 + 14 * math.sqrt(row.population / biggest), 1),
                "fill": LEVEL_STYLE[level][0],
                "count": count,
            }
        )
    # Small circles on top of big ones, so that every EPCI can be pointed at.
    circles.sort(key=lambda c: -c["r"])
    return {"width": width, "height": height, "circles": circles}
