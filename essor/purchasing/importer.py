"""`essor import_suppliers FILE`: supplier profiles from a CSV file, declared on the
skeleton of essor.core.importing (the whole file is checked before anything is written,
rejected with its line numbers, and a second import of the same file changes nothing).

Format (UTF-8, `;` or `,` separator, one row per organisation, lists separated by `|`):

| column | content |
| --- | --- |
| `siren` (required) | SIREN of an organisation of the directory |
| `categories` (required) | codes of the purchase categories (data/categories.json) |
| `perimetre` (required) | the perimeter: `national`, `region:75`, `departement:16`, `epci:200071827`, `commune:16015`, `radius:16015:30` |
| `statut` | `publiee` (default) or `brouillon` |
| `resume` | one sentence, 240 characters at most |
| `effectif`, `chiffre_affaires` | bands: `0-9`, `10-49`, `50-249`, `250+`; `<100k`, `100k-500k`, `500k-2m`, `2m-10m`, `10m+` |
| `certifications`, `references` | lists |
| `email` | the address buyers write to |
| `scic` | `oui` when the organisation is a SCIC |
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from essor.core.importing import File, Importer, RowError, register
from essor.directory.models import Organisation
from essor.territories.areas import parse_areas

from .enums import HeadcountBand, ProfileStatus, TurnoverBand
from .models import PurchaseCategory, SupplierProfile
from .services import save_profile

STATUSES = {"publiee": ProfileStatus.PUBLISHED, "brouillon": ProfileStatus.DRAFT}
MAX_ROWS = 50_000


@dataclass
class Row:
    siren: str
    fields: dict
    categories: list
    areas: list
    status: str


def _list(value):
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@register
class SupplierImporter(Importer):
    kind = "suppliers"
    label = "Fournisseurs (achats responsables)"
    description = (
        "Importe des fiches fournisseurs (CSV : siren, categories, perimetre…) de structures "
        "de l'annuaire : tout le fichier est vérifié avant d'écrire ; une fiche déjà importée "
        "est mise à jour, jamais dupliquée."
    )
    files = (File("file", "Fichier des fournisseurs", extensions=(".csv",)),)
    columns = ["siren", "categories", "perimetre"]
    known_columns = [
        "statut", "resume", "effectif", "chiffre_affaires", "certifications", "references",
        "email", "scic",
    ]  # fmt: skip
    strict_columns = True
    delimiter = None
    entities = {"suppliers": "Fiches fournisseurs"}
    key_label = "SIREN"
    max_rows = MAX_ROWS

    def prepare(self):
        self.categories = dict(
            PurchaseCategory.objects.filter(parent__isnull=False).values_list("code", "pk")
        )
        self.organisations = {}

    def _organisation(self, siren):
        if siren not in self.organisations:
            self.organisations[siren] = Organisation.objects.filter(siren=siren).first()
        return self.organisations[siren]

    def clean_row(self, row):
        problems = []
        siren = "".join(row["siren"].split())
        if not (len(siren) == 9 and siren.isdigit()):
            problems.append(f"« siren » : 9 chiffres attendus, pas « {row['siren']} ».")
        elif self._organisation(siren) is None:
            problems.append(f"« siren » : aucune structure de l'annuaire n'a le SIREN {siren}.")
        codes = _list(row["categories"])
        if not codes:
            problems.append("« categories » : au moins une catégorie d'achat.")
        if unknown := sorted(set(codes) - set(self.categories)):
            problems.append(f"« categories » : catégorie(s) inconnue(s) : {', '.join(unknown)}.")
        areas, errors = parse_areas(row["perimetre"])
        problems.extend(f"« perimetre » : {e}" for e in errors)
        if not areas and not errors:
            problems.append("« perimetre » : indiquez au moins un territoire.")
        status = (row.get("statut") or "publiee").strip().lower()
        if status not in STATUSES:
            problems.append("« statut » : « publiee » ou « brouillon » attendu.")
        fields = {
            "summary": (row.get("resume") or "").strip(),
            "headcount_band": (row.get("effectif") or "").strip(),
            "turnover_band": (row.get("chiffre_affaires") or "").strip(),
            "certifications": "\n".join(_list(row.get("certifications"))),
            "references": "\n".join(_list(row.get("references"))),
            "contact_email": (row.get("email") or "").strip(),
            "is_scic": (row.get("scic") or "").strip().lower() in {"oui", "1", "vrai"},
        }
        if len(fields["summary"]) > 240:
            problems.append("« resume » : 240 caractères au plus.")
        if fields["headcount_band"] not in HeadcountBand.values:
            problems.append(f"« effectif » : tranche inconnue « {fields['headcount_band']} ».")
        if fields["turnover_band"] not in TurnoverBand.values:
            problems.append(
                f"« chiffre_affaires » : tranche inconnue « {fields['turnover_band']} »."
            )
        if fields["contact_email"]:
            try:
                validate_email(fields["contact_email"])
            except ValidationError:
                problems.append(f"« email » : adresse invalide « {fields['contact_email']} ».")
        if problems:
            raise RowError(*problems)
        return Row(
            siren, fields, sorted(self.categories[c] for c in codes), areas, STATUSES[status]
        )

    def row_key(self, values):
        return values.siren

    def write_batch(self, batch):
        organisations = {
            o.siren: o for o in Organisation.objects.filter(siren__in=[r.siren for r in batch])
        }
        existing = {
            p.organisation.siren: p
            for p in SupplierProfile.objects.filter(organisation__siren__in=list(organisations))
            .select_related("organisation")
            .prefetch_related("categories", "areas")
        }
        for row in batch:
            profile = existing.get(row.siren)
            if profile is not None and self._unchanged(profile, row):
                self.count("suppliers", "unchanged")
                continue
            created = profile is None
            if created:
                profile = SupplierProfile(organisation=organisations[row.siren])
            for name, value in row.fields.items():
                setattr(profile, name, value)
            profile.status = row.status
            save_profile(profile, categories=row.categories, areas=row.areas)
            self.count("suppliers", "created" if created else "updated")

    @staticmethod
    def _unchanged(profile, row):
        return (
            all(getattr(profile, name) == value for name, value in row.fields.items())
            and profile.status == row.status
            and sorted(c.pk for c in profile.categories.all()) == row.categories
            and sorted(a.spec for a in profile.areas.all()) == sorted(row.areas)
        )
