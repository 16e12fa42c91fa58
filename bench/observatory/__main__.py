"""Bench of the observatory: with 250,000 establishments, how long do the refresh of the
indicators and the pages that read them take?

    .venv/bin/python -m bench.observatory [--establishments 250000] [--requests 60]
    # national scale (issue 20): 2 million establishments over every commune of France
    ESSOR_BENCH_DATABASE_URL=postgres://… .venv/bin/python -m bench.observatory \
        --france --establishments 2000000

It builds its own database (a temporary SQLite file, or ESSOR_BENCH_DATABASE_URL, which
it migrates and fills: never point it at a database you care about; a second run on the
same database reuses the establishments it finds there), loads the shipped full
geography extract, generates establishments in the communes of the platform's région
(weighted by population, real NAF codes, INSEE headcount bands, creation and closure
dates), runs the refresh twice, then times the regional dashboard and two portraits
(the largest département and the largest EPCI) through Django's test client, with
their cached body dropped before each request (every request reads the cells and
renders everything) and with it kept (what visitors get between two refreshes).
Exits 1 if a target is missed: pages p95 ≤ 200 ms in both cases, refresh < 60 s (5 min
with --france). On PostgreSQL the rows go in with COPY (bulk_create would take hours for
2 million)."""

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

TARGET_PAGE_P95_MS = 200
TARGET_REFRESH_S = 60
TARGET_REFRESH_NATIONAL_S = 300  # issue 20: 2 million establishments over France

FAMILIES = [("association", "9220", 78), ("cooperative", "5458", 10), ("mutual", "8210", 5)]
FAMILIES += [("foundation", "9300", 2), ("commercial", "5710", 5)]
NAF_CODES = [
    ("88.10A", 10), ("88.99B", 9), ("87.10A", 4), ("88.91A", 4), ("94.99Z", 20),
    ("93.12Z", 12), ("85.59A", 6), ("90.01Z", 5), ("86.10Z", 1), ("64.19Z", 3),
    ("65.12Z", 2), ("55.20Z", 2), ("47.11D", 1), ("43.21A", 2), ("70.22Z", 2),
    ("01.61Z", 3), ("56.10A", 2), ("81.21Z", 2),
]  # fmt: skip
BANDS = [("", 30), ("NN", 10), ("00", 4), ("01", 20), ("02", 12), ("03", 8), ("11", 7)]
BANDS += [("12", 5), ("21", 2), ("22", 1), ("31", 0.3), ("32", 0.3), ("41", 0.1)]


def configure():
    database_url = os.environ.get("ESSOR_BENCH_DATABASE_URL")
    if not database_url:
        tmp = Path(tempfile.mkdtemp(prefix="essor-bench-observatory-"))
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ["ESSOR_DATA_DIR"] = str(tmp)
        print(f"Base SQLite : {tmp / 'bench.sqlite3'} (à effacer après usage)")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    cumulative = list(itertools.accumulate(weights))
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


@contextmanager
def _without_triggers():
    """Loading 250,000 rows through the directory's search-index triggers (another
    app's) takes far longer than the observatory's work being measured: PostgreSQL
    skips them for this session while loading. The bench database's search index is
    therefore not filled; the observatory does not read it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def _load(model, rows):
    """Write rows (dicts of column values; the model's defaults for the others): COPY on
    PostgreSQL — 2 million establishments through bulk_create take hours on this
    machine —, bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
        return
    fields = model._meta.concrete_fields
    prototype = model()
    defaults = {
        f.attname: f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fields
    }
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row.get(name, defaults[name]) for name in names])


def _reset_sequences(*models):
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def generate(count, seed, *, france=False):
    """`count` establishments in the région's communes (all of France's with `france`),
    ~1.6 per organisation."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Max

    from essor.directory.enums import AdministrativeStatus, Source
    from essor.directory.models import Establishment, Organisation
    from essor.territories.models import Commune

    rng = random.Random(seed)
    communes = Commune.objects.filter(parent__isnull=True).exclude(population=None)
    if not france:
        communes = communes.filter(region_id=settings.ESSOR_REGION)
    communes = list(communes.order_by("code").values_list("code", "population"))
    codes = [code for code, _ in communes]
    # Établissements follow population, with a floor so that small villages have some.
    cumulative = list(itertools.accumulate(max(population, 300) for _, population in communes))

    def commune():
        return rng.choices(codes, cum_weights=cumulative)[0]

    family = weighted(rng, [((f, c), w) for f, c, w in FAMILIES])
    naf = weighted(rng, NAF_CODES)
    band = weighted(rng, BANDS)
    today = date.today()
    created = 0
    next_organisation = (Organisation.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_establishment = (Establishment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    with transaction.atomic(), _without_triggers():
        while created < count:
            chunk = min(20_000, count - created)
            organisations, plans = [], []
            while sum(len(p) for p in plans) < chunk:
                ess_family, category = family()
                organisations.append(
                    {
                        "id": next_organisation,
                        "name": f"Structure de mesure n°{created + len(organisations)}",
                        "legal_category": category,
                        "ess_family": ess_family,
                        "source": Source.SYNTHETIC,
                        "is_synthetic": True,
                    }
                )
                next_organisation += 1
                sites = rng.choices([1, 2, 3, 6], [70, 18, 8, 4])[0]
                home = commune()
                plans.append(
                    [home if i == 0 or rng.random() < 0.6 else commune() for i in range(sites)]
                )
            _load(Organisation, organisations)
            establishments = []
            for organisation, sites in zip(organisations, plans, strict=True):
                activity = naf()
                for index, code in enumerate(sites):
                    headcount = band()
                    opened = today - timedelta(days=int(rng.triangular(0, 70 * 365, 0)))
                    closed = rng.random() < 0.15
                    establishments.append(
                        {
                            "id": next_establishment,
                            "organisation_id": organisation["id"],
                            "name": organisation["name"],
                            "commune_id": code,
                            "naf": activity if rng.random() < 0.8 else naf(),
                            "headcount_band": headcount,
                            "is_employer": headcount not in ("", "NN"),
                            "is_head_office": index == 0,
                            "status": AdministrativeStatus.CLOSED
                            if closed
                            else AdministrativeStatus.ACTIVE,
                            "created_on": opened,
                            "closed_on": opened
                            + timedelta(days=rng.randrange(max((today - opened).days, 1)))
                            if closed
                            else None,
                            "source": Source.SYNTHETIC,
                            "is_synthetic": True,
                        }
                    )
                    next_establishment += 1
            _load(Establishment, establishments)
            created += len(establishments)
            print(f"  {created} établissements créés", flush=True)
        _reset_sequences(Organisation, Establishment)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a database in service has its statistics
            cursor.execute("ANALYZE directory_organisation, directory_establishment")
    return created


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_page(client, url, requests, *, cold):
    """Milliseconds per request. Cold: the page's cached body is dropped before each
    request, so that every request reads the cells and renders the whole page."""
    from django.core.cache import cache

    for _ in range(3):  # warm caches (nomenclatures, map data, templates)
        client.get(url)
    timings, cpu = [], []
    for _ in range(requests):
        if cold:
            cache.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--establishments", type=int, default=250_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument(
        "--france",
        action="store_true",
        help="establishments over every commune of France (national scale: --establishments 2000000)",
    )
    args = parser.parse_args(argv)

    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from essor.directory.models import Establishment
    from essor.observatory.enums import Breakdown, TerritoryLevel
    from essor.observatory.models import IndicatorCell
    from essor.observatory.refresh import refresh_indicators
    from essor.territories.loader import load_territories
    from essor.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        load_territories()
    existing = Establishment.objects.count()
    if existing < args.establishments:
        generate(args.establishments - existing, args.seed + existing, france=args.france)
    print(
        f"Base {connection.vendor} prête en {time.perf_counter() - started:.0f} s : "
        f"{Establishment.objects.count()} établissements."
    )

    refreshes = []
    for _ in range(2):
        result = refresh_indicators()
        refreshes.append(result.duration)
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        print(f"Recalcul : {result.summary()} (cumul : {steps})")

    region = settings.ESSOR_REGION
    largest = {
        level: IndicatorCell.objects.filter(
            level=level, breakdown=Breakdown.TOTAL, establishments__isnull=False
        )
        .order_by("-establishments")
        .values_list("code", flat=True)
        .first()
        for level in (TerritoryLevel.DEPARTEMENT, TerritoryLevel.EPCI)
    }
    pages = {
        f"tableau de bord régional ({region})": reverse("observatory:index"),
        f"fiche département ({largest['departement']})": reverse(
            "observatory:departement", args=[largest["departement"]]
        ),
        f"fiche EPCI ({largest['epci']})": reverse("observatory:epci", args=[largest["epci"]]),
    }
    client = Client()
    failed = False
    print(f"Pages, {args.requests} requêtes chacune (ms) :")
    for label, url in pages.items():
        for cold in (True, False):
            timings, cpu = time_page(client, url, args.requests, cold=cold)
            p95 = percentile(timings, 0.95)
            failed |= p95 > TARGET_PAGE_P95_MS
            mode = "sans cache" if cold else "avec cache"
            # CPU: the process's time (time.process_time), which a busy machine does not
            # inflate; on PostgreSQL the server's work is not in it.
            print(
                f"  {label:<34} {mode:<10} p50 {percentile(timings, 0.5):6.1f}  "
                f"p95 {p95:6.1f}  max {max(timings):6.1f}   CPU p50 "
                f"{percentile(cpu, 0.5):6.1f}  p95 {percentile(cpu, 0.95):6.1f}"
            )
    best_refresh = min(refreshes)
    refresh_target = TARGET_REFRESH_NATIONAL_S if args.france else TARGET_REFRESH_S
    failed |= max(refreshes) >= refresh_target
    print(
        f"Charge de la machine (load average) : {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs."
    )
    print(
        f"Objectifs : pages p95 ≤ {TARGET_PAGE_P95_MS} ms, recalcul < {refresh_target} s "
        f"(mesuré : {', '.join(f'{r:.1f} s' for r in refreshes)}, meilleur {best_refresh:.1f} s) — "
        + ("MANQUÉ" if failed else "atteints")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
