from django import template

from essor.core.text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)
