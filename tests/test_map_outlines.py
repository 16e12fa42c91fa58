"""The maps' offline background: outlines derived from the shipped geography
(scripts/build_outlines.py), drawn under the tiles."""

import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings

from essor.settings import _tile_origins

OUTLINES = Path(settings.BASE_DIR) / "territories/static/territories/outlines.geojson"
EPCI_OUTLINES = OUTLINES.with_name("outlines-epci.geojson")


def inside(point, geometry):
    """Ray casting over every ring: a point inside an odd number of rings is inside."""
    x, y = point
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    crossings = 0
    for polygon in polygons:
        for ring in polygon:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    crossings += 1
    return crossings % 2 == 1


@pytest.fixture(scope="module")
def outlines():
    features = json.loads(OUTLINES.read_text())["features"]
    return {(f["properties"]["level"], f["properties"]["code"]): f for f in features}


def test_every_metropolitan_departement_and_region_has_an_outline(outlines):
    departements = {code for level, code in outlines if level == "departement"}
    assert len(departements) == 96 and {"2A", "2B", "23", "87"} <= departements
    regions = {code for level, code in outlines if level == "region"}
    assert len(regions) == 13 and "75" in regions  # Nouvelle-Aquitaine


@pytest.mark.parametrize(
    ("place", "departement", "region"),
    [
        ((1.2611, 45.8336), "87", "75"),  # Limoges
        ((1.8717, 46.1714), "23", "75"),  # Guéret
        ((-1.1508, 46.1591), "17", "75"),  # La Rochelle, on the coast
        ((0.1561, 45.6484), "16", "75"),  # Angoulême
        ((2.3522, 48.8566), "75", "11"),  # Paris
    ],
)
def test_a_town_lies_in_its_departement_and_region_and_no_other(
    outlines, place, departement, region
):
    assert inside(place, outlines[("departement", departement)]["geometry"])
    assert inside(place, outlines[("region", region)]["geometry"])
    others = [
        code
        for (level, code), f in outlines.items()
        if level == "departement" and code != departement and inside(place, f["geometry"])
    ]
    assert others == []


@pytest.fixture(scope="module")
def epci_outlines():
    features = json.loads(EPCI_OUTLINES.read_text())["features"]
    return {f["properties"]["code"]: f for f in features}


def test_every_metropolitan_epci_has_an_outline_under_its_official_name(epci_outlines):
    with gzip.open(Path(settings.BASE_DIR) / "territories/data/territories.json.gz") as extract:
        geography = json.load(extract)
    names = {epci["code"]: epci["name"] for epci in geography["epcis"]}
    metropolitan = {
        c["epci"]
        for c in geography["communes"]
        if c["epci"] and not c["departement"].startswith("97")
    }
    assert len(metropolitan) > 1200
    assert {code: epci_outlines[code]["properties"]["name"] for code in metropolitan} == {
        code: names[code] for code in metropolitan
    }


@pytest.mark.parametrize(
    ("place", "epci"),
    [
        ((1.2476, 45.8336), "248719312"),  # Limoges in Limoges Métropole
        ((1.8717, 46.1719), "200034825"),  # Guéret in the CA du Grand Guéret
        ((-0.4588, 46.3231), "200041317"),  # Niort in the CA du Niortais
    ],
)
def test_a_town_lies_in_its_epci_and_no_other(epci_outlines, place, epci):
    assert [code for code, f in epci_outlines.items() if inside(place, f["geometry"])] == [epci]


def test_no_tile_server_leaves_no_stray_source_in_the_content_security_policy():
    assert _tile_origins("") == []
    assert _tile_origins("data:image/gif;base64,R0lGOD") == []
    assert _tile_origins("https://{s}.tile.example.org/{z}/{x}/{y}.png") == [
        "https://*.tile.example.org"
    ]
