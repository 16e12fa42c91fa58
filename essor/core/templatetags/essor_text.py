from django import template
from django.utils.html import strip_tags

from essor.core.text import render_markdown

register = template.Library()


# An excerpt shows a few lines: the start of a long text is all it needs to render.
EXCERPT_SOURCE = 1000


@register.filter
def markdown(text):
    """User Markdown as sanitised HTML: {{ offer.description|markdown }}."""
    return render_markdown(text)


@register.filter
def markdown_text(text):
    """Markdown as plain text, for excerpts: "**fictive**" reads "fictive"."""
    return strip_tags(render_markdown((text or "")[:EXCERPT_SOURCE]))
