"""Import of the Répertoire national des associations (RNA, the "waldec" export).

The file is ';'-separated and ISO-8859-1; data.gouv.fr ships it as a zip holding one
CSV per département, which is read member after member. An association is linked to its
SIRENE organisation through the first nine digits of its SIRET; otherwise it gets an
organisation of its own, keyed by its RNA number, with a head office without SIRET.

Personal data never enters: the manager's civility (dir_civilite) and the management
address (adrg_*, often a private person's home) are not read."""

import re
import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from ..enums import AdministrativeStatus, Diffusion, EssFamily, ImportKind, Source
from ..identifiers import is_valid_rna, is_valid_siret
from ..models import Establishment, Organisation
from .base import (
    BATCH_SIZE,
    Communes,
    CsvFile,
    ErrorLog,
    ImportRejected,
    Progress,
    changed_fields,
    clean,
    configured_region,
    counter,
    format_address,
    parse_date,
)
from .formats import RNA_HEADER

COLUMNS = [
    "id", "siret", "rup_mi", "date_creat", "date_disso", "titre", "titre_court",
    "adrs_numvoie", "adrs_repetition", "adrs_typevoie", "adrs_libvoie", "adrs_codeinsee",
    "adrs_codepostal", "siteweb", "position",
]  # fmt: skip
NO_DATE = "0001-01-01"
# "Ã©" and its kind: UTF-8 text read as ISO-8859-1.
MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]")
ORGANISATION_FIELDS = [
    "rna", "siren", "name", "acronym", "legal_category", "ess_family", "is_public_utility",
    "created_on", "closed_on", "status", "diffusion",
]  # fmt: skip
ESTABLISHMENT_FIELDS = [
    "address", "postal_code", "commune_id", "latitude", "longitude", "coordinate_precision",
    "is_head_office", "status", "created_on", "closed_on",
]  # fmt: skip
validate_url = URLValidator(schemes=["http", "https"])


def website(value):
    value = value.strip()
    try:
        validate_url(value)
    except ValidationError:
        return ""
    return value if len(value) <= 200 else ""


class RnaImporter:
    kind = ImportKind.RNA

    def __init__(
        self,
        path,
        *,
        all_regions=False,
        dry_run=False,
        encoding="iso-8859-1",
        progress=None,
        batch_size=BATCH_SIZE,
    ):
        self.path = path
        self.region = configured_region(all_regions)
        self.dry_run = dry_run
        self.encoding = encoding
        self.progress = Progress(progress)
        self.batch_size = batch_size
        self.errors = ErrorLog()

    def run(self):
        started = time.monotonic()
        self.now = timezone.now()
        self.communes = Communes(self.region)
        self.report = {
            "kind": self.kind.value,
            "dry_run": self.dry_run,
            "region": self.region or "toute la France",
            "organisations": counter(),
            "establishments": counter(),
            "skipped": {"associations_outside_region": 0, "associations_deleted": 0},
            "linked_to_sirene": 0,
            "siren_conflicts": 0,
            "lines": {"rna": 0},
            "timing": {},
            "rates": {},
        }
        self.seen = set()
        step = time.monotonic()
        self._pass(write=False)
        self.report["timing"]["validation"] = round(time.monotonic() - step, 2)
        if self.errors:
            raise ImportRejected(self.errors, self.report)
        step = time.monotonic()
        self._pass(write=True)
        self.report["timing"]["écriture"] = round(time.monotonic() - step, 2)
        self.report["timing"]["total"] = round(time.monotonic() - started, 2)
        return self.report

    def _pass(self, *, write):
        source = CsvFile(
            self.path, delimiter=";", encoding=self.encoding, errors=self.errors, several=True
        )
        what = "RNA (écriture)" if write else "RNA (contrôle)"
        started = time.monotonic()
        total = 0
        batch = []
        with source.members() as members:
            for label, stream in members:
                if not source.read(stream, label) or not source.check_columns(COLUMNS, RNA_HEADER):
                    return
                self.columns = {name: i for i, name in enumerate(source.header)}
                i_commune, width = self.columns["adrs_codeinsee"], len(source.header)
                for row in source:
                    total += 1
                    if not total % self.progress.every:
                        self.progress(what, total, started)
                    if len(row) != width:
                        if row and not write:
                            source.wrong_length(row)
                        continue
                    code = clean(row[i_commune])
                    where = self.communes.scope(code)
                    if where == "out":
                        if not write:
                            self.report["skipped"]["associations_outside_region"] += 1
                        continue
                    if where == "unknown":
                        source.errors.add(
                            source.label, source.line, f"commune inconnue « {code} »."
                        )
                        continue
                    if write:
                        values = self._values(row)
                        if values is not None:
                            batch.append(values)
                        if len(batch) >= self.batch_size:
                            self._write(batch)
                            batch = []
                        continue
                    try:
                        values = self._values(row)
                    except ValueError as error:
                        source.errors.add(source.label, source.line, f"{error}.")
                        continue
                    if values is None:
                        self.report["skipped"]["associations_deleted"] += 1
                        continue
                    if values["rna"] in self.seen:
                        source.errors.add(
                            source.label, source.line, f"numéro RNA « {values['rna']} » en double."
                        )
                    self.seen.add(values["rna"])
        if batch:
            self._write(batch)
        if not write:
            self.report["lines"]["rna"] = total
        self.report["rates"][what] = round(total / max(time.monotonic() - started, 1e-9))

    def _values(self, row):
        """The association's values, None for a deleted record; ValueError if invalid."""
        c = self.columns

        def get(name):
            return clean(row[c[name]])

        rna = get("id").upper()
        if not is_valid_rna(rna):
            raise ValueError(f"numéro RNA invalide « {rna} » (W suivi de 9 caractères)")
        for name in ("titre", "titre_court", "adrs_libvoie"):
            if MOJIBAKE.search(row[c[name]]):
                raise ValueError(
                    f"caractères mal décodés dans « {name} » : le fichier semble encodé en "
                    f"UTF-8 et non en {self.encoding.upper()} (option --encoding)"
                )
        siret = get("siret").replace(" ", "")
        if siret and not is_valid_siret(siret):
            raise ValueError(f"SIRET invalide « {siret} »")
        position = get("position").upper()
        if position not in ("A", "D", "S"):
            raise ValueError(f"position inconnue « {position} » (attendu : A, D ou S)")
        if position == "S":
            return None
        name = get("titre") or get("titre_court")
        if not name:
            raise ValueError("titre manquant")
        dissolved = position == "D"
        short = get("titre_court")
        rup = get("rup_mi")
        code = get("adrs_codeinsee")
        return {
            "rna": rna,
            "siren": siret[:9] or None,
            "name": name[:255],
            "acronym": short[:100] if short and short != name else "",
            # RUP associations have INSEE category 9230; the others are 9220.
            "legal_category": "9230" if rup else "9220",
            "ess_family": EssFamily.ASSOCIATION,
            "is_public_utility": bool(rup),
            "created_on": parse_date(row[c["date_creat"]], empty=("", NO_DATE)),
            "closed_on": parse_date(row[c["date_disso"]], empty=("", NO_DATE))
            if dissolved
            else None,
            "status": AdministrativeStatus.CLOSED if dissolved else AdministrativeStatus.ACTIVE,
            "diffusion": Diffusion.PUBLIC,
            "website": website(get("siteweb")),
            "establishment": {
                "address": format_address(
                    get("adrs_numvoie"),
                    get("adrs_repetition"),
                    get("adrs_typevoie"),
                    get("adrs_libvoie"),
                ),
                "postal_code": get("adrs_codepostal")[:5],
                "commune_id": code,
                **dict(
                    zip(
                        ("latitude", "longitude", "coordinate_precision"),
                        self.communes.centre[code],
                        strict=True,
                    )
                ),
                "is_head_office": True,
            },
        }

    def _write(self, batch):
        counts = self.report["organisations"]
        with transaction.atomic():
            by_rna = {
                o.rna: o for o in Organisation.objects.filter(rna__in=[v["rna"] for v in batch])
            }
            sirens = {v["siren"] for v in batch if v["siren"]}
            by_siren = {o.siren: o for o in Organisation.objects.filter(siren__in=sirens)}
            to_create, to_update, heads = [], [], []
            for values in batch:
                establishment = values.pop("establishment")
                site = values.pop("website")
                obj = by_rna.get(values["rna"])
                siren_holder = by_siren.get(values["siren"]) if values["siren"] else None
                if obj is None and siren_holder is not None and siren_holder.rna is None:
                    obj = siren_holder
                if siren_holder is not None and siren_holder is not obj:
                    # Another organisation holds this SIREN (a duplicate for staff to merge).
                    self.report["siren_conflicts"] += 1
                    values["siren"] = None
                if obj is not None and obj.source == Source.SIRENE:
                    # SIRENE is the reference for the registry fields: the RNA adds its
                    # number and what only it knows.
                    self.report["linked_to_sirene"] += 1
                    values = {
                        "rna": obj.rna or values["rna"],
                        "is_public_utility": values["is_public_utility"],
                    }
                    establishment = None
                elif obj is not None and obj.siren and values["siren"] != obj.siren:
                    values["siren"] = obj.siren
                if obj is None:
                    obj = Organisation(**values, source=Source.RNA, website=site)
                    obj.source_updated_at = self.now
                    obj.refresh_search_text()
                    to_create.append(obj)
                    by_rna[obj.rna] = obj
                    if obj.siren:
                        by_siren[obj.siren] = obj
                    counts["created"] += 1
                else:
                    changed = changed_fields(obj, values)
                    if site and not obj.website:
                        # The website is a profile field: filled when empty, never replaced.
                        obj.website = site
                        changed.append("website")
                    if changed:
                        if (
                            obj.status == AdministrativeStatus.ACTIVE
                            and values.get("status") == AdministrativeStatus.CLOSED
                        ):
                            counts["closed"] += 1
                        for name, value in values.items():
                            setattr(obj, name, value)
                        if obj.source != Source.SIRENE:
                            obj.source = Source.RNA
                        obj.source_updated_at = obj.updated_at = self.now
                        obj.refresh_search_text()
                        to_update.append(obj)
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
                if establishment is not None:
                    establishment["status"] = obj.status
                    establishment["created_on"] = obj.created_on
                    establishment["closed_on"] = obj.closed_on
                    heads.append((obj, establishment))
            if not self.dry_run:
                Organisation.objects.bulk_create(to_create)
                if to_update:
                    Organisation.objects.bulk_update(
                        to_update,
                        [
                            *ORGANISATION_FIELDS,
                            "website",
                            "source",
                            "source_updated_at",
                            "updated_at",
                            "search_text",
                        ],
                    )
            self._write_head_offices(heads)

    def _write_head_offices(self, heads):
        """The association's registered address, as an establishment without SIRET."""
        counts = self.report["establishments"]
        existing = {}
        ids = [obj.pk for obj, _ in heads if obj.pk]
        for e in Establishment.objects.filter(
            organisation_id__in=ids, siret=None, source=Source.RNA
        ).order_by("pk"):
            existing.setdefault(e.organisation_id, e)
        to_create, to_update = [], []
        for obj, values in heads:
            current = existing.get(obj.pk) if obj.pk else None
            if current is None:
                to_create.append(
                    Establishment(
                        organisation=obj, **values, source=Source.RNA, source_updated_at=self.now
                    )
                )
                counts["created"] += 1
                continue
            if not changed_fields(current, values):
                counts["unchanged"] += 1
                continue
            if (
                current.status == AdministrativeStatus.ACTIVE
                and values["status"] == AdministrativeStatus.CLOSED
            ):
                counts["closed"] += 1
            for name, value in values.items():
                setattr(current, name, value)
            current.source_updated_at = self.now
            to_update.append(current)
            counts["updated"] += 1
        if not self.dry_run:
            Establishment.objects.bulk_create(to_create)
            if to_update:
                Establishment.objects.bulk_update(
                    to_update, [*ESTABLISHMENT_FIELDS, "source_updated_at"]
                )
