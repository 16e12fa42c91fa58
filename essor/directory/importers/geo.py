"""From SIRENE's projected coordinates to WGS84 latitude and longitude.

INSEE gives establishments' positions (coordonneeLambertAbscisse/Ordonnee…) in the
legal projection of each territory: Lambert-93 (EPSG:2154) in mainland France and
Corsica, UTM in the overseas départements. Every one of these systems uses the GRS80
ellipsoid on a datum that matches WGS84 to within a few centimetres, so only the
projection has to be inverted: no datum shift. Two short inverses written here save a
dependency on PROJ (pyproj) for what is a few lines of trigonometry; the tests check
them against reference points computed with PROJ.
"""

import math

# GRS80
A = 6378137.0
F = 1 / 298.257222101
E2 = F * (2 - F)
E = math.sqrt(E2)


def _lcc_t(phi):
    s = E * math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - s) / (1 + s)) ** (E / 2)


def _lcc_m(phi):
    return math.cos(phi) / math.sqrt(1 - E2 * math.sin(phi) ** 2)


# Lambert-93: conformal conic with two standard parallels (44° and 49° N), origin
# 46°30' N 3° E, false easting 700 000 m, false northing 6 600 000 m.
_PHI1, _PHI2, _PHI0 = math.radians(44), math.radians(49), math.radians(46.5)
L93_LON0 = math.radians(3)
L93_X0, L93_Y0 = 700000.0, 6600000.0
_N = (math.log(_lcc_m(_PHI1)) - math.log(_lcc_m(_PHI2))) / (
    math.log(_lcc_t(_PHI1)) - math.log(_lcc_t(_PHI2))
)
_AF = A * _lcc_m(_PHI1) / (_N * _lcc_t(_PHI1) ** _N)
_RHO0 = _AF * _lcc_t(_PHI0) ** _N


def lambert93_to_wgs84(x, y):
    """(latitude, longitude) in degrees of a Lambert-93 point (EPSG:2154)."""
    dx, dy = x - L93_X0, _RHO0 - (y - L93_Y0)
    rho = math.copysign(math.hypot(dx, dy), _N)
    t = (rho / _AF) ** (1 / _N)
    lon = math.atan2(dx, dy) / _N + L93_LON0
    # The latitude has no closed form: iterate phi = pi/2 - 2 atan(t * ((1-e sin)/(1+e sin))^(e/2)).
    phi = math.pi / 2 - 2 * math.atan(t)
    for _ in range(10):
        s = E * math.sin(phi)
        new = math.pi / 2 - 2 * math.atan(t * ((1 - s) / (1 + s)) ** (E / 2))
        if abs(new - phi) < 1e-12:
            phi = new
            break
        phi = new
    return math.degrees(phi), math.degrees(lon)


def wgs84_to_lambert93(lat, lon):
    """The forward projection, used by the benchmark's generator and the tests."""
    rho = _AF * _lcc_t(math.radians(lat)) ** _N
    theta = _N * (math.radians(lon) - L93_LON0)
    return L93_X0 + rho * math.sin(theta), L93_Y0 + _RHO0 - rho * math.cos(theta)


# Transverse Mercator inverse (Snyder, "Map projections — A working manual", USGS
# 1987, formulas 8-18 to 8-25): sub-metre accuracy within a UTM zone.
_K0 = 0.9996
_EP2 = E2 / (1 - E2)
_E1 = (1 - math.sqrt(1 - E2)) / (1 + math.sqrt(1 - E2))
_MU_DIVISOR = A * (1 - E2 / 4 - 3 * E2**2 / 64 - 5 * E2**3 / 256)


def utm_to_wgs84(x, y, zone, south=False):
    """(latitude, longitude) in degrees of a point in UTM `zone` (north or south)."""
    mu = (y - (10000000.0 if south else 0.0)) / _K0 / _MU_DIVISOR
    phi1 = (
        mu
        + (3 * _E1 / 2 - 27 * _E1**3 / 32) * math.sin(2 * mu)
        + (21 * _E1**2 / 16 - 55 * _E1**4 / 32) * math.sin(4 * mu)
        + (151 * _E1**3 / 96) * math.sin(6 * mu)
        + (1097 * _E1**4 / 512) * math.sin(8 * mu)
    )
    sin1, cos1, tan1 = math.sin(phi1), math.cos(phi1), math.tan(phi1)
    c1 = _EP2 * cos1**2
    t1 = tan1**2
    n1 = A / math.sqrt(1 - E2 * sin1**2)
    r1 = A * (1 - E2) / (1 - E2 * sin1**2) ** 1.5
    d = (x - 500000.0) / (n1 * _K0)
    lat = phi1 - (n1 * tan1 / r1) * (
        d**2 / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1**2 - 9 * _EP2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1**2 - 252 * _EP2 - 3 * c1**2) * d**6 / 720
    )
    lon = (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1**2 + 8 * _EP2 + 24 * t1**2) * d**5 / 120
    ) / cos1
    return math.degrees(lat), zone * 6 - 183 + math.degrees(lon)


# The projection INSEE uses for each overseas territory (by the first three digits of
# the commune code), and a generous box around the territory: a point that falls
# outside is a data error, and the establishment is put at its commune's centre.
OVERSEAS_UTM = {
    "971": (20, False),  # Guadeloupe, RGAF09 / UTM 20N (EPSG:5490)
    "972": (20, False),  # Martinique, RGAF09 / UTM 20N (EPSG:5490)
    "973": (22, False),  # Guyane, RGFG95 / UTM 22N (EPSG:2972)
    "974": (40, True),  # La Réunion, RGR92 / UTM 40S (EPSG:2975)
    "975": (21, False),  # Saint-Pierre-et-Miquelon, RGSPM06 / UTM 21N (EPSG:4467)
    "976": (38, True),  # Mayotte, RGM04 / UTM 38S (EPSG:4471)
    "977": (20, False),  # Saint-Barthélemy, RGAF09 / UTM 20N
    "978": (20, False),  # Saint-Martin, RGAF09 / UTM 20N
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


def sirene_to_wgs84(x, y, commune_code):
    """The WGS84 (latitude, longitude) of SIRENE coordinates, rounded to 6 decimals
    (about 10 cm), or None when the territory has no known projection or the point
    falls outside it."""
    prefix = commune_code[:3]
    if prefix in OVERSEAS_UTM:
        zone, south = OVERSEAS_UTM[prefix]
        lat, lon = utm_to_wgs84(x, y, zone, south)
        box = BOUNDS[prefix]
    elif (commune_code[:2].isdigit() and commune_code[:2] < "96") or commune_code[:2] in {
        "2A",
        "2B",
    }:
        lat, lon = lambert93_to_wgs84(x, y)
        box = BOUNDS["mainland"]
    else:
        return None
    if not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
        return None
    return round(lat, 6), round(lon, 6)
