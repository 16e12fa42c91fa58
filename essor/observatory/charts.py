"""Geometry of the server-rendered SVG charts and maps. No JavaScript: the templates
draw what these functions compute, and every chart sits next to its data table.

Colours come from classes of observatory.css (the content security policy forbids
inline styles); SVG coordinates are plain numbers rounded to 0.1."""

import json
import math
from functools import cache
from pathlib import Path

from essor.core.charts import format_number, rounded

MAP_DATA = Path(__file__).parent / "data" / "departements.json"
CHOROPLETH_CLASSES = 5


def format_percent(value, digits=1):
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",") + "\u00a0%"


def nice_ceiling(value):
    """The smallest 1, 2 or 5 × 10^k not below `value` (axis maximum)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def nice_floor(value):
    """The largest 1, 2 or 5 × 10^k not above `value` (legend sizes)."""
    if value < 1:
        return 0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * exponent <= value:
            return step * exponent
    return exponent


# --- Paired columns: creations and closures over time --------------------------------


def column_chart(rows, *, title, series=(("creations", "Créations"), ("closures", "Fermetures"))):
    """Rows: dataset rows with "label" (the period) and one value per series."""
    width, height = 720, 280
    left, right, top, bottom = 56, 8, 12, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [row[key] for row in rows for key, _ in series if row.get(key) is not None]
    # At least 2, so that the middle grid line falls on a whole number.
    peak = max(nice_ceiling(max(values, default=0)), 2)
    count = max(len(rows), 1)
    group = plot_width / count
    bar = group * 0.8 / len(series)
    label_every = max(1, math.ceil(count / 12))
    columns, markers, labels = [], [], []
    for index, row in enumerate(rows):
        x0 = left + index * group + group * 0.1
        for position, (key, _) in enumerate(series):
            value = row.get(key)
            x = x0 + position * bar
            if value is None:
                markers.append({"x": rounded(x + bar / 2), "y": rounded(top + plot_height - 4)})
                continue
            h = plot_height * value / peak
            columns.append(
                {
                    "x": rounded(x),
                    "y": rounded(top + plot_height - h),
                    "width": rounded(max(bar - 1, 1)),
                    "height": rounded(h),
                    "series": position,
                }
            )
        if index % label_every == 0:
            labels.append({"x": rounded(x0 + group * 0.4), "text": row["label"]})
    grid = [
        {"y": rounded(top + plot_height * (1 - fraction)), "text": format_number(peak * fraction)}
        for fraction in (0, 0.5, 1)
    ]
    return {
        "title": title,
        "empty": not any(values) and not markers,
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "label_y": height - bottom + 18,
        "columns": columns,
        "markers": markers,
        "labels": labels,
        "grid": grid,
        "series": [label for _, label in series],
    }


# --- Maps -----------------------------------------------------------------------------


@cache
def map_data():
    with MAP_DATA.open(encoding="utf-8") as f:
        data = json.load(f)
    data["by_code"] = {d["code"]: d for d in data["departements"]}
    return data


def _view_box(codes, padding=0.04):
    shapes = [map_data()["by_code"][c] for c in codes if c in map_data()["by_code"]]
    if not shapes:
        return [0, 0, *map_data()["view_box"][2:]]
    x0 = min(s["bbox"][0] for s in shapes)
    y0 = min(s["bbox"][1] for s in shapes)
    x1 = max(s["bbox"][2] for s in shapes)
    y1 = max(s["bbox"][3] for s in shapes)
    pad = padding * max(x1 - x0, y1 - y0)
    return [
        rounded(x0 - pad),
        rounded(y0 - pad),
        rounded(x1 - x0 + 2 * pad),
        rounded(y1 - y0 + 2 * pad),
    ]


def project(longitude, latitude):
    """Longitude and latitude to the map's SVG coordinates (affine fit, see data/)."""
    fit = map_data()["projection"]
    v = math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))
    x = fit["x"][0] * longitude + fit["x"][1] * v + fit["x"][2]
    y = fit["y"][0] * longitude + fit["y"][1] * v + fit["y"][2]
    return x, y


def quantile_classes(values, classes=CHOROPLETH_CLASSES):
    """Thresholds splitting the published values into at most `classes` groups of
    similar size, and the class of a value."""
    ordered = sorted(values)
    k = min(classes, len(set(ordered)))
    if k <= 1:
        return []
    n = len(ordered)
    thresholds = sorted({ordered[math.ceil(i * n / k) - 1] for i in range(1, k)})
    return thresholds


def class_of(value, thresholds):
    return sum(1 for t in thresholds if value > t)


def _shade(index, thresholds):
    """With fewer classes than shades, spread them over the palette so that they stay
    easy to tell apart."""
    classes = len(thresholds) + 1
    if classes <= 1:
        return CHOROPLETH_CLASSES // 2
    return round(index * (CHOROPLETH_CLASSES - 1) / (classes - 1))


def choropleth(items, *, title, unit):
    """Items: dicts with code, label, value (None when secret), url. Only the items'
    départements are drawn, the view cropped to them."""
    data = map_data()["by_code"]
    published = [item["value"] for item in items if item["value"]]
    thresholds = quantile_classes(published)
    shapes, legend = [], {}
    for item in items:
        shape = data.get(item["code"])
        if shape is None:
            continue
        if item["value"] is None:
            css, text = "choro-secret", "secret statistique"
        elif item["value"] == 0:
            css, text = "choro-empty", f"0 {unit}"
        else:
            index = class_of(item["value"], thresholds)
            css, text = (
                f"choro-{_shade(index, thresholds)}",
                f"{format_number(item['value'])} {unit}",
            )
            low, high = legend.get(index, (item["value"], item["value"]))
            legend[index] = (min(low, item["value"]), max(high, item["value"]))
        shapes.append(
            {
                "code": item["code"],
                "path": shape["path"],
                "css": css,
                "title": f"{item['label']} : {text}",
                "url": item.get("url", ""),
            }
        )
    return {
        "title": title,
        "view_box": " ".join(str(v) for v in _view_box([i["code"] for i in items])),
        "shapes": shapes,
        "legend": [
            {
                "css": f"choro-{_shade(index, thresholds)}",
                "text": (
                    f"{format_number(low)} {unit}"
                    if low == high
                    else f"de {format_number(low)} à {format_number(high)} {unit}"
                ),
            }
            for index, (low, high) in sorted(legend.items())
        ],
        "has_secret": any(item["value"] is None for item in items),
        "has_empty": any(item["value"] == 0 for item in items),
        "unit": unit,
    }


def symbols_map(background_codes, items, *, title, unit):
    """Proportional circles (area proportional to the value) at each item's latitude
    and longitude, over the outlines of `background_codes`."""
    data = map_data()["by_code"]
    box = _view_box(background_codes)
    published = [item["value"] for item in items if item["value"] is not None]
    peak = max(published, default=0) or 1
    largest = 0.07 * max(box[2], box[3])
    circles, secrets = [], []
    for item in items:
        if item.get("latitude") is None:
            continue
        x, y = project(item["longitude"], item["latitude"])
        entry = {
            "x": rounded(x),
            "y": rounded(y),
            "url": item.get("url", ""),
            "label": item["label"],
        }
        if item["value"] is None:
            entry["title"] = f"{item['label']} : secret statistique"
            secrets.append(entry)
        elif item["value"] > 0:
            entry["r"] = rounded(max(largest * math.sqrt(item["value"] / peak), 0.6))
            entry["title"] = f"{item['label']} : {format_number(item['value'])} {unit}"
            circles.append(entry)
    circles.sort(key=lambda c: -c["r"])
    # The legend goes in a band below the map, in the map's own units, so that its
    # circles scale with the map's.
    reference = nice_floor(peak)
    sizes = [value for value in (reference, nice_floor(reference / 4)) if value >= 1]
    radii = [largest * math.sqrt(value / peak) for value in sizes]
    font = rounded(max(box[2], box[3]) / 45)
    band = 2 * max(radii, default=0) + 2 * font
    bottom = box[1] + box[3] + band - font
    legend = [
        {
            "cx": rounded(box[0] + font + max(radii)),
            "cy": rounded(bottom - r),
            "r": rounded(r),
            "text_x": rounded(box[0] + 2 * font + 2 * max(radii)),
            "text_y": rounded(bottom - 2 * r + font),
            "text": f"{format_number(value)} {unit}",
        }
        for value, r in zip(sizes, radii, strict=True)
    ]
    box = [box[0], box[1], box[2], rounded(box[3] + band)]
    return {
        "title": title,
        "view_box": " ".join(str(v) for v in box),
        "stroke": rounded(box[2] / 400),
        "background": [data[c]["path"] for c in background_codes if c in data],
        "circles": circles,
        "secrets": secrets,
        "marker": rounded(largest / 10),
        "legend": legend,
        "font": font,
    }
