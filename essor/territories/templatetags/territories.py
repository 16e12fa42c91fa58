from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def commune_rows(communes):
    """The rows of a département's table of communes (up to 200 a page), built here
    rather than in a template loop, where resolving each cell cost most of the page."""
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                c.get_absolute_url(),
                c.name,
                c.code,
                ", ".join(c.postal_codes or []),
                "—" if c.population is None else intcomma(c.population),
                format_html('<a href="{}">{}</a>', c.epci.get_absolute_url(), c.epci.name)
                if c.epci
                else "—",
            )
            for c in communes
        ),
    )


@register.simple_tag
def member_rows(communes):
    """The rows of an EPCI's table of member communes (see commune_rows)."""
    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                c.get_absolute_url(),
                c.name,
                c.code,
                c.departement.name,
                "—" if c.population is None else intcomma(c.population),
            )
            for c in communes
        ),
    )
