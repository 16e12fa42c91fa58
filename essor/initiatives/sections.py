"""The initiatives on other apps' pages (essor/core/page_sections.py)."""

from essor.territories.models import Departement, Epci

from .services import initiatives_for_organisation, initiatives_for_territory


def organisation_initiatives(request, organisation):
    """The published initiatives an organisation carries or partners."""
    initiatives = initiatives_for_organisation(organisation)
    return {"organisation": organisation, "initiatives": initiatives} if initiatives else None


def territory_initiatives(request, territory):
    """The published initiatives of a département or an EPCI (none are placed in a
    single commune)."""
    if isinstance(territory, Departement):
        initiatives = initiatives_for_territory(departement=territory)
    elif isinstance(territory, Epci):
        initiatives = initiatives_for_territory(epci=territory)
    else:
        return None
    return {"territory": territory, "initiatives": initiatives} if initiatives else None
