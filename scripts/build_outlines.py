"""Build essor/territories/static/territories/outlines.geojson: approximate outlines of
the départements and régions of metropolitan France, drawn by the maps when no tile
server answers (offline, intranets, ESSOR_TILE_URL empty); and outlines-epci.geojson,
the EPCI, which the maps fetch only once zoomed in on a département.

No boundary file is shipped with ESSor, so the outlines are derived from the shipped
geography (essor/territories/data/territories.json.gz): each commune with a position
gets its Voronoi cell, cells are clipped to a land mask (the communes' positions
widened by a few kilometres), then merged by département and by région. The result
follows the real limits within a few kilometres: a background to find one's way, not a
reference map.

Needs shapely (not a dependency of ESSor):
    python -m venv /tmp/geo && /tmp/geo/bin/pip install shapely
    /tmp/geo/bin/python scripts/build_outlines.py
The build is deterministic: the same extract gives the same bytes.
"""

import gzip
import json
import math
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "essor/territories/data/territories.json.gz"
OUTPUT = ROOT / "essor/territories/static/territories/outlines.geojson"
OUTPUT_EPCI = ROOT / "essor/territories/static/territories/outlines-epci.geojson"

# Longitudes scaled by the cosine of France's middle latitude: distances in degrees of
# latitude, close to true across the metropole, so that Voronoi cells are fair.
SCALE = math.cos(math.radians(46.5))
LAND_RADIUS = 0.08  # ~9 km around a commune's position counts as land
SIMPLIFY = 0.01  # ~1 km
SIMPLIFY_EPCI = 0.005  # EPCI are drawn zoomed in
DECIMALS = 3


def to_plane(x, y):
    return x * SCALE, y


def rounded(geometry):
    return json.loads(
        json.dumps(mapping(geometry)), parse_float=lambda v: round(float(v), DECIMALS)
    )


def main():
    with gzip.open(EXTRACT) as extract:
        data = json.load(extract)
    departements = {d["code"]: d for d in data["departements"]}
    regions = {r["code"]: r for r in data["regions"]}
    metropole = [
        c for c in data["communes"]
        if c["lat"] is not None and c["departement"][:2] not in ("97", "98")
        and c["kind"] == "commune"
    ]  # fmt: skip
    points = [Point(to_plane(c["lon"], c["lat"])) for c in metropole]
    cells = shapely.voronoi_polygons(
        MultiPoint(points), extend_to=MultiPoint(points).envelope.buffer(1)
    )
    widened = unary_union([p.buffer(LAND_RADIUS, quad_segs=4) for p in points])
    # Without its holes: they are communes without a position, not lakes.
    land = unary_union([Polygon(part.exterior) for part in getattr(widened, "geoms", [widened])])
    # Each cell holds exactly one commune's point: give it to that commune's département.
    tree = shapely.STRtree(points)
    by_departement, by_epci = defaultdict(list), defaultdict(list)
    for cell in cells.geoms:
        inside = tree.query(cell, predicate="contains")
        if len(inside):
            commune = metropole[inside[0]]
            by_departement[commune["departement"]].append(cell)
            if commune["epci"]:
                by_epci[commune["epci"]].append(cell)
    features, by_region = [], defaultdict(list)
    for code in sorted(by_departement):
        shape = unary_union(by_departement[code]).intersection(land)
        by_region[departements[code]["region"]].append(shape)
        features.append((code, departements[code]["name"], "departement", shape))
    for code in sorted(by_region):
        features.append((code, regions[code]["name"], "region", unary_union(by_region[code])))
    write(OUTPUT, features, SIMPLIFY)
    epcis = {e["code"]: e for e in data["epcis"]}
    # An EPCI whose communes have no position gets no cell: it is left out, not guessed.
    write(
        OUTPUT_EPCI,
        [
            (code, epcis[code]["name"], "epci", unary_union(by_epci[code]).intersection(land))
            for code in sorted(by_epci)
        ],
        SIMPLIFY_EPCI,
    )


def write(path, features, tolerance):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "level": level},
                "geometry": rounded(
                    shapely.transform(
                        shape.simplify(tolerance, preserve_topology=True),
                        lambda xy: xy / [SCALE, 1],
                    )
                ),
            }
            for code, name, level, shape in features
        ],
    }
    path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False))
    print(f"{path.relative_to(ROOT)}: {len(features)} contours, {path.stat().st_size} octets")


if __name__ == "__main__":
    main()
