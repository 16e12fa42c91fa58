from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from essor.core.charts import format_number

from ..charts import format_percent

register = template.Library()

ROW_HEADERS = ("label", "period")


def display(row, column):
    """A dataset value as the tables show it: "secret" where the secret masks it, "—"
    where there is nothing to show."""
    value = row.get(column.key)
    if value is None:
        return "secret" if row.get("secret") and column.kind != "text" else "—"
    if column.kind in ("int", "number"):
        return format_number(value)
    if column.kind == "percent":
        return format_percent(value)
    return value


@register.filter
def cell(row, column):
    return display(row, column)


@register.filter
def number(value):
    return format_number(value) if value is not None else "secret"


@register.filter
def percentage(value):
    return format_percent(value) if value is not None else "—"


def _cell_html(row, column):
    if column.key in ROW_HEADERS:
        label = escape(row["label"])
        if row.get("url"):
            return f'<th scope="row"><a href="{escape(row["url"])}">{label}</a></th>'
        return f'<th scope="row">{label}</th>'
    text = display(row, column)
    css = "num" if column.kind != "text" else ""
    if text == "secret":
        css += " secret"
    return f'<td class="{css.strip()}">{escape(text)}</td>'


@register.simple_tag
def dataset_rows(dataset):
    """The <tbody> rows of a dataset's table. Built in Python: a large table (every
    EPCI of a région) would otherwise cost most of the page's rendering time. Every
    value is escaped here."""
    if not dataset.rows:
        return format_html(
            '<tr><td colspan="{}">Aucun établissement de l\'ESS recensé.</td></tr>',
            len(dataset.columns),
        )
    rows = (
        "<tr>" + "".join(_cell_html(row, column) for column in dataset.columns) + "</tr>"
        for row in dataset.rows
    )
    return mark_safe("\n".join(rows))  # noqa: S308 - built from escaped values above


@register.simple_tag
def symbol_circles(symbols):
    """The circles of a proportional-symbols map (one per EPCI: a few hundred)."""
    parts = [
        f'<circle class="symbol" cx="{c["x"]}" cy="{c["y"]}" r="{c["r"]}">'
        f"<title>{escape(c['title'])}</title></circle>"
        for c in symbols["circles"]
    ]
    parts += [
        f'<circle class="secret-mark" cx="{m["x"]}" cy="{m["y"]}" r="{symbols["marker"]}">'
        f"<title>{escape(m['title'])}</title></circle>"
        for m in symbols["secrets"]
    ]
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped titles
