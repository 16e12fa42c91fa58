"""Import of a catalog of financing tools from a CSV file (`essor import_financing`).

Each row goes through the funder's form (ToolForm): the same rules, the same French
messages. The whole file is checked before anything is written; a file with one bad
row writes nothing. Rows are keyed by their `identifiant` (FinancingTool.import_id): a
second import of the same file changes nothing, an edited row updates its tool.

The columns are those of the API's CSV export (/api/financements/?format=csv), lists
separated by `|`, plus `identifiant`, `description`, `themes`, `contact`, the funders'
SIREN numbers (`financeurs_siren`) and `statut` (`publie`, the default, or `brouillon`).
The territory (`territoires`) is a `|`-separated list of `niveau:code` (`national`,
`region:75`, `departement:87`, `epci:200071470`, `commune:86194`, `radius:16015:30` for
30 km around a commune): see essor.territories.areas.parse_areas."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

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


class ImportRefused(Exception):
    """The file cannot be imported; `errors` says why, line by line, in French."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Report:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)

    def summary(self):
        return (
            f"{len(self.created)} créé(s), {len(self.updated)} mis à jour, "
            f"{len(self.unchanged)} inchangé(s)"
        )


@dataclass
class Row:
    line: int
    identifier: str
    form: ToolForm
    funders: list
    status: str


def _yes(value):
    return value.strip().lower() in {"oui", "vrai", "true", "1"}


def _read(text):
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in headers]
    unknown = [h for h in headers if h not in COLUMNS and h not in IGNORED and h not in OTHER]
    errors = []
    if missing:
        errors.append(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
    if unknown:
        errors.append(f"Colonnes inconnues : {', '.join(unknown)}.")
    if errors:
        raise ImportRefused(errors)
    reader.fieldnames = headers
    return reader


def _form_data(values):
    data = {}
    for column, name in COLUMNS.items():
        value = (values.get(column) or "").strip()
        if name in LISTS:
            data[name] = [v.strip() for v in value.split("|") if v.strip()]
        else:
            data[name] = value
    data["recurrence"] = Recurrence.YEARLY if _yes(values.get("chaque_annee") or "") else ""
    data["apply_mode"] = ApplyMode.EXTERNAL if data["external_url"] else ApplyMode.DOSSIER
    if (values.get("candidature_sur_essor") or "").strip():
        data["apply_mode"] = (
            ApplyMode.DOSSIER if _yes(values["candidature_sur_essor"]) else ApplyMode.EXTERNAL
        )
    data["envelope"] = data["envelope"] or "open"
    data["call_kind"] = data["call_kind"] or "permanent"
    return data


def _sirens(values):
    return [s.strip() for s in (values.get("financeurs_siren") or "").split("|") if s.strip()]


def check(text):
    """The rows of a CSV text, each with its bound and valid form; ImportRefused with
    every error of the file otherwise."""
    reader = _read(text)
    records = list(enumerate(reader, start=2))
    if len(records) > MAX_ROWS:
        raise ImportRefused([f"Plus de {MAX_ROWS} lignes : découpez le fichier."])
    existing = {
        t.import_id: t
        for t in FinancingTool.objects.filter(import_id__isnull=False).prefetch_related("funders")
    }
    # Every funder named in the file, in one query.
    named = {siren for _, values in records for siren in _sirens(values)}
    by_siren = {o.siren: o for o in Organisation.objects.filter(siren__in=named)}
    rows, errors, seen = [], [], {}
    for line, values in records:
        identifier = (values.get("identifiant") or "").strip()
        problems = []
        if not identifier:
            problems.append("« identifiant » : obligatoire.")
        elif identifier in seen:
            problems.append(f"« identifiant » : déjà employé ligne {seen[identifier]}.")
        elif len(identifier) > 100:
            problems.append("« identifiant » : 100 caractères au plus.")
        seen.setdefault(identifier, line)
        data = _form_data(values)
        areas, area_errors = parse_areas(values.get("territoires"))
        problems.extend(f"« territoires » : {e}" for e in area_errors)
        data.update(area_picker_data(areas))
        form = ToolForm(data, instance=existing.get(identifier))
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else "ligne"
                problems.extend(f"« {label} » : {m}" for m in messages)
        sirens = _sirens(values)
        funders = [by_siren[siren] for siren in sirens if siren in by_siren]
        unknown = sorted(set(sirens) - set(by_siren))
        if unknown:
            problems.append(
                f"« financeurs_siren » : aucune structure n'a le SIREN {', '.join(unknown)}."
            )
        status = (values.get("statut") or "publie").strip().lower()
        if status not in STATUSES:
            problems.append("« statut » : « publie » ou « brouillon » attendu.")
        if problems:
            errors.extend(f"Ligne {line} : {p}" for p in problems)
        else:
            rows.append(Row(line, identifier, form, funders, STATUSES[status]))
    if errors:
        raise ImportRefused(errors)
    return rows


def import_tools(text, *, dry_run=False):
    """Check, then write in one transaction; a Report of what changed."""
    rows = check(text)
    report = Report()
    with transaction.atomic():
        for row in rows:
            tool = row.form.instance
            is_new = tool.pk is None
            unchanged = (
                not is_new
                and not row.form.has_changed()
                and {f.pk for f in tool.funders.all()} == {f.pk for f in row.funders}
                and tool.status == row.status
            )
            if unchanged:
                report.unchanged.append(row.identifier)
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
            (report.created if is_new else report.updated).append(row.identifier)
        if dry_run:
            transaction.set_rollback(True)
    return report
