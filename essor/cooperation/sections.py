"""The cooperation exchange on other apps' pages (essor/core/page_sections.py): an
organisation's open offers and needs; on a territory's page and the observatory's
portrait, the « coopération » section (concluded exchanges and what they brought, the
open offers and needs and the places of the ESS around)."""

from essor.directory.enums import LabelKind
from essor.territories.areas import Place
from essor.territories.models import Commune, Departement, Epci, Region

from .models import Listing, ListingArea

SHOWN = 6


def organisation_listings(request, organisation):
    """Its open offers and needs, and the places of the ESS it runs."""
    listings = list(
        Listing.objects.active()
        .filter(organisation=organisation)
        .select_related("organisation", "commune")
        .order_by("-created_at")[:SHOWN]
    )
    # The page prefetched the labels: only a place of the ESS costs a query more.
    places = []
    if any(label.kind == LabelKind.PLACE for label in organisation.labels.all()):
        places = list(organisation.ess_places.select_related("commune"))
    if not (listings or places):
        return None
    return {"cooperation_listings": listings, "ess_places": places}


def _place(territory):
    if isinstance(territory, Commune):
        return Place.of_commune(territory), {"commune": territory.code}, territory.departement_id
    if isinstance(territory, Epci):
        return Place(epci=territory), {"epci": territory.code}, ""
    if isinstance(territory, Departement):
        return Place(departement=territory), {"departement": territory.code}, territory.code
    if isinstance(territory, Region):
        return Place(region=territory), {"region": territory.code}, ""
    return None, None, ""


def territory_cooperation(request, territory):
    from .places import places_near
    from .services import cooperation_figures

    place, codes, departement = _place(territory)
    if place is None:
        return None
    listings = list(
        Listing.objects.active()
        .filter(pk__in=ListingArea.objects.covering(place).values("listing_id"))
        .select_related("organisation", "commune")
        .order_by("-created_at")[:SHOWN]
    )
    return {
        "cooperation_figures": cooperation_figures(**codes),
        "cooperation_listings": listings,
        "cooperation_places": places_near(place)[:SHOWN],
        "cooperation_territory": place.short_label,
        "cooperation_departement": departement,
    }
