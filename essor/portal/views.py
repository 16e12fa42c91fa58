"""The home page and the platform search."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from essor.core import report
from essor.territories.models import Commune, Departement, Epci, Region


@require_GET
def home(request):
    region = Region.objects.filter(code=settings.ESSOR_REGION).first()
    figures, quotes = report.headline()
    return render(
        request,
        "portal/home.html",
        {
            "region": region,
            "departements": Departement.objects.filter(region_id=settings.ESSOR_REGION),
            "key_figures": figures,
            "key_quotes": quotes,
            "report_source": report.source(),
        },
    )


@require_GET
def search(request):
    """The header's search box: one query across the platform's sections."""
    query = request.GET.get("q", "").strip()[:200]
    results = {}
    if query:
        results["communes"] = Commune.objects.search(query)[:10]
        results["epcis"] = Epci.objects.search(query)[:10]
        results["departements"] = Departement.objects.search(query)[:10]
        from essor.search.directory import search_organisations

        results["organisations"] = search_organisations(query)[:20]
    return render(request, "portal/search.html", {"query": query, "results": results})
