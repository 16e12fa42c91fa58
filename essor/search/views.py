"""The directory search page (/annuaire/), its htmx partial, the CSV export of a result,
and the map's endpoints: clusters (carte.json) and the cards a click opens."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from essor.core.exports import export_response
from essor.core.ratelimit import ratelimit
from essor.directory.models import Establishment
from essor.territories.models import Commune

from .backends import get_backend
from .backends.base import SqlSearchBackend
from .directory import SearchForm, map_data, parse_bbox, run_search, sites_in
from .pickers import matching_organisations, organisation_label

DYNAMIC_TARGET = "search-dynamic"
MAX_ZOOM = 19


def _region_extent():
    """The platform's region, framed by the map when no territory is chosen."""
    key = f"directory:region-extent:{settings.ESSOR_REGION}"
    extent = cache.get(key)
    if extent is None:
        box = Commune.objects.filter(region_id=settings.ESSOR_REGION).aggregate(
            Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude")
        )
        extent = [
            box["longitude__min"] or -5.2,
            box["latitude__min"] or 41.3,
            box["longitude__max"] or 9.6,
            box["latitude__max"] or 51.1,
        ]
        cache.set(key, extent, 24 * 3600)
    return extent


def _extent(form, filters):
    """[west, south, east, north] the map frames for this search: the zone, the
    circle, the commune, EPCI or département chosen, else the region."""
    if filters.zone:
        z = filters.zone
        return [z.west, z.south, z.east, z.north]
    if filters.near:
        b = filters.near.bounding_box()
        return [b.west, b.south, b.east, b.north]
    data = form.cleaned_data
    commune = data.get("commune")
    if commune is not None and commune.latitude is not None:
        return [commune.longitude - 0.06, commune.latitude - 0.04,
                commune.longitude + 0.06, commune.latitude + 0.04]  # fmt: skip
    for name, lookup in (("epci", "epci_id"), ("departement", "departement_id")):
        territory = data.get(name)
        if territory is not None:
            box = Commune.objects.filter(**{lookup: territory.code}).aggregate(
                Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude")
            )
            if box["latitude__min"] is not None:
                return [box["longitude__min"], box["latitude__min"],
                        box["longitude__max"], box["latitude__max"]]  # fmt: skip
    return _region_extent()


def _map_context():
    return {
        "tile_url": settings.ESSOR_TILE_URL,
        "map_endpoint": reverse("search:map"),
        "card_url": reverse("search:map_card", args=[0]),
        "place_url": reverse("search:map_place"),
    }


def _results(request, form):
    """The results fragment of a valid search and the page it shows, cached under the
    index's generation (every write bumps it) and the search's canonical state: a page
    asked again skips both the search and the rendering of ~200 facet options."""
    requested = form.cleaned_data.get("page") or 1
    state = form.query_string(page=requested)
    backend = get_backend()
    digest = hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()
    key = f"essor:search-page:{backend.vendor}:{backend.generation()}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = run_search(form)
    context = {
        "form": form,
        "result": result,
        "state": form.query_string(exclude=("carte",)),
        "extent": ",".join(f"{x:.4f}" for x in _extent(form, result.filters)),
        "page_query": form.query_string(),
        "zone_cleared": form.query_string(exclude=("zone",)),
        "chips": form.active_filters(),
    }
    html = render_to_string("search/directory_results.html", context, request)
    cached = (html, result.page.number)
    cache.set(key, cached, SqlSearchBackend.cache_seconds)
    return cached


@require_GET
def search(request):
    form = SearchForm(request.GET)
    partial = (
        request.htmx
        and not request.htmx.history_restore_request
        and request.htmx.target == DYNAMIC_TARGET
    )
    if form.is_valid():
        status = 200
        results, page = _results(request, form)
    else:
        status = 400
        results = render_to_string("search/directory_results.html", {"form": form}, request)
    if partial:
        response = HttpResponse(results, status=status)
        if status == 200:
            query = form.query_string(page=page if page > 1 else None)
            response["HX-Push-Url"] = reverse("search:directory") + (f"?{query}" if query else "")
    else:
        context = {"form": form, "results": results, **_map_context()}
        response = render(request, "search/directory.html", context, status=status)
    # The same URL answers a whole page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- CSV export ---------------------------------------------------------------------------------


@require_GET
@ratelimit("directory-search-export", limit=20, period=60, methods=("GET",))
def export(request):
    """The current result as CSV: the public fields of each organisation."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label if name in form.fields else name} : "
                           f"{' '.join(messages)}" for name, messages in form.errors.items())  # fmt: skip
        return _text_error(f"Export impossible, critères invalides — {errors}")
    # Each criterion as the form read it; a large result is prepared in the background.
    return export_response(request, "directory-search", params=dict(request.GET.lists()))


# --- map ---------------------------------------------------------------------------------


def _text_error(message):
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _json_error(message, status=400):
    return JsonResponse(
        {"erreur": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def map_json(request):
    """Clusters and points of the establishments of the current result in a viewport:
    ?bbox=west,south,east,north&zoom=N&<the search's parameters>."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        first = next(iter(form.errors.values()))
        return _json_error(f"Critères de recherche invalides : {first[0]}")
    try:
        bbox = parse_bbox(request.GET.get("bbox", ""))
    except ValidationError as error:
        return _json_error(f"Paramètre bbox : {error.messages[0]}")
    zoom = request.GET.get("zoom", "")
    if not zoom.isdigit() or int(zoom) > MAX_ZOOM:
        return _json_error(f"Paramètre zoom : un entier de 0 à {MAX_ZOOM} est attendu.")
    data = map_data(form.filters(), bbox, int(zoom))
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


@require_GET
def map_card(request, pk):
    """The card a click on a map point opens (an htmx fragment)."""
    if not get_backend().point_names([pk]):
        raise Http404("Cet établissement n'est pas dans l'annuaire.")
    establishment = Establishment.objects.select_related("organisation", "commune").get(pk=pk)
    return render(request, "search/directory_card.html", {"establishment": establishment})


@require_GET
def map_place(request):
    """The organisations at one spot of the map (a cluster that zooming cannot split)."""
    form = SearchForm(request.GET)
    try:
        bbox = parse_bbox(request.GET.get("bbox", ""))
    except ValidationError as error:
        return _text_error(f"Paramètre bbox : {error.messages[0]}")
    if not form.is_valid():
        return _text_error("Critères de recherche invalides.")
    rows = sites_in(form.filters(), bbox)
    establishments = Establishment.objects.select_related("organisation", "commune").in_bulk(
        [est_id for est_id, _ in rows]
    )
    return render(
        request,
        "search/directory_place.html",
        {"establishments": [establishments[e] for e, _ in rows if e in establishments]},
    )


@require_GET
def organisation_suggestions(request):
    """The organisation picker's suggestions (essor/search/pickers.py): an HTML fragment of
    options for htmx, JSON otherwise."""
    query = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k not in {"field", "q"}), ""
    )
    organisations = matching_organisations(query) if query.strip() else []
    field = "".join(
        ch for ch in request.GET.get("field", "structure") if ch.isalnum() or ch in "-_"
    )
    rows = [(o, organisation_label(o)) for o in organisations]
    if request.htmx:
        return render(
            request,
            "search/organisation_suggestions.html",
            {"rows": rows, "field": field or "structure"},
        )
    return JsonResponse(
        {"results": [{"id": o.pk, "name": o.display_name, "label": label} for o, label in rows]}
    )
