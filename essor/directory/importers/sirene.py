"""Import of INSEE's Sirene stock files (StockUniteLegale and StockEtablissement).

Four streaming passes, in constant memory apart from a few sets of identifiers:
1. unités légales, validation: the SIRENs of the ESS perimeter;
2. établissements, validation: those of kept units located in scope, and the units
   that have at least one of them;
3. unités légales, writing: the organisations (those with an establishment in scope,
   and those already in the database);
4. établissements, writing.
Nothing is written unless passes 1 and 2 found no error. Declared on the skeleton
of essor.core.importing, like every importer."""

import functools
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from essor.core.importing import File, Input, Option, register
from essor.core.readers import KeySet, digits, reader_for

from ..enums import AdministrativeStatus, CoordinatePrecision, Diffusion, Source
from ..ess import ess_family
from ..identifiers import (
    LA_POSTE_SIREN,
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    luhn_valid_array,
)
from ..models import Establishment, Organisation
from ..nomenclatures import headcount_bands
from .base import (
    ALL_REGIONS,
    DATA_EXTENSIONS,
    ND,
    Communes,
    DirectoryImporter,
    changed_fields,
    clean,
    configured_region,
    format_address,
    pa_strings,
    parse_date,
    valid_dates,
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
UNIT_PROJECTION = (
    *UNIT_COLUMNS,
    "denominationUsuelle1UniteLegale",
    "nomUniteLegale",
    "prenomUsuelUniteLegale",
)

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
ESTABLISHMENT_PROJECTION = (*ESTABLISHMENT_COLUMNS, "nomenclatureActivitePrincipaleEtablissement")


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
# What the checks in columns accept as is (anything else goes through clean_*).
FLAGS, UNIT_STATES, ESTABLISHMENT_STATES = ("O", "N", ""), ("A", "C"), ("A", "F")
NO_COMMUNE, NO_COORDINATE = ("", ND), ("", ND)
NUMBER = r"^-?[0-9]+([.,][0-9]*)?$"


def _isin(column, values):
    if not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    return pc.is_in(column, value_set=values).to_numpy(zero_copy_only=False)


def _matches(column, pattern):
    return pc.match_substring_regex(column, pattern).to_numpy(zero_copy_only=False)


@register
class SireneImporter(DirectoryImporter):
    kind = "sirene"
    label = "SIRENE (stocks INSEE)"
    description = (
        "Importe les structures de l'ESS et leurs établissements depuis les fichiers stock "
        "SIRENE de l'INSEE (StockUniteLegale et StockEtablissement, CSV ou zip)."
    )
    files = (
        File(
            "unites_legales",
            "Unités légales",
            extensions=DATA_EXTENSIONS,
            flag="--unites-legales",
            help="le fichier StockUniteLegale (CSV ou zip)",
        ),
        File(
            "etablissements",
            "Établissements",
            extensions=DATA_EXTENSIONS,
            flag="--etablissements",
            help="le fichier StockEtablissement (CSV ou zip)",
        ),
    )
    options = (
        ALL_REGIONS,
        Option(
            "line_reader",
            "Lecteur ligne à ligne",
            help="lit les fichiers ligne à ligne en Python au lieu du lecteur en colonnes "
            "(Arrow) : plus lent, pour comparer",
            boolean=True,
        ),
    )
    skip_reasons = (
        "units_outside_ess",
        "establishments_outside_perimeter",
        "establishments_outside_region",
        "establishments_unlocated",
    )

    def prepare(self):
        self.region = configured_region(self.all_regions)
        self.report["region"] = self.region or "toute la France"
        self.report |= {"left_perimeter": 0, "left_perimeter_sample": [], "not_seen": 0}
        self.report["rna_conflicts"] = 0
        self.communes = Communes(self.region)
        self.bands = set(headcount_bands())
        # A few hundred (category, flag) pairs for millions of rows.
        self.family = functools.cache(ess_family)
        # Every legal category that may be in the ESS (with SIRENE's ESS flag, for the
        # commercial companies): the columnar reader's filter of the units.
        self.ess_categories = {
            f"{n:04d}" for n in range(10_000) if ess_family(f"{n:04d}", "O") is not None
        }
        # The identifiers kept: Python sets for the line reader (its hot path tests
        # one string at a time), sorted integer arrays for the columnar one (millions of
        # keys in a few tens of MB, tested a whole column at a time).
        self.kept = set() if self.line_reader else KeySet(9)  # SIRENs of the ESS perimeter
        self.located = set() if self.line_reader else KeySet(9)  # those with a place in scope
        self.seen_sirets = set() if self.line_reader else KeySet(14)
        sirens = Organisation.objects.exclude(siren=None).values_list("siren", flat=True)
        sirets = Establishment.objects.exclude(siret=None).values_list("siret", flat=True)
        if self.line_reader:
            self.known_sirens, self.known_sirets = set(sirens), set(sirets)
        else:
            self.known_sirens = KeySet.of(9, sirens.iterator(chunk_size=10_000))
            self.known_sirets = KeySet.of(14, sirets.iterator(chunk_size=10_000))
        # The checks in columns: the (category, ESS flag) pairs of the ESS, the
        # communes in scope and those known outside it.
        self.ess_pairs = pa_strings(
            category + flag
            for category in self.ess_categories
            for flag in ("O", "N", "")
            if ess_family(category, flag) is not None
        )
        self.scope_codes = pa_strings(
            code for code in self.communes.region_of if self.communes.scope(code) == "in"
        )
        self.outside_codes = pa_strings(
            code for code in self.communes.region_of if self.communes.scope(code) == "out"
        )
        self.region_departements = pa_strings(self.communes.region_departements)

    def inputs(self):
        # The stock files are UTF-8: Arrow reads them in columns, and the semi-join on
        # the kept units drops the other establishments before any Python sees them.
        reader = reader_for("utf-8", columnar=not self.line_reader)
        return [
            Input(
                "unites_legales",
                self.unites_legales,
                label="unités légales",
                clean=self.clean_unit,
                write=self.write_units,
                columns=UNIT_COLUMNS,
                known=UNIT_HEADER,
                key=lambda values: values["siren"],
                key_label="SIREN",
                reader=reader,
                projection=UNIT_PROJECTION,
                # Validation, read in columns: only the units of the ESS's legal
                # categories become rows (clean_unit decides, as with the line reader).
                column_filter=(
                    "categorieJuridiqueUniteLegale",
                    lambda: None if self.writing else self.ess_categories,
                    "units_outside_ess",
                ),
                # Writing: only the units to write are split.
                prefilter=("siren", lambda: self.to_write if self.writing else None, ""),
                check_batch=self.check_units,
                key_width=9,
            ),
            Input(
                "etablissements",
                self.etablissements,
                label="établissements",
                clean=self.clean_establishment,
                write=self.write_establishments,
                columns=ESTABLISHMENT_COLUMNS,
                known=ESTABLISHMENT_HEADER,
                key=lambda values: values["siret"],
                key_label="SIRET",
                reader=reader,
                projection=ESTABLISHMENT_PROJECTION,
                # The hot path: most rows belong to units outside the ESS.
                prefilter=(
                    "siren",
                    lambda: self.located if self.writing else self.kept,
                    "establishments_outside_perimeter",
                ),
                check_batch=self.check_establishments,
                key_width=14,
            ),
        ]

    def validated(self):
        self._count_departures()
        self.to_write = self.located | (self.kept & self.known_sirens)

    # Validation in columns (the columnar reader): the checks of clean_unit and
    # clean_establishment on whole Arrow batches. A row they cannot vouch for (a bad
    # identifier, date or state, an unknown commune, a space too many) goes through
    # clean_* for the exact message; a valid row never becomes a Python object.

    def check_units(self, batch, lines):
        column = batch.column
        category, flag = (
            column("categorieJuridiqueUniteLegale"),
            column("economieSocialeSolidaireUniteLegale"),
        )
        plain = (
            pc.equal(pc.binary_length(category), 4).to_numpy(zero_copy_only=False)
            & pc.ascii_is_decimal(category).to_numpy(zero_copy_only=False)
            & _isin(flag, FLAGS)
        )
        ess = _isin(pc.binary_join_element_wise(category, flag, ""), self.ess_pairs)
        sirens, ok = digits(column("siren"), 9)
        ok &= luhn_valid_array(sirens, 9)
        state = column("etatAdministratifUniteLegale")
        ok &= _isin(state, UNIT_STATES)
        ok &= valid_dates(column("dateCreationUniteLegale"))
        closed = pc.equal(state, "C").to_numpy(zero_copy_only=False)
        ok &= ~closed | valid_dates(column("dateDebut"))
        good = plain & ess & ok
        self.skip_many("units_outside_ess", int(np.count_nonzero(plain & ~ess)))
        self.kept.add_array(sirens[good])
        return sirens[good], lines[good], np.flatnonzero(~plain | (ess & ~ok))

    def check_establishments(self, batch, lines):
        column = batch.column
        code = column("codeCommuneEtablissement")
        inside = _isin(code, self.scope_codes)
        outside = _isin(code, self.outside_codes)
        unlocated = _isin(code, NO_COMMUNE)
        sirets, ok = digits(column("siret"), 14)
        # An establishment already known that moved out of the region is followed (a
        # SIRET that is not 14 plain digits: clean_establishment decides).
        followed = outside & ok & self.known_sirets.contains(sirets)
        unsure = outside & ~ok
        inside |= followed
        outside &= ~(followed | unsure)
        if self.region:
            # A commune missing from the geography, in a département of another region
            # (a foreign or former code): out of scope, as Communes.scope says.
            plain = pc.and_(pc.equal(pc.binary_length(code), 5), pc.ascii_is_alnum(code))
            departement = pc.if_else(
                pc.starts_with(code, "97"),
                pc.utf8_slice_codeunits(code, 0, 3),
                pc.utf8_slice_codeunits(code, 0, 2),
            )
            outside |= (
                plain.to_numpy(zero_copy_only=False)
                & ~(inside | unsure | unlocated)
                & ~_isin(departement, self.region_departements)
            )
        sirens, siren_ok = digits(column("siren"), 9)
        heads = sirets // 100_000
        ok &= siren_ok & (heads == sirens) & (heads != int(LA_POSTE_SIREN))
        ok &= luhn_valid_array(sirets, 14) & luhn_valid_array(heads, 9)
        state = column("etatAdministratifEtablissement")
        ok &= _isin(state, ESTABLISHMENT_STATES)
        ok &= valid_dates(column("dateCreationEtablissement"))
        closed = pc.equal(state, "F").to_numpy(zero_copy_only=False)
        ok &= ~closed | valid_dates(column("dateDebut"))
        x = column("coordonneeLambertAbscisseEtablissement")
        y = column("coordonneeLambertOrdonneeEtablissement")
        ok &= (
            _isin(x, NO_COORDINATE)
            | _isin(y, NO_COORDINATE)
            | (_matches(x, NUMBER) & _matches(y, NUMBER))
        )
        good = inside & ok
        self.skip_many("establishments_outside_region", int(np.count_nonzero(outside)))
        self.skip_many("establishments_unlocated", int(np.count_nonzero(unlocated)))
        self.seen_sirets.add_array(sirets[good])
        self.located.add_array(heads[good])
        doubtful = ~(inside | outside | unlocated) | (inside & ~ok) | unsure
        return sirets[good], lines[good], np.flatnonzero(doubtful)

    # Unités légales

    def clean_unit(self, row):
        # Millions of rows: the fields by index, not by name.
        fields, c = row.fields, row.columns
        siren = fields[c["siren"]].strip()
        if self.writing:
            # Validated: every unit to write is in the ESS.
            return self._unit_values(row) if siren in self.to_write else None
        category = fields[c["categorieJuridiqueUniteLegale"]].strip()
        if self.family(category, fields[c["economieSocialeSolidaireUniteLegale"]].strip()) is None:
            return self.skip("units_outside_ess")
        if not is_valid_siren(siren):
            raise ValueError(f"SIREN invalide « {siren} »")
        values = self._unit_values(row)
        self.kept.add(siren)
        return values

    def _unit_values(self, row):
        def get(name):
            return clean(row.get(name))

        siren = row["siren"].strip()
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
            "created_on": parse_date(row["dateCreationUniteLegale"]),
            "closed_on": parse_date(row["dateDebut"]) if closed else None,
            "status": AdministrativeStatus.CLOSED if closed else AdministrativeStatus.ACTIVE,
            "diffusion": Diffusion.PARTIAL
            if get("statutDiffusionUniteLegale") in ("P", "N")
            else Diffusion.PUBLIC,
        }

    def write_units(self, batch):
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
                self.count("organisations", "created")
                continue
            if rna:
                values["rna"] = rna
            changed = changed_fields(obj, values)
            if not changed and obj.source == Source.SIRENE:
                self.count("organisations", "unchanged")
                continue
            self.count_change("organisations", obj, values)
            for name, value in values.items():
                setattr(obj, name, value)
            obj.source = Source.SIRENE
            obj.source_updated_at = obj.updated_at = self.now
            obj.refresh_search_text()
            to_update.append(obj)
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

    def clean_establishment(self, row):
        if row.fields[row.columns["siren"]].strip() not in self.kept:
            return self.skip("establishments_outside_perimeter")
        code = clean(row["codeCommuneEtablissement"])
        where = self.communes.scope(code)
        siret = row["siret"].strip()
        if where == "unknown":
            raise ValueError(f"commune inconnue « {code} »")
        # An establishment already known that moved out of the region is still
        # followed, so that its new address is not missed.
        if where == "out" and not (siret in self.known_sirets and code in self.communes.region_of):
            key = "establishments_outside_region" if code else "establishments_unlocated"
            return self.skip(key)
        values = self._establishment_values(row)
        if not self.writing:
            self.seen_sirets.add(siret)
            self.located.add(siret[:9])
        return values

    def _establishment_values(self, row):
        def get(name):
            return clean(row.get(name))

        siren, siret = row["siren"].strip(), row["siret"].strip()
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
            "created_on": parse_date(row["dateCreationEtablissement"]),
            "closed_on": parse_date(row["dateDebut"]) if closed else None,
        }

    def write_establishments(self, batch):
        sirets = [values["siret"] for values in batch]
        existing = {e.siret: e for e in Establishment.objects.filter(siret__in=sirets)}
        organisation_ids = dict(
            Organisation.objects.filter(siren__in={v["siren"] for v in batch}).values_list(
                "siren", "id"
            )
        )
        to_create, to_update = [], []
        for values in batch:
            values["organisation_id"] = organisation_ids.get(values.pop("siren"))
            obj = existing.get(values["siret"])
            if obj is None:
                obj = Establishment(**values, source=Source.SIRENE, source_updated_at=self.now)
                to_create.append(obj)
                self.count("establishments", "created")
                continue
            if not changed_fields(obj, values) and obj.source == Source.SIRENE:
                self.count("establishments", "unchanged")
                continue
            self.count_change("establishments", obj, values)
            for name, value in values.items():
                setattr(obj, name, value)
            obj.source, obj.source_updated_at = Source.SIRENE, self.now
            to_update.append(obj)
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
