"""The benchmarks of bench/, by name: `python -m bench` lists them, `python -m bench NAME
[options]` runs one (`make bench BENCH="NAME options"`). Each prints its figures; the
latest are in bench/README.md with the command that produced them."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (module or script, what it measures)
BENCHMARKS = {
    "import": ("import/measure.py", "import_sirene : lignes/s et mémoire (1 M d'établissements)"),
    "national_data": ("national/generate.py", "jeu national : RNA (2 M de lignes), stocks SIRENE (28 M / 40 M), reprenable"),
    "national_import": ("national/measure.py", "imports nationaux : SIRENE lu et filtré (lignes/s), RNA 1,5 M sur PostgreSQL"),
    "search": ("bench.search", "annuaire et recherche de la plateforme : p95 (250 000 établissements)"),
    "pages": ("pages.py", "pages sans cache : ms de CPU (recherche, fiche structure, territoire)"),
    "orientation": ("bench.orientation", "orientation : temps de réponse (5 000 offres)"),
    "observatory": ("bench.observatory", "observatoire : recalcul et pages (250 000 établissements)"),
    "purchasing": ("bench.purchasing", "achats : sourcing p95 (20 000 fournisseurs), appariement d'un besoin"),
    "cooperation_matching": ("bench.cooperation_matching", "coopération : appariement (50 000 annonces)"),
    "cooperation_grouping": ("bench.cooperation_grouping", "groupement d'employeurs : CP-SAT contre glouton"),
    "events_scheduler": ("events_scheduler.py", "rendez-vous d'affaires : CP-SAT, glouton et borne"),
}  # fmt: skip


def main(argv):
    if not argv or argv[0] not in BENCHMARKS:
        if argv:
            print(f"Benchmark inconnu : {argv[0]}\n", file=sys.stderr)
        print("Usage : python -m bench NOM [options]   (options : python -m bench NOM --help)\n")
        for name, (_, what) in BENCHMARKS.items():
            print(f"  {name:22} {what}")
        return 2 if argv else 0
    target, _ = BENCHMARKS[argv[0]]
    sys.argv = [target, *argv[1:]]
    if target.endswith(".py"):
        runpy.run_path(str(HERE / target), run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
