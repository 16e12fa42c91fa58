"""Build tests/data/territories_sample.json.gz from the shipped extract.

The sample keeps every région, département and EPCI, and the communes of
Nouvelle-Aquitaine (région 75) plus Paris and its arrondissements: enough for every
test, and loaded in about a second instead of eight."""

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "essor" / "territories" / "data" / "territories.json.gz"
TARGET = ROOT / "tests" / "data" / "territories_sample.json.gz"


def main():
    with gzip.open(SOURCE, "rt", encoding="utf-8") as f:
        data = json.load(f)
    data["communes"] = [
        c
        for c in data["communes"]
        if c["region"] == "75" or c["code"] == "75056" or c.get("parent") == "75056"
    ]
    kept_epcis = {c["epci"] for c in data["communes"]}
    data["epcis"] = [e for e in data["epcis"] if e["code"] in kept_epcis]
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with gzip.GzipFile(TARGET, "wb", mtime=0) as f:
        f.write(payload.encode("utf-8"))
    print(f"{TARGET.relative_to(ROOT)}: {len(data['communes'])} communes")


if __name__ == "__main__":
    main()
