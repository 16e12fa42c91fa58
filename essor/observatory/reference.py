"""Import of a reference table of total salaried employment per territory, declared on
the skeleton of essor.core.importing (`essor import_reference_employment`).

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

from essor.core.importing import File, Importer, Option, RowError, register
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


def _integer(text):
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


@register
class ReferenceEmploymentImporter(Importer):
    kind = "reference_employment"
    label = "Emploi salarié de référence"
    description = (
        "Importe l'emploi salarié total par territoire (CSV : niveau;code;annee;"
        "emplois_salaries[;source]), dénominateur de la part de l'ESS dans l'emploi."
    )
    files = (File("file", "Fichier de l'emploi salarié (CSV)", extensions=(".csv",)),)
    options = (
        Option(
            "source",
            "Source des chiffres",
            help="source des chiffres, si le fichier n'a pas de colonne source",
        ),
    )
    columns = REQUIRED
    known_columns = ["source"]
    delimiter = None
    entities = {"figures": "Chiffres d'emploi"}
    key_label = "territoire et année"

    def header_name(self, name):
        return fold(name).replace(" ", "_")

    def prepare(self):
        # Every territory's code, a few tens of thousands: one query per level.
        self.known = {
            level: set(model.objects.values_list("code", flat=True))
            for level, model in MODELS.items()
        }
        self.existing = {(r.level, r.code, r.year): r for r in ReferenceEmployment.objects.all()}

    def clean_row(self, row):
        problems = []
        level = LEVELS.get(fold(row["niveau"].strip()))
        code = row["code"].strip()
        if not level:
            problems.append(
                f"niveau « {row['niveau'].strip()} » inconnu (region, departement, epci ou commune)"
            )
        elif code not in self.known[level]:
            problems.append(f"{TerritoryLevel(level).label.lower()} de code « {code} » inconnu(e)")
        year = _integer(row["annee"].strip())
        if year is None or not 1900 <= year <= 2100:
            problems.append(f"année « {row['annee'].strip()} » invalide (4 chiffres attendus)")
        employees = _integer(row["emplois_salaries"].strip())
        if employees is None:
            problems.append(
                f"emplois salariés « {row['emplois_salaries'].strip()} » invalide "
                "(nombre entier positif attendu)"
            )
        if problems:
            raise RowError(*problems)
        source = row.get("source").strip()[:200] or self.source
        return {
            "level": level,
            "code": code,
            "year": year,
            "employees": employees,
            "source": source,
        }

    def row_key(self, values):
        return f"{values['level']} {values['code']} {values['year']}"

    def write_batch(self, batch):
        for values in batch:
            current = self.existing.get((values["level"], values["code"], values["year"]))
            if current is None:
                ReferenceEmployment.objects.create(**values)
                self.count("figures", "created")
            elif (current.employees, current.source) == (values["employees"], values["source"]):
                self.count("figures", "unchanged")
            else:
                current.employees, current.source = values["employees"], values["source"]
                current.save(update_fields=["employees", "source"])
                self.count("figures", "updated")
