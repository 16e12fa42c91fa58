from django import template

from essor.core.text import render_markdown

from ..services import initiatives_for_organisation, initiatives_for_territory

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.inclusion_tag("initiatives/_for_organisation.html")
def organisation_initiatives(organisation):
    """{% organisation_initiatives organisation %} on an organisation's page."""
    return {"organisation": organisation, "initiatives": initiatives_for_organisation(organisation)}


@register.inclusion_tag("initiatives/_for_territory.html")
def territory_initiatives(departement=None, epci=None):
    """{% territory_initiatives departement=departement %} or epci=epci on a territory page."""
    return {
        "territory": epci or departement,
        "initiatives": initiatives_for_territory(departement=departement, epci=epci),
    }
