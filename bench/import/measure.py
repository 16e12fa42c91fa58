"""Time `essor import_sirene` on the generated stock files and print its throughput.

    python bench/import/measure.py [--database-url URL] [--runs 3]

Generates the files first if bench/out has none (generate.py, fixed seed). Each run
starts from a database with the geography of the whole of France loaded and no
organisation, imports the two files under /usr/bin/time -v, then imports them again
(the idempotent case: nothing changes). Without --database-url the database is a SQLite
file in bench/out; with a PostgreSQL URL, the directory's tables are emptied between
runs. Prints, for each run, the wall time, the peak memory (maximum resident set size)
and the rows per second, overall and for the read-and-filter pass of the
establishments, then the medians."""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
UNITS = OUT / "StockUniteLegale_bench.csv"
ESTABLISHMENTS = OUT / "StockEtablissement_bench.csv"
ESSOR = [sys.executable, "-m", "essor"]
EMPTY = "from essor.directory.models import Establishment as E, Organisation as O; E.objects.all().delete(); O.objects.all().delete()"


def environment(database_url):
    # DEBUG stays off, as in production: with it Django keeps the text of every query.
    env = dict(os.environ, DEBUG="0", ESSOR_DATA_DIR=str(OUT), DATABASE_URL=database_url)
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    return env


def essor(env, *args, timed=False):
    # System checks load every app's URLs: not what is measured here.
    command = [*ESSOR, *args] + ([] if args[0] == "shell" else ["--skip-checks"])
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(args[:1])} a échoué :\n{result.stderr[-3000:]}")
    return result


def measure(env, label):
    result = essor(
        env,
        "import_sirene",
        "--unites-legales",
        str(UNITS),
        "--etablissements",
        str(ESTABLISHMENTS),
        "--json",
        timed=True,
    )
    report = json.loads(result.stdout)
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    wall_seconds = hours * 3600 + minutes * 60 + seconds
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr)[1])
        for kind in ("User", "System")
    )
    rows = report["lines"]["etablissements"]
    figures = {
        "wall_s": round(wall_seconds, 1),
        "peak_mb": round(rss / 1024),
        "cpu_s": round(cpu, 1),
        "rows_per_s_overall": round(rows / wall_seconds),
        "rows_per_cpu_s_overall": round(rows / cpu),
        "rows_per_s_read_and_filter": report["rates"]["établissements (contrôle)"],
        "establishments_created": report["establishments"]["created"],
        "establishments_unchanged": report["establishments"]["unchanged"],
        "timing": report["timing"],
    }
    print(f"{label}: {json.dumps(figures, ensure_ascii=False)}", flush=True)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (UNITS.exists() and ESTABLISHMENTS.exists()):
        subprocess.run([sys.executable, str(Path(__file__).with_name("generate.py"))], check=True)

    sqlite = not args.database_url
    template = OUT / "bench-template.sqlite3"
    database = OUT / "bench.sqlite3"
    env = environment(args.database_url or f"sqlite:///{database}")
    if sqlite:
        for path in OUT.glob("bench*.sqlite3*"):
            path.unlink()
    print("Préparation de la base (migrations, géographie de toute la France)…", flush=True)
    essor(env, "migrate", "--no-input", "-v", "0")
    essor(env, "load_territories")
    if sqlite:
        shutil.copy(database, template)

    first, again = [], []
    for number in range(1, args.runs + 1):
        if sqlite:
            shutil.copy(template, database)
        else:
            essor(env, "shell", "-c", EMPTY)
        first.append(measure(env, f"run {number}, base vide"))
        again.append(measure(env, f"run {number}, réimport à l'identique"))

    for label, runs in (("import dans une base vide", first), ("réimport à l'identique", again)):
        print(
            f"Médiane, {label} : "
            f"{statistics.median(r['wall_s'] for r in runs)} s "
            f"({statistics.median(r['cpu_s'] for r in runs)} s de processeur), "
            f"{statistics.median(r['rows_per_s_overall'] for r in runs):.0f} lignes/s au total, "
            f"{statistics.median(r['rows_per_s_read_and_filter'] for r in runs):.0f} lignes/s "
            f"lues et filtrées, pic mémoire {statistics.median(r['peak_mb'] for r in runs)} Mo"
        )


if __name__ == "__main__":
    main()
