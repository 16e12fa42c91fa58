from django import template

from essor.core.text import markdown_excerpt, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """User Markdown as sanitised HTML: {{ offer.description|markdown }}."""
    return render_markdown(text)


@register.filter
def markdown_text(text, length=None):
    """Markdown as plain text, for excerpts: "**fictive**" reads "fictive";
    {{ text|markdown_text:220 }} cuts it at 220 characters (as truncatechars)."""
    return markdown_excerpt(text, length)
