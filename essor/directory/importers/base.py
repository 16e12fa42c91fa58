"""What the three importers share: streaming CSV reading (plain or zipped) with line
numbers, the error log, value parsing, addresses, commune lookups and the report.

Every importer works in two streaming passes over its files: the first validates every
row it would keep and writes nothing; the second, run only when the first found no
error, writes in batches, one transaction per batch. A rejected file therefore leaves
the database exactly as it was."""

import csv
import datetime
import difflib
import io
import re
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from essor.territories.enums import CoordinatePrecision as CommunePrecision
from essor.territories.models import Commune, Departement

from ..enums import CoordinatePrecision

BATCH_SIZE = 2000
MAX_LISTED_ERRORS = 50
PROGRESS_EVERY = 100_000
# What INSEE writes in the fields it does not publish ("non diffusible").
ND = "[ND]"
# Real SIRENE rows run to a few hundred characters; the default limit (128 KiB) stays.
csv.field_size_limit(1 << 20)


class ImportRejected(Exception):
    """The input was refused before anything was written."""

    def __init__(self, errors, report=None):
        super().__init__(errors.summary())
        self.errors = errors
        self.report = report or {}


class ErrorLog:
    """Errors as "fichier, ligne N : raison": all counted, the first ones kept."""

    def __init__(self, limit=None):
        self.limit = limit or MAX_LISTED_ERRORS
        self.count = 0
        self.items = []

    def add(self, source, line, reason):
        self.count += 1
        if len(self.items) < self.limit:
            where = f"ligne {line} : " if line else ""
            self.items.append(f"{source}, {where}{reason}" if source else f"{where}{reason}")

    def __bool__(self):
        return self.count > 0

    def summary(self):
        lines = [f"Fichier refusé : {self.count} erreur(s), rien n'a été écrit."]
        lines += self.items
        if self.count > len(self.items):
            lines.append(f"… et {self.count - len(self.items)} autre(s) erreur(s).")
        return "\n".join(lines)


class CsvFile:
    """The rows of a CSV file, plain or zipped, read in constant memory.

    The file is read as bytes, line by line, so that an encoding error points at its
    line. A line without any quote character is simply split on the delimiter (three
    times faster than the csv module, which matters on 30 million Sirene lines); the
    others go through the csv module, which reads on when a quoted field spans lines.
    After `read()`, `header` holds the column names and iterating gives the rows;
    `line` is the number of the (first) physical line of the last row given."""

    def __init__(self, path, *, delimiter=",", encoding="utf-8", errors, several=False):
        self.path = Path(path)
        self.delimiter = delimiter
        self.encoding = encoding
        self.errors = errors
        # Whether a zip may hold several CSV files of the same shape (the RNA ships
        # one per département), read one after the other.
        self.several = several
        self.label = self.path.name
        self.header = None
        self.line = 0
        self._rows = None
        # Set after read(): rows whose first field is not in this set are skipped
        # before being split (counted in `filtered`), the hot path of a Sirene import.
        self.keep_first = None
        self.filtered = 0

    @contextmanager
    def members(self):
        """Yield (label, binary stream) for each CSV the path holds."""
        if not self.path.is_file():
            self.errors.add(self.label, None, "fichier introuvable.")
            yield []
            return
        if not zipfile.is_zipfile(self.path):
            with self.path.open("rb") as f:
                yield [(self.path.name, f)]
            return
        with zipfile.ZipFile(self.path) as archive:
            names = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith((".csv", ".txt"))
            ]
            if not names or (len(names) > 1 and not self.several):
                found = ", ".join(names) or "aucun"
                self.errors.add(
                    self.label,
                    None,
                    f"l'archive zip doit contenir un seul fichier CSV (trouvé : {found}).",
                )
                yield []
                return

            def streams():
                for name in sorted(names):
                    # The member is decompressed as it is read: never extracted to disk.
                    with archive.open(name) as raw:
                        yield f"{self.path.name} › {name}", io.BufferedReader(raw, 1 << 20)

            yield streams()

    def read(self, stream, label):
        """Start reading one stream: parse its header. False when it has none."""
        self.label = label
        self.line = self.filtered = 0
        self._rows = self._parse(stream)
        errors_before = self.errors.count
        try:
            header = next(self._rows)
        except StopIteration:
            if self.errors.count == errors_before:
                self.errors.add(label, None, "le fichier est vide.")
            return False
        if self.errors.count > errors_before:
            return False  # an undecodable header: the next line is no header
        if header:
            header[0] = header[0].lstrip("\ufeff")
        self.header = [name.strip() for name in header]
        return True

    def __iter__(self):
        """The data rows; undecodable or unparsable lines are logged and skipped."""
        return self._rows

    def _parse(self, stream):
        """Rows from the byte lines of `stream`. One loop does everything for the
        common line: this is the hot path of an import of millions of lines."""
        delimiter, encoding, label = self.delimiter, self.encoding, self.label
        number = filtered = 0
        pending = []

        def feed():
            # What the csv module reads: the line in hand, then the next ones when a
            # quoted field goes on.
            nonlocal number
            while True:
                if pending:
                    yield pending.pop()
                    continue
                raw = next(stream, None)
                if raw is None:
                    return
                number += 1
                try:
                    yield raw.decode(encoding)
                except UnicodeDecodeError:
                    self.errors.add(label, number, self._encoding_message())

        reader = csv.reader(feed(), delimiter=delimiter)
        keep, separators, started = None, 0, False
        try:
            for raw in stream:
                number += 1
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError:
                    self.errors.add(label, number, self._encoding_message())
                    continue
                if '"' in text:
                    self.line = number
                    pending.append(text)
                    try:
                        row = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as error:
                        self.errors.add(label, self.line, f"ligne CSV illisible ({error}).")
                        continue
                # Only a well-formed line is skipped unread: a truncated one goes on to
                # be reported.
                elif (
                    keep is not None
                    and text.count(delimiter) == separators
                    and text[: text.find(delimiter)] not in keep
                ):
                    filtered += 1
                    continue
                else:
                    self.line = number
                    text = text.rstrip("\r\n")
                    row = text.split(delimiter) if text else []
                yield row
                if not started:
                    # Resumed after the header: the reader may have set a filter.
                    started = True
                    keep = self.keep_first
                    separators = len(self.header) - 1 if self.header else 0
        finally:
            self.filtered = filtered

    def _encoding_message(self):
        return f"caractères illisibles : le fichier n'est pas encodé en {self.encoding.upper()}."

    def check_columns(self, required, known=()):
        """Log missing columns, with a guess at a misspelt one among the columns that
        are neither required nor `known` (the format's other official columns). True
        when all are there."""
        missing = [name for name in required if name not in self.header]
        if not missing:
            return True
        unknown = [name for name in self.header if name not in required and name not in known]
        for name in missing:
            guess = difflib.get_close_matches(name, unknown, n=1, cutoff=0.75)
            hint = f" (« {guess[0]} » est-elle mal orthographiée ?)" if guess else ""
            self.errors.add(self.label, 1, f"colonne obligatoire absente : « {name} »{hint}.")
        shown = self.header[:60]
        found = ", ".join(shown) + (" …" if len(self.header) > len(shown) else "")
        message = f"colonnes trouvées ({len(self.header)}) : {found}."
        other = ";" if self.delimiter == "," else ","
        if len(self.header) == 1 and other in self.header[0]:
            message += f" Le séparateur semble être « {other} » au lieu de « {self.delimiter} »."
        self.errors.add(self.label, 1, message)
        return False

    def wrong_length(self, row):
        self.errors.add(
            self.label,
            self.line,
            f"{len(row)} champ(s) au lieu de {len(self.header)} (ligne tronquée ou "
            "séparateur en trop ?).",
        )


class Progress:
    """Calls `callback` with a French message every `every` rows of a pass."""

    def __init__(self, callback, every=None):
        self.callback = callback
        self.every = every or PROGRESS_EVERY

    def __call__(self, what, count, started):
        if self.callback:
            rate = count / max(time.monotonic() - started, 1e-9)
            self.callback(f"{what} : {count:,} lignes ({rate:,.0f} lignes/s)".replace(",", " "))


def clean(value):
    """A field's text, stripped; empty when INSEE withholds it."""
    value = value.strip()
    return "" if value == ND else value


DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def counter():
    return {"created": 0, "updated": 0, "unchanged": 0, "closed": 0}


def changed_fields(obj, values):
    return [name for name, value in values.items() if getattr(obj, name) != value]


def french_number(value):
    return f"{value:,}".replace(",", " ")


# French labels of the report's entries, for the console and the admin.
REPORT_LABELS = {
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
    "error_count": "Erreurs",
}
COUNTS = {
    "created": "créé(s)",
    "updated": "mis à jour",
    "unchanged": "inchangé(s)",
    "closed": "fermé(s)",
}


def format_report(report):
    """The report as French lines, for the console and the admin."""
    lines = []
    if report.get("dry_run"):
        lines.append("SIMULATION : rien n'a été écrit.")
    if report.get("region"):
        lines.append(f"Périmètre géographique : {report['region']}")
    for key, title in (("organisations", "Structures"), ("establishments", "Établissements")):
        counts = report.get(key)
        if counts:
            lines.append(
                f"{title} : "
                + ", ".join(f"{french_number(counts[k])} {label}" for k, label in COUNTS.items())
            )
    details = {**report.get("skipped", {}), **report}
    for key, label in REPORT_LABELS.items():
        value = details.get(key)
        if isinstance(value, list):
            if value:
                lines.append(f"  {label} : {', '.join(value)}")
        elif value:
            lines.append(f"{label} : {french_number(value)}")
    for label, value in report.get("lines", {}).items():
        lines.append(f"Lignes lues ({label.replace('_', ' ')}) : {french_number(value)}")
    timing = report.get("timing", {})
    if timing:
        lines.append(
            "Durée : " + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in timing.items())
        )
    for label, rate in report.get("rates", {}).items():
        lines.append(f"Débit, {label} : {french_number(round(rate))} lignes/s")
    return "\n".join(lines)
