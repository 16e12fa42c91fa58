"""python -m bench.search.scaled — the directory's in-memory index (facet counts, page
order, radius, landing page, map clusters) at national size, from a smaller database.

The snapshot of a bench database (bench.search: --scale national while its build goes
on, or the 250,000 one) is read, then repeated (copies with ids shifted: the same
organisations, establishments and points k times) until it holds at least --organisations
and --establishments. The searches of worker.py measure (60 text + 2 facets cases, 60
radius cases, the landing page, the map views) run against it: the words are matched
once, on the original snapshot, and their organisations repeated. What is timed is
the in-memory part alone (counts of every facet, the page of 20 ids, the map's cells),
not the database's matching of words nor the page's rendering.

--commit: the essor/search/backends/memory.py of that commit instead of the working
tree's (before and after a change). Prints one JSON document."""

import argparse
import importlib.util
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .__main__ import ROOT, SCALES, environment
from .worker import CITY_VIEWS, REGION_VIEW, percentiles, radius_cases, text_cases


def memory_module(commit):
    from essor.search.backends import memory

    if not commit:
        return memory
    source = subprocess.run(
        ["git", "show", f"{commit}:essor/search/backends/memory.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / f"memory-{commit}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("essor.search.backends.memory_then", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def repeated(memory, base, times):
    """`base` k times, each copy's ids shifted past the previous ones."""
    import numpy as np

    n, s = base.size, len(base.site_org)
    org_step, est_step = int(base.org_id.max()) + 1, int(base.est_id.max()) + 1

    def tile(array):
        return np.concatenate([array] * times)

    def shifted(array, step, dtype=None):
        return np.concatenate([array.astype(dtype or array.dtype) + i * step for i in range(times)])

    # Copies of one name side by side in the name order.
    name_rank = np.concatenate([base.name_rank.astype(np.int64) * times + i for i in range(times)])
    by_name = np.empty_like(name_rank)
    by_name[name_rank] = np.arange(len(name_rank))
    text = {}
    if hasattr(base, "posting_org"):
        # Each term's postings, copy after copy (a stable sort by term keeps the copies' order).
        terms = np.repeat(np.arange(len(base.posting_start) - 1), np.diff(base.posting_start))
        order = np.argsort(tile(terms), kind="stable")
        text = {
            "term_bytes": base.term_bytes,
            "term_start": base.term_start,
            "posting_start": base.posting_start * times,
            "posting_org": shifted(base.posting_org, n)[order],
            "posting_where": tile(base.posting_where)[order],
        }
    return memory.Snapshot(
        **text,
        generation=base.generation,
        org_id=shifted(base.org_id, org_step),
        family=tile(base.family),
        families=base.families,
        esus=tile(base.esus),
        name_length=tile(base.name_length),
        name_rank=name_rank.astype(np.int32),
        by_name=by_name.astype(np.int32),
        label_org=shifted(base.label_org, n),
        label_id=tile(base.label_id),
        label_place=tile(base.label_place),
        site_org=shifted(base.site_org, n),
        est_id=shifted(base.est_id, est_step),
        lat=tile(base.lat),
        lon=tile(base.lon),
        columns={c: tile(v) for c, v in base.columns.items()},
        vocabularies=base.vocabularies,
        pair_order={c: shifted(v, s) for c, v in base.pair_order.items()},
    )


def run(args):
    import django

    os.environ.update(environment(args.database_url))
    django.setup()
    import numpy as np

    from essor.search.backends import SearchFilters, get_backend
    from essor.search.backends import memory as current_memory
    from essor.search.directory import SearchForm, cell_degrees

    memory = memory_module(args.commit)
    backend = get_backend()
    # A database whose build goes on: read it as of now (a snapshot of a generation
    # that moves is refused otherwise; rows written meanwhile are left out).
    generation = backend.generation()
    backend.generation = lambda: generation
    started = time.perf_counter()
    base = memory.load(backend, generation)
    read = time.perf_counter() - started
    times = max(
        math.ceil(args.organisations / base.size),
        math.ceil(args.establishments / len(base.site_org)),
    )
    snapshot = repeated(memory, base, times)
    results = {
        "commit": args.commit or "working tree",
        "load_average_before": os.getloadavg(),
        "base": {"organisations": base.size, "establishments": len(base.site_org),
                 "read_seconds": round(read, 2), "megabytes": round(base.nbytes / 2**20, 1)},
        "repeated": times,
        "organisations": snapshot.size,
        "establishments": len(snapshot.site_org),
        "megabytes": round(snapshot.nbytes / 2**20, 1),
    }  # fmt: skip

    # The words are matched on the original snapshot with the working tree's text index
    # (a snapshot of an older commit may hold no postings).
    words = base if hasattr(base, "posting_org") else current_memory.load(backend, generation)

    def text_mask(filters):
        text = backend.resolve_text(filters, words)
        if text is None:
            return None
        mask, _ = backend.text_hits_in_memory(text, words)
        return np.concatenate([mask] * times)

    def prepared(params):
        form = SearchForm(params)
        assert form.is_valid(), form.errors
        filters = form.filters()
        return filters, form.sort(filters), text_mask(filters)

    def search(case):
        filters, sort, mask = case
        # As the search does: the counts give the result, the distance order alone
        # reads its establishments.
        total, _, result = snapshot.counted(filters, mask)
        if result is None or sort == "distance":
            matched = snapshot.matching(filters, mask)
        else:
            matched = (result, None)
        rank = None if mask is None else np.where(mask, 2.0, np.inf)
        snapshot.ordered(filters, matched, rank, sort, 0, 20)
        return total

    def timed(function, cases, rounds):
        for case in cases:
            function(case)
        wall, cpu, values = [], [], []
        for _ in range(rounds):
            for case in cases:
                a, b = time.perf_counter(), time.process_time()
                values.append(function(case))
                wall.append(time.perf_counter() - a)
                cpu.append(time.process_time() - b)
        return wall, cpu, values

    rng = random.Random(42)
    text = [prepared(p) for p in text_cases(rng, args.cases)]
    radius = [prepared(p) for p in radius_cases(rng, args.cases)]
    for name, cases in (("text_two_facets", text), ("radius", radius)):
        wall, cpu, totals = timed(search, cases, args.rounds)
        results[name] = {
            **percentiles(wall, cpu),
            "median_results": sorted(totals)[len(totals) // 2],
        }
    landing = [(SearchFilters(), "name", None)]
    a, b = time.perf_counter(), time.process_time()
    search(landing[0])
    results["no_criteria_first"] = {"ms": round((time.perf_counter() - a) * 1000, 1),
                                    "cpu_ms": round((time.process_time() - b) * 1000, 1)}  # fmt: skip
    wall, cpu, _ = timed(search, landing, args.rounds * 20)
    results["no_criteria"] = percentiles(wall, cpu)

    from essor.search.backends import BBox

    map_filters = [{}, {"q": "aide domicile"}, {"famille": "association"},
                   {"secteur": "action_sociale", "esus": "1"}]  # fmt: skip

    def cells(case):
        (west, south, east, north), zoom, (filters, _, mask) = case
        return len(
            snapshot.cells(filters, mask, BBox(west, south, east, north), cell_degrees(zoom))
        )

    for name, views in (("map_region", [REGION_VIEW]), ("map_city", CITY_VIEWS)):
        cases = [(box, zoom, prepared(f)) for box, zoom in views for f in map_filters]
        wall, cpu, counts = timed(cells, cases, max(1, args.rounds * 20 // len(cases)))
        results[name] = {**percentiles(wall, cpu), "max_cells": max(counts)}
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    national = SCALES["national"]
    parser.add_argument("--database-url", default=national[3]["postgresql"])
    parser.add_argument("--organisations", type=int, default=national[0])
    parser.add_argument("--establishments", type=int, default=national[1])
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--commit", help="memory.py of this commit (before a change)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
