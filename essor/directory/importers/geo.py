"""From SIRENE's projected coordinates to WGS84 latitude and longitude, with PROJ
(pyproj).

INSEE gives establishments' positions (coordonneeLambertAbscisse/Ordonnee…) in the
legal projection of each territory: Lambert-93 (EPSG:2154) in mainland France and
Corsica, UTM in the overseas départements. PROJ's database ships inside the pyproj
wheel and none of these transformations needs a grid: nothing is downloaded, and
pyproj's network access stays off. One transformer per territory is built on first use
(bench/README.md, « Projection » : about 1 million points per second, one by one)."""

import functools

from pyproj import Transformer, network

# PROJ may fetch grids from its CDN when PROJ_NETWORK=ON: never here (no network at
# run time), whatever the environment says.
network.set_network_enabled(active=False)

LAMBERT_93 = "EPSG:2154"
WGS84 = "EPSG:4326"
# The projection INSEE uses for each overseas territory (by the first three digits of
# the commune code), and a generous box around the territory: a point that falls
# outside is a data error, and the establishment is put at its commune's centre.
OVERSEAS = {
    "971": "EPSG:5490",  # Guadeloupe, RGAF09 / UTM 20N
    "972": "EPSG:5490",  # Martinique, RGAF09 / UTM 20N
    "973": "EPSG:2972",  # Guyane, RGFG95 / UTM 22N
    "974": "EPSG:2975",  # La Réunion, RGR92 / UTM 40S
    "975": "EPSG:4467",  # Saint-Pierre-et-Miquelon, RGSPM06 / UTM 21N
    "976": "EPSG:4471",  # Mayotte, RGM04 / UTM 38S
    "977": "EPSG:5490",  # Saint-Barthélemy, RGAF09 / UTM 20N
    "978": "EPSG:5490",  # Saint-Martin, RGAF09 / UTM 20N
}
BOUNDS = {
    "mainland": (41.0, 51.5, -5.5, 10.0),
    "971": (15.7, 16.6, -61.9, -60.9),
    "972": (14.3, 15.0, -61.3, -60.7),
    "973": (2.0, 6.0, -55.0, -51.0),
    "974": (-21.5, -20.8, 55.1, 56.0),
    "975": (46.7, 47.2, -56.5, -56.0),
    "976": (-13.1, -12.5, 44.9, 45.4),
    "977": (17.8, 18.0, -63.0, -62.7),
    "978": (18.0, 18.2, -63.2, -62.9),
}


@functools.cache
def transformer(source, target=WGS84):
    # always_xy: (easting, northing) in, (longitude, latitude) out, whatever the CRS's
    # own axis order.
    return Transformer.from_crs(source, target, always_xy=True)


def to_wgs84(x, y, crs):
    """(latitude, longitude) in degrees of a point projected in `crs`."""
    lon, lat = transformer(crs).transform(x, y)
    return lat, lon


def wgs84_to_lambert93(lat, lon):
    """The forward projection, used by the benchmark's generator and the tests."""
    return transformer(WGS84, LAMBERT_93).transform(lon, lat)


def sirene_to_wgs84(x, y, commune_code):
    """The WGS84 (latitude, longitude) of SIRENE coordinates, rounded to 6 decimals
    (about 10 cm), or None when the territory has no known projection or the point
    falls outside it."""
    prefix = commune_code[:3]
    if prefix in OVERSEAS:
        crs, box = OVERSEAS[prefix], BOUNDS[prefix]
    elif (commune_code[:2].isdigit() and commune_code[:2] < "96") or commune_code[:2] in {
        "2A",
        "2B",
    }:
        crs, box = LAMBERT_93, BOUNDS["mainland"]
    else:
        return None
    lat, lon = to_wgs84(x, y, crs)
    # PROJ gives inf for a point it cannot invert: outside every box.
    if not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
        return None
    return round(lat, 6), round(lon, 6)
