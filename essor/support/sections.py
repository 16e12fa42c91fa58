"""The support offers on other apps' pages (essor/core/page_sections.py)."""

from essor.territories.models import Commune, Departement, Epci

from .models import SupportOffer
from .perms import can_manage_support_offers
from .services import offer_ids_for_territory, offers_in_order

TERRITORY_OFFERS_SHOWN = 8


def provider_offers(request, organisation):
    """The published offers of an organisation, and a link to add one for who may."""
    offers = list(SupportOffer.objects.published().filter(provider=organisation))
    can_manage = request is not None and can_manage_support_offers(request.user, organisation)
    if not offers and not can_manage:
        return None
    return {"organisation": organisation, "offers": offers, "can_manage": can_manage}


def territory_offers(request, territory):
    """The offers serving a département, an EPCI or a commune, the most local first."""
    if isinstance(territory, Commune):
        ids = offer_ids_for_territory(commune=territory)
        catalogue_departement = territory.departement_id
    elif isinstance(territory, Departement):
        ids = offer_ids_for_territory(departement=territory)
        catalogue_departement = territory.code
    elif isinstance(territory, Epci):
        ids = offer_ids_for_territory(epci=territory)
        catalogue_departement = ""
    else:
        return None
    if not ids:
        return None
    return {
        "offers": offers_in_order(ids[:TERRITORY_OFFERS_SHOWN]),
        "more": max(len(ids) - TERRITORY_OFFERS_SHOWN, 0),
        "catalogue_departement": catalogue_departement,
    }
