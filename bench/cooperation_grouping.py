"""Bench of the GE helper: 500 open shared-job needs of Nouvelle-Aquitaine grouped into
jobs by CP-SAT (essor.cooperation.grouping.group_needs), against the greedy grouping.

    .venv/bin/python -m bench.cooperation_grouping [--needs 500] [--seed 2016] [--travel-km 40]

No database: the needs are generated (fixed seed) at communes of the shipped test
geography (tests/data/territories_sample.json.gz, weighted by population), in six
families of trade, 0.5 to 3 days a week, half of them with fixed weekdays. Prints, for
both methods: jobs formed, needs grouped, days covered, time; exits 1 if CP-SAT takes
more than 30 s."""

import argparse
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

TARGET_S = 30
ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ["administratif", "communication", "animation", "technique", "numerique", "autre"]
DAYS = ["lun", "mar", "mer", "jeu", "ven"]


def generate(count, seed):
    from essor.cooperation.grouping import JobNeed

    with gzip.open(ROOT / "tests" / "data" / "territories_sample.json.gz", "rt") as f:
        communes = [c for c in json.load(f)["communes"] if c["lat"] and c["population"]]
    rng = random.Random(seed)
    weights = [c["population"] for c in communes]
    needs = []
    for key in range(count):
        commune = rng.choices(communes, weights)[0]
        half_days = rng.randint(1, 6)
        fixed = rng.random() < 0.5
        days = frozenset(rng.sample(DAYS, (half_days + 1) // 2)) if fixed else frozenset()
        needs.append(
            JobNeed(key, rng.choice(FAMILIES), half_days, days, commune["lat"], commune["lon"])
        )
    return needs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--travel-km", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from essor.cooperation.grouping import greedy_grouping, group_needs

    needs = generate(args.needs, args.seed)
    total_days = sum(n.half_days for n in needs) / 2
    print(f"{len(needs)} besoins, {total_days:.1f} jours par semaine en tout.")
    begin = time.perf_counter()
    solved = group_needs(needs, travel_km=args.travel_km, limit_s=TARGET_S - 5)
    solved_s = time.perf_counter() - begin
    greedy = greedy_grouping(needs, travel_km=args.travel_km)
    for name, result, seconds in (
        ("CP-SAT", solved, solved_s),
        ("glouton", greedy, greedy.seconds),
    ):
        grouped = sum(len(job) for job in result.jobs)
        print(
            f"{name:8} : {len(result.jobs)} emplois formés, {grouped} besoins regroupés, "
            f"{result.days_covered:.1f} jours couverts, {seconds:.2f} s"
            + (
                ""
                if name != "CP-SAT"
                else f" (optimum prouvé : {'oui' if result.optimal else 'non'})"
            )
        )
    print(f"Objectif ≤ {TARGET_S} s : {'atteint' if solved_s <= TARGET_S else 'MANQUÉ'}")
    return 0 if solved_s <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
