"""INSEE nomenclatures shipped in data/ (see data/README.md for their provenance)."""

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _read(name):
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def legal_categories():
    """{"9220": {"label": "Association déclarée", "level2_label": ...}, ...}"""
    return {row["code"]: row for row in _read("categories_juridiques.csv")}


@cache
def naf_activities():
    """{"88.99B": {"label": ..., "section": "Q", "section_label": ...}, ...}"""
    return {row["code"]: row for row in _read("naf_rev2.csv")}


@cache
def naf_sections():
    return {row["section"]: row["section_label"] for row in naf_activities().values()}


@cache
def headcount_bands():
    """{"12": {"label": "20 à 49 salariés", "min": 20, "max": 49}, ...} in INSEE's order."""
    bands = {}
    for row in _read("tranches_effectifs.csv"):
        bands[row["code"]] = {
            "label": row["label"],
            "min": int(row["min"]) if row["min"] else None,
            "max": int(row["max"]) if row["max"] else None,
        }
    return bands


@cache
def _ess_sector_prefixes():
    rows = _read("ess_sectors.csv")
    # Longest prefix first: the most specific rule wins.
    return sorted(
        ((r["naf_prefix"], r["sector_code"], r["sector_label"]) for r in rows),
        key=lambda r: -len(r[0]),
    )


@cache
def ess_sectors():
    return {code: label for _, code, label in _ess_sector_prefixes()}


@cache
def ess_sector_of(naf_code):
    """The observatories' ESS sector of a NAF sub-class ("88.99B" -> "action_sociale")."""
    if not naf_code:
        return "autres"
    for prefix, code, _ in _ess_sector_prefixes():
        if naf_code.startswith(prefix):
            return code
    return "autres"


def legal_category_label(code):
    row = legal_categories().get(code or "")
    return row["label"] if row else None


def naf_label(code):
    row = naf_activities().get(code or "")
    return row["label"] if row else None


def headcount_band_label(code):
    band = headcount_bands().get(code or "")
    return band["label"] if band else None


# Employees estimated from a headcount band: the middle of the band (INSEE's bands are
# closed intervals); 10 000 for the open top band "10 000 salariés et plus"; none for
# non-employer units (NN) and for 00 (no employee at the end of the year).
TOP_BAND_ESTIMATE = 10_000


@cache
def estimated_employees(band_code):
    band = headcount_bands().get(band_code or "")
    if not band or band["min"] is None or band["max"] == 0:
        return 0
    if band["max"] is None:
        return TOP_BAND_ESTIMATE
    return (band["min"] + band["max"]) / 2
