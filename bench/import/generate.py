"""Generate a reproducible pair of Sirene stock files for the import benchmark.

    python bench/import/generate.py [--establishments 1000000] [--units 400000] [--out bench/out]

Writes StockUniteLegale_bench.csv and StockEtablissement_bench.csv with INSEE's full
headers (Sirene 3.11). The content is synthetic but shaped like the real stock: mostly
individual entrepreneurs and commercial companies, about one unit in ten in the ESS
(associations above all), 40 % of closed establishments, establishments in real
communes (the shipped geography extract) in proportion to population, Lambert-93 or
'[ND]' coordinates, a few partially diffusible units. A fixed seed makes every run write
the same bytes. Only the standard library is used, and geo.py for Lambert-93."""

import argparse
import csv
import gzip
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from essor.directory.importers.formats import ESTABLISHMENT_HEADER, UNIT_HEADER  # noqa: E402
from essor.directory.importers.geo import wgs84_to_lambert93  # noqa: E402

SEED = 2016
EXTRACT = ROOT / "essor" / "territories" / "data" / "territories.json.gz"

# (legal category, ESS flag, weight): a rough picture of the units of the stock.
CATEGORIES = [
    ("1000", "", 520),  # entrepreneurs individuels
    ("5499", "", 120),  # SARL
    ("5710", "N", 110),  # SAS
    ("5710", "O", 3),  # SAS de l'ESS (SCOP, SCIC, ESUS)
    ("6540", "", 70),  # SCI
    ("5498", "", 20),
    ("7210", "", 8),  # communes
    ("9220", "", 95),  # associations déclarées
    ("9230", "", 1),
    ("9240", "", 1),  # congrégations (hors ESS)
    ("9300", "", 1),  # fondations
    ("8210", "", 1),  # mutuelles
    ("5458", "", 1),  # SCOP SARL
    ("5560", "", 1),  # SA coopératives
    ("6316", "", 1),  # CUMA
]
NAF = ["94.99Z", "88.99B", "47.11F", "56.10A", "43.21A", "68.20A", "86.21Z", "85.59A", "93.12Z"]
BANDS = ["NN", "", "00", "01", "02", "03", "11", "12", "21", "22", "31"]
STREET_TYPES = ["RUE", "AV", "BD", "PL", "CHE", "RTE", "ALL", "IMP", "QUAI", "LD"]
STREETS = ["DE LA REPUBLIQUE", "DU GENERAL DE GAULLE", "JEAN JAURES", "DES ECOLES", "VICTOR HUGO"]


def luhn_key(prefix):
    total = 0
    for index, char in enumerate(reversed(prefix + "0")):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def communes():
    with gzip.open(EXTRACT, "rt", encoding="utf-8") as f:
        data = json.load(f)
    rows = [
        (c["code"], c["name"].upper(), (c.get("postal_codes") or [""])[0], c["lat"], c["lon"])
        for c in data["communes"]
        if c.get("population") and c["kind"] == "commune"
    ]
    weights = [
        c["population"] for c in data["communes"] if c.get("population") and c["kind"] == "commune"
    ]
    return rows, weights


def date(rng, start=1950, end=2024):
    return f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def write_units(writer, rng, numbers):
    """A unit row for each 8-digit number (SIREN without its key): the SIRENs written.
    The national generator (bench/national) writes its chunks with it too."""
    categories = [c[:2] for c in CATEGORIES]
    category_weights = [c[2] for c in CATEGORIES]
    units = []
    for number in numbers:
        siren = f"{number:08d}" + luhn_key(f"{number:08d}")
        category, flag = rng.choices(categories, category_weights)[0]
        person = category == "1000"
        partial = person and rng.random() < 0.1
        closed = rng.random() < 0.35
        created = date(rng)
        naf = rng.choice(NAF)
        name = "" if person else f"STRUCTURE {siren} {rng.choice(STREETS)}"
        units.append(siren)
        writer.writerow(
            [
                siren, "P" if partial else "O", "", created, "", "[ND]" if partial else "",
                "[ND]" if partial else ("MARIE" if person else ""), "", "", "", "", "",
                f"W{rng.randint(10**8, 10**9 - 1)}" if category.startswith("92") else "",
                rng.choice(BANDS), "2022", "2024-03-22T14:07:51.000", "2", "PME", "2021",
                date(rng, 2008) if closed else created, "C" if closed else "A",
                "[ND]" if partial else ("DURAND" if person else ""), "", name, "", "", "",
                category, naf, "NAFRev2", "00011", flag, "", "N", "",
            ]
        )  # fmt: skip
    return units


def write_establishments(writer, rng, units, number, places, weights):
    """`number` establishment rows over `units` (each has at least one, in order of
    SIREN as in INSEE's file), in communes drawn in proportion to population."""
    counts = [1] * len(units)
    for _ in range(number - len(units)):
        counts[rng.randrange(len(units))] += 1
    chosen = rng.choices(places, weights, k=number)
    row_number = 0
    for siren, count in zip(units, counts, strict=True):
        for nic_number in range(1, count + 1):
            code, commune_name, postal_code, lat, lon = chosen[row_number]
            row_number += 1
            nic = f"{nic_number:04d}"
            nic += luhn_key(siren + nic)
            partial = rng.random() < 0.03
            closed = rng.random() < 0.4
            if partial or lat is None or rng.random() < 0.05 or code.startswith("97"):
                x = y = "[ND]"
            else:
                px, py = wgs84_to_lambert93(
                    lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)
                )
                x, y = f"{px:.1f}", f"{py:.1f}"
            nd = "[ND]" if partial else None
            writer.writerow(
                [
                    siren, nic, siren + nic, "P" if partial else "O", date(rng),
                    rng.choice(BANDS), "2022", "", "2024-03-22T14:07:51.000",
                    "true" if nic_number == 1 else "false", "2", "",
                    nd or str(rng.randint(1, 250)), "", "", "",
                    nd or rng.choice(STREET_TYPES), nd or rng.choice(STREETS), postal_code,
                    commune_name, "", "", code, "", "", "", "", "", x, y,
                    "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                    date(rng, 2008), "F" if closed else "A", "", "", "", "",
                    rng.choice(NAF), "NAFRev2", "N" if closed else rng.choice("ON"), "",
                ]
            )  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--establishments", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=400_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    rng = random.Random(SEED)
    places, weights = communes()
    sirens = rng.sample(range(10_000_000, 99_999_999), args.units)
    sirens.sort()
    with (args.out / "StockUniteLegale_bench.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(UNIT_HEADER)
        units = write_units(writer, rng, sirens)
    with (args.out / "StockEtablissement_bench.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ESTABLISHMENT_HEADER)
        write_establishments(writer, rng, units, args.establishments, places, weights)
    print(
        f"{len(units):_} unités légales, {args.establishments:_} établissements ".replace("_", " ")
        + f"écrits dans {args.out} en {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
