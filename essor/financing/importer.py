"""Import of a catalog of financing tools from a CSV file (`essor import_financing`),
declared on the skeleton of essor.core.importing.

Each row goes through the funder's form (ToolForm): the same rules, the same French
messages. The whole file is checked before anything is written; a file with one bad
row writes nothing. Rows are keyed by their `identifiant` (FinancingTool.import_id): a
second import of the same file changes nothing, an edited row updates its tool. The
separator (; or ,) is read from the header.

The columns are those of the API's CSV export (/api/financements/?format=csv), lists
separated by `|`, plus `identifiant`, `description`, `themes`, `contact`, the funders'
SIREN numbers (`financeurs_siren`) and `statut` (`publie`, the default, or `brouillon`).
The territory (`territoires`) is a `|`-separated list of `niveau:code` (`national`,
`region:75`, `departement:87`, `epci:200071470`, `commune:86194`, `radius:16015:30` for
30 km around a commune): see essor.territories.areas.parse_areas."""

import copy
from dataclasses import dataclass

from essor.core.importing import File, Importer, RowError, register
from essor.directory.models import Organisation
from essor.territories.areas import parse_areas
from essor.territories.forms import area_picker_data

from .enums import ApplyMode, Recurrence, ToolStatus
from .forms import ToolForm
from .models import FinancingTool
from .services import tool_publish, tool_save

# CSV column -> ToolForm field; lists are "|"-separated.
COLUMNS = {
    "intitule": "title", "resume": "summary", "description": "description",
    "programme": "programme", "instrument": "instrument", "type_appel": "call_kind",
    "ouverture": "opens_on", "cloture": "closes_on", "enveloppe": "envelope",
    "beneficiaires": "beneficiaries", "anciennete_min_mois": "min_age_months",
    "anciennete_max_mois": "max_age_months", "etapes": "phases", "besoins": "needs",
    "secteurs": "sectors", "themes": "themes", "montant_min": "amount_min",
    "montant_max": "amount_max",
    "taux": "rate", "lien_candidature": "external_url", "contact": "contact",
}  # fmt: skip
LISTS = {"beneficiaries", "phases", "needs", "sectors"}
REQUIRED = ["identifiant", "intitule", "resume", "instrument", "territoires"]
# Also accepted, so that the API's export can be imported back as is.
IGNORED = {
    "id", "instrument_libelle", "financeurs", "illustratif", "publie_le", "page",
}  # fmt: skip
OTHER = {
    "identifiant", "chaque_annee", "candidature_sur_essor", "financeurs_siren", "statut",
    "territoires",
}  # fmt: skip
STATUSES = {"publie": ToolStatus.PUBLISHED, "brouillon": ToolStatus.DRAFT}
MAX_ROWS = 5000


@dataclass
class Row:
    identifier: str
    form: ToolForm
    funders: list
    status: str


def _yes(value):
    return value.strip().lower() in {"oui", "vrai", "true", "1"}


def _form_data(row):
    data = {}
    for column, name in COLUMNS.items():
        value = (row.get(column) or "").strip()
        if name in LISTS:
            data[name] = [v.strip() for v in value.split("|") if v.strip()]
        else:
            data[name] = value
    data["recurrence"] = Recurrence.YEARLY if _yes(row.get("chaque_annee") or "") else ""
    data["apply_mode"] = ApplyMode.EXTERNAL if data["external_url"] else ApplyMode.DOSSIER
    if (row.get("candidature_sur_essor") or "").strip():
        data["apply_mode"] = (
            ApplyMode.DOSSIER if _yes(row["candidature_sur_essor"]) else ApplyMode.EXTERNAL
        )
    data["envelope"] = data["envelope"] or "open"
    data["call_kind"] = data["call_kind"] or "permanent"
    return data


def _sirens(row):
    return [s.strip() for s in row.get("financeurs_siren").split("|") if s.strip()]


@register
class FinancingImporter(Importer):
    kind = "financing"
    label = "Catalogue d'outils de financement"
    description = (
        "Importe un catalogue d'outils de financement (CSV, colonnes de l'export "
        "/api/financements/?format=csv plus « identifiant ») : tout le fichier est vérifié "
        "avant d'écrire ; une ligne déjà importée est mise à jour, jamais dupliquée."
    )
    files = (File("file", "Catalogue d'outils de financement", extensions=(".csv",)),)
    columns = REQUIRED
    known_columns = (*COLUMNS, *IGNORED, *OTHER)
    strict_columns = True
    delimiter = None
    entities = {"tools": "Outils de financement"}
    key_label = "identifiant"
    max_rows = MAX_ROWS

    def prepare(self):
        self.existing = {
            t.import_id: t
            for t in FinancingTool.objects.filter(import_id__isnull=False).prefetch_related(
                "funders"
            )
        }
        self.funders = {}  # SIREN -> Organisation or None, one query per funder

    def clean_row(self, row):
        identifier = row["identifiant"].strip()
        problems = []
        if not identifier:
            problems.append("« identifiant » : obligatoire.")
        elif len(identifier) > 100:
            problems.append("« identifiant » : 100 caractères au plus.")
        # A copy: validating a ModelForm writes the values onto its instance, and the
        # writing pass compares them with the stored ones again.
        data = _form_data(row)
        areas, area_errors = parse_areas(row.get("territoires"))
        problems.extend(f"« territoires » : {e}" for e in area_errors)
        data.update(area_picker_data(areas))
        existing = self.existing.get(identifier)
        form = ToolForm(data, instance=copy.copy(existing) if existing else None)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else "ligne"
                problems.extend(f"« {label} » : {m}" for m in messages)
        sirens = _sirens(row)
        for siren in sirens:
            if siren not in self.funders:
                self.funders[siren] = Organisation.objects.filter(siren=siren).first()
        unknown = sorted({siren for siren in sirens if self.funders[siren] is None})
        if unknown:
            problems.append(
                f"« financeurs_siren » : aucune structure n'a le SIREN {', '.join(unknown)}."
            )
        status = (row.get("statut") or "publie").strip().lower()
        if status not in STATUSES:
            problems.append("« statut » : « publie » ou « brouillon » attendu.")
        if problems:
            raise RowError(*problems)
        funders = [self.funders[siren] for siren in sirens]
        return Row(identifier, form, funders, STATUSES[status])

    def row_key(self, values):
        return values.identifier

    def write_batch(self, batch):
        for row in batch:
            tool = row.form.instance
            is_new = tool.pk is None
            unchanged = (
                not is_new
                and not row.form.has_changed()
                and {f.pk for f in tool.funders.all()} == {f.pk for f in row.funders}
                and tool.status == row.status
            )
            if unchanged:
                self.count("tools", "unchanged")
                continue
            tool = row.form.save(commit=False)
            tool.import_id = row.identifier
            tool_save(tool=tool, areas=row.form.areas())
            tool.funders.set(row.funders)
            if row.status == ToolStatus.PUBLISHED and tool.status != ToolStatus.PUBLISHED:
                tool_publish(tool=tool)
            elif row.status == ToolStatus.DRAFT and tool.status == ToolStatus.PUBLISHED:
                tool.status = ToolStatus.DRAFT
                tool.save(update_fields=["status", "updated_at"])
            self.count("tools", "created" if is_new else "updated")
