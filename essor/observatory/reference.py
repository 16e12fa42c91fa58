"""Import of a reference table of total salaried employment per territory.

The file is CSV, UTF-8 (a BOM is accepted), separated by ";" or ",", with a header row:

    niveau;code;annee;emplois_salaries[;source]
    region;75;2022;2150000;Insee, Flores 2022
    departement;87;2022;140000
    epci;248719312;2022;95000

- niveau: region, departement, epci or commune (accents and case ignored);
- code: the INSEE code of the région, département or commune, the SIREN of the EPCI;
- annee: the year of the figure; emplois_salaries: a whole number (spaces allowed);
- source (optional): where the figure comes from, shown next to the ESS share.

The file is checked whole first; any error rejects it and nothing is written. A row
for a territory and year already imported replaces the previous figure."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from essor.core.text import fold
from essor.territories.models import Commune, Departement, Epci, Region

from .enums import TerritoryLevel
from .models import ReferenceEmployment

REQUIRED = ["niveau", "code", "annee", "emplois_salaries"]
LEVELS = {fold(level.value): level.value for level in TerritoryLevel} | {
    "region": TerritoryLevel.REGION.value,
    "departement": TerritoryLevel.DEPARTEMENT.value,
    "intercommunalite": TerritoryLevel.EPCI.value,
}
MODELS = {
    TerritoryLevel.REGION: Region,
    TerritoryLevel.DEPARTEMENT: Departement,
    TerritoryLevel.EPCI: Epci,
    TerritoryLevel.COMMUNE: Commune,
}
MAX_LISTED_ERRORS = 50
MAX_FILE_SIZE = 50 * 1024 * 1024


class ReferenceFileError(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ReferenceImportReport:
    created: int = 0
    updated: int = 0
    rows: list = field(default_factory=list)

    def summary(self):
        return f"{self.created} ligne(s) ajoutée(s), {self.updated} mise(s) à jour."


def read_rows(data):
    """[(line, {column: value})] of the CSV bytes; ReferenceFileError if unreadable."""
    if len(data) > MAX_FILE_SIZE:
        raise ReferenceFileError(["Le fichier dépasse 50 Mo."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReferenceFileError(
            [f"ligne {line} : le fichier doit être encodé en UTF-8."]
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [fold(name or "").replace(" ", "_") for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ReferenceFileError(
            [
                "Colonnes manquantes : "
                + ", ".join(missing)
                + ". En-tête attendu : niveau;code;annee;emplois_salaries (et, au choix, source)."
            ]
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
    if not rows:
        raise ReferenceFileError(["Le fichier ne contient aucune ligne de données."])
    return rows


def validate(rows):
    """[(level, code, year, employees, source)] or ReferenceFileError listing every
    problem, by line."""
    errors, records, seen = [], [], {}
    codes = {level: set() for level in MODELS}
    for _, row in rows:
        level = LEVELS.get(fold(row.get("niveau", "")))
        if level:
            codes[level].add(row.get("code", ""))
    known = {
        level: set(MODELS[level].objects.filter(code__in=wanted).values_list("code", flat=True))
        for level, wanted in codes.items()
        if wanted
    }
    for line, row in rows:
        problems = []
        level = LEVELS.get(fold(row.get("niveau", "")))
        code = row.get("code", "")
        if not level:
            problems.append(
                f"niveau « {row.get('niveau', '')} » inconnu (region, departement, epci ou commune)"
            )
        elif code not in known.get(level, set()):
            problems.append(f"{TerritoryLevel(level).label.lower()} de code « {code} » inconnu(e)")
        year = _integer(row.get("annee", ""))
        if year is None or not 1900 <= year <= 2100:
            problems.append(f"année « {row.get('annee', '')} » invalide (4 chiffres attendus)")
        employees = _integer(row.get("emplois_salaries", ""))
        if employees is None or employees < 0:
            problems.append(
                f"emplois salariés « {row.get('emplois_salaries', '')} » invalide "
                "(nombre entier positif attendu)"
            )
        if not problems and (level, code, year) in seen:
            problems.append(f"doublon de la ligne {seen[(level, code, year)]}")
        if problems:
            errors.append(f"ligne {line} : " + " ; ".join(problems))
            continue
        seen[(level, code, year)] = line
        records.append((level, code, year, employees, row.get("source", "")[:200]))
    if errors:
        count = len(errors)
        listed = errors[:MAX_LISTED_ERRORS]
        if count > len(listed):
            listed.append(f"… et {count - len(listed)} autre(s) erreur(s).")
        raise ReferenceFileError(
            [f"Fichier refusé : {count} erreur(s), rien n'a été importé.", *listed]
        )
    return records


def _integer(text):
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def import_reference_employment(data, *, default_source=""):
    """Import the CSV bytes `data`; returns a ReferenceImportReport."""
    records = validate(read_rows(data))
    report = ReferenceImportReport()
    with transaction.atomic():
        for level, code, year, employees, source in records:
            _, created = ReferenceEmployment.objects.update_or_create(
                level=level,
                code=code,
                year=year,
                defaults={"employees": employees, "source": source or default_source},
            )
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report
