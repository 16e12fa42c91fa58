"""The national data set (issue 20, part 1): files of all of France, fixed seed, resumable.

    python bench/national/generate.py [--out var/bench/national] [--sirene-chunks N]

Writes, under a git-ignored folder (var/ by default):

- `rna/rna_waldec_<département>.csv`: the RNA's "waldec" export, one file per
  département as data.gouv.fr ships it (same header, ';', ISO-8859-1, CRLF: what
  `essor import_rna` reads), 2,000,000 lines in all. No count of associations by
  département is shipped with ESSor, so the lines are shared out in proportion to the
  population of the shipped geography (largest remainders). Of the lines, 25 % are
  deleted records (position S, skipped by the importer) and 75 % are written: 1,500,000
  associations, 85 % active (A) and 15 % dissolved (D); 20 % of them carry a SIRET.
  `rna_waldec_national.zip` holds the département files (stored, not compressed), the
  shape of the real download. `--monthly` also writes `rna_monthly.zip`: the same file
  a month later, 1 % of the written associations changed (title, address or
  dissolution) — what the monthly update reads.
- `sirene/StockUniteLegale_national.csv` and `sirene/StockEtablissement_national.csv`
  at the sizes of INSEE's national stock files: 28,000,000 legal units and 40,000,000
  establishments (figures of the 2024–2025 stock files as we remember them: they could
  not be checked online from this machine). They are written as chunks of 700,000 units
  and 1,000,000 establishments (each chunk's units own its establishments, SIRENs
  ascending as in INSEE's files), then joined; `--sirene-chunks N` stops after N chunks
  and joins those: a prefix of the national files, N/40 of their size.

Each piece is written to a `.part` file and renamed when complete, and a piece already
there is skipped: an interrupted run picks up where it stopped, and the bytes are the
same whatever the interruptions (each piece has its own seed)."""

import argparse
import csv
import gzip
import importlib.util
import json
import random
import shutil
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from essor.directory.importers.formats import (  # noqa: E402
    ESTABLISHMENT_HEADER,
    RNA_HEADER,
    UNIT_HEADER,
)

SEED = 2016
OUT = ROOT / "var" / "bench" / "national"
EXTRACT = ROOT / "essor" / "territories" / "data" / "territories.json.gz"
RNA_LINES = 2_000_000
SIRENE_UNITS = 28_000_000
SIRENE_ESTABLISHMENTS = 40_000_000
CHUNK_UNITS = 700_000
CHUNK_ESTABLISHMENTS = 1_000_000
CHUNKS = SIRENE_ESTABLISHMENTS // CHUNK_ESTABLISHMENTS  # 40

# The Sirene generator of the import benchmark: the same rows, chunk by chunk.
_spec = importlib.util.spec_from_file_location("sirene_generate", ROOT / "bench/import/generate.py")
sirene = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sirene)

HEADS = ["ASSOCIATION", "LES AMIS DE", "COMITE DES FETES DE", "CLUB SPORTIF DE", "FOYER RURAL DE",
         "AMICALE LAIQUE DE", "UNION SPORTIVE DE", "ASSOCIATION DES PARENTS D'ELEVES DE",
         "ECOLE DE MUSIQUE DE", "THEATRE DE", "JARDINS PARTAGES DE", "ASSOCIATION CULTURELLE DE",
         "CENTRE SOCIAL DE", "SOCIETE DE CHASSE DE", "ASSOCIATION SPORTIVE DE"]  # fmt: skip
THEMES = ["", "", "ET SES ENVIRONS", "POUR L'ENTRAIDE", "DU PATRIMOINE", "DES AINES",
          "ET DU VELO", "DE LA DANSE", "DU LIVRE", "SOLIDAIRE"]  # fmt: skip
OBJECTS = ["promouvoir la pratique sportive", "animer la vie locale", "venir en aide aux familles",
           "créer et animer des jardins partagés", "défendre le patrimoine", "éducation populaire",
           "réemploi et économie circulaire", "organiser des fêtes et manifestations"]  # fmt: skip


def geography():
    """Communes with a population (code, name, postal code, lat, lon, population) by
    département, in the order of the département codes."""
    with gzip.open(EXTRACT, "rt", encoding="utf-8") as f:
        data = json.load(f)
    by_departement = {}
    for c in data["communes"]:
        if c.get("population") and c["kind"] == "commune":
            by_departement.setdefault(c["departement"], []).append(
                (c["code"], c["name"], (c.get("postal_codes") or [""])[0], c["lat"], c["lon"],
                 c["population"])
            )  # fmt: skip
    return dict(sorted(by_departement.items()))


def share_out(total, weights):
    """`total` shared in proportion to `weights` (largest remainders): integers that add up."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def done(path):
    return path.exists()


def write_atomically(path, write):
    """Write through `path.part`, renamed when complete; skip a piece already there."""
    if path.exists():
        return False
    part = path.with_name(path.name + ".part")
    write(part)
    part.rename(path)
    return True


# RNA


def rna_pieces(places_by_departement):
    counts = share_out(
        RNA_LINES, {d: sum(p[5] for p in places) for d, places in places_by_departement.items()}
    )
    first = 0
    for departement, places in places_by_departement.items():
        yield departement, places, first, counts[departement]
        first += counts[departement]


def rna_row(rng, number, departement, places, weights, change=False):
    """One waldec line: association number `number` (its RNA number and SIREN follow
    from it, so that they are unique over France). `change` gives the same association
    a month later, changed."""
    code, commune, postal_code, _, _, _ = rng.choices(places, weights)[0]
    position = rng.choices("ADS", (0.6375, 0.1125, 0.25))[0]
    siret = ""
    if rng.random() < 0.2:
        siren = f"{30_000_000 + number:08d}"
        siren += sirene.luhn_key(siren)
        siret = siren + "0001" + sirene.luhn_key(siren + "0001")
    created = sirene.date(rng, 1901, 2025)
    title = f"{rng.choice(HEADS)} {commune.upper()} {rng.choice(THEMES)}".strip()
    title = f"{title} {number % 997}"  # names repeat across France: keep them apart
    street = rng.choice(sirene.STREETS)
    street_type = rng.choice(sirene.STREET_TYPES)
    disso = "0001-01-01"
    if change:
        what = rng.randrange(3)
        if what == 0:
            title += " (NOUVEAU NOM)"
        elif what == 1:
            street = "DE LA GARE"
        elif position == "A":
            position, disso = "D", "2026-11-15"
    if position == "D" and disso == "0001-01-01":
        disso = sirene.date(rng, 2000, 2025)
    rup = "R" + departement if rng.random() < 0.002 else ""
    return [
        f"W{number:09d}", "", siret, rup, f"{departement}2P", created, "2019-05-10",
        "1990-02-01", disso, "D", "S", title[:250], "", rng.choice(OBJECTS), "011000",
        "000000", "", str(rng.randint(1, 250)), "", street_type, street, "", code,
        postal_code, commune, "FRANCE", "", "", "", "", "", "", "", "", "PM", "", "0", "",
        position, "2025-01-12 10:15:32",
    ]  # fmt: skip


def write_rna(out, places_by_departement, *, monthly=False):
    folder = out / "rna"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for departement, places, first, count in rna_pieces(places_by_departement):
        weights = [p[5] for p in places]

        def write(
            part, departement=departement, places=places, first=first, count=count, weights=weights
        ):
            rng = random.Random(f"{SEED}-rna-{departement}")
            changes = random.Random(f"{SEED}-rna-monthly-{departement}")
            with part.open("w", encoding="iso-8859-1", errors="replace", newline="") as f:
                writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
                writer.writerow(RNA_HEADER)
                for number in range(first, first + count):
                    state = rng.getstate()
                    row = rna_row(rng, number, departement, places, weights)
                    if monthly and changes.random() < 0.01 and row[38] != "S":
                        # The same association, drawn again from the same state, changed.
                        after = random.Random()
                        after.setstate(state)
                        row = rna_row(after, number, departement, places, weights, change=True)
                    writer.writerow(row)

        name = f"rna_waldec_{departement}.csv" if not monthly else f"monthly_{departement}.csv"
        written += write_atomically(folder / name, write)
    archive = out / ("rna_monthly.zip" if monthly else "rna_waldec_national.zip")

    def pack(part):
        with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as z:
            for departement in places_by_departement:
                name = (
                    f"rna_waldec_{departement}.csv" if not monthly else f"monthly_{departement}.csv"
                )
                z.write(folder / name, f"rna_waldec_{departement}.csv")

    if written or not archive.exists():
        archive.unlink(missing_ok=True)
        write_atomically(archive, pack)
    return archive


# SIRENE


def write_sirene(out, chunks):
    folder = out / "sirene" / "chunks"
    folder.mkdir(parents=True, exist_ok=True)
    all_places = [p[:5] for places in geography().values() for p in places]
    weights = [p[5] for places in geography().values() for p in places]
    for k in range(chunks):
        units_path = folder / f"units_{k:02d}.csv"
        establishments_path = folder / f"establishments_{k:02d}.csv"
        if units_path.exists() and establishments_path.exists():
            continue
        started = time.monotonic()
        rng = random.Random(f"{SEED}-sirene-{k}")
        # 2.2 million eight-digit numbers per chunk: 40 chunks stay below 99,999,999.
        numbers = sorted(
            rng.sample(
                range(10_000_000 + k * 2_200_000, 10_000_000 + (k + 1) * 2_200_000), CHUNK_UNITS
            )
        )
        units = []

        def write_units(part, rng=rng, numbers=numbers, units=units):
            with part.open("w", encoding="utf-8", newline="") as f:
                units.extend(sirene.write_units(csv.writer(f, lineterminator="\n"), rng, numbers))

        units_path.unlink(missing_ok=True)
        write_atomically(units_path, write_units)

        def write_establishments(part, rng=rng, units=units):
            with part.open("w", encoding="utf-8", newline="") as f:
                sirene.write_establishments(
                    csv.writer(f, lineterminator="\n"), rng, units, CHUNK_ESTABLISHMENTS,
                    all_places, weights,
                )  # fmt: skip

        write_atomically(establishments_path, write_establishments)
        print(
            f"  SIRENE, morceau {k + 1}/{chunks} : {time.monotonic() - started:.0f} s", flush=True
        )
    paths = {}
    for name, header, prefix in (
        ("StockUniteLegale", UNIT_HEADER, "units"),
        ("StockEtablissement", ESTABLISHMENT_HEADER, "establishments"),
    ):
        suffix = "national" if chunks == CHUNKS else f"{chunks}of{CHUNKS}"
        target = out / "sirene" / f"{name}_{suffix}.csv"

        def join(part, header=header, prefix=prefix):
            with part.open("wb") as f:
                f.write((",".join(header) + "\n").encode())
                for k in range(chunks):
                    with (folder / f"{prefix}_{k:02d}.csv").open("rb") as chunk:
                        shutil.copyfileobj(chunk, f, 1 << 24)

        write_atomically(target, join)
        paths[name] = target
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--sirene-chunks", type=int, default=CHUNKS, help=f"1 to {CHUNKS}")
    parser.add_argument("--no-sirene", action="store_true")
    parser.add_argument("--no-rna", action="store_true")
    parser.add_argument("--monthly", action="store_true", help="the RNA a month later too")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if not args.no_rna:
        places = geography()
        print(f"RNA : {write_rna(args.out, places)} ({time.monotonic() - started:.0f} s)")
        if args.monthly:
            print(f"RNA un mois après : {write_rna(args.out, places, monthly=True)}")
    if not args.no_sirene:
        for name, path in write_sirene(args.out, args.sirene_chunks).items():
            print(f"{name} : {path} ({path.stat().st_size / 1e9:.2f} Go)")
    print(f"Terminé en {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
