"""Bench of the cooperation exchange's matching: how long does a new offer take to find
the needs that fit it among 50,000 open offers and needs spread over France?

    .venv/bin/python -m bench.cooperation_matching [--listings 50000] [--queries 300]

It builds its own database (a temporary SQLite file, or ESSOR_BENCH_DATABASE_URL, which it
migrates and fills: never point it at a database you care about), loads the shipped full
geography extract, generates the listings with a fixed seed (every kind and category,
both directions, a radius of 1 to 50 km or, one time in five, a département), then times
essor.cooperation.matching.suggestions() for random new offers and needs. Exits 1 if the
p95 is above the target (200 ms)."""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

TARGET_P95_MS = 200


def configure():
    tmp = Path(tempfile.mkdtemp(prefix="essor-bench-cooperation-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "ESSOR_BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"
    )
    os.environ["ESSOR_DATA_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def listing(rng, communes, organisation_id, today):
    from essor.cooperation.enums import Direction, Status
    from essor.cooperation.kinds import KINDS
    from essor.cooperation.models import Listing
    from tests.factories.cooperation import DETAILS

    kind = rng.choice(list(KINDS))
    code, lat, lon = rng.choice(communes)
    wide = rng.random() < 0.2
    details = dict(DETAILS[kind])
    if kind == "locaux":
        day = rng.choice(["lun", "mar", "mer", "jeu", "ven"])
        details["availability"] = [f"{day}-{rng.choice(['matin', 'apres-midi', 'journee'])}"]
    return Listing(
        organisation_id=organisation_id,
        direction=rng.choice(Direction.values),
        kind=kind,
        category=rng.choice(KINDS[kind].categories)[0],
        title="Publication générée",
        details=details,
        commune_id=code,
        radius_km=None if wide else rng.randint(1, 50),
        area_level="departement" if wide else "",
        latitude=lat,
        longitude=lon,
        reach_km=80.0 if wide else None,
        territory_label="généré",
        starts_on=today + datetime.timedelta(days=rng.randint(0, 60)),
        ends_on=today + datetime.timedelta(days=rng.randint(61, 365)),
        status=Status.OPEN,
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args(argv)

    configure()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from essor.cooperation.matching import suggestions
    from essor.cooperation.models import Listing
    from essor.directory.models import Organisation
    from essor.territories.loader import load_territories
    from essor.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_territories()
    rng = random.Random(args.seed)
    today = timezone.localdate()
    communes = list(
        Commune.objects.filter(latitude__isnull=False).values_list("code", "latitude", "longitude")
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Structure {i}") for i in range(2000)]
    )
    rows = []
    for _ in range(args.listings):
        row = listing(rng, communes, rng.choice(organisations).pk, today)
        row.reach_km = row.reach_km or float(row.radius_km)
        rows.append(row)
    Listing.objects.bulk_create(rows, batch_size=2000)
    print(
        f"Base {connection.vendor} prête en {time.perf_counter() - started:.0f} s : "
        f"{len(communes)} communes placées, {Listing.objects.count()} offres et besoins ouverts."
    )

    timings, found = [], []
    for _ in range(args.queries):
        new = listing(rng, communes, 0, today)
        new.reach_km = new.reach_km or float(new.radius_km)
        begin = time.perf_counter()
        result = suggestions(new)
        timings.append((time.perf_counter() - begin) * 1000)
        found.append(len(result))
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    print(
        f"{args.queries} nouvelles publications contre {args.listings} ouvertes : "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms ; "
        f"{sum(found) / len(found):.1f} correspondances en moyenne (10 au plus)."
    )
    print(f"Objectif p95 ≤ {TARGET_P95_MS} ms : {'atteint' if p95 <= TARGET_P95_MS else 'MANQUÉ'}")
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
