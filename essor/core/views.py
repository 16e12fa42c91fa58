from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from essor.territories.models import Commune, Departement, Epci, Region

from . import report


@require_GET
def home(request):
    region = Region.objects.filter(code=settings.ESSOR_REGION).first()
    figures, quotes = report.headline()
    return render(
        request,
        "core/home.html",
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
        from essor.directory.search import search_organisations

        results["organisations"] = search_organisations(query)[:20]
    return render(request, "core/search.html", {"query": query, "results": results})


def legal_page(template):
    @require_GET
    def view(request):
        return render(request, f"core/legal/{template}.html")

    return view


def bad_request(request, exception=None):
    return render(request, "core/errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "core/errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "core/errors/404.html", status=404)


def server_error(request):
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    # No context processors: the database may be what failed.
    return HttpResponseServerError(render_to_string("core/errors/500.html"))


def csrf_failure(request, reason=""):
    return render(request, "core/errors/csrf.html", status=403)
