"""The one importer skeleton: every import of the platform is a declaration on it.

`Importer.run()` reads its files as streams, twice:

1. **validation**: every row is read and checked, nothing is written. Errors carry the
   file and line number; all are counted, the first 50 listed. A file with any error
   (or an unknown encoding, a missing column, an unclosed quote, no data row at all)
   raises `ImportRejected`, and the database is exactly as it was.
2. **writing**: the rows are read and checked again, then written by batches, one
   transaction per batch. Importers compare each row with what is stored, so that a
   second run of the same file changes nothing and its report says so. With
   `dry_run=True` the writing runs in one transaction that is rolled back: the counts
   are those a real run would give, and nothing stays.

Every run returns the same report (a dict, stored on `ImportRun.report`): rows read,
kept, rejected and skipped (with the reason), created / updated / unchanged for each
kind of thing written, duration and rows per second; `format_report()` writes it in
French for the command line and /gestion/.

An importer declares, on a subclass registered with `@register`:

- `kind`, `label`, `description`: its name in `ImportRun.kind`, /gestion/ and `--help`;
- `files` and `options`: what the management command (a subclass of `ImportCommand`)
  and the /gestion/ form ask for; each becomes an attribute of the importer;
- how the file reads: `columns` (required), `known_columns` (the format's others),
  `strict_columns`, `delimiter` (None: detected), `encoding`, `several` (a zip of
  several files);
- `clean_row(row)`: the values to write, or None to skip the row (say why with
  `self.skip(reason)`); raise `ValueError` (one message) or `RowError` (several) when
  the row is wrong. Called in both passes (`self.writing` tells which);
- `row_key(values)`: the row's identity in the file: a key seen twice is an error;
- `write_batch(batch)`: write the values of up to `batch_size` rows (in a transaction)
  and count each with `self.count(entity, "created" | "updated" | "unchanged")`;
- `entities` (the report's counters and their French names), `skip_reasons` and
  `labels` (French names of skip reasons and other report entries); optional hooks `check()` (the
  parameters), `prepare()` (lookups before reading), `validated()` (between the two
  passes), `finish()` (after writing); `inputs()` for an import of several files
  (SIRENE). The reader is `essor.core.readers.CsvFile` (`Input.reader`), or the columnar
  `ArrowCsvFile` with `Input.projection` (the SIRENE stock); `write_batch()` may write
  through `essor.core.bulk` (`COPY` into a staging table on PostgreSQL: the RNA).

The background task (`essor.core.tasks.run_import`), the /gestion/ form (Socle ›
Imports) and `ImportCommand` all go through `perform_import()`, which keeps each run
with its report as an `ImportRun`. Example, the purchasing app's suppliers::

    from essor.core.importing import File, Importer, ImportCommand, RowError, register

    @register
    class SupplierImporter(Importer):
        kind = "suppliers"
        label = "Fournisseurs (achats responsables)"
        description = "Importe des fiches fournisseurs (CSV ; séparé, UTF-8)."
        files = (File("file", "Fichier des fournisseurs", extensions=(".csv",)),)
        columns = ["siret", "categories"]
        known_columns = ["perimetre"]
        delimiter = ";"
        entities = {"suppliers": "Fournisseurs"}
        key_label = "SIRET"

        def prepare(self):
            self.categories = set(Category.objects.values_list("code", flat=True))

        def clean_row(self, row):
            problems = []
            siret = row["siret"].strip()
            if not is_valid_siret(siret):
                problems.append(f"SIRET invalide « {siret} »")
            codes = row["categories"].split("|")
            if unknown := set(codes) - self.categories:
                problems.append(f"catégorie(s) inconnue(s) : {', '.join(sorted(unknown))}")
            if problems:
                raise RowError(*problems)
            return {"siret": siret, "categories": codes}

        def row_key(self, values):
            return values["siret"]

        def write_batch(self, batch):
            existing = {s.siret: s for s in Supplier.objects.filter(
                siret__in=[v["siret"] for v in batch])}
            for values in batch:
                supplier = existing.get(values["siret"])
                if supplier is None:
                    Supplier.objects.create(**values)
                    self.count("suppliers", "created")
                elif supplier.categories == values["categories"]:
                    self.count("suppliers", "unchanged")
                else:
                    supplier.categories = values["categories"]
                    supplier.save(update_fields=["categories"])
                    self.count("suppliers", "updated")

    # purchasing/management/commands/import_suppliers.py
    class Command(ImportCommand):
        importer = SupplierImporter

and `from . import importers` in the app's `ready()`, so that /gestion/ offers it."""

import json
import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from .enums import ImportStatus
from .readers import CsvFile, encoding_problem

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_LISTED_ERRORS = 50
PROGRESS_EVERY = 100_000

# kind -> Importer subclass, filled by @register as apps load.
IMPORTERS = {}
# Called with the importer after every successful real run (the observatory refreshes
# its figures after a directory import): the layer below never calls the one above.
AFTER_IMPORT = []


def register(cls):
    """Class decorator: the importer becomes a kind of ImportRun, in /gestion/ too."""
    if cls.kind in IMPORTERS and IMPORTERS[cls.kind] is not cls:
        raise ValueError(f"Two importers of kind {cls.kind!r}")
    IMPORTERS[cls.kind] = cls
    return cls


def importer_class(kind):
    return IMPORTERS[kind]


def kind_choices():
    """ImportRun.kind's choices, read when used: apps register their importers."""
    return [(kind, cls.label) for kind, cls in sorted(IMPORTERS.items())]


# Declarations


@dataclass(frozen=True)
class File:
    """A file the importer reads: a positional argument of the command unless `flag`
    is given (as "--unites-legales"), a file or a server path in /gestion/."""

    name: str
    label: str
    extensions: tuple = (".csv", ".zip", ".txt")
    flag: str = None
    help: str = ""


@dataclass(frozen=True)
class Option:
    """An option of the import: `--name VALUE` (or a flag when `boolean`)."""

    name: str
    label: str
    help: str = ""
    boolean: bool = False

    @property
    def flag(self):
        return "--" + self.name.replace("_", "-")


@dataclass
class Input:
    """One file as the skeleton reads it; `inputs()` gives them in reading order."""

    name: str  # key of report["lines"]
    path: str
    label: str  # French, for the progress and the rates
    clean: callable
    write: callable
    columns: list
    known: tuple = ()
    strict: bool = False
    delimiter: str = ","
    encoding: str = "utf-8"
    several: bool = False
    key: callable = None
    key_label: str = "clé"
    # (column, callable giving a set, skip reason): rows whose first field, that
    # column, is not in the set are skipped before being split (SIRENE's hot path).
    prefilter: tuple = None
    header: callable = None  # normalises a column name
    # The reader class: CsvFile, or the columnar ArrowCsvFile (essor.core.readers).
    reader: type = CsvFile
    # The columns the importer reads (a columnar reader reads only those); None: all.
    projection: tuple = None
    # (column, callable giving a set or None, skip reason): a columnar reader drops the
    # rows whose `column` is not in the set, in a vectorised pass, before they become
    # rows; the line reader leaves them to `clean` (which must skip them too).
    column_filter: tuple = None
    # Validation in columns, with a columnar reader: called with each Arrow batch of rows
    # (those the filters kept) and their line numbers, it checks them as arrays and
    # returns (keys, their lines, positions): the int64 keys of the rows it found valid
    # (the row key must be a number, as SIREN and SIRET), and the positions of the rows
    # it cannot vouch for, which go through `clean` one by one for the exact message.
    # No Python object is made for the other rows. Counts its skips itself.
    check_batch: callable = None
    key_width: int = 0  # the digits of a key checked in columns, to write it back


# Errors


class ImportRejected(Exception):
    """The input was refused before anything was written."""

    def __init__(self, errors, report=None):
        super().__init__(errors.summary())
        self.errors = errors
        self.report = report or {}


class RowError(ValueError):
    """Several things are wrong with one row: each is listed with its line."""

    def __init__(self, *messages):
        super().__init__(" ; ".join(messages))
        self.messages = messages


class ErrorLog:
    """Errors as "fichier, ligne N : raison": all counted, the first ones kept."""

    def __init__(self, limit=None):
        self.limit = limit or MAX_LISTED_ERRORS
        self.count = 0
        self.items = []

    def add(self, source, line, reason):
        self.count += 1
        if len(self.items) < self.limit:
            if not reason.endswith((".", "?", "!")):
                reason += "."
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


class Row:
    """A data row: `row["column"]` is the raw text of a column, `row.get()` gives ""
    for a column the file does not have; `fields` is the list, `line` its number."""

    __slots__ = ("fields", "columns", "line")

    def __init__(self, fields, columns, line):
        self.fields, self.columns, self.line = fields, columns, line

    def __getitem__(self, name):
        return self.fields[self.columns[name]]

    def get(self, name, default=""):
        index = self.columns.get(name)
        return default if index is None else self.fields[index]


class Progress:
    """Calls `callback` with a French message every `every` rows of a pass."""

    def __init__(self, callback, every=None):
        self.callback = callback
        self.every = every or PROGRESS_EVERY

    def __call__(self, what, count, started):
        if self.callback:
            rate = count / max(time.monotonic() - started, 1e-9)
            self.callback(
                f"{what} : {french_number(count)} lignes ({french_number(rate)} lignes/s)"
            )


# The skeleton


class Importer:
    kind = ""
    label = ""
    description = ""
    files = (File("file", "Fichier CSV"),)
    options = ()
    columns = ()
    known_columns = ()
    strict_columns = False
    delimiter = ","
    encoding = "utf-8"
    several = False
    entities = {}
    outcomes = ("created", "updated", "unchanged")
    labels = {}
    skip_reasons = ()  # counted from 0 in every report
    key_label = "clé"
    batch_size = BATCH_SIZE
    max_rows = None

    def __init__(self, *paths, dry_run=False, progress=None, batch_size=None, **parameters):
        names = [f.name for f in self.files]
        if len(paths) > len(names):
            raise TypeError(f"{type(self).__name__} reads {len(names)} file(s)")
        parameters.update(zip(names, paths, strict=False))
        for name in names:
            setattr(self, name, parameters.pop(name, None))
        for option in self.options:
            value = parameters.pop(option.name, None)
            # An option left empty keeps the class's default (the RNA's encoding).
            if value not in (None, ""):
                setattr(self, option.name, value)
            elif not hasattr(self, option.name):
                setattr(self, option.name, False if option.boolean else "")
        if parameters:
            raise TypeError(f"Unknown parameters: {', '.join(parameters)}")
        self.dry_run = dry_run
        self.progress = Progress(progress)
        if batch_size:
            self.batch_size = batch_size
        self.errors = ErrorLog()
        self.writing = False
        self.report = {}

    # Hooks for the declarations

    def check(self):
        """French problems with the parameters, as [(parameter name, message)]."""
        problems = []
        for file in self.files:
            if not getattr(self, file.name):
                problems.append((file.name, f"{file.label} : fichier manquant."))
        if (message := encoding_problem(self.encoding)) is not None:
            problems.append(("encoding", message))
        return problems

    def prepare(self):
        """Lookups before the first row is read."""

    def inputs(self):
        return [
            Input(
                self.kind,
                self.file,
                label=self.label,
                clean=self.clean_row,
                write=self.write_batch,
                columns=list(self.columns),
                known=tuple(self.known_columns),
                strict=self.strict_columns,
                delimiter=self.delimiter,
                encoding=self.encoding,
                several=self.several,
                key=self.row_key,
                key_label=self.key_label,
                header=self.header_name,
            )
        ]

    def header_name(self, name):
        return name

    def clean_row(self, row):
        raise NotImplementedError

    def row_key(self, values):
        return None

    def write_batch(self, batch):
        raise NotImplementedError

    def validated(self):
        """Between the passes, once every row is known to be valid."""

    def finish(self):
        """After the last batch is written (in the dry run's transaction, if any)."""

    # Helpers for the declarations

    def skip(self, reason):
        """Count a row left out (in the validation pass) and return None."""
        if not self.writing:
            skipped = self.report["skipped"]
            if reason in skipped:
                skipped[reason] += 1
            else:
                skipped[reason] = 1

    def count(self, entity, outcome, number=1):
        self.report[entity][outcome] += number

    # The run

    def run(self):
        started = time.monotonic()
        self.now = timezone.now()
        self.writing = False
        self.report = {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "lines": {},
            "read": 0,
            "kept": 0,
            "rejected": 0,
            "skipped": dict.fromkeys(self.skip_reasons, 0),
            **{entity: dict.fromkeys(self.outcomes, 0) for entity in self.entities},
            "timing": {},
            "rates": {},
        }
        for _, message in self.check():
            self.errors.add(None, None, message)
        if self.errors:
            raise ImportRejected(self.errors, self.report)
        self.prepare()
        inputs = self.inputs()
        step = time.monotonic()
        for source in inputs:
            self._pass(source)
            if self.errors:
                break
        self._timing("contrôle", step)
        if not self.errors:
            self.validated()
        if self.errors:
            raise ImportRejected(self.errors, self.report)

        step = time.monotonic()
        self.writing = True
        with transaction.atomic() if self.dry_run else nullcontext():
            for source in inputs:
                self._pass(source)
            self.finish()
            if self.dry_run:
                transaction.set_rollback(True)
        self._timing("écriture", step)
        duration = time.monotonic() - started
        self.report["timing"]["total"] = round(duration, 2)
        self.report["duration"] = round(duration, 2)
        self.report["rate"] = round(self.report["read"] / max(duration, 1e-9))
        return self.report

    def _timing(self, label, since):
        self.report["timing"][label] = round(time.monotonic() - since, 2)

    def _pass(self, source):
        """Read one input: check every row, or (self.writing) write them by batches."""
        reader = source.reader(
            source.path,
            delimiter=source.delimiter,
            encoding=source.encoding,
            errors=self.errors,
            several=source.several,
            projection=source.projection,
        )
        what = f"{source.label} ({'écriture' if self.writing else 'contrôle'})"
        started = time.monotonic()
        tally = {"rows": 0, "filtered": 0, "kept": 0, "keys": []}
        seen, batch = {}, []
        in_columns = not self.writing and source.check_batch and getattr(reader, "columnar", False)
        with reader.members() as members:
            for label, stream in members:
                columns = self._open(source, reader, stream, label)
                if columns is None:
                    return
                if in_columns:
                    self._check_batches(source, reader, columns, label, what, started, tally)
                    tally["filtered"] += reader.filtered
                    continue
                for row in self._rows(reader, columns, label, what, started, tally):
                    values = self._clean(source.clean, row, label)
                    if values is None:
                        continue
                    if not self.writing:
                        tally["kept"] += self._is_first(source, values, seen, label, row.line)
                        continue
                    batch.append(values)
                    if len(batch) >= self.batch_size:
                        self._write(source, batch)
                        batch = []
                if tally["rows"] is None:
                    return  # more rows than allowed
                tally["filtered"] += reader.filtered
        if batch:
            self._write(source, batch)
        if in_columns:
            self._check_duplicates(source, reader.label, tally)
        self._count_pass(source, reader, what, started, tally)

    def _open(self, source, reader, stream, label):
        """Read a stream's header and check its columns: {column: index}, or None."""
        if not reader.read(stream, label):
            return None
        if source.header:
            reader.header = [source.header(name) for name in reader.header]
        if not reader.check_columns(source.columns, source.known, strict=source.strict):
            return None
        if source.prefilter and reader.header[0] == source.prefilter[0]:
            reader.keep_first = source.prefilter[1]()
        if source.column_filter and getattr(reader, "columnar", False):
            column, values, reason = source.column_filter
            if (values := values()) is not None:
                reader.keep_column, reader.keep_values = column, values
                reader.filtered_reason = reason
        return {name: i for i, name in enumerate(reader.header)}

    def _rows(self, reader, columns, label, what, started, tally):
        """The well-formed rows of a stream; the others are logged (validation)."""
        width = len(reader.header)
        every, max_rows = self.progress.every, self.max_rows
        next_report = every
        # The hot path of an import of millions of rows: locals, few calls.
        for fields in reader:
            if reader.line > next_report:
                # Lines, not rows: most of SIRENE's are filtered before being rows.
                self.progress(what, reader.line - 1, started)
                next_report += every
            if not fields or (not fields[0] and not any(f.strip() for f in fields)):
                continue  # an empty line, or a spreadsheet's ";;;;"
            tally["rows"] += 1
            if max_rows and tally["rows"] > max_rows:
                self.errors.add(label, None, f"plus de {max_rows} lignes : découpez le fichier.")
                tally["rows"] = None
                return
            if len(fields) == width:
                yield Row(fields, columns, reader.line)
            elif not self.writing:
                reader.wrong_length(fields)
                self.report["rejected"] += 1

    def _check_batches(self, source, reader, columns, label, what, started, tally):
        """Validation in columns (Input.check_batch): only the rows it cannot vouch for
        become Python rows, checked by `clean` as with the line reader."""
        every = self.progress.every
        next_report = every
        names = reader.header
        for batch, lines in reader.batches():
            if reader.line > next_report:
                self.progress(what, reader.line - 1, started)
                next_report += every
            tally["rows"] += batch.num_rows
            keys, key_lines, doubtful = source.check_batch(batch, lines)
            tally["keys"].append((keys, key_lines))
            if not len(doubtful):
                continue
            picked = batch.take(doubtful)
            values_of = [picked.column(name).to_pylist() for name in names]
            found_keys, found_lines = [], []
            for fields, line in zip(
                zip(*values_of, strict=True), lines[doubtful].tolist(), strict=True
            ):
                row = Row(list(fields), columns, line)
                values = self._clean(source.clean, row, label)
                if values is not None:
                    found_keys.append(int(source.key(values)))
                    found_lines.append(line)
            tally["keys"].append((np.array(found_keys, np.int64), np.array(found_lines, np.int64)))

    def _check_duplicates(self, source, label, tally):
        """The keys seen twice, as the row by row check reports them (`_is_first`)."""
        parts = tally.pop("keys")
        keys = np.concatenate([np.asarray(k, np.int64) for k, _ in parts] or [[]])
        lines = np.concatenate([np.asarray(n, np.int64) for _, n in parts] or [[]])
        order = np.lexsort((lines, keys))
        keys, lines = keys[order], lines[order]
        twice = np.flatnonzero(keys[1:] == keys[:-1]) + 1
        tally["kept"] += len(keys) - len(twice)
        if not len(twice):
            return
        # For each position, the first of its run of equal keys: the line seen first.
        starts = np.r_[True, keys[1:] != keys[:-1]]
        first = np.maximum.accumulate(np.where(starts, np.arange(len(keys)), 0))
        for position in sorted(twice.tolist(), key=lambda p: lines[p]):
            key = f"{int(keys[position]):0{source.key_width}d}"
            self.errors.add(
                label,
                int(lines[position]),
                f"{source.key_label} « {key} » en double (déjà ligne {int(lines[first[position]])}).",
            )
            self.report["rejected"] += 1

    def _clean(self, clean, row, label):
        """The declaration's values for a row; None when skipped or wrong (logged)."""
        try:
            return clean(row)
        except ValueError as error:
            if self.writing:
                raise  # validated a moment ago: a bug, never a partial write
            for message in getattr(error, "messages", None) or [str(error)]:
                self.errors.add(label, row.line, message)
            self.report["rejected"] += 1
            return None

    def _is_first(self, source, values, seen, label, line):
        """False (and an error) when the row's key was already seen in the file."""
        key = source.key(values) if source.key else None
        if key is None:
            return True
        if key in seen:
            self.errors.add(
                label, line, f"{source.key_label} « {key} » en double (déjà ligne {seen[key]})."
            )
            self.report["rejected"] += 1
            return False
        seen[key] = line
        return True

    def _count_pass(self, source, reader, what, started, tally):
        read = tally["rows"] + tally["filtered"]
        self.report["rates"][what] = round(read / max(time.monotonic() - started, 1e-9))
        if self.writing:
            return
        if tally["filtered"]:
            reason = getattr(reader, "filtered_reason", None) or source.prefilter[2]
            self.skip_many(reason, tally["filtered"])
        self.report["lines"][source.name] = read
        self.report["read"] += read
        self.report["kept"] += tally["kept"]
        if not read and not self.errors:
            self.errors.add(
                reader.label, None, "aucune ligne de données (l'en-tête seul) : rien n'a été lu."
            )

    def skip_many(self, reason, number):
        skipped = self.report["skipped"]
        skipped[reason] = skipped.get(reason, 0) + number

    def _write(self, source, batch):
        with transaction.atomic():
            source.write(batch)


# Reports


def french_number(value):
    return f"{round(value):,}".replace(",", " ")


OUTCOMES = {
    "created": "créé(s)",
    "updated": "mis à jour",
    "unchanged": "inchangé(s)",
    "closed": "fermé(s)",
}


def format_report(report):
    """The report as French lines, for the console and /gestion/."""
    cls = IMPORTERS.get(report.get("kind"))
    entities = cls.entities if cls else {}
    labels = cls.labels if cls else {}
    lines = ["SIMULATION : rien n'a été écrit."] if report.get("dry_run") else []
    lines += [f"{labels[k]} : {v}" for k, v in report.items() if isinstance(v, str) and k in labels]
    if "read" in report:
        lines.append(_rows_line(report, labels))
    changes = 0
    for entity, title in entities.items():
        if counts := report.get(entity):
            # In this order whatever the database did to the keys (jsonb sorts them).
            names = [k for k in OUTCOMES if k in counts] + [k for k in counts if k not in OUTCOMES]
            lines.append(
                f"{title} : "
                + ", ".join(f"{french_number(counts[k])} {OUTCOMES.get(k, k)}" for k in names)
            )
            changes += sum(n for k, n in counts.items() if k != "unchanged")
    lines += _detail_lines(report, labels, cls.skip_reasons if cls else ())
    if report.get("error_count"):
        lines.append(f"Erreurs : {french_number(report['error_count'])}")
    elif entities and "duration" in report and not changes:
        lines.append(
            "Aucun changement : rien ne changerait, tout est déjà à jour."
            if report.get("dry_run")
            else "Aucun changement : tout était déjà à jour."
        )
    if "duration" in report:
        steps = ", ".join(
            f"{label} {seconds:.1f} s"
            for label, seconds in report.get("timing", {}).items()
            if label != "total"
        )
        lines.append(f"Durée : {report['duration']:.1f} s ({steps})")
        lines.append(f"Débit : {french_number(report['rate'])} lignes/s")
    return "\n".join(lines)


def _rows_line(report, labels):
    read = f"Lignes lues : {french_number(report['read'])}"
    if len(report.get("lines", {})) > 1:
        read += " ({})".format(
            ", ".join(
                f"{labels.get(name, name.replace('_', ' '))} {french_number(number)}"
                for name, number in report["lines"].items()
            )
        )
    return (
        f"{read}, retenues : {french_number(report.get('kept', 0))}, "
        f"rejetées : {french_number(report.get('rejected', 0))}"
    )


def _detail_lines(report, labels, skip_reasons):
    """Rows left out by reason, then the importer's own counters and lists."""
    lines = []
    skipped = report.get("skipped", {})
    for reason in dict.fromkeys(r for r in [*skip_reasons, *sorted(skipped)] if r in skipped):
        if number := skipped[reason]:
            lines.append(f"{labels.get(reason, reason)} : {french_number(number)}")
    for key, value in report.items():
        if key not in labels or key in skipped:
            continue
        if isinstance(value, list) and value:
            lines.append(f"  {labels[key]} : {', '.join(value)}")
        elif isinstance(value, int) and not isinstance(value, bool) and value:
            lines.append(f"{labels[key]} : {french_number(value)}")
    return lines


# Running an import: the task, the command and /gestion/ share this


def build_importer(run, *, progress=None):
    """The importer an ImportRun's kind and parameters describe."""
    return importer_class(run.kind)(**run.parameters, dry_run=run.dry_run, progress=progress)


def app_label_of(importer):
    config = apps.get_containing_app_config(type(importer).__module__)
    return config.label if config else None


def perform_import(run, *, progress=None, record=True):
    """Run the importer `run` describes and keep its outcome on it: status, report,
    errors, start and end times. `record=False` leaves the database untouched (a dry
    run from the command line). An unexpected error is recorded, then raised again."""

    def save():
        if record:
            run.save()

    run.status, run.started_at, run.finished_at = ImportStatus.RUNNING, timezone.now(), None
    run.report, run.errors = {}, []
    save()
    try:
        importer = build_importer(run, progress=progress)
        run.report = importer.run()
        run.status = ImportStatus.SUCCEEDED
    except ImportRejected as rejected:
        run.status = ImportStatus.REJECTED
        run.report = {**rejected.report, "error_count": rejected.errors.count}
        run.errors = rejected.errors.summary().splitlines()
    except Exception as error:
        logger.exception("Import %s failed", run.pk)
        run.status = ImportStatus.FAILED
        run.errors = [f"Erreur inattendue ({type(error).__name__}) : {error}"]
        run.finished_at = timezone.now()
        save()
        raise
    run.finished_at = timezone.now()
    save()
    if run.status == ImportStatus.SUCCEEDED and record and not run.dry_run:
        for hook in AFTER_IMPORT:
            hook(importer)
    return run


class ImportCommand(BaseCommand):
    """The management command of an importer: its files and options, `--dry-run`,
    `--json`; progress on stderr, the report on stdout, a CommandError with the errors
    when the file is refused. A real run is recorded as an ImportRun, like those
    launched from /gestion/; a dry run writes nothing at all."""

    importer = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help = self.help or self.importer.description

    def add_arguments(self, parser):
        for file in self.importer.files:
            if file.flag:
                parser.add_argument(
                    file.flag, dest=file.name, required=True, metavar="FICHIER", help=file.help
                )
            else:
                parser.add_argument(file.name, metavar="FICHIER", help=file.help or file.label)
        for option in self.importer.options:
            if option.boolean:
                parser.add_argument(
                    option.flag, dest=option.name, action="store_true", help=option.help
                )
            else:
                parser.add_argument(option.flag, dest=option.name, help=option.help)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="contrôle le fichier et compte ce qui changerait, sans rien écrire",
        )
        parser.add_argument("--json", action="store_true", help="affiche le rapport en JSON")

    def handle(self, *args, **options):
        from .models import ImportRun

        parameters = {
            file.name: str(Path(options[file.name]).expanduser().resolve())
            for file in self.importer.files
        }
        for option in self.importer.options:
            if options[option.name] not in (None, ""):
                parameters[option.name] = options[option.name]
        dry_run = options["dry_run"]
        run = ImportRun(kind=self.importer.kind, dry_run=dry_run, parameters=parameters)
        progress = self.stderr.write if options.get("verbosity", 1) > 0 else None
        perform_import(run, progress=progress, record=not dry_run)
        self.report = run.report
        if run.status == ImportStatus.REJECTED:
            raise CommandError("\n".join(run.errors))
        if options.get("json"):
            self.stdout.write(json.dumps(run.report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_report(run.report))
