"""Server-rendered SVG charts shared by the apps (the observatory, the consultation's
results): plain numbers rounded to 0.1, colours from classes of essor.css (the content
security policy forbids inline styles), and every chart beside its data table. The
template is core/_bar_chart.html."""

from dataclasses import dataclass


def format_number(value):
    """12345.5 -> "12 346" (narrow no-break space, as French typography wants)."""
    if value is None:
        return ""
    return f"{round(value):,}".replace(",", "\u202f")


def rounded(value):
    return round(value, 1)


# --- Horizontal bars: one value per category ------------------------------------------


@dataclass
class Bar:
    label: str
    text: str
    y: float
    text_y: float
    width: float
    secret: bool


def bar_chart(rows, key, *, title, label_key="label"):
    """Rows are dataset rows; `key` the value drawn. Secret rows get no bar and the word
    "secret" in place of their value."""
    width, label_width, value_width = 720, 300, 110
    row_height, bar_height, top = 30, 20, 6
    area = width - label_width - value_width
    values = [row[key] for row in rows if row.get(key) is not None]
    peak = max(values, default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        value = row.get(key)
        y = top + index * row_height
        bars.append(
            Bar(
                label=row[label_key],
                text="secret" if value is None else format_number(value),
                y=rounded(y),
                text_y=rounded(y + bar_height / 2 + 5),
                width=rounded(0 if value is None else max(area * value / peak, 1 if value else 0)),
                secret=value is None,
            )
        )
    return {
        "title": title,
        "width": width,
        "height": top * 2 + row_height * len(rows),
        "label_x": label_width - 8,
        "bar_x": label_width,
        "bar_height": bar_height,
        "bars": [{**bar.__dict__, "value_x": rounded(label_width + bar.width + 6)} for bar in bars],
    }
