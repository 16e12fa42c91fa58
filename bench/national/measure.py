"""The national import figures (issue 20, part 3), on the files of generate.py.

    python bench/national/measure.py read  [--database-url URL]   # SIRENE: read and filter
    python bench/national/measure.py rna   --database-url URL     # RNA: 1.5 M, then monthly
    python bench/national/measure.py rna   --database-url URL --first 10  # a prefix
    python bench/national/measure.py read-once --reader arrow|lines  # one reading (a process)

`read` times, in the same run and each in its own process under /usr/bin/time -v, the
validation passes of `essor import_sirene --all-regions` (every line of both stock files
read, checked and filtered: the ESS units, then the establishments of the kept units:
what an import reads before it writes anything) with the columnar reader (Arrow) and
with the line reader it replaces, and `wc -l` on the same two files as the floor. Rows
per second are the lines of both files over the wall time of the whole process.

`rna` empties the directory of the database, imports `rna_waldec_national.zip` (2
million lines, 1.5 million associations written, search index included: its triggers
run), then `rna_monthly.zip` (the same a month later, 1 % changed), each with
`essor import_rna --all-regions` under /usr/bin/time -v, and prints the reports.

The database needs the migrations and the geography of France (`essor migrate`,
`essor load_territories`); the files come from `bench/national/generate.py`."""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench" / "national"
EMPTY = (
    "from essor.directory.models import Establishment as E, Organisation as O; "
    "E.objects.all().delete(); O.objects.all().delete()"
)


def environment(database_url):
    env = dict(os.environ, DEBUG="0", ESSOR_DATA_DIR=str(ROOT / "var"))
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def stock_files():
    folder = OUT / "sirene"
    units = sorted(folder.glob("StockUniteLegale_*.csv"))
    establishments = sorted(folder.glob("StockEtablissement_*.csv"))
    if not units or not establishments:
        sys.exit("Pas de fichiers SIRENE : lancez bench/national/generate.py")
    # The largest prefix generated.
    return max(units, key=lambda p: p.stat().st_size), max(
        establishments, key=lambda p: p.stat().st_size
    )


def timed(command, env):
    """(wall s, cpu s, peak MiB, stdout) of a command under /usr/bin/time -v."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"{' '.join(command[:4])} a échoué :\n{result.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    cpu = sum(
        float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr)[1])
        for kind in ("User", "System")
    )
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    return hours * 3600 + minutes * 60 + seconds, cpu, rss / 1024, result.stdout


def read_once(reader):
    """The validation passes of the SIRENE importer, nothing written: prints its report."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essor.settings")
    django.setup()
    from essor.directory.importers.sirene import SireneImporter

    class Validated(Exception):
        pass

    class ReadOnly(SireneImporter):
        def validated(self):
            raise Validated

    units, establishments = stock_files()
    importer = ReadOnly(units, establishments, all_regions=True, line_reader=reader == "lines")
    started = time.monotonic()
    with contextlib.suppress(Validated):
        importer.run()
    report = importer.report
    print(
        json.dumps(
            {
                "seconds": round(time.monotonic() - started, 1),
                "lines": report["lines"],
                "kept": report["kept"],
                "rejected": report["rejected"],
                "skipped": report["skipped"],
                "rates": report["rates"],
                "errors": importer.errors.count,
            },
            ensure_ascii=False,
        )
    )


def read(env):
    units, establishments = stock_files()
    lines = None
    rows = []
    for label, command in (
        ("wc -l (plancher)", ["wc", "-l", str(units), str(establishments)]),
        (
            "lecteur en colonnes (Arrow)",
            [sys.executable, __file__, "read-once", "--reader", "arrow"],
        ),
        (
            "lecteur ligne à ligne (avant)",
            [sys.executable, __file__, "read-once", "--reader", "lines"],
        ),
    ):
        wall, cpu, peak, output = timed(command, env)
        if command[0] == "wc":
            lines = int(output.split()[-2])  # the "total" line
            detail = ""
        else:
            report = json.loads(output.splitlines()[-1])
            detail = (
                f"retenues {report['kept']:,}, erreurs {report['errors']}, débits {report['rates']}"
            )
        rows.append((label, wall, cpu, peak, detail))
        print(
            f"{label} : {wall:.1f} s ({cpu:.1f} s de processeur), {lines / wall:,.0f} lignes/s, "
            f"pic {peak:.0f} Mo {detail}",
            flush=True,
        )
    print(f"Fichiers : {units.name}, {establishments.name} ({lines:,} lignes en tout)")


def first_members(path, first):
    """A zip of the first `first` département files of `path` (a prefix of the national
    file, to measure on a busy machine and scale up)."""
    if not first:
        return path
    target = path.with_name(f"{path.stem}_first{first}.zip")
    if not target.exists():
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
            for name in sorted(source.namelist())[:first]:
                out.writestr(name, source.read(name))
    return target


def rna(env, first=0):
    essor = [sys.executable, "-m", "essor"]
    subprocess.run([*essor, "shell", "-c", EMPTY], env=env, cwd=ROOT, check=True)
    for label, path in (
        ("RNA national, base vide", first_members(OUT / "rna_waldec_national.zip", first)),
        ("RNA un mois après (1 % changé)", first_members(OUT / "rna_monthly.zip", first)),
        (
            "RNA un mois après, encore (rien ne change)",
            first_members(OUT / "rna_monthly.zip", first),
        ),
    ):
        wall, cpu, peak, output = timed(
            [*essor, "import_rna", "--skip-checks", "--all-regions", "--json", str(path)], env
        )
        report = json.loads(output)
        # A database in service has its planner statistics; one just filled has none.
        subprocess.run([*essor, "dbshell", "--", "-c", "ANALYZE"], env=env, cwd=ROOT, check=True)
        print(
            f"{label} : {wall:.1f} s ({cpu:.1f} s de processeur du processus), pic {peak:.0f} Mo ; "
            f"lignes {report['read']:,}, structures {report['organisations']}, "
            f"établissements {report['establishments']}, étapes {report['timing']}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["read", "rna", "read-once"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reader", choices=["arrow", "lines"], default="arrow")
    parser.add_argument(
        "--first", type=int, default=0, help="rna : les N premiers départements seulement"
    )
    args = parser.parse_args()
    if args.what == "read-once":
        read_once(args.reader)
    elif args.what == "read":
        read(environment(args.database_url))
    else:
        if not args.database_url.startswith("postgres"):
            sys.exit("--database-url postgres://… : la cible de 10 minutes est sur PostgreSQL")
        rna(environment(args.database_url), args.first)


if __name__ == "__main__":
    main()
