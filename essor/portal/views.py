"""The home page and the platform search."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from essor.core import report
from essor.search import platform
from essor.territories.models import Departement, Region

from .forms import PlatformSearchForm


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


def kind_url(kind, query):
    """The full search of a kind: its own page when it has one, else /recherche/."""
    own = kind.search_url(query)
    if own:
        return own
    return reverse("portal:search") + "?" + urlencode({"q": query, "type": kind.name})


def more_link(group, query):
    """(URL, text) of the link under a group, or None when it would show nothing more."""
    plural = group.kind.plural
    if group.total > len(group.hits):
        return kind_url(group.kind, query), f"Voir les {group.total} {plural}"
    own = group.kind.search_url(query)
    return (own, f"Recherche détaillée des {plural}") if own else None


@require_GET
def search(request):
    """/recherche/ and the header's box: every kind of content at once, grouped by kind,
    or one kind page by page (?type=)."""
    form = PlatformSearchForm(request.GET)
    context = {"form": form, "query": ""}
    if not form.is_valid():
        return render(request, "portal/search.html", context, status=400)
    query = form.cleaned_data["q"]
    kind = form.kind()
    context.update(query=query, kind=kind)
    if query and kind is not None:
        result, page = platform.search_kind(kind, query, page=form.cleaned_data["page"] or 1)
        context.update(
            result=result,
            page=page,
            own_search=kind.search_url(query),
            query_string=urlencode({"q": query, "type": kind.name}),
            everywhere=reverse("portal:search") + "?" + urlencode({"q": query}),
        )
    elif query:
        results = platform.search_everything(query)
        context.update(
            results=results,
            groups=[(group, more_link(group, query)) for group in results.groups],
        )
    return render(request, "portal/search.html", context)
