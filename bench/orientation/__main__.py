"""Bench of the orientation assistant: how long does « Vers qui me tourner ? » take to
answer with 5,000 support offers spread over the whole of France?

    .venv/bin/python -m bench.orientation [--offers 5000] [--queries 300]

It builds its own database (a temporary SQLite file, or ESSOR_BENCH_DATABASE_URL, which
it migrates and fills: never point it at a database you care about), loads the shipped
full geography extract, generates the offers, then times random questions at random
communes, twice: the engine alone (essor.support.matching.orient) and the whole results
page through Django's test client (form, engine, template). Exits 1 if the page's p95 is
above the target."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_P95_MS = 100


def configure():
    tmp = Path(tempfile.mkdtemp(prefix="essor-bench-orientation-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "ESSOR_BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"
    )
    os.environ["ESSOR_DATA_DIR"] = str(tmp)
    # The test settings (static files without collectstatic, tasks run at once), without
    # the test environment's instrumentation of every template rendering.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def generate(count, seed):
    from django.db import transaction

    from essor.directory.enums import Phase
    from essor.directory.models import Organisation
    from essor.support.enums import (
        Cost,
        Format,
        HelpKind,
        OfferStatus,
        ProviderKind,
        SupportAudience,
        SupportLegalForm,
    )  # fmt: skip
    from essor.support.models import OfferArea, SupportOffer
    from essor.territories.areas import AreaLevel
    from essor.territories.models import Commune, Departement, Epci, Region

    rng = random.Random(seed)
    regions = list(Region.objects.values_list("code", "name"))
    departements = {}
    for code, name, region in Departement.objects.values_list("code", "name", "region_id"):
        departements.setdefault(region, []).append((code, name))
    epcis = {}
    for code, name, region in (
        Epci.objects.filter(communes__isnull=False)
        .values_list("code", "name", "communes__region_id")
        .distinct()
    ):
        epcis.setdefault(region, []).append((code, name))
    communes = {}
    for code, name, region in Commune.objects.values_list("code", "name", "region_id"):
        communes.setdefault(region, []).append((code, name))

    with transaction.atomic():
        providers = Organisation.objects.bulk_create(
            [
                Organisation(name=f"Acteur de test n°{i}", is_synthetic=True)
                for i in range(count // 8)
            ]
        )
        offers = []
        for i in range(count):
            offers.append(
                SupportOffer(
                    provider=rng.choice(providers),
                    provider_kind=rng.choice(ProviderKind.values),
                    title=f"Offre de test n°{i}",
                    description="Offre générée pour la mesure de performance.",
                    help_kinds=rng.sample(HelpKind.values, rng.randint(1, 4)),
                    phases=rng.sample(Phase.values, rng.randint(0, 3)),
                    audiences=rng.sample(SupportAudience.values, rng.randint(0, 3)),
                    legal_forms=rng.sample(SupportLegalForm.values, 2)
                    if rng.random() < 0.2
                    else [],
                    sectors=["action_sociale"] if rng.random() < 0.1 else [],
                    cost=rng.choice(Cost.values),
                    format=rng.choice(Format.values),
                    status=OfferStatus.PUBLISHED,
                    territory_summary="(généré)",
                )
            )
        offers = SupportOffer.objects.bulk_create(offers, batch_size=1000)
        areas = []
        for offer in offers:
            region, _ = rng.choice(regions)
            draw = rng.random()
            # A realistic mix: mostly départements and intercommunalités, a few
            # regional offers, very few national ones.
            if draw < 0.02:
                chosen = [(AreaLevel.NATIONAL, "FR", "France entière")]
            elif draw < 0.20:
                chosen = [(AreaLevel.REGION, region, region)]
            elif draw < 0.65 and departements.get(region):
                pool = departements[region]
                chosen = [(AreaLevel.DEPARTEMENT, c, n) for c, n in rng.sample(pool, min(len(pool), rng.randint(1, 3)))]  # fmt: skip
            elif draw < 0.90 and epcis.get(region):
                pool = epcis[region]
                chosen = [(AreaLevel.EPCI, c, n) for c, n in rng.sample(pool, min(len(pool), rng.randint(1, 4)))]  # fmt: skip
            else:
                pool = communes[region]
                chosen = [(AreaLevel.COMMUNE, c, n) for c, n in rng.sample(pool, min(len(pool), rng.randint(1, 10)))]  # fmt: skip
            areas += [OfferArea(offer=offer, level=lv, code=c, label=lb) for lv, c, lb in chosen]
        OfferArea.objects.bulk_create(areas, batch_size=5000)
    return len(offers), len(areas)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args(argv)

    configure()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from essor.directory.enums import Phase
    from essor.support.enums import HelpKind, ProjectKind, SupportLegalForm
    from essor.support.matching import Criteria, orient
    from essor.territories.forms import CODE_IN_LABEL
    from essor.territories.loader import load_territories
    from essor.territories.models import Commune

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_territories()
    offers, areas = generate(args.offers, args.seed)
    print(
        f"Base {connection.vendor} prête en {time.perf_counter() - started:.0f} s : "
        f"{Commune.objects.count()} communes, {offers} offres, {areas} territoires servis."
    )

    rng = random.Random(args.seed + 1)
    # The assistant's URLs carry the picker's label, « Guéret (23096) ».
    labels = [
        f"{name} ({code})"
        for code, name in Commune.objects.filter(parent__isnull=True).values_list("code", "name")
    ]
    questions = []
    for _ in range(args.queries):
        questions.append(
            {
                "commune": rng.choice(labels),
                "etape": rng.choice(Phase.values),
                "projet": rng.choice(ProjectKind.values),
                "forme": rng.choice([""] + SupportLegalForm.values),
                "besoins": rng.sample(HelpKind.values, rng.randint(0, 3)),
            }
        )

    engine, page, fallbacks = [], [], 0
    client = Client()
    url = reverse("support:results")
    for warm_up in questions[:10]:
        client.get(url, warm_up)
    for question in questions:
        code = CODE_IN_LABEL.search(question["commune"]).group(1)
        commune = Commune.objects.select_related("departement", "epci").get(code=code)
        criteria = Criteria(
            commune=commune,
            departement=commune.departement,
            phase=question["etape"],
            project=question["projet"],
            legal_form=question["forme"],
            needs=question["besoins"],
        )
        t0, c0 = time.perf_counter(), time.process_time()
        result = orient(criteria)
        engine.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        fallbacks += bool(result.nearby or result.others)
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url, question)
        page.append(((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000))
        assert response.status_code == 200, response.status_code

    print(f"{len(questions)} questions, dont {fallbacks} avec repli (territoire voisin ou autres).")
    print(
        f"Charge de la machine (load average) : {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs."
    )
    for label, timings in [("moteur (orient)", engine), ("page de résultats", page)]:
        for kind, index in [("temps écoulé", 0), ("temps CPU", 1)]:
            values = [t[index] for t in timings]
            print(
                f"  {label:<18} {kind:<13} p50 {statistics.median(values):6.1f} ms   "
                f"p95 {percentile(values, 0.95):6.1f} ms   max {max(values):6.1f} ms"
            )
    # On SQLite the database runs inside this process, so the CPU time of a request is
    # what it costs on an idle core, whatever else the machine runs; on PostgreSQL the
    # database works in another process and only the elapsed time tells.
    index = 1 if connection.vendor == "sqlite" else 0
    measure = "temps CPU" if index else "temps écoulé"
    p95 = percentile([t[index] for t in page], 0.95)
    verdict = "OK" if p95 <= TARGET_P95_MS else "TROP LENT"
    print(f"Objectif : p95 de la page ≤ {TARGET_P95_MS} ms ({measure}) — {verdict} ({p95:.1f} ms).")
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
