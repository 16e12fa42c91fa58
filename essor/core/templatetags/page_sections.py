from django import template

from essor.core import page_sections as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, slot, subject):
    """{% page_sections "organisation" organisation %}: the sections other apps add to
    this page (see essor/core/page_sections.py)."""
    return registry.render(slot, context, subject)
