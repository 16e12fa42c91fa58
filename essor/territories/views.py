from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from .forms import CommuneLookupForm
from .models import Commune, Departement, Epci, Region


@require_GET
def index(request):
    form = CommuneLookupForm(request.GET if "commune" in request.GET else None)
    if form.is_valid():
        return redirect(form.cleaned_data["commune"])
    region = Region.objects.filter(code=settings.ESSOR_REGION).first()
    return render(
        request,
        "territories/index.html",
        {
            "form": form,
            "region": region,
            "departements": Departement.objects.filter(region_id=settings.ESSOR_REGION).annotate(
                commune_count=Count("communes")
            ),
            "regions": Region.objects.prefetch_related("departements"),
        },
    )


@require_GET
def departement(request, code):
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    # Rows, not model instances: the table only prints them (territories.commune_rows).
    communes = departement.communes.filter(parent__isnull=True).values_list(
        "code", "name", "postal_codes", "population", "epci_id", "epci__name"
    )
    epcis = (
        Epci.objects.filter(communes__departement=departement)
        .annotate(commune_count=Count("communes"))
        .order_by("name")
    )
    page = Paginator(communes.order_by("name"), 200).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/departement.html",
        {"departement": departement, "epcis": epcis, "page": page},
    )


@require_GET
def epci(request, code):
    epci = get_object_or_404(Epci, code=code)
    communes = list(
        epci.communes.filter(parent__isnull=True).select_related("departement").order_by("name")
    )
    return render(
        request,
        "territories/epci.html",
        {
            "epci": epci,
            "communes": communes,
            "departements": Departement.objects.filter(communes__epci=epci).distinct(),
            "population": sum(c.population or 0 for c in communes),
        },
    )


@require_GET
def commune(request, code):
    commune = get_object_or_404(
        Commune.objects.select_related("departement__region", "epci", "parent"), code=code
    )
    # Sorted here: with ORDER BY, SQLite walks all 35,000 communes in code order rather
    # than use the index on parent (almost every commune has none, so its statistics
    # promise thousands of rows per parent).
    arrondissements = sorted(commune.arrondissements.order_by(), key=lambda a: a.code)
    return render(
        request,
        "territories/commune.html",
        {"commune": commune, "arrondissements": arrondissements},
    )


@require_GET
def commune_suggestions(request):
    """Picker suggestions: an HTML fragment of options for htmx, JSON otherwise."""
    query = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k not in {"field", "q"}), ""
    )
    communes = list(Commune.objects.search(query[:100])[:10]) if query else []
    field = "".join(ch for ch in request.GET.get("field", "commune") if ch.isalnum() or ch in "-_")
    if request.htmx:
        return render(
            request,
            "territories/commune_suggestions.html",
            {"communes": communes, "field": field or "commune"},
        )
    return JsonResponse(
        {
            "results": [
                {
                    "code": c.code,
                    "name": c.name,
                    "label": c.label,
                    "departement": c.departement_id,
                    "postal_codes": c.postal_codes,
                }
                for c in communes
            ]
        }
    )
