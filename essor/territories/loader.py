"""Loading the shipped extract of French geography (see data/README.md)."""

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from essor.core.text import fold

from .enums import CommuneKind, CoordinatePrecision
from .models import Commune, Departement, Epci, Region

DEFAULT_EXTRACT = Path(__file__).parent / "data" / "territories.json.gz"


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)
    missing_from_extract: dict = field(default_factory=dict)

    def changed(self):
        return any(self.created.values()) or any(self.updated.values())

    def lines(self):
        for label in ("régions", "départements", "EPCI", "communes"):
            yield (
                f"{label}: {self.created.get(label, 0)} créé(s), "
                f"{self.updated.get(label, 0)} mis à jour, {self.unchanged.get(label, 0)} inchangé(s)"
                + (
                    f", {self.missing_from_extract[label]} absent(s) de l'extrait (conservés)"
                    if self.missing_from_extract.get(label)
                    else ""
                )
            )


def read_extract(path=DEFAULT_EXTRACT):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def place_communes(communes, epci_of):
    """Give every commune a point and its precision.

    A commune the sources do not locate is put at the centre of its EPCI's located
    communes (an arrondissement at its parent commune), flagged approximate."""
    sums = {}
    for row in communes:
        if row["lat"] is not None and row.get("epci"):
            s = sums.setdefault(row["epci"], [0.0, 0.0, 0])
            s[0] += row["lat"]
            s[1] += row["lon"]
            s[2] += 1
    by_code = {row["code"]: row for row in communes}
    placed = {}
    for row in communes:
        if row["lat"] is not None:
            placed[row["code"]] = (row["lat"], row["lon"], CoordinatePrecision.COMMUNE_CENTRE)
            continue
        parent = by_code.get(row.get("parent") or "")
        if parent and parent["lat"] is not None:
            placed[row["code"]] = (parent["lat"], parent["lon"], CoordinatePrecision.APPROXIMATE)
        elif epci_of(row) in sums:
            lat, lon, n = sums[epci_of(row)]
            placed[row["code"]] = (
                round(lat / n, 5),
                round(lon / n, 5),
                CoordinatePrecision.APPROXIMATE,
            )
        else:
            placed[row["code"]] = (None, None, CoordinatePrecision.UNKNOWN)
    return placed


def _sync(model, label, rows, report, fields):
    """Create what is new and update what differs; leave the rest untouched."""
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values))
        elif any(getattr(obj, name) != values[name] for name in fields):
            for name in fields:
                setattr(obj, name, values[name])
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=1000)
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.unchanged[label] = len(rows) - len(to_create) - len(to_update)
    report.missing_from_extract[label] = len(set(existing) - set(rows))


@transaction.atomic
def load_territories(path=DEFAULT_EXTRACT):
    data = read_extract(path)
    report = LoadReport()
    regions = {
        r["code"]: {"name": r["name"], "search_name": fold(r["name"])} for r in data["regions"]
    }
    _sync(Region, "régions", regions, report, ["name", "search_name"])
    departements = {
        d["code"]: {"name": d["name"], "search_name": fold(d["name"]), "region_id": d["region"]}
        for d in data["departements"]
    }
    _sync(Departement, "départements", departements, report, ["name", "search_name", "region_id"])
    epcis = {
        e["code"]: {"name": e["name"], "search_name": fold(e["name"]), "kind": e["kind"]}
        for e in data["epcis"]
    }
    _sync(Epci, "EPCI", epcis, report, ["name", "search_name", "kind"])

    by_code = {c["code"]: c for c in data["communes"]}

    def epci_of(row):
        return row.get("epci") or (by_code.get(row.get("parent") or "") or {}).get("epci")

    placed = place_communes(data["communes"], epci_of)
    communes = {}
    # Parents first, so that an arrondissement's parent exists when it is created.
    for c in sorted(data["communes"], key=lambda c: c["kind"] != CommuneKind.COMMUNE):
        lat, lon, precision = placed[c["code"]]
        communes[c["code"]] = {
            "name": c["name"],
            "search_name": fold(c["name"]),
            "kind": c["kind"],
            "parent_id": c.get("parent"),
            "departement_id": c["departement"],
            "region_id": c["region"],
            "epci_id": epci_of(c),
            "population": c.get("population"),
            "postal_codes": c.get("postal_codes") or [],
            "postal_codes_text": " " + " ".join(c.get("postal_codes") or []) + " ",
            "latitude": lat,
            "longitude": lon,
            "coordinate_precision": precision,
        }
    _sync(Commune, "communes", communes, report, list(next(iter(communes.values())).keys()))
    return report
