"""Purchasing on other apps' pages (essor/core/page_sections.py)."""

from .models import SupplierProfile
from .perms import can_edit_supplier_profile


def organisation_supplier(request, organisation):
    """The organisation's supplier profile (categories, reserved contracts), or the
    invitation to publish one for its members."""
    profile = (
        SupplierProfile.objects.filter(organisation=organisation)
        .prefetch_related("categories")
        .first()
    )
    can_edit = request is not None and can_edit_supplier_profile(request.user, organisation)
    if (profile is None or not profile.is_published) and not can_edit:
        return None
    return {"organisation": organisation, "profile": profile, "can_edit": can_edit}


def observatory_purchasing(request, territory):
    """The « achats responsables » indicators on the observatory: for the region (its
    dashboard), a département or an EPCI (their portraits), by département and category
    family, with the links to the export and the API. Nothing until a need is counted."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from essor.territories.models import Departement, Epci, Region

    from .figures import counted_needs, regional_figures

    if isinstance(territory, Region):
        query, label = {}, territory.name
    elif isinstance(territory, Departement):
        query, label = {"departement": territory.code}, territory.name
    elif isinstance(territory, Epci):
        query, label = {"epci": territory.code}, territory.name
    else:
        return None
    # One query when nothing is counted there: the dashboard's query budget is small.
    if not counted_needs(query.get("departement"), query.get("epci")).exists():
        return None
    rows, total = regional_figures(query.get("departement"), epci=query.get("epci"))
    suffix = ("?" + urlencode(query)) if query else ""
    return {
        "purchasing_rows": rows,
        "purchasing_total": total,
        "purchasing_territory": label,
        "purchasing_by_departement": isinstance(territory, Region),
        "purchasing_csv": reverse("purchasing:figures_export") + suffix,
        "purchasing_api": reverse("api:purchase_indicators") + suffix,
    }
