"""Import of INSEE's Sirene stock files (StockUniteLegale and StockEtablissement).

Four streaming passes, in constant memory apart from a few sets of identifiers:
1. unités légales, validation: the SIRENs of the ESS perimeter;
2. établissements, validation: those of kept units located in scope, and the units
   that have at least one of them;
3. unités légales, writing: the organisations (those with an establishment in scope,
   and those already in the database);
4. établissements, writing.
Nothing is written unless passes 1 and 2 found no error."""

import functools
import re
import time

from django.db import transaction
from django.utils import timezone

from ..enums import AdministrativeStatus, CoordinatePrecision, Diffusion, ImportKind, Source
from ..ess import ess_family
from ..identifiers import is_valid_rna, is_valid_siren, is_valid_siret
from ..models import Establishment, Organisation
from ..nomenclatures import headcount_bands
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
from .formats import ESTABLISHMENT_HEADER, UNIT_HEADER
from .geo import sirene_to_wgs84

UNIT_COLUMNS = [
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "identifiantAssociationUniteLegale",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
]
# Also read when present: denominationUsuelle1UniteLegale, nomUniteLegale and
# prenomUsuelUniteLegale (the name of the rare unit without a denomination).

ESTABLISHMENT_COLUMNS = [
    "siren",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "etablissementSiege",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "dateDebut",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]
# Also read when present: nomenclatureActivitePrincipaleEtablissement (only NAFRev2
# codes are kept).


# The registry fields this importer owns on an organisation. `rna` is written only when
# SIRENE knows it (the RNA importer may have set it); `is_public_utility` belongs to
# the RNA importer.
ORGANISATION_FIELDS = [
    "siren", "name", "acronym", "legal_category", "ess_family", "ess_flag",
    "is_mission_company", "created_on", "closed_on", "status", "diffusion",
]  # fmt: skip
ESTABLISHMENT_FIELDS = [
    "siret", "organisation_id", "name", "address", "postal_code", "commune_id", "latitude",
    "longitude", "coordinate_precision", "naf", "headcount_band", "is_employer",
    "is_head_office", "status", "diffusion", "created_on", "closed_on",
]  # fmt: skip
NAF_PATTERN = re.compile(r"^\d{2}\.\d{2}[A-Z]$")


class SireneImporter:
    kind = ImportKind.SIRENE

    def __init__(
        self,
        unites_legales,
        etablissements,
        *,
        all_regions=False,
        dry_run=False,
        progress=None,
        batch_size=BATCH_SIZE,
    ):
        self.units_path = unites_legales
        self.establishments_path = etablissements
        self.region = configured_region(all_regions)
        self.dry_run = dry_run
        self.progress = Progress(progress)
        self.batch_size = batch_size
        self.errors = ErrorLog()

    def run(self):
        started = time.monotonic()
        self.now = timezone.now()
        self.communes = Communes(self.region)
        self.bands = set(headcount_bands())
        self.report = {
            "kind": self.kind.value,
            "dry_run": self.dry_run,
            "region": self.region or "toute la France",
            "organisations": counter(),
            "establishments": counter(),
            "skipped": {
                "units_outside_ess": 0,
                "establishments_outside_perimeter": 0,
                "establishments_outside_region": 0,
                "establishments_unlocated": 0,
            },
            "left_perimeter": 0,
            "left_perimeter_sample": [],
            "not_seen": 0,
            "rna_conflicts": 0,
            "lines": {"unites_legales": 0, "etablissements": 0},
            "timing": {},
            "rates": {},
        }
        self.kept = set()  # SIRENs of the ESS perimeter
        self.located = set()  # kept SIRENs with an establishment in scope
        self.seen_sirets = set()
        self.known_sirens = set(
            Organisation.objects.exclude(siren=None).values_list("siren", flat=True)
        )
        self.known_sirets = set(
            Establishment.objects.exclude(siret=None).values_list("siret", flat=True)
        )

        step = time.monotonic()
        self._units(write=False)
        self._timing("contrôle des unités légales", step)
        step = time.monotonic()
        if not self.errors:
            self._establishments(write=False)
        self._timing("contrôle des établissements", step)
        if self.errors:
            raise ImportRejected(self.errors, self.report)
        self._count_departures()

        step = time.monotonic()
        self.to_write = self.located | (self.kept & self.known_sirens)
        self._units(write=True)
        self._timing("écriture des structures", step)
        step = time.monotonic()
        self._establishments(write=True)
        self._timing("écriture des établissements", step)
        self._timing("total", started)
        return self.report

    def _timing(self, label, since):
        self.report["timing"][label] = round(time.monotonic() - since, 2)

    # Unités légales

    def _units(self, *, write):
        source = CsvFile(self.units_path, errors=self.errors)
        what = "unités légales (écriture)" if write else "unités légales (contrôle)"
        started = time.monotonic()
        count = 0
        with source.members() as members:
            for label, stream in members:
                if not source.read(stream, label) or not source.check_columns(
                    UNIT_COLUMNS, UNIT_HEADER
                ):
                    return
                columns = {name: i for i, name in enumerate(source.header)}
                self._unit_columns = columns
                if write and source.header[0] == "siren":
                    source.keep_first = self.to_write
                i_siren, width = columns["siren"], len(source.header)
                i_category = columns["categorieJuridiqueUniteLegale"]
                i_flag = columns["economieSocialeSolidaireUniteLegale"]
                # A few hundred (category, flag) pairs for millions of rows.
                family = functools.cache(ess_family)
                batch = []
                every = self.progress.every
                for count, row in enumerate(source, 1):  # noqa: B007 - counted below
                    if not count % every:
                        self.progress(what, count, started)
                    if len(row) != width:
                        if row and not write:
                            source.wrong_length(row)
                        continue
                    siren = row[i_siren].strip()
                    if write:
                        # Validated: every unit to write is in the ESS.
                        if siren in self.to_write:
                            batch.append(self._unit_values(row))
                            if len(batch) >= self.batch_size:
                                self._write_units(batch)
                                batch = []
                        continue
                    if family(row[i_category].strip(), row[i_flag].strip()) is None:
                        self.report["skipped"]["units_outside_ess"] += 1
                        continue
                    if siren in self.kept:
                        source.errors.add(
                            source.label, source.line, f"SIREN « {siren} » en double."
                        )
                        continue
                    if not is_valid_siren(siren):
                        source.errors.add(source.label, source.line, f"SIREN invalide « {siren} ».")
                        continue
                    try:
                        self._unit_values(row)
                    except ValueError as error:
                        source.errors.add(source.label, source.line, f"{error}.")
                        continue
                    self.kept.add(siren)
                if batch:
                    self._write_units(batch)
        if not write:
            self.report["lines"]["unites_legales"] = count
            self._rate("unités légales (contrôle)", count, started)

    def _unit_values(self, row):
        c = self._unit_columns

        def get(name):
            return clean(row[c[name]]) if name in c else ""

        siren = row[c["siren"]].strip()
        category = get("categorieJuridiqueUniteLegale")
        flag = get("economieSocialeSolidaireUniteLegale")
        state = get("etatAdministratifUniteLegale")
        if state not in ("A", "C"):
            raise ValueError(f"état administratif inconnu « {state} » (attendu : A ou C)")
        rna = get("identifiantAssociationUniteLegale").upper()
        person = " ".join(filter(None, [get("prenomUsuelUniteLegale"), get("nomUniteLegale")]))
        name = (
            get("denominationUniteLegale")
            or get("denominationUsuelle1UniteLegale")
            or person
            or get("sigleUniteLegale")
            or f"Unité légale {siren} (nom non diffusé)"
        )
        closed = state == "C"
        return {
            "siren": siren,
            # SIRENE's association numbers are sometimes old prefecture numbers: only a
            # valid W number is kept.
            "rna": rna if is_valid_rna(rna) else None,
            "name": name[:255],
            "acronym": get("sigleUniteLegale")[:100],
            "legal_category": category,
            "ess_family": ess_family(category, flag),
            "ess_flag": {"O": True, "N": False}.get(flag),
            "is_mission_company": get("societeMissionUniteLegale") == "O",
            "created_on": parse_date(row[c["dateCreationUniteLegale"]]),
            "closed_on": parse_date(row[c["dateDebut"]]) if closed else None,
            "status": AdministrativeStatus.CLOSED if closed else AdministrativeStatus.ACTIVE,
            "diffusion": Diffusion.PARTIAL
            if get("statutDiffusionUniteLegale") in ("P", "N")
            else Diffusion.PUBLIC,
        }

    def _write_units(self, batch):
        counts = self.report["organisations"]
        with transaction.atomic():
            sirens = [values["siren"] for values in batch]
            existing = {o.siren: o for o in Organisation.objects.filter(siren__in=sirens)}
            rnas = [values["rna"] for values in batch if values["rna"]]
            holders = {o.rna: o for o in Organisation.objects.filter(rna__in=rnas)}
            to_create, to_update, taken = [], [], set()
            for values in batch:
                rna = values.pop("rna")
                obj = existing.get(values["siren"])
                holder = holders.get(rna) if rna else None
                if obj is None and holder is not None and holder.siren is None:
                    # An association first imported from the RNA: it now has its SIREN.
                    obj = holder
                if rna and (rna in taken or (holder is not None and holder is not obj)):
                    self.report["rna_conflicts"] += 1
                    rna = None
                if rna:
                    taken.add(rna)
                if obj is None:
                    obj = Organisation(**values, rna=rna, source=Source.SIRENE)
                    obj.source_updated_at = self.now
                    obj.refresh_search_text()
                    to_create.append(obj)
                    counts["created"] += 1
                    continue
                if rna:
                    values["rna"] = rna
                changed = changed_fields(obj, values)
                if not changed and obj.source == Source.SIRENE:
                    counts["unchanged"] += 1
                    continue
                if (
                    obj.status == AdministrativeStatus.ACTIVE
                    and values["status"] == AdministrativeStatus.CLOSED
                ):
                    counts["closed"] += 1
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.source = Source.SIRENE
                obj.source_updated_at = obj.updated_at = self.now
                obj.refresh_search_text()
                to_update.append(obj)
                counts["updated"] += 1
            if not self.dry_run:
                Organisation.objects.bulk_create(to_create)
                if to_update:
                    Organisation.objects.bulk_update(
                        to_update,
                        [
                            *ORGANISATION_FIELDS,
                            "rna",
                            "source",
                            "source_updated_at",
                            "updated_at",
                            "search_text",
                        ],
                    )

    # Établissements

    def _establishments(self, *, write):
        source = CsvFile(self.establishments_path, errors=self.errors)
        what = "établissements (écriture)" if write else "établissements (contrôle)"
        skipped = self.report["skipped"]
        started = time.monotonic()
        count = 0
        with source.members() as members:
            for label, stream in members:
                if not source.read(stream, label):
                    return
                if not source.check_columns(ESTABLISHMENT_COLUMNS, ESTABLISHMENT_HEADER):
                    return
                columns = {name: i for i, name in enumerate(source.header)}
                self._establishment_columns = columns
                if source.header[0] == "siren":
                    source.keep_first = self.located if write else self.kept
                i_siren, i_siret = columns["siren"], columns["siret"]
                i_commune, width = columns["codeCommuneEtablissement"], len(source.header)
                kept, known_sirets, scope = self.kept, self.known_sirets, self.communes.scope
                batch = []
                every = next_report = self.progress.every
                for count, row in enumerate(source, 1):  # noqa: B007 - counted below
                    # Most lines are filtered before they become rows: count lines.
                    if source.line > next_report:
                        self.progress(what, source.line - 1, started)
                        next_report += every
                    if len(row) != width:
                        if row and not write:
                            source.wrong_length(row)
                        continue
                    # The hot path: most rows belong to units outside the ESS.
                    if row[i_siren].strip() not in kept:
                        if not write:
                            skipped["establishments_outside_perimeter"] += 1
                        continue
                    code = clean(row[i_commune])
                    where = scope(code)
                    siret = row[i_siret].strip()
                    if where == "unknown":
                        source.errors.add(
                            source.label, source.line, f"commune inconnue « {code} »."
                        )
                        continue
                    # An establishment already known that moved out of the region is
                    # still followed, so that its new address is not missed.
                    if where == "out" and not (
                        siret in known_sirets and code in self.communes.region_of
                    ):
                        if not write:
                            key = "establishments_outside_region" if code else None
                            skipped[key or "establishments_unlocated"] += 1
                        continue
                    if write:
                        batch.append(self._establishment_values(row))
                        if len(batch) >= self.batch_size:
                            self._write_establishments(batch)
                            batch = []
                        continue
                    if siret in self.seen_sirets:
                        source.errors.add(
                            source.label, source.line, f"SIRET « {siret} » en double."
                        )
                        continue
                    try:
                        self._establishment_values(row)
                    except ValueError as error:
                        source.errors.add(source.label, source.line, f"{error}.")
                        continue
                    self.seen_sirets.add(siret)
                    self.located.add(siret[:9])
                if batch:
                    self._write_establishments(batch)
        if not write:
            count += source.filtered
            skipped["establishments_outside_perimeter"] += source.filtered
            self.report["lines"]["etablissements"] = count
            self._rate("établissements (contrôle)", count, started)
        else:
            self._rate("établissements (écriture)", count + source.filtered, started)

    def _rate(self, label, count, started):
        self.report["rates"][label] = round(count / max(time.monotonic() - started, 1e-9))

    def _establishment_values(self, row):
        c = self._establishment_columns

        def get(name):
            return clean(row[c[name]]) if name in c else ""

        siren, siret = row[c["siren"]].strip(), row[c["siret"]].strip()
        if not is_valid_siret(siret) or not siret.startswith(siren):
            raise ValueError(f"SIRET invalide « {siret} »")
        state = get("etatAdministratifEtablissement")
        if state not in ("A", "F"):
            raise ValueError(f"état administratif inconnu « {state} » (attendu : A ou F)")
        closed = state == "F"
        code = get("codeCommuneEtablissement")
        diffusion = (
            Diffusion.PARTIAL
            if get("statutDiffusionEtablissement") in ("P", "N")
            else Diffusion.PUBLIC
        )
        point = None
        x = get("coordonneeLambertAbscisseEtablissement").replace(",", ".")
        y = get("coordonneeLambertOrdonneeEtablissement").replace(",", ".")
        if x and y:
            try:
                point = sirene_to_wgs84(float(x), float(y), code)
            except ValueError:
                raise ValueError(f"coordonnées invalides « {x} ; {y} »") from None
        # A partially diffusible establishment is shown at its commune, whatever INSEE
        # lets through: its address is what the person asked to keep private.
        if point and diffusion == Diffusion.PUBLIC:
            latitude, longitude, precision = *point, CoordinatePrecision.ADDRESS
        else:
            latitude, longitude, precision = self.communes.centre[code]
        naf = get("activitePrincipaleEtablissement")
        nomenclature = get("nomenclatureActivitePrincipaleEtablissement")
        if (nomenclature and nomenclature != "NAFRev2") or not NAF_PATTERN.match(naf):
            naf = ""
        band = get("trancheEffectifsEtablissement")
        return {
            "siret": siret,
            "siren": siren,
            "name": (get("enseigne1Etablissement") or get("denominationUsuelleEtablissement"))[
                :255
            ],
            "address": format_address(
                get("numeroVoieEtablissement"),
                get("indiceRepetitionEtablissement"),
                get("typeVoieEtablissement"),
                get("libelleVoieEtablissement"),
            ),
            "postal_code": get("codePostalEtablissement")[:5],
            "commune_id": code,
            "latitude": latitude,
            "longitude": longitude,
            "coordinate_precision": precision,
            "naf": naf,
            "headcount_band": band if band in self.bands else "",
            "is_employer": get("caractereEmployeurEtablissement") == "O",
            "is_head_office": get("etablissementSiege").lower() == "true",
            "status": AdministrativeStatus.CLOSED if closed else AdministrativeStatus.ACTIVE,
            "diffusion": diffusion,
            "created_on": parse_date(row[c["dateCreationEtablissement"]]),
            "closed_on": parse_date(row[c["dateDebut"]]) if closed else None,
        }

    def _write_establishments(self, batch):
        counts = self.report["establishments"]
        with transaction.atomic():
            sirets = [values["siret"] for values in batch]
            existing = {e.siret: e for e in Establishment.objects.filter(siret__in=sirets)}
            organisation_ids = dict(
                Organisation.objects.filter(siren__in={v["siren"] for v in batch}).values_list(
                    "siren", "id"
                )
            )
            to_create, to_update = [], []
            for values in batch:
                # In a dry run a new unit has no row yet: its establishments count as new.
                values["organisation_id"] = organisation_ids.get(values.pop("siren"))
                obj = existing.get(values["siret"])
                if obj is None:
                    obj = Establishment(**values, source=Source.SIRENE, source_updated_at=self.now)
                    to_create.append(obj)
                    counts["created"] += 1
                    continue
                if not changed_fields(obj, values) and obj.source == Source.SIRENE:
                    counts["unchanged"] += 1
                    continue
                if (
                    obj.status == AdministrativeStatus.ACTIVE
                    and values["status"] == AdministrativeStatus.CLOSED
                ):
                    counts["closed"] += 1
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.source, obj.source_updated_at = Source.SIRENE, self.now
                to_update.append(obj)
                counts["updated"] += 1
            if not self.dry_run:
                Establishment.objects.bulk_create(to_create)
                if to_update:
                    Establishment.objects.bulk_update(
                        to_update, [*ESTABLISHMENT_FIELDS, "source", "source_updated_at"]
                    )

    def _count_departures(self):
        """Units that left the perimeter and establishments no longer in scope are
        reported, never deleted: the directory keeps their history."""
        sample = self.report["left_perimeter_sample"]
        for siren in (
            Organisation.objects.filter(source=Source.SIRENE)
            .exclude(siren=None)
            .values_list("siren", flat=True)
            .iterator()
        ):
            if siren not in self.kept:
                self.report["left_perimeter"] += 1
                if len(sample) < 20:
                    sample.append(siren)
        for siret in (
            Establishment.objects.filter(source=Source.SIRENE)
            .exclude(siret=None)
            .values_list("siret", flat=True)
            .iterator()
        ):
            if siret not in self.seen_sirets:
                self.report["not_seen"] += 1
