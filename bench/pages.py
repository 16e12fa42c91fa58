"""CPU time of a page without any cache (issue 20, « Pages cheap without a cache »): the
directory's search page, organisation pages and territory pages, through Django's test
client, on the database of bench/search (build it first: `python -m bench search
--databases sqlite --skip-wrk`, or point BENCH_POSTGRES_URL / --database at it).

    .venv/bin/python -m bench pages [--database sqlite|postgresql] [--rounds 3] [--profile]
                                    [--wrk SECONDS [--workers 4]]

The cache is Django's dummy cache (bench.search.settings_nocache): every page computes
its counts and renders every fragment. It prints, per kind of page, the median and p95 of
the process's CPU time (time.process_time around the request: on a busy machine, the
figure that does not wait for a core; on PostgreSQL the server's work is not in it), the
wall time, and the number of SQL queries. --profile adds the functions that dominate
(cProfile, CPU clock) for each kind of page.

--wrk then serves the same pages with gunicorn (DEBUG off) and loads them with wrk, 16
connections cycling through them: once with a private Redis as the cache (as in
production), once with no cache (bench.search.settings_nocache)."""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from urllib.parse import urlencode

import bench.search.__main__ as search_bench
from bench.search.__main__ import SCALES, environment, redis_cache, throughput

# Ports of their own: bench/search may run at the same time.
REDIS_PORT = "6392"
GUNICORN_PORT = "8798"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def pages(rng, count):
    """(kind, url) of the pages to time: searches as people type them, organisation pages
    (head offices of every size), territory pages (communes, EPCI, départements)."""
    from django.urls import reverse

    from essor.directory.models import Organisation
    from essor.territories.models import Commune, Departement, Epci

    search = reverse("search:directory")
    words = ["aide à domicile", "sport", "insertion", "culture", "jardins", "crèche", "musique"]
    departements = list(Departement.objects.values_list("code", flat=True))
    found = [("recherche (landing)", search)]
    for _ in range(count):
        # Encoded: wrk and urllib send the path as it is written.
        query = urlencode({"q": rng.choice(words), "departement": rng.choice(departements)})
        found.append(("recherche (mots + facette)", f"{search}?{query}"))
    ids = list(Organisation.objects.publicly_listed().values_list("pk", flat=True)[:20_000])
    found += [
        ("fiche structure", o.get_absolute_url())
        for o in Organisation.objects.filter(pk__in=rng.sample(ids, min(count, len(ids))))
    ]
    communes = list(Commune.objects.filter(population__gte=2000).values_list("code", flat=True))
    found += [
        ("territoire (commune)", reverse("territories:commune", args=[code]))
        for code in rng.sample(communes, min(count, len(communes)))
    ]
    epcis = list(Epci.objects.values_list("code", flat=True))
    found += [
        ("territoire (EPCI)", reverse("territories:epci", args=[code]))
        for code in rng.sample(epcis, min(count // 2, len(epcis)))
    ]
    found += [
        ("territoire (département)", reverse("territories:departement", args=[code]))
        for code in rng.sample(departements, min(count // 2, len(departements)))
    ]
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="region",
        help="the database of bench.search at that scale (national: 1.5 M organisations)",
    )
    parser.add_argument("--pages", type=int, default=12, help="pages of each kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--wrk",
        type=int,
        default=0,
        metavar="SECONDS",
        help="then wrk for SECONDS, with the Redis cache and without any",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (--wrk)")
    args = parser.parse_args(argv)

    _, _, folder, databases = SCALES[args.scale]
    # environment() and throughput() read the scale's folder there (its index files).
    search_bench.VAR = folder
    env = environment(databases[args.database])
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.search.settings_nocache"
    os.environ["ESSOR_SEARCH_MEMORY"] = "inline"  # the facet index as a server holds it
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # DEBUG off: pages name their static files through the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    chosen = pages(random.Random(2016), args.pages)
    for _, url in chosen:  # warm-up: the in-memory index, templates, prepared plans
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    by_kind, profiles = {}, {}
    for _ in range(args.rounds):
        for kind, url in chosen:
            profile = profiles.setdefault(kind, cProfile.Profile(time.process_time))
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.process_time()
                if args.profile:
                    profile.enable()
                client.get(url)
                if args.profile:
                    profile.disable()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            by_kind.setdefault(kind, []).append((cpu * 1000, wall * 1000, len(queries)))
    print(
        f"{connection.vendor}, sans cache, {args.rounds} tours ; charge de la machine "
        f"(load average) : {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':28} {'n':>4} {'CPU méd.':>9} {'CPU p95':>8} {'mur méd.':>9} {'requêtes':>9}")
    for kind, samples in by_kind.items():
        cpu = [s[0] for s in samples]
        print(
            f"{kind:28} {len(samples):4} {statistics.median(cpu):9.1f} "
            f"{percentile(cpu, 0.95):8.1f} {statistics.median(s[1] for s in samples):9.1f} "
            f"{statistics.median(s[2] for s in samples):9.0f}"
        )
    if args.profile:
        for kind, profile in profiles.items():
            print(f"\n--- {kind} : fonctions (temps CPU cumulé)")
            pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(
                r"essor/|template/(loader_tags|defaulttags)|forms/(boundfield|widgets|renderers)",
                30,
            )
    if args.wrk:
        served(env, [url for _, url in chosen], args.wrk, args.workers)
    return 0


def served(env, urls, seconds, workers):
    """Pages/s and latency of gunicorn serving `urls` in turn, with Redis then no cache."""
    runs = {}
    with redis_cache(env, REDIS_PORT) as cached:
        runs["Redis"] = throughput(cached, seconds, workers, 16, urls=urls, port=GUNICORN_PORT,
                                   urls_file=search_bench.VAR / "wrk-pages-urls.txt")  # fmt: skip
    runs["sans cache"] = throughput(env, seconds, workers, 16, "bench.search.settings_nocache",
                                    urls=urls, port=GUNICORN_PORT,
                                    urls_file=search_bench.VAR / "wrk-pages-urls.txt")  # fmt: skip
    print(
        f"\nwrk, {len(urls)} pages en boucle, 16 connexions, gunicorn {workers} workers, {seconds} s"
    )
    print(f"{'cache':12} {'pages/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8} {'charge':>7}")
    for name, run in runs.items():
        print(
            f"{name:12} {run['requests_per_second']:8.1f} {run['latency_p50_ms'] or 0:7.1f} "
            f"{run['latency_p99_ms'] or 0:7.1f} {run['non_2xx']:8} {run['load_average'][0]:7.1f}"
        )
    return runs


if __name__ == "__main__":
    sys.exit(main())
