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
