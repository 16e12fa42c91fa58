"""The 2016 état des lieux of the three CRESS, as shipped data (see core/data/README.md)."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "report.json"


@cache
def report():
    return json.loads(DATA.read_text(encoding="utf-8"))


def source():
    return report()["source"]


def key_figures(scope=None):
    return [f for f in report()["key_figures"] if scope is None or f.get("scope") == scope]


def headline(count=4):
    """The first regional key figures, and the report's sentences they come from (each
    sentence once, several figures may share it)."""
    figures = key_figures("région")[:count]
    quotes = list(dict.fromkeys(f["quote"] for f in figures))
    return figures, quotes
