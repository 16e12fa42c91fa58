"""The full recompute of the observatory's tables from the directory.

The database aggregates the directory (a GROUP BY by commune and category for the
stock, another by commune, category and month for each kind of event); those partial
aggregates are rolled up in memory to every territory and breakdown, secrecy is decided
on them, and the old cells are swapped for the new ones in one transaction: a page
reads either the previous set or the new one, never a mix."""

import logging
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Avg, Case, CharField, Count, F, FloatField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from essor.directory import nomenclatures
from essor.directory.enums import AdministrativeStatus
from essor.directory.models import Establishment
from essor.territories.models import Commune, Departement

from .enums import Breakdown, TerritoryLevel
from .models import FlowCell, IndicatorCell, IndicatorRefresh, TerritoryCentroid
from .secrecy import apply_secondary_secrecy, primary_secrecy

logger = logging.getLogger(__name__)

L = TerritoryLevel
B = Breakdown

# Family × sector has too few establishments per commune to publish anything.
STOCK_BREAKDOWNS = {
    L.REGION: list(B),
    L.DEPARTEMENT: list(B),
    L.EPCI: list(B),
    L.COMMUNE: [B.TOTAL, B.FAMILY, B.SECTOR, B.SIZE],
}
# Creations and closures: by year for these breakdowns, by month for the total only.
# Communes are left out: a commune's yearly creations are almost all secret.
FLOW_LEVELS = [L.REGION, L.DEPARTEMENT, L.EPCI]
FLOW_BREAKDOWNS = [B.TOTAL, B.FAMILY, B.SECTOR]
FLOW_YEARS = 20
MONTHLY_YEARS = 5
KEPT_REFRESHES = 20
# Any constant: it only has to be the same for every refresh.
ADVISORY_LOCK = 7_508_001


@dataclass
class RefreshResult:
    establishments: int = 0
    synthetic_establishments: int = 0
    cells: int = 0
    flow_cells: int = 0
    secret_cells: int = 0
    duration: float = 0.0
    timings: dict = field(default_factory=dict)

    def summary(self):
        return (
            f"{self.establishments} établissements actifs comptés "
            f"(dont {self.synthetic_establishments} de démonstration), "
            f"{self.cells} cases d'indicateurs et {self.flow_cells} cases de créations et "
            f"fermetures, {self.secret_cells} masquées par le secret statistique, "
            f"en {self.duration:.1f} s."
        )


def sector_expression():
    """nomenclatures.ess_sector_of(naf) as a SQL CASE: by NAF division, plus the
    sub-classes whose sector differs from their division's (none today)."""
    by_division = defaultdict(list)
    for number in range(100):
        division = f"{number:02d}"
        by_division[nomenclatures.ess_sector_of(division)].append(division)
    exceptions = defaultdict(list)
    for code in nomenclatures.naf_activities():
        sector = nomenclatures.ess_sector_of(code)
        if sector != nomenclatures.ess_sector_of(code[:2]):
            exceptions[sector].append(code)
    whens = [When(naf__in=codes, then=Value(sector)) for sector, codes in exceptions.items()]
    whens += [
        When(naf_division__in=divisions, then=Value(sector))
        for sector, divisions in by_division.items()
        if sector != "autres"
    ]
    return Case(*whens, default=Value("autres"), output_field=CharField())


def employees_expression():
    """estimated_employees(band) for an employer establishment, 0 otherwise."""
    by_estimate = defaultdict(list)
    for band in nomenclatures.headcount_bands():
        estimate = nomenclatures.estimated_employees(band)
        if estimate:
            by_estimate[float(estimate)].append(band)
    whens = [
        When(is_employer=True, headcount_band__in=bands, then=Value(estimate))
        for estimate, bands in by_estimate.items()
    ]
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def ess_establishments():
    """Every establishment of an ESS organisation located in a commune, with the
    territories and categories it is counted in."""
    return (
        Establishment.objects.filter(commune__isnull=False)
        .exclude(organisation__ess_family="")
        .annotate(
            # SIRENE locates establishments in Paris, Lyon and Marseille by
            # arrondissement; the commune level counts them in the city.
            t_commune=Coalesce(F("commune__parent_id"), F("commune_id")),
            c_family=F("organisation__ess_family"),
            naf_division=Substr("naf", 1, 2),
            c_sector=sector_expression(),
            c_size=F("headcount_band"),
            estimated_employees=employees_expression(),
        )
        .order_by()
    )


def commune_places():
    """{commune code: (région, département, EPCI or None)}, for the roll-up of the
    communes' aggregates to the larger territories."""
    return {
        code: (region, departement, epci)
        for code, region, departement, epci in Commune.objects.filter(
            parent__isnull=True
        ).values_list("code", "region_id", "departement_id", "epci_id")
    }


def _territories(places, commune, levels):
    region, departement, epci = places[commune]
    codes = {L.REGION: region, L.DEPARTEMENT: departement, L.EPCI: epci, L.COMMUNE: commune}
    return [(level, codes[level]) for level in levels if codes[level]]


def _categories(family, sector, size):
    return {
        B.TOTAL: "",
        B.FAMILY: family,
        B.SECTOR: sector,
        B.SIZE: size,
        B.FAMILY_SECTOR: f"{family}:{sector}",
    }


def aggregate_stock(places=None):
    """{(level, code, breakdown, category): {establishments, employers, employees,
    largest, synthetic}} for the active establishments.

    The database groups the establishments by commune, family, sector and size band
    in one pass; those partial aggregates (counts, sums and maxima, all additive or
    mergeable) are then rolled up to every territory level and breakdown. Nineteen
    separate GROUP BYs over the directory would read it nineteen times."""
    places = places or commune_places()
    rows = (
        ess_establishments()
        .filter(status=AdministrativeStatus.ACTIVE)
        .values_list("t_commune", "c_family", "c_sector", "c_size")
        .annotate(
            n=Count("id"),
            employers=Count("id", filter=Q(is_employer=True)),
            employees=Sum("estimated_employees"),
            largest=Max("estimated_employees"),
            synthetic=Count("id", filter=Q(is_synthetic=True)),
        )
    )
    cells = {}
    levels = list(STOCK_BREAKDOWNS)
    for commune, family, sector, size, n, employers, employees, largest, synthetic in rows:
        categories = _categories(family, sector, size)
        employees, largest = float(employees or 0), float(largest or 0)
        for level, code in _territories(places, commune, levels):
            for breakdown in STOCK_BREAKDOWNS[level]:
                key = (level, code, breakdown, categories[breakdown])
                cell = cells.get(key)
                if cell is None:
                    cells[key] = {
                        "establishments": n,
                        "employers": employers,
                        "employees": employees,
                        "largest": largest,
                        "synthetic": synthetic,
                    }
                else:
                    cell["establishments"] += n
                    cell["employers"] += employers
                    cell["employees"] += employees
                    cell["largest"] = max(cell["largest"], largest)
                    cell["synthetic"] += synthetic
    return cells


def flow_window(today=None):
    today = today or timezone.localdate()
    return today.year - FLOW_YEARS + 1, today.year - MONTHLY_YEARS + 1, today.year


def aggregate_flows(today=None, places=None):
    """{(level, code, breakdown, category, year, month): {"creations": n, "closures": n}}

    As for the stock: one GROUP BY per measure, by commune, family, sector, year and
    month, rolled up to the territories and breakdowns."""
    places = places or commune_places()
    first_year, first_monthly_year, last_year = flow_window(today)
    cells = defaultdict(lambda: {"creations": 0, "closures": 0})
    for measure, date_field in (("creations", "created_on"), ("closures", "closed_on")):
        rows = (
            ess_establishments()
            .filter(
                **{
                    f"{date_field}__gte": date(first_year, 1, 1),
                    f"{date_field}__lt": date(last_year + 1, 1, 1),
                }
            )
            .annotate(y=ExtractYear(date_field), m=ExtractMonth(date_field))
            .values_list("t_commune", "c_family", "c_sector", "y", "m")
            .annotate(n=Count("id"))
        )
        for commune, family, sector, year, month, n in rows:
            categories = _categories(family, sector, "")
            for level, code in _territories(places, commune, FLOW_LEVELS):
                for breakdown in FLOW_BREAKDOWNS:
                    cells[(level, code, breakdown, categories[breakdown], year, 0)][measure] += n
                if year >= first_monthly_year:
                    cells[(level, code, B.TOTAL, "", year, month)][measure] += n
    return dict(cells)


def territory_links(places=None):
    """The additive relations between territories: {parent (level, code): [child
    (level, code)]}, for the parents whose children partition them exactly."""
    places = places or commune_places()
    children = defaultdict(list)
    for code, region in Departement.objects.values_list("code", "region_id"):
        children[(L.REGION, region)].append((L.DEPARTEMENT, code))
    for code, (_, departement, epci) in places.items():
        children[(L.DEPARTEMENT, departement)].append((L.COMMUNE, code))
        if epci:
            children[(L.EPCI, epci)].append((L.COMMUNE, code))
    return children


def stock_groups(keys, links):
    """The (total, parts) groups of the stock cells: see secrecy.py."""
    by_territory = defaultdict(lambda: defaultdict(list))
    for level, code, breakdown, category in keys:
        by_territory[(level, code)][breakdown].append(category)
    groups = []
    for (level, code), breakdowns in by_territory.items():
        total = (level, code, B.TOTAL, "")
        for breakdown in (B.FAMILY, B.SECTOR, B.SIZE):
            groups.append(
                (total, [(level, code, breakdown, c) for c in breakdowns.get(breakdown, [])])
            )
        by_family, by_sector = defaultdict(list), defaultdict(list)
        for category in breakdowns.get(B.FAMILY_SECTOR, []):
            family, sector = category.split(":")
            part = (level, code, B.FAMILY_SECTOR, category)
            by_family[family].append(part)
            by_sector[sector].append(part)
        groups += [((level, code, B.FAMILY, f), parts) for f, parts in by_family.items()]
        groups += [((level, code, B.SECTOR, s), parts) for s, parts in by_sector.items()]
    key_set = set(keys)
    for (level, code), breakdowns in by_territory.items():
        children = links.get((level, code))
        if not children:
            continue
        for breakdown, categories in breakdowns.items():
            child_level = children[0][0]
            if breakdown not in STOCK_BREAKDOWNS[child_level]:
                continue
            for category in categories:
                parts = [(cl, cc, breakdown, category) for cl, cc in children]
                groups.append(
                    ((level, code, breakdown, category), [p for p in parts if p in key_set])
                )
    return groups


def flow_groups(keys, links):
    """The (total, parts) groups of the flow cells: a year and its families, sectors and
    months; a région and its départements."""
    key_set = set(keys)
    groups = []
    years = defaultdict(lambda: defaultdict(list))
    for level, code, breakdown, category, year, month in keys:
        if month:
            years[(level, code, year)]["months"].append((level, code, B.TOTAL, "", year, month))
        elif breakdown != B.TOTAL:
            years[(level, code, year)][breakdown].append(
                (level, code, breakdown, category, year, 0)
            )
    for (level, code, year), parts_by_kind in years.items():
        total = (level, code, B.TOTAL, "", year, 0)
        groups += [(total, parts) for parts in parts_by_kind.values()]
    for level, code, breakdown, category, year, month in keys:
        if level != L.REGION:
            continue
        parts = [
            (cl, cc, breakdown, category, year, month) for cl, cc in links.get((level, code), [])
        ]
        groups.append(
            ((level, code, breakdown, category, year, month), [p for p in parts if p in key_set])
        )
    return groups


def decide_stock_secrecy(cells, links):
    secrecy = {
        key: primary_secrecy(v["establishments"], v["employees"], v["largest"])
        for key, v in cells.items()
    }
    apply_secondary_secrecy(
        secrecy,
        stock_groups(list(cells), links),
        size=lambda key: (cells[key]["establishments"], cells[key]["employees"], key),
    )
    return secrecy


def decide_flow_secrecy(cells, links):
    groups = flow_groups(list(cells), links)
    decided = {}
    for measure in ("creations", "closures"):
        secrecy = {key: primary_secrecy(v[measure]) for key, v in cells.items()}
        apply_secondary_secrecy(
            secrecy, groups, size=lambda key, measure=measure: (cells[key][measure], key)
        )
        decided[measure] = secrecy
    return decided


def compute_centroids():
    """Mean position of the communes of each EPCI and département, and its région."""
    communes = Commune.objects.filter(parent__isnull=True, latitude__isnull=False)
    centroids = []
    for level, field_name in ((L.EPCI, "epci_id"), (L.DEPARTEMENT, "departement_id")):
        regions = defaultdict(Counter)
        for code, region, n in (
            communes.exclude(**{field_name: None})
            .values_list(field_name, "region_id")
            .annotate(n=Count("code"))
            .order_by()
        ):
            regions[code][region] += n
        rows = (
            communes.exclude(**{field_name: None})
            .values(field_name)
            .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
            .order_by()
        )
        for row in rows:
            code = row[field_name]
            centroids.append(
                TerritoryCentroid(
                    level=level,
                    code=code,
                    region=regions[code].most_common(1)[0][0],
                    latitude=round(row["lat"], 5),
                    longitude=round(row["lon"], 5),
                )
            )
    return centroids


@contextmanager
def _single_refresh():
    """Two refreshes at once would both delete and insert: the second waits. SQLite
    already serialises writing transactions (they start IMMEDIATE)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])


def refresh_indicators(today=None):
    """Recompute every indicator from the directory and replace the stored ones.

    Returns a RefreshResult. Safe to run at any time, and to run twice."""
    started_at = timezone.now()
    clock = time.monotonic()
    result = RefreshResult()
    outermost = not connection.in_atomic_block
    with _single_refresh(), transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Every aggregate then reads the same snapshot of the directory, even if
            # an import commits meanwhile: the tables stay additive, which the
            # secondary secrecy relies on.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        places = commune_places()
        stock = aggregate_stock(places)
        result.timings["stock"] = time.monotonic() - clock
        flows = aggregate_flows(today, places)
        result.timings["flows"] = time.monotonic() - clock
        links = territory_links(places)
        stock_secrecy = decide_stock_secrecy(stock, links)
        flow_secrecy = decide_flow_secrecy(flows, links)
        result.timings["secrecy"] = time.monotonic() - clock

        new_cells = [
            _indicator_row(key, values, stock_secrecy[key]) for key, values in stock.items()
        ]
        new_flows = [
            _flow_row(key, values, flow_secrecy["creations"][key], flow_secrecy["closures"][key])
            for key, values in flows.items()
        ]
        centroids = compute_centroids()
        IndicatorCell.objects.all().delete()
        FlowCell.objects.all().delete()
        TerritoryCentroid.objects.all().delete()
        _insert(IndicatorCell, INDICATOR_COLUMNS, new_cells)
        _insert(FlowCell, FLOW_COLUMNS, new_flows)
        TerritoryCentroid.objects.bulk_create(centroids, batch_size=2000)
        result.timings["write"] = time.monotonic() - clock

        regions = [v for k, v in stock.items() if k[0] == L.REGION and k[2] == B.TOTAL]
        result.establishments = sum(v["establishments"] for v in regions)
        result.synthetic_establishments = sum(v["synthetic"] for v in regions)
        result.cells = len(new_cells)
        result.flow_cells = len(new_flows)
        result.secret_cells = sum(1 for v in stock_secrecy.values() if v) + sum(
            1 for key in flows if flow_secrecy["creations"][key] or flow_secrecy["closures"][key]
        )
        result.duration = time.monotonic() - clock
        IndicatorRefresh.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            duration=result.duration,
            establishments=result.establishments,
            synthetic_establishments=result.synthetic_establishments,
            cells=result.cells,
            flow_cells=result.flow_cells,
            secret_cells=result.secret_cells,
        )
        stale = IndicatorRefresh.objects.values_list("pk", flat=True)[KEPT_REFRESHES:]
        IndicatorRefresh.objects.filter(pk__in=list(stale)).delete()
    logger.info("Indicateurs de l'observatoire recalculés : %s", result.summary())
    return result


INDICATOR_COLUMNS = [
    "level", "code", "breakdown", "category", "establishments", "employer_establishments",
    "employees", "secrecy", "has_synthetic",
]  # fmt: skip
FLOW_COLUMNS = [
    "level", "code", "breakdown", "category", "year", "month", "creations", "closures",
    "creations_secrecy", "closures_secrecy",
]  # fmt: skip


def _insert(model, columns, rows):
    """Bulk load of a rebuilt table: COPY on PostgreSQL, a prepared INSERT run many
    times on SQLite. Building a model instance per cell would cost most of the refresh."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 - names are ours
                rows,
            )


def _indicator_row(key, values, secrecy):
    level, code, breakdown, category = key
    published = not secrecy
    return (
        str(level),
        code,
        str(breakdown),
        category,
        values["establishments"] if published else None,
        values["employers"] if published else None,
        values["employees"] if published else None,
        str(secrecy),
        values["synthetic"] > 0,
    )


def _flow_row(key, values, creations_secrecy, closures_secrecy):
    level, code, breakdown, category, year, month = key
    return (
        str(level),
        code,
        str(breakdown),
        category,
        year,
        month,
        None if creations_secrecy else values["creations"],
        None if closures_secrecy else values["closures"],
        str(creations_secrecy),
        str(closures_secrecy),
    )
