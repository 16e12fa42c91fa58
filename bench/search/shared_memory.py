"""python -m bench.search.shared_memory — resident memory per web worker of the directory's
in-memory facet index, each worker with its own copy (before issue 20.2) or all mapping
the files one of them wrote (after); and how long a write takes to be found.

Starts --workers processes on the database of bench.search (built by `python -m
bench.search`; --database-url for another), each as a gunicorn worker holds the index,
answers the same searches, then reads /proc/<pid>/smaps_rollup of each: RSS (what `top`
shows: shared pages counted in every process) and PSS (shared pages divided among the
processes that map them: what a worker really costs). A process with Django loaded and
no index (--workers of them) gives the floor. Last, with the workers mapping the files in production's
background mode, the bench writes an organisation and each worker searches for it until
found, then until its index holds the new generation.

Prints one JSON document and writes it to bench/out/search/shared-memory-results.json."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "bench" / "out" / "search"
QUERIES = ["aide domicile", "sport", "insertion", "culture", "coop", "jardins", "emploi"]


# --- a worker ----------------------------------------------------------------------------


def child(mode):
    import django

    django.setup()
    from essor.search.backends import SearchFilters, get_backend, memory

    backend = get_backend()
    started = time.monotonic()
    generation = backend.generation()
    if mode == "private":  # what each worker held before: its own arrays
        snapshot = memory.load(backend, generation)
        memory._snapshots[backend.connection.alias] = snapshot  # noqa: SLF001
    elif mode == "shared":
        while memory.current(backend, generation) is None:
            time.sleep(0.05)
    seconds = time.monotonic() - started
    for text in QUERIES:  # touch what a day of searches touches
        for departement in ("", "87", "33"):
            backend.search(SearchFilters(text=text, departement=departement), limit=20)
    answer({"ready": True, "seconds": round(seconds, 2), "generation": generation})
    for line in sys.stdin:
        command, _, text = line.strip().partition(" ")
        if command == "search":
            from django.db import connection

            generation = backend.generation()
            result = backend.search(SearchFilters(text=text), limit=20, facets=False)
            in_memory = memory.current(backend, generation) is not None
            connection.close()
            answer({"total": result.total, "in_memory": in_memory, "generation": generation})
        else:
            return


def answer(document):
    print(json.dumps(document), flush=True)


# --- the bench ----------------------------------------------------------------------------


def rollup(pid):
    """{field: kB} of /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        fields[name] = int(value.split()[0])
    return fields


def start(mode, env, memory_mode):
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.search.shared_memory", "--child", mode],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**env, "ESSOR_SEARCH_MEMORY": memory_mode},
    )  # fmt: skip
    return process


def ask(process, command):
    process.stdin.write(command + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def measure(mode, workers, env):
    memory_mode = {"none": "off", "private": "inline", "shared": "background"}[mode]
    processes = [start(mode, env, memory_mode) for _ in range(workers)]
    ready = [json.loads(p.stdout.readline()) for p in processes]
    figures = [rollup(p.pid) for p in processes]
    return processes, {
        "mode": mode,
        "workers": workers,
        "index_seconds": [r["seconds"] for r in ready],
        "rss_mb": [round(f["Rss"] / 1024, 1) for f in figures],
        "pss_mb": [round(f["Pss"] / 1024, 1) for f in figures],
        "private_mb": [round((f["Private_Clean"] + f["Private_Dirty"]) / 1024, 1) for f in figures],
    }


def stop(processes):
    for process in processes:
        process.stdin.close()
        process.wait(timeout=30)


def write_visibility(processes, env):
    """Seconds from a committed write until each worker finds it, and until its index
    holds the write's generation."""
    os.environ.update(env)
    import django

    django.setup()
    from essor.directory.enums import Source
    from essor.directory.models import Establishment, Organisation
    from essor.search.backends import get_backend

    name = f"Zzbenchvisible {int(time.time())}"
    model = Establishment.objects.filter(organisation__ess_family="association").first()
    before = get_backend().generation()
    organisation = Organisation.objects.create(
        name=name, ess_family="association", legal_category=model.organisation.legal_category,
        source=Source.SYNTHETIC, is_synthetic=True,
    )  # fmt: skip
    Establishment.objects.create(
        organisation=organisation, commune_id=model.commune_id, naf=model.naf,
        latitude=model.latitude, longitude=model.longitude,
        coordinate_precision=model.coordinate_precision, is_employer=True, is_head_office=True,
        source=Source.SYNTHETIC, is_synthetic=True,
    )  # fmt: skip
    written = time.monotonic()
    generation = get_backend().generation()
    found, in_memory = {}, {}
    try:
        while len(in_memory) < len(processes) and time.monotonic() - written < 180:
            for number, process in enumerate(processes):
                reply = ask(process, f"search {name}")
                now = round(time.monotonic() - written, 3)
                if reply["total"] and number not in found:
                    found[number] = now
                if reply["total"] and reply["in_memory"] and number not in in_memory:
                    in_memory[number] = now
            time.sleep(0.05)
    finally:
        organisation.delete()
    return {
        "generations": [before, generation],
        "found_after_s": [found.get(n) for n in range(len(processes))],
        "in_memory_after_s": [in_memory.get(n) for n in range(len(processes))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", choices=["none", "private", "shared"])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default=f"sqlite:///{VAR / 'search.sqlite3'}")
    parser.add_argument("--out", default=str(VAR / "shared-memory-results.json"))
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    sys.path.insert(0, str(ROOT))
    from bench.search.__main__ import environment

    env = environment(args.database_url)
    results = {"database": args.database_url.split(":")[0], "load_average": os.getloadavg()}
    floor, results["floor"] = measure("none", args.workers, env)
    stop(floor)
    private, results["private"] = measure("private", args.workers, env)
    stop(private)
    # The first worker reads the tables and writes the files, the others map them.
    shutil.rmtree(VAR / "search-index", ignore_errors=True)
    shared, results["shared"] = measure("shared", args.workers, env)
    try:
        results["write"] = write_visibility(shared, env)
    finally:
        stop(shared)
    results["load_average_after"] = os.getloadavg()
    text = json.dumps(results, indent=2)
    print(text)
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
