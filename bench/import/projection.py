"""How fast SIRENE's projected coordinates become latitudes and longitudes.

    python bench/import/projection.py [--points 1000000] [--repeat 3]

Times `essor.directory.importers.geo.sirene_to_wgs84`, the call the SIRENE import makes
once per establishment it keeps, on `--points` points (fixed seed): 97 % in mainland
France (Lambert-93, drawn uniformly over the mainland's box), 3 % overseas (UTM, around
Pointe-à-Pitre, Cayenne, Saint-Denis and Mamoudzou). Prints the best of `--repeat` runs
in points per second, next to two yardsticks measured in the same run: the same loop
around a function that only rounds (the floor of a Python loop), and PROJ converting all
the mainland points at once from numpy arrays (when numpy and pyproj are installed).
Only the standard library is needed besides geo.py, so that the script also runs
against the hand-written projection that geo.py held before pyproj."""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from essor.directory.importers.geo import sirene_to_wgs84, wgs84_to_lambert93  # noqa: E402

SEED = 2016
# (commune, UTM easting, northing) near a town of each overseas département.
OVERSEAS = [
    ("97101", 657000, 1795000),
    ("97302", 353000, 544000),
    ("97411", 338000, 7690000),
    ("97611", 515000, 8585000),
]


def points(count):
    rng = random.Random(SEED)
    result = []
    for _ in range(count):
        if rng.random() < 0.03:
            commune, x, y = rng.choice(OVERSEAS)
            result.append((x + rng.uniform(-5000, 5000), y + rng.uniform(-5000, 5000), commune))
        else:
            x, y = wgs84_to_lambert93(rng.uniform(42.5, 50.9), rng.uniform(-4.5, 7.9))
            result.append((x, y, "87085"))
    return result


def rate(function, data, repeat):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for x, y, commune in data:
            function(x, y, commune)
        best = min(best, time.perf_counter() - started)
    return len(data) / best


def rounding_only(x, y, commune):
    return round(y, 6), round(x, 6)


def vectorised(data, repeat):
    try:
        import numpy
        from pyproj import Transformer
    except ImportError:
        return None
    mainland = [(x, y) for x, y, commune in data if commune == "87085"]
    xs = numpy.array([p[0] for p in mainland])
    ys = numpy.array([p[1] for p in mainland])
    transformer = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        transformer.transform(xs, ys)
        best = min(best, time.perf_counter() - started)
    return len(mainland) / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = points(args.points)
    figures = {
        "sirene_to_wgs84, un point à la fois": rate(sirene_to_wgs84, data, args.repeat),
        "boucle qui ne fait qu'arrondir (plancher)": rate(rounding_only, data, args.repeat),
    }
    whole = vectorised(data, args.repeat)
    if whole is not None:
        figures["PROJ sur des tableaux numpy (métropole)"] = whole
    for label, value in figures.items():
        print(f"{label} : {value:,.0f} points/s".replace(",", " "))
    seconds = args.points / figures["sirene_to_wgs84, un point à la fois"]
    print(f"{args.points:,} points convertis en {seconds:.2f} s".replace(",", " "))


if __name__ == "__main__":
    main()
