"""The catalog's filters, shared by the search page and the saved-search alerts (which
replay a saved query against each newly published tool)."""

from django.utils import timezone

from essor.territories.areas import Place
from essor.territories.models import Commune

from .models import FinancingTool

FILTER_KEYS = ["q", "instrument", "call_kind", "beneficiary", "phase", "need", "commune", "open"]


def clean_params(querydict):
    """The known filters of a query string, as a plain dict of strings (saved as is)."""
    params = {}
    for key in FILTER_KEYS:
        value = (querydict.get(key) or "").strip()
        if value:
            params[key] = value[:100]
    return params


def apply_filters(queryset, params, today=None):
    if params.get("q"):
        queryset = queryset.search(params["q"])
    if params.get("instrument"):
        queryset = queryset.filter(instrument=params["instrument"])
    if params.get("call_kind"):
        queryset = queryset.filter(call_kind=params["call_kind"])
    for key, facet in (("beneficiary", "benef"), ("phase", "phase"), ("need", "need")):
        if params.get(key):
            # A tool that lists no beneficiaries (or phases, needs) is open to all.
            queryset = queryset.with_facet(facet, params[key]) | queryset.exclude(
                facets__contains=f" {facet}:"
            )
    if params.get("commune"):
        commune = Commune.objects.filter(code=params["commune"]).first()
        queryset = queryset.covering(Place.of_commune(commune)) if commune else queryset.none()
    if params.get("open"):
        today = today or timezone.localdate()
        queryset = queryset.filter(envelope="open").exclude(closes_on__lt=today)
    return queryset


def published_catalog(params, today=None):
    return apply_filters(FinancingTool.objects.published(), params, today).distinct()
