"""Import of the CRESS's own lists (members, ESUS companies, SIAE...) through a mapping
file from their columns to ours; the format is documented in data/README.md and
data/csv_mapping_example.json.

The CRESS's list is trusted for what only it knows (ESUS agrément, labels) and for the
identity of organisations no registry knows. It never overrides SIRENE or the RNA on
their registry fields, and it fills profile fields (website, contact, description) only
where they are empty: what an organisation wrote about itself is never replaced."""

import json
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from essor.core.importing import File, register
from essor.core.readers import encoding_problem
from essor.core.text import fold

from ..enums import EssFamily, Source
from ..ess import ess_family as family_of_category
from ..identifiers import is_valid_rna, is_valid_siren, is_valid_siret
from ..models import Establishment, Label, Organisation
from ..nomenclatures import headcount_bands, legal_categories, naf_activities
from .base import (
    DATA_EXTENSIONS,
    Communes,
    DirectoryImporter,
    changed_fields,
)

FIELDS = {
    "siren": "SIREN (9 chiffres)",
    "siret": "SIRET (14 chiffres) d'un établissement",
    "rna": "numéro RNA (W suivi de 9 caractères)",
    "name": "nom de la structure",
    "acronym": "sigle",
    "legal_category": "catégorie juridique INSEE (4 chiffres)",
    "ess_family": "famille de l'ESS (association, coopérative, mutuelle, fondation, société commerciale de l'ESS)",
    "is_esus": "agrément ESUS (oui/non)",
    "website": "site web",
    "public_email": "e-mail de contact public",
    "public_phone": "téléphone public",
    "description": "présentation (Markdown)",
    "address": "adresse (numéro et voie)",
    "postal_code": "code postal",
    "commune": "code INSEE de la commune",
    "naf": "activité NAF rév. 2 (88.99B ou 8899B)",
    "headcount_band": "tranche d'effectif INSEE (NN, 00, 01… 53)",
    "labels": "codes des labels, séparés par des virgules",
}
REGISTRY = ["siren", "rna", "name", "acronym", "legal_category", "ess_family"]
PROFILE = ["website", "public_email", "public_phone", "description"]
PLACE = ["address", "postal_code", "commune_id", "latitude", "longitude", "coordinate_precision"]
ESTABLISHMENT_FIELDS = [*PLACE, "naf", "headcount_band"]
PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes", "y"}
FALSE = {"non", "n", "faux", "false", "0", "no", ""}
FAMILIES = {fold(label): value for value, label in EssFamily.choices} | {
    value: value for value in EssFamily.values
}
FAMILIES |= {"cooperative": EssFamily.COOPERATIVE, "mutuelle": EssFamily.MUTUAL}
FAMILIES |= {"fondation": EssFamily.FOUNDATION, "societe commerciale": EssFamily.COMMERCIAL}
validate_url = URLValidator(schemes=["http", "https"])
validate_email = EmailValidator()
MAX_MAPPING_BYTES = 100 * 1024


class MappingError(ValueError):
    pass


def _read_mapping(source):
    """The parsed JSON of a mapping file (or the dict given)."""
    if isinstance(source, dict):
        return source
    path = Path(source)
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise MappingError("fichier de correspondance trop volumineux (100 Ko au plus).")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"fichier de correspondance introuvable : {source}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MappingError(
            f"fichier de correspondance illisible (JSON attendu) : {error}"
        ) from None
    except RecursionError:
        # json.loads recurses once per nested array or object.
        raise MappingError(
            "fichier de correspondance illisible : trop de niveaux imbriqués (un objet "
            "JSON à deux niveaux est attendu, voir l'exemple)."
        ) from None


def load_mapping(source):
    """The mapping from a JSON file (path) or an already parsed dict, checked."""
    mapping = _read_mapping(source)
    if not isinstance(mapping, dict):
        raise MappingError("la correspondance doit être un objet JSON.")
    problems = []
    unknown_keys = set(mapping) - {"delimiter", "encoding", "columns", "defaults", "description"}
    if unknown_keys:
        problems.append(f"clés inconnues : {', '.join(sorted(unknown_keys))}")
    delimiter = mapping.get("delimiter", ";")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        problems.append("« delimiter » doit être un seul caractère (par exemple « ; »)")
    encoding = mapping.get("encoding", "utf-8")
    if (problem := encoding_problem(encoding)) is not None:
        problems.append(problem.rstrip("."))
    columns = mapping.get("columns")
    if not isinstance(columns, dict) or not columns:
        problems.append("« columns » doit associer des colonnes du fichier à nos champs")
        columns = {}
    defaults = mapping.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append("« defaults » doit être un objet JSON")
        defaults = {}
    # Only text in "columns" and plain values in "defaults": nothing nested.
    if not all(isinstance(v, str) for v in columns.values()):
        problems.append("« columns » doit associer à chaque colonne le nom d'un champ (texte)")
        columns = {k: v for k, v in columns.items() if isinstance(v, str)}
    if not all(isinstance(v, str | int | float) for v in defaults.values()):
        problems.append("« defaults » doit donner à chaque champ une valeur simple (texte)")
        defaults = {k: v for k, v in defaults.items() if isinstance(v, str | int | float)}
    targets = list(columns.values()) + list(defaults)
    for field in targets:
        if field not in FIELDS:
            problems.append(f"champ inconnu « {field} » (champs possibles : {', '.join(FIELDS)})")
    for field in set(columns.values()):
        if list(columns.values()).count(field) > 1:
            problems.append(f"le champ « {field} » est associé à plusieurs colonnes")
    if problems:
        raise MappingError("correspondance invalide : " + " ; ".join(problems) + ".")
    return {
        "delimiter": delimiter,
        "encoding": encoding,
        "columns": columns,
        "defaults": {k: str(v) for k, v in defaults.items()},
    }


@register
class CsvImporter(DirectoryImporter):
    kind = "csv"
    label = "Liste CSV de la CRESS"
    description = (
        "Importe une liste de structures de la CRESS (CSV) selon un fichier de "
        "correspondance JSON entre ses colonnes et nos champs (voir "
        "essor/directory/data/README.md)."
    )
    files = (
        File("file", "Fichier CSV de la CRESS", extensions=DATA_EXTENSIONS),
        File(
            "mapping",
            "Fichier de correspondance",
            extensions=(".json",),
            flag="--mapping",
            help="correspondance JSON entre les colonnes du fichier et nos champs",
        ),
    )

    def check(self):
        # The delimiter, the encoding and the columns come from the mapping.
        try:
            self.parsed_mapping = load_mapping(self.mapping)
        except MappingError as error:
            return [("mapping", str(error))]
        self.encoding = self.parsed_mapping["encoding"]
        self.delimiter = self.parsed_mapping["delimiter"]
        self.columns = list(self.parsed_mapping["columns"])
        return super().check()

    def prepare(self):
        self.report |= {"labels_added": 0, "identifier_conflicts": 0}
        self.communes = Communes(None)
        self.label_ids = dict(Label.objects.values_list("code", "id"))

    def clean_row(self, row):
        return self._values(row)

    def _values(self, row):
        raw = dict(self.parsed_mapping["defaults"])
        for column, field in self.parsed_mapping["columns"].items():
            cell = row[column].strip()
            if cell:
                raw[field] = cell
        values, problems = {}, []
        for field, text in raw.items():
            try:
                values[field] = getattr(self, f"_parse_{field}", _text)(text)
            except ValueError as error:
                problems.append(f"{FIELDS[field]} : {error}")
        siret, siren = values.get("siret"), values.get("siren")
        if siret and siren and not siret.startswith(siren):
            problems.append(f"le SIRET {siret} n'appartient pas au SIREN {siren}")
        if siret and not siren:
            values["siren"] = siret[:9]
        if not values.get("name"):
            problems.append("nom de la structure manquant")
        if not any(raw.get(k) for k in ("siren", "siret", "rna", "commune")):
            problems.append(
                "ni SIREN, ni SIRET, ni RNA, ni commune : la ligne ne pourrait pas être "
                "rapprochée lors d'un import suivant"
            )
        if problems:
            raise ValueError(" ; ".join(problems))
        if "ess_family" not in values and values.get("legal_category"):
            family = family_of_category(values["legal_category"])
            if family:
                values["ess_family"] = family
        return values

    # One parser per field; each returns the stored value or raises ValueError.

    @staticmethod
    def _parse_siren(text):
        value = text.replace(" ", "")
        if not is_valid_siren(value):
            raise ValueError(f"« {text} » n'est pas un SIREN valide")
        return value

    @staticmethod
    def _parse_siret(text):
        value = text.replace(" ", "")
        if not is_valid_siret(value):
            raise ValueError(f"« {text} » n'est pas un SIRET valide")
        return value

    @staticmethod
    def _parse_rna(text):
        value = text.upper().replace(" ", "")
        if not is_valid_rna(value):
            raise ValueError(f"« {text} » n'est pas un numéro RNA valide")
        return value

    @staticmethod
    def _parse_description(text):
        return text

    @staticmethod
    def _parse_name(text):
        return text[:255]

    @staticmethod
    def _parse_acronym(text):
        return text[:100]

    @staticmethod
    def _parse_legal_category(text):
        if text not in legal_categories():
            raise ValueError(f"catégorie juridique inconnue « {text} »")
        return text

    @staticmethod
    def _parse_ess_family(text):
        family = FAMILIES.get(fold(text))
        if family is None:
            raise ValueError(f"famille inconnue « {text} »")
        return family

    @staticmethod
    def _parse_is_esus(text):
        value = fold(text)
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise ValueError(f"« {text} » : oui ou non attendu")

    @staticmethod
    def _parse_website(text):
        value = text if "://" in text else f"https://{text}"
        try:
            validate_url(value)
        except ValidationError:
            raise ValueError(f"adresse web invalide « {text} »") from None
        return value[:200]

    @staticmethod
    def _parse_public_email(text):
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(f"adresse e-mail invalide « {text} »") from None
        return text

    @staticmethod
    def _parse_public_phone(text):
        if not PHONE.match(text):
            raise ValueError(f"numéro de téléphone invalide « {text} »")
        return text

    @staticmethod
    def _parse_postal_code(text):
        # Spreadsheets drop the leading zero of Ain's or Aisne's codes.
        value = text.zfill(5) if text.isdigit() else text
        if not (value.isdigit() and len(value) == 5):
            raise ValueError(f"code postal invalide « {text} »")
        return value

    def _parse_commune(self, text):
        value = text.zfill(5) if text.isdigit() else text.upper()
        if value not in self.communes.region_of:
            raise ValueError(f"commune inconnue « {text} » (code INSEE attendu)")
        return value

    @staticmethod
    def _parse_naf(text):
        value = text.upper().replace(" ", "")
        if re.match(r"^\d{4}[A-Z]$", value):
            value = f"{value[:2]}.{value[2:]}"
        if value not in naf_activities():
            raise ValueError(f"code NAF rév. 2 inconnu « {text} »")
        return value

    @staticmethod
    def _parse_headcount_band(text):
        value = text.zfill(2) if text.isdigit() else text.upper()
        if value not in headcount_bands():
            raise ValueError(f"tranche d'effectif inconnue « {text} »")
        return value

    def _parse_labels(self, text):
        codes = [code.strip() for code in text.split(",") if code.strip()]
        unknown = [code for code in codes if code not in self.label_ids]
        if unknown:
            raise ValueError(f"label(s) inconnu(s) : {', '.join(unknown)}")
        return codes

    # Writing

    def write_batch(self, batch):
        matches = self._match(batch)
        organisations = self._write_organisations(batch, matches)
        self._write_establishments(batch, organisations)
        self._write_labels(batch, organisations)

    def _match(self, batch):
        """Existing organisations by SIREN, then RNA, then exact name and commune."""
        sirens = {v["siren"] for v in batch if v.get("siren")}
        rnas = {v["rna"] for v in batch if v.get("rna")}
        by_siren = {o.siren: o for o in Organisation.objects.filter(siren__in=sirens)}
        by_rna = {o.rna: o for o in Organisation.objects.filter(rna__in=rnas)}
        names = {v["name"] for v in batch if v.get("commune")}
        communes = {v["commune"] for v in batch if v.get("commune")}
        by_place = {}
        rows = Establishment.objects.filter(
            organisation__name__in=names, commune_id__in=communes
        ).values_list("organisation__name", "commune_id", "organisation_id")
        place_ids = {(name, commune): pk for name, commune, pk in rows}
        found = Organisation.objects.in_bulk(set(place_ids.values()))
        for key, pk in place_ids.items():
            by_place[key] = found[pk]
        return by_siren, by_rna, by_place

    def _write_organisations(self, batch, matches):
        by_siren, by_rna, by_place = matches
        result, to_create, to_update, created = [], [], {}, set()
        for values in batch:
            place = (values["name"], values.get("commune"))
            obj = (
                by_siren.get(values.get("siren"))
                or by_rna.get(values.get("rna"))
                or by_place.get(place)
            )
            registry = {k: values[k] for k in REGISTRY if k in values}
            for key, index in (("siren", by_siren), ("rna", by_rna)):
                holder = index.get(registry.get(key))
                if key in registry and holder is not None and holder is not obj:
                    self.report["identifier_conflicts"] += 1
                    del registry[key]
            if obj is None:
                obj = Organisation(
                    **registry,
                    is_esus=values.get("is_esus", False),
                    **{k: values[k] for k in PROFILE if k in values},
                    source=Source.CSV,
                    source_updated_at=self.now,
                )
                obj.refresh_search_text()
                to_create.append(obj)
                created.add(id(obj))
                self.count("organisations", "created")
            else:
                changed = self._update_organisation(obj, values, registry)
                if id(obj) not in to_update and id(obj) not in created:
                    if changed:
                        to_update[id(obj)] = obj
                    self.count("organisations", "updated" if changed else "unchanged")
            # Later rows of the batch find what earlier rows created.
            for key, index in (("siren", by_siren), ("rna", by_rna)):
                if getattr(obj, key):
                    index.setdefault(getattr(obj, key), obj)
            if values.get("commune"):
                by_place.setdefault(place, obj)
            result.append(obj)
        Organisation.objects.bulk_create(to_create)
        if to_update:
            Organisation.objects.bulk_update(
                list(to_update.values()),
                [*REGISTRY, "is_esus", *PROFILE, "source", "source_updated_at"]
                + ["updated_at", "search_text"],
            )
        return result

    def _update_organisation(self, obj, values, registry):
        """Apply a row to an existing organisation: the registry fields unless a register
        feeds it, the ESUS flag, the profile fields it lacks. Whether anything changed."""
        changes = {}
        if not obj.is_from_registry:
            changes |= {k: v for k, v in registry.items() if getattr(obj, k) != v}
        if "is_esus" in values and obj.is_esus != values["is_esus"]:
            changes["is_esus"] = values["is_esus"]
        for k in PROFILE:
            if values.get(k) and not getattr(obj, k):
                changes[k] = values[k]
        if not changes:
            return False
        for k, v in changes.items():
            setattr(obj, k, v)
        if not obj.is_from_registry:
            obj.source = Source.CSV
        obj.source_updated_at = obj.updated_at = self.now
        obj.refresh_search_text()
        return True

    def _write_establishments(self, batch, organisations):
        sirets = {v["siret"] for v in batch if v.get("siret")}
        ids = {o.pk for o in organisations if o.pk}
        by_siret, by_org = {}, {}
        for e in Establishment.objects.filter(siret__in=sirets) | Establishment.objects.filter(
            organisation_id__in=ids
        ):
            if e.siret:
                by_siret[e.siret] = e
            by_org.setdefault(e.organisation_id, []).append(e)
        to_create, to_update, created = [], {}, set()
        for values, org in zip(batch, organisations, strict=True):
            place = {}
            if values.get("commune"):
                code = values["commune"]
                lat, lon, precision = self.communes.centre[code]
                place = {
                    "address": values.get("address", ""),
                    "postal_code": values.get("postal_code", ""),
                    "commune_id": code,
                    "latitude": lat,
                    "longitude": lon,
                    "coordinate_precision": precision,
                }
            activity = {k: values[k] for k in ("naf", "headcount_band") if k in values}
            known = by_org.setdefault(org.pk or id(org), [])
            siret = values.get("siret")
            if siret:
                current = by_siret.get(siret)
            else:
                current = next((e for e in known if not e.siret and e.source == Source.CSV), None)
                if current is None and (known or not place or org.is_from_registry):
                    # SIRENE or the RNA brings the establishments of its organisations: a
                    # CSV address does not add a duplicate without SIRET.
                    continue
            if current is None:
                e = Establishment(
                    organisation=org,
                    siret=siret,
                    **place,
                    **activity,
                    is_head_office=not known,
                    source=Source.CSV,
                    source_updated_at=self.now,
                )
                to_create.append(e)
                created.add(id(e))
                known.append(e)
                if siret:
                    by_siret[siret] = e
                self.count("establishments", "created")
                continue
            if current.source == Source.SIRENE or id(current) in created:
                self.count("establishments", "unchanged")
                continue
            changes = {**place, **activity}
            if not changed_fields(current, changes):
                self.count("establishments", "unchanged")
                continue
            for k, v in changes.items():
                setattr(current, k, v)
            current.source_updated_at = self.now
            to_update[current.pk] = current
            self.count("establishments", "updated")
        Establishment.objects.bulk_create(to_create)
        if to_update:
            Establishment.objects.bulk_update(
                list(to_update.values()), [*ESTABLISHMENT_FIELDS, "source_updated_at"]
            )

    def _write_labels(self, batch, organisations):
        """Labels are added, never removed: the list may be one of several sources."""
        through = Organisation.labels.through
        ids = [o.pk for o in organisations if o.pk]
        present = set(
            through.objects.filter(organisation_id__in=ids).values_list(
                "organisation_id", "label_id"
            )
        )
        wanted = set()
        for values, org in zip(batch, organisations, strict=True):
            for code in values.get("labels", []):
                pair = (org.pk or id(org), self.label_ids[code])
                if pair not in present:
                    wanted.add(pair)
        self.report["labels_added"] += len(wanted)
        if wanted:
            through.objects.bulk_create(
                [through(organisation_id=o, label_id=label) for o, label in wanted]
            )


def _text(text):
    return text[:255]
