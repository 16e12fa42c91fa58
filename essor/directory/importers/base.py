"""What the directory's importers (SIRENE, RNA, the CRESS's lists) share on top of the
skeleton (essor.core.importing): their report's counters, value parsing, addresses and
commune lookups."""

import datetime
import re

from django.conf import settings

from essor.core.importing import File, Importer, Option
from essor.territories.enums import CoordinatePrecision as CommunePrecision
from essor.territories.models import Commune, Departement

from ..enums import AdministrativeStatus, CoordinatePrecision

# What INSEE writes in the fields it does not publish ("non diffusible").
ND = "[ND]"
DATA_EXTENSIONS = (".csv", ".zip", ".txt")
ALL_REGIONS = Option(
    "all_regions",
    "Toute la France",
    help="toute la France, et non la seule région de la plateforme (ESSOR_REGION)",
    boolean=True,
)


class DirectoryImporter(Importer):
    """Organisations and establishments, with closures counted apart."""

    files = (File("file", "Fichier", extensions=DATA_EXTENSIONS),)
    entities = {"organisations": "Structures", "establishments": "Établissements"}
    outcomes = ("created", "updated", "unchanged", "closed")
    labels = {
        "region": "Périmètre géographique",
        "unites_legales": "unités légales",
        "etablissements": "établissements",
        "units_outside_ess": "Unités légales hors du champ de l'ESS",
        "establishments_outside_perimeter": "Établissements d'unités hors du champ de l'ESS",
        "establishments_outside_region": "Établissements hors de la région",
        "establishments_unlocated": "Établissements sans commune (étranger, non diffusible)",
        "associations_outside_region": "Associations hors de la région",
        "associations_deleted": "Associations supprimées du RNA (position S)",
        "left_perimeter": "Structures SIRENE sorties du périmètre (conservées)",
        "left_perimeter_sample": "dont (SIREN)",
        "not_seen": "Établissements SIRENE absents du fichier (conservés)",
        "rna_conflicts": "Numéros RNA déjà portés par une autre structure (ignorés)",
        "linked_to_sirene": "Associations rattachées à leur structure SIRENE",
        "siren_conflicts": "SIREN déjà portés par une autre structure (à fusionner)",
        "labels_added": "Labels ajoutés",
        "identifier_conflicts": "Identifiants déjà portés par une autre structure (ignorés)",
    }

    def count_change(self, entity, obj, values):
        """Count an update, and a closure when an active row becomes closed."""
        if (
            obj.status == AdministrativeStatus.ACTIVE
            and values.get("status") == AdministrativeStatus.CLOSED
        ):
            self.count(entity, "closed")
        self.count(entity, "updated")


def clean(value):
    """A field's text, stripped; empty when INSEE withholds it."""
    value = value.strip()
    return "" if value == ND else value


DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def valid_dates(column, *, empty=("", ND)):
    """Which values of an Arrow string column parse_date surely accepts (numpy
    booleans): empty, or a real YYYY-MM-DD date. The others may still be right (a space
    around it) and go through parse_date."""
    import pyarrow.compute as pc

    well_formed = pc.match_substring_regex(column, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    # Arrow's strptime takes 2023-02-30 for 2 March: a real date reads back the same.
    parsed = pc.strptime(column, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), column)
    real = pc.and_(
        pc.and_(well_formed, pc.fill_null(same, False)), pc.greater_equal(column, "0001")
    )
    return pc.or_(real, pc.is_in(column, value_set=pa_strings(empty))).to_numpy(
        zero_copy_only=False
    )


def pa_strings(values):
    import pyarrow as pa

    return pa.array(list(values), pa.string())


def parse_date(value, *, empty=("",)):
    """A YYYY-MM-DD date, or None when empty; ValueError when malformed."""
    value = clean(value)
    if value in empty:
        return None
    if not DATE_PATTERN.match(value):
        raise ValueError(f"date invalide « {value} » (attendu : AAAA-MM-JJ)")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date invalide « {value} »") from None


# INSEE's codes for the street types of Sirene's typeVoie (documentation of the
# Sirene variables, "typeVoieEtablissement"); the RNA uses the same ones. Note that QUA
# is a quartier and QUAI a quai.
STREET_TYPES = {
    "ALL": "allée", "AV": "avenue", "BD": "boulevard", "CAR": "carrefour",
    "CHE": "chemin", "CHS": "chaussée", "CITE": "cité", "COR": "corniche",
    "CRS": "cours", "DOM": "domaine", "DSC": "descente", "ECA": "écart",
    "ESP": "esplanade", "FG": "faubourg", "GR": "grande rue", "HAM": "hameau",
    "HLE": "halle", "IMP": "impasse", "LD": "lieu-dit", "LOT": "lotissement",
    "MAR": "marché", "MTE": "montée", "PAS": "passage", "PL": "place",
    "PLN": "plaine", "PLT": "plateau", "PRO": "promenade", "PRV": "parvis",
    "QUA": "quartier", "QUAI": "quai", "RES": "résidence", "RLE": "ruelle",
    "ROC": "rocade", "RPT": "rond-point", "RTE": "route", "RUE": "rue",
    "SEN": "sentier", "SQ": "square", "TPL": "terre-plein", "TRA": "traverse",
    "VLA": "villa", "VLGE": "village",
}  # fmt: skip
REPETITIONS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "au", "aux", "a", "à", "en", "sur", "sous"}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def street_name(text):
    """INSEE writes street names in capitals ("DU GENERAL DE GAULLE"): read them as
    "du General de Gaulle" — capitals on words, articles and prepositions in lower case."""
    if not text or not text.isupper():
        return text

    def word(match):
        w = match.group(0).lower()
        return w if w in SMALL_WORDS else w.capitalize()

    return WORD.sub(word, text)


def format_address(number, repetition, street_type, street):
    """ "12 bis avenue du General de Gaulle" from INSEE's or the RNA's address parts."""
    number, repetition = clean(number), clean(repetition).upper()
    street_type, street = clean(street_type).upper(), clean(street)
    parts = [number]
    if number and repetition:
        parts.append(REPETITIONS.get(repetition, repetition.lower()))
    parts.append(STREET_TYPES.get(street_type, street_type.lower()))
    parts.append(street_name(street))
    return " ".join(p for p in parts if p)[:255]


class Communes:
    """The communes the importers may link to, and which of them are in scope."""

    def __init__(self, region=None):
        # region None: the whole of France.
        self.region = region
        self.centre = {}
        self.region_of = {}
        for code, region_id, lat, lon, precision in Commune.objects.values_list(
            "code", "region_id", "latitude", "longitude", "coordinate_precision"
        ):
            self.region_of[code] = region_id
            if lat is None or precision == CommunePrecision.UNKNOWN:
                self.centre[code] = (None, None, "")
            elif precision == CommunePrecision.COMMUNE_CENTRE:
                self.centre[code] = (lat, lon, CoordinatePrecision.COMMUNE_CENTRE)
            else:
                self.centre[code] = (lat, lon, CoordinatePrecision.APPROXIMATE)
        self.region_departements = set(
            Departement.objects.filter(region_id=region).values_list("code", flat=True)
            if region
            else Departement.objects.values_list("code", flat=True)
        )

    @staticmethod
    def departement_of(code):
        return code[:3] if code.startswith("97") else code[:2]

    def scope(self, code):
        """ "in" for a known commune in scope, "out" for one outside it, "unknown" for a
        code that should be in scope but is missing from the table."""
        region = self.region_of.get(code)
        if region is not None:
            return "in" if self.region is None or region == self.region else "out"
        if not code:
            return "out"
        if self.region is None or self.departement_of(code) in self.region_departements:
            return "unknown"
        return "out"


def configured_region(all_regions):
    return None if all_regions else settings.ESSOR_REGION


def changed_fields(obj, values):
    return [name for name, value in values.items() if getattr(obj, name) != value]
