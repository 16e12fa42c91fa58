from django import template

from essor.accounts.perms import can_manage_support_offers
from essor.core.text import render_markdown

from ..models import SupportOffer

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.inclusion_tag("support/_provider_offers.html", takes_context=True)
def provider_offers(context, organisation):
    """The published support offers of an organisation, for its directory page:
    {% load support %}{% provider_offers organisation %}"""
    user = context.get("user")
    return {
        "organisation": organisation,
        "offers": SupportOffer.objects.published().filter(provider=organisation),
        "can_manage": user is not None and can_manage_support_offers(user, organisation),
    }


TERRITORY_OFFERS_SHOWN = 8


@register.inclusion_tag("support/_for_territory.html")
def territory_offers(departement=None, epci=None, commune=None):
    """{% territory_offers departement=d %} (or epci=, commune=) on a territory page: the
    support offers serving it, the most local first."""
    from ..services import offers_for_territory

    offers = offers_for_territory(departement=departement, epci=epci, commune=commune)
    if commune is not None:
        catalogue_departement = commune.departement_id
    elif departement is not None:
        catalogue_departement = departement.code
    else:
        catalogue_departement = ""
    return {
        "offers": offers[:TERRITORY_OFFERS_SHOWN],
        "more": max(len(offers) - TERRITORY_OFFERS_SHOWN, 0),
        "catalogue_departement": catalogue_departement,
    }
