"""Run inside one database (DATABASE_URL): `prepare` builds it, `measure` times it.

Called by bench/search/__main__.py, one process per database, because the database
is chosen by the settings at start-up."""

import argparse
import json
import os
import random
import statistics
import sys
import time

QUERIES = [
    "aide domicile", "coop", "jardins", "sport", "insertion", "culture", "economie solidaire",
    "theatre", "mutuelle", "creche", "recyclage", "formation", "habitat", "velo", "musique",
    "emploi", "familles", "sante", "loisirs", "patrimoine", "entraide", "danse", "association",
    "numerique", "energies renouvelables",
]  # fmt: skip
DEPARTEMENTS = ["87", "33", "75", "69", "13", "59", "44", "35", "31", "67", "86", "23", "19",
                "64", "24", "17", "79", "16", "40", "47"]  # fmt: skip
CITIES = ["87085", "33063", "86194", "75056", "69123", "13055", "31555", "44109", "35238",
          "59350", "67482", "64445", "17300", "23096", "19272", "24322", "79191", "16015"]  # fmt: skip
FAMILIES = ["association", "cooperative", "mutual", "foundation", "commercial"]
SECTIONS = ["Q", "S", "P", "R", "K", "N", "A"]
SECTORS = ["action_sociale", "sport_loisirs", "enseignement", "arts_spectacles", "sante"]
BANDS = ["01", "02", "03", "11", "12", "21"]
# Whole Nouvelle-Aquitaine on a 1280×800 screen, and city centres at street level.
REGION_VIEW = ((-1.80, 42.75, 2.65, 47.20), 7)
CITY_VIEWS = [
    ((-0.6300, 44.8100, -0.5300, 44.8650), 14),  # Bordeaux
    ((1.2100, 45.8100, 1.3000, 45.8600), 14),  # Limoges
    ((0.2900, 46.5550, 0.3750, 46.6050), 14),  # Poitiers
    ((2.3000, 48.8400, 2.3900, 48.8800), 14),  # Paris
    ((4.7900, 45.7300, 4.8800, 45.7800), 14),  # Lyon
]


def setup_django():
    import django

    django.setup()


def prepare(args):
    setup_django()
    from django.core.management import call_command

    from essor.directory.models import Establishment, Organisation
    from essor.territories.models import Commune

    from .generate import generate

    call_command("migrate", verbosity=0, interactive=False)
    if not Commune.objects.exists():
        call_command("load_territories", verbosity=0)
    organisations = Organisation.objects.filter(is_synthetic=True).count()
    establishments = Establishment.objects.filter(is_synthetic=True).count()
    if (organisations, establishments) == (args.organisations, args.establishments):
        print(json.dumps({"prepared": "existing", "organisations": organisations}))
        return
    if organisations > args.organisations or establishments > args.establishments:
        sys.exit("La base de mesure contient d'autres données : recréez-la.")
    # A build that was stopped goes on from its last whole batch.
    report = generate(
        args.organisations, args.establishments, out=lambda m: print(m, file=sys.stderr)
    )
    print(json.dumps({"prepared": "generated", **report}))


def percentiles(samples, cpu=None):
    """p50/p95/max of wall times; with `cpu`, of this process's CPU times too (SQLite
    runs inside the process: its CPU time is what a request costs on an idle core)."""

    def cuts(values):
        ordered = sorted(values)
        points = statistics.quantiles(ordered, n=100, method="inclusive")
        return (
            round(points[49] * 1000, 1),
            round(points[94] * 1000, 1),
            round(ordered[-1] * 1000, 1),
        )

    p50, p95, top = cuts(samples)
    result = {"n": len(samples), "p50_ms": p50, "p95_ms": p95, "max_ms": top}
    if cpu is not None:
        p50, p95, top = cuts(cpu)
        result.update(cpu_p50_ms=p50, cpu_p95_ms=p95, cpu_max_ms=top)
    return result


def timed(function, items, rounds):
    """Run function(item) for every item `rounds` times after one warm-up pass; returns
    (wall samples, CPU samples, values)."""
    for item in items:  # warm-up: caches, prepared plans
        function(item)
    samples, cpu, extra = [], [], []
    for _ in range(rounds):
        for item in items:
            started, started_cpu = time.perf_counter(), time.process_time()
            value = function(item)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            extra.append(value)
    return samples, cpu, extra


def name_cases(rng, count):
    """What people type to find an organisation they know of — two words of its name —
    with two facets it does have (its family, its head office's département...)."""
    from essor.directory import nomenclatures
    from essor.directory.models import Establishment

    heads = list(
        Establishment.objects.filter(is_synthetic=True, is_head_office=True)
        .order_by("pk")
        .values_list(
            "organisation__name", "organisation__ess_family", "organisation__is_esus",
            "commune__departement_id", "naf", "headcount_band",
        )[:: max(1, 180_000 // (count * 4))]
    )  # fmt: skip
    cases = []
    for name, family, esus, departement, naf, band in rng.sample(heads, count):
        words = [w for w in name.replace("'", " ").split() if len(w) > 3]
        own = {
            "famille": family,
            "departement": departement,
            "section": nomenclatures.naf_activities()[naf]["section"],
            "secteur": nomenclatures.ess_sector_of(naf),
            "effectif": band,
        }
        if esus:
            own["esus"] = "1"
        params = {"q": " ".join(words[:1] + words[-1:])}
        params.update({k: own[k] for k in rng.sample(sorted(own), 2)})
        cases.append(params)
    return cases


def text_cases(rng, count):
    """Half activity words (broad: thousands of organisations) with two random facets,
    half names (narrow) with two facets of the organisation named."""
    names = name_cases(rng, count // 2)
    cases = []
    for _ in range(count - len(names)):
        facets = rng.sample(["famille", "departement", "section", "secteur", "effectif", "esus"], 2)
        params = {"q": rng.choice(QUERIES)}
        for facet in facets:
            params[facet] = {
                "famille": lambda: rng.choice(FAMILIES),
                "departement": lambda: rng.choice(DEPARTEMENTS),
                "section": lambda: rng.choice(SECTIONS),
                "secteur": lambda: rng.choice(SECTORS),
                "effectif": lambda: rng.choice(BANDS),
                "esus": lambda: "1",
            }[facet]()
        cases.append(params)
    return cases + names


def radius_cases(rng, count):
    from essor.territories.models import Commune

    labels = dict(Commune.objects.filter(code__in=CITIES).values_list("code", "name"))
    cases = []
    for _ in range(count):
        code = rng.choice(CITIES)
        params = {"commune": f"{labels[code]} ({code})", "rayon": str(rng.choice([10, 20, 50]))}
        if rng.random() < 0.5:
            params["q"] = rng.choice(QUERIES)
        cases.append(params)
    return cases


def measure(args):
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from essor.search.backends import get_backend, memory
    from essor.search.backends.base import SqlSearchBackend
    from essor.search.backends.text import parse
    from essor.search.directory import SearchForm

    rng = random.Random(42)
    backend = get_backend()
    client = Client()
    results = {"vendor": connection.vendor, "load_average_before": os.getloadavg()}
    # The in-memory index, read as a server process reads it after a write (once per
    # generation), then used by every search below.
    settings.ESSOR_SEARCH_MEMORY = "inline"
    started = time.perf_counter()
    snapshot = memory.load(backend, backend.generation())
    results["memory_index"] = {
        "load_seconds": round(time.perf_counter() - started, 2),
        "megabytes": round(snapshot.nbytes / 2**20, 1),
        "organisations": snapshot.size,
        "establishments": len(snapshot.est_id),
    }

    def engine_match(params):
        # The database engine alone matching the words (its full-text index, no facet,
        # no order): the floor under what a text search costs at this size.
        query = backend.text_matches(backend.text_query(parse(params["q"])))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({query.sql}) m", query.params)  # noqa: S608
            return cursor.fetchone()[0]

    def backend_search(params):
        form = SearchForm(params)
        assert form.is_valid(), form.errors
        filters = form.filters()
        return backend.search(filters, sort=form.sort(filters)).total

    def page(params):
        response = client.get("/annuaire/", params)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    text = text_cases(rng, args.cases)
    radius = radius_cases(rng, args.cases)
    samples, cpu, matched = timed(engine_match, text, args.rounds)
    results["engine_match"] = {
        **percentiles(samples, cpu),
        "median_matched": statistics.median(matched),
    }
    for name, cases in (("text_two_facets", text), ("radius", radius), ("no_criteria", [{}])):
        rounds = args.rounds if len(cases) > 1 else args.rounds * 20
        # Cold: the cache off, every search computes its counts.
        SqlSearchBackend.cache_seconds = 0
        samples, cpu, totals = timed(backend_search, cases, rounds)
        results[f"search_{name}"] = {
            **percentiles(samples, cpu),
            "median_results": statistics.median(totals),
            "p95_results": sorted(totals)[int(len(totals) * 0.95)],
        }
        samples, cpu, sizes = timed(page, cases, rounds)
        results[f"page_{name}"] = {
            **percentiles(samples, cpu),
            "median_bytes": statistics.median(sizes),
        }
        # Warm: the same pages again, their counts and page of ids in the cache.
        SqlSearchBackend.cache_seconds = 3600
        samples, cpu, _ = timed(page, cases, rounds)
        results[f"page_{name}_cached"] = percentiles(samples, cpu)

    def map_call(case):
        (west, south, east, north), zoom, filters = case
        params = {"bbox": f"{west},{south},{east},{north}", "zoom": zoom, **filters}
        response = client.get("/annuaire/carte.json", params)
        assert response.status_code == 200, response.content
        return len(response.content)

    map_filters = [
        {}, {"q": "aide domicile"}, {"famille": "association"},
        {"secteur": "action_sociale", "esus": "1"},
    ]  # fmt: skip
    for name, views in (("region", [REGION_VIEW]), ("city", CITY_VIEWS)):
        cases = [(box, zoom, filters) for box, zoom in views for filters in map_filters]
        samples, cpu, sizes = timed(map_call, cases, max(1, args.rounds * 20 // len(cases)))
        results[f"map_{name}"] = {
            **percentiles(samples, cpu),
            "max_bytes": max(sizes),
            "median_bytes": statistics.median(sizes),
        }
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results))


# What people type in the header's box: the field's words and acronyms (synonyms),
# activities, places, names — the acceptance queries of issue 14 among them.
PLATFORM_QUERIES = [
    "tiers-lieu", "prêt d'honneur", "groupement d'employeurs", "insertion", "URSCOP", "GE",
    "SIAE", "ESAT", "SCOP", "DLA", "AAP", "aide à domicile", "coopérative", "jardins",
    "Limoges", "Bordeaux", "Corrèze", "87000", "économie solidaire", "formation",
    "mutuelle santé", "recyclerie", "habitat partagé", "crèche", "culture",
]  # fmt: skip


def platform(args):
    """The platform search (/recherche/ and /api/recherche/) over every registered kind,
    with its cache off: every answer computed from scratch (the directory's counts
    included), then the whole page and the JSON through Django's test client."""
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from essor.search import platform as platform_search
    from essor.search import registry
    from essor.search.backends import get_backend, memory
    from essor.search.backends.base import SqlSearchBackend
    from essor.search.models import Document

    backend = get_backend()
    client = Client()
    started = time.perf_counter()
    written = sum(registry.rebuild().values())
    results = {
        "vendor": connection.vendor,
        "load_average_before": os.getloadavg(),
        "documents": {
            "written": written,
            "rebuild_seconds": round(time.perf_counter() - started, 1),
        },
        "kinds": [kind.name for kind in registry.kinds()],
    }
    results["documents"]["by_kind"] = dict(
        Document.objects.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    settings.ESSOR_API_RATE_LIMIT = None  # one client asks hundreds of times a minute
    # The in-memory index as a server process holds it once read: "inline" reads it at
    # the first search (the warm-up) and keeps it; the default "background" would leave
    # the timed searches in SQL for as long as the reading takes.
    settings.ESSOR_SEARCH_MEMORY = "inline"
    memory.current(backend, backend.generation())
    platform_search.CACHE_SECONDS = 0
    SqlSearchBackend.cache_seconds = 0
    queries = (
        PLATFORM_QUERIES[: args.cases] if args.cases < len(PLATFORM_QUERIES) else PLATFORM_QUERIES
    )
    rounds = max(args.rounds, 4)

    from bench import server_cpu as server_cpu_reader

    server_cpu = server_cpu_reader()
    server = []

    def everything(query):
        before = server_cpu() if server_cpu else 0
        total = platform_search.search_everything(query).total
        if server_cpu:
            server.append((server_cpu() - before) / 1000)
        return total

    samples, cpu, totals = timed(everything, queries, rounds)
    results["search_everything"] = {
        **percentiles(samples, cpu),
        "median_results": statistics.median(totals),
    }
    if server_cpu:
        # The PostgreSQL backend's CPU (10 ms ticks), the part the process's CPU leaves out.
        server = server[-len(samples) :]
        cut = percentiles(server)
        results["search_everything"]["server_cpu"] = {
            "p50_ms": cut["p50_ms"],
            "p95_ms": cut["p95_ms"],
            "total_s": round(sum(server), 2),
        }

    def page(query):
        response = client.get("/recherche/", {"q": query})
        assert response.status_code == 200, response.status_code
        return len(response.content)

    samples, cpu, _ = timed(page, queries, rounds)
    results["page"] = percentiles(samples, cpu)

    def api(query):
        response = client.get("/api/recherche/", {"q": query})
        assert response.status_code == 200, response.content
        return len(response.content)

    samples, cpu, _ = timed(api, queries, rounds)
    results["api"] = percentiles(samples, cpu)
    results["kinds_found"] = {
        query: [g.kind.name for g in platform_search.search_everything(query).groups]
        for query in queries[:5]
    }
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, ensure_ascii=False))


def urls(args):
    """The search pages wrk requests: text with two facets, radius searches, the landing."""
    setup_django()
    from urllib.parse import urlencode

    rng = random.Random(7)
    cases = text_cases(rng, args.cases) + radius_cases(rng, args.cases // 2) + [{}]
    rng.shuffle(cases)
    for params in cases:
        print("/annuaire/" + (f"?{urlencode(params)}" if params else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["prepare", "measure", "urls", "platform"])
    parser.add_argument("--organisations", type=int, default=180_000)
    parser.add_argument("--establishments", type=int, default=250_000)
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    actions = {"prepare": prepare, "measure": measure, "urls": urls, "platform": platform}
    actions[args.action](args)


if __name__ == "__main__":
    main()
