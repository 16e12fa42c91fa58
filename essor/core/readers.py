"""How the importer skeleton (essor.core.importing) reads its files.

`CsvFile` streams the rows of a CSV file, plain or zipped, in constant memory, with the
number of the line each row starts on. A columnar reader
(Arrow, for the national SIRENE stock) sits beside it with the same interface:
`members()`, `read(stream, label)`, `header`, iteration over the rows, `line`,
`keep_first` and `filtered`. `ArrowCsvFile` is that columnar reader (pyarrow): the
SIRENE importer reads its UTF-8 stock files with it."""

import codecs
import csv
import difflib
import io
import queue
import threading
import zipfile
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

# Real SIRENE rows run to a few hundred characters; the default limit (128 KiB) stays.
csv.field_size_limit(1 << 20)

# Single-byte encodings in which UTF-8 text decodes without error, as "Ã©" for "é":
# such a file is checked line by line for what UTF-8 left in it.
SINGLE_BYTE = {"iso8859-1", "iso8859-15", "cp1252"}
DELIMITERS = (";", ",", "\t")


def read_ahead(items, depth=2):
    """The items of the iterator `items`, read ahead by a thread (at most `depth`
    waiting): Arrow parses the next block, without the GIL, while this one is checked —
    the two cores of a small server work at once. An exception of `items` is raised
    here; closing this generator stops the thread before it returns."""
    waiting = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def produce():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        waiting.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            waiting.put((end, None))
        except Exception as error:  # noqa: BLE001 - handed to the consumer, raised there
            waiting.put((end, error))

    thread = threading.Thread(target=produce, name="essor-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = waiting.get()
            if item is end:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


def encoding_problem(encoding):
    """A French message when `encoding` is not a codec Python knows, else None."""
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        return f"encodage inconnu « {encoding} » (par exemple utf-8, iso-8859-1 ou windows-1252)."
    return None


class CsvFile:
    """The rows of a CSV file, plain or zipped, read in constant memory.

    The file is read as bytes, line by line, so that an encoding error points at its
    line. A line without any quote character is simply split on the delimiter (three
    times faster than the csv module, which matters on 30 million Sirene lines); the
    others go through the csv module, which reads on when a quoted field spans lines.
    After `read()`, `header` holds the column names and iterating gives the rows as
    lists of strings; `line` is the number of the (first) physical line of the last
    row given. `delimiter=None` takes the most frequent of ; , and tab in the header."""

    def __init__(
        self, path, *, delimiter=",", encoding="utf-8", errors, several=False, projection=None
    ):
        self.path = Path(path)
        # The columns the importer reads: a columnar reader reads only those; this one
        # splits whole lines anyway.
        self.projection = projection
        self.delimiter = delimiter
        self.detect_delimiter = delimiter is None
        self.encoding = encoding
        self.single_byte = codecs.lookup(encoding).name in SINGLE_BYTE
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
        self.keep_first = None
        if self.detect_delimiter:
            stream = self._detect(stream)
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

    def _detect(self, stream):
        first = stream.readline()
        counts = {d: first.count(d.encode()) for d in DELIMITERS}
        self.delimiter = max(DELIMITERS, key=lambda d: counts[d])  # ties: the first
        return _prepend(first, stream)

    def __iter__(self):
        """The data rows; undecodable or unparsable lines are logged and skipped."""
        return self._rows

    def _parse(self, stream):
        """Rows from the byte lines of `stream`. One loop does everything for the
        common line: this is the hot path of an import of millions of lines."""
        delimiter, encoding, label = self.delimiter, self.encoding, self.label
        single_byte = self.single_byte
        number = filtered = 0
        quoted = _QuotedLines(self, stream)
        keep, separators, started = None, 0, False
        try:
            for raw in stream:
                number += 1
                if single_byte and not raw.isascii():
                    text = self._decode(raw, number)
                    if text is None:
                        continue
                else:
                    try:
                        text = raw.decode(encoding)
                    except UnicodeDecodeError:
                        self.errors.add(label, number, self._encoding_message())
                        continue
                if '"' in text:
                    self.line = number
                    row, number = quoted.row(text, number)
                    if row is _END:
                        return
                    if row is None:
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

    def _decode(self, raw, number):
        """The text of a line, or None (and an error) when it cannot be right."""
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError:
            self.errors.add(self.label, number, self._encoding_message())
            return None
        if self.single_byte and not raw.isascii():
            # A line that is valid UTF-8 is UTF-8 read as Latin-1: "Ã©" for "é". Refused
            # rather than warned about: imported, it would spoil every name it touches.
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return text
            self.errors.add(
                self.label,
                number,
                "caractères mal décodés (« Ã© » pour « é ») : le fichier semble encodé en "
                f"UTF-8 et non en {self.encoding.upper()} ; indiquez l'encodage UTF-8.",
            )
            return None
        return text

    def _encoding_message(self):
        return f"caractères illisibles : le fichier n'est pas encodé en {self.encoding.upper()}."

    def check_columns(self, required, known=(), *, strict=False):
        """Log missing columns, with a guess at a misspelt one among the columns that
        are neither required nor `known` (the format's other columns); with `strict`,
        log the columns that are neither. True when all is well."""
        missing = [name for name in required if name not in self.header]
        unknown = [name for name in self.header if name not in required and name not in known]
        if strict:
            for name in unknown:
                self.errors.add(self.label, 1, f"colonne inconnue « {name} ».")
        if not missing:
            return not (strict and unknown)
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
        hint = "ligne tronquée ou séparateur en trop ?"
        if any("\n" in field for field in row):
            hint = "un guillemet non refermé ?"
        self.errors.add(
            self.label, self.line, f"{len(row)} champ(s) au lieu de {len(self.header)} ({hint})."
        )


def _prepend(first, stream):
    yield first
    yield from stream


# What _QuotedLines.row returns when the file ends inside a quoted field.
_END = object()


class _QuotedLines:
    """The csv module's reader, for the lines that hold a quote: it is fed the line in
    hand, then the next lines of the stream while a quoted field goes on."""

    def __init__(self, owner, stream):
        self.owner, self.stream = owner, stream
        self.pending, self.exhausted, self.number = [], False, 0
        self.reader = csv.reader(self._feed(), delimiter=owner.delimiter)

    def _feed(self):
        while True:
            if self.pending:
                yield self.pending.pop()
                continue
            raw = next(self.stream, None)
            if raw is None:
                self.exhausted = True
                return
            self.number += 1
            text = self.owner._decode(raw, self.number)
            if text is not None:
                yield text

    def row(self, text, number):
        """(row, number of the last line read): the row that starts with the line
        `text`, numbered `number`; row None when it is unreadable (logged), _END when
        the file ended."""
        owner = self.owner
        self.number = number
        self.pending.append(text)
        try:
            row = next(self.reader)
        except StopIteration:
            return _END, self.number
        except csv.Error as error:
            owner.errors.add(owner.label, owner.line, f"ligne CSV illisible ({error}).")
            return None, self.number
        if self.exhausted:
            # The csv module asked for more while in a quoted field: the quote was never
            # closed, and it read the rest of the file as one field.
            owner.errors.add(
                owner.label,
                owner.line,
                "guillemet ouvert et jamais refermé : la suite du fichier a été lue "
                "comme un seul champ.",
            )
            return _END, self.number
        return row, self.number


class ArrowCsvFile(CsvFile):
    """A columnar reader for the national SIRENE stock (tens of millions of lines):
    Arrow parses the file in blocks, in C++ and on every core, reads only the columns
    the importer uses (`projection`), and drops in one vectorised semi-join the rows
    whose first field is not in `keep_first` (the establishments of units outside the
    ESS: nearly all of them). Only the rows kept become Python lists.

    The same interface as CsvFile, which it extends (members, header, the column
    checks): `read()` parses the header with CsvFile, then the rows come from Arrow. Line
    numbers are counted from the rows, so they are right as long as no quoted field
    spans lines (Arrow is told not to expect any: SIRENE has none, and such a line is
    reported as malformed). A plain or zipped UTF-8 file; another encoding goes through
    CsvFile (`reader_for`)."""

    BLOCK_SIZE = 1 << 22
    columnar = True

    def __init__(self, path, **kwargs):
        super().__init__(path, **kwargs)
        self._stream = None
        # Set by the skeleton (Input.column_filter): rows whose `keep_column` is not in
        # `keep_values` are dropped like those of `keep_first`.
        self.keep_column = self.keep_values = None
        self._file_header = None

    def read(self, stream, label):
        self.label = label
        self.line = self.filtered = 0
        self.keep_first = None
        first = stream.readline()
        if not first.strip():
            self.errors.add(label, None, "le fichier est vide.")
            return False
        try:
            text = first.decode(self.encoding)
        except UnicodeDecodeError:
            self.errors.add(label, 1, self._encoding_message())
            return False
        if self.detect_delimiter:
            self.delimiter = max(DELIMITERS, key=lambda d: text.count(d))
        header = next(csv.reader([text], delimiter=self.delimiter))
        if header:
            header[0] = header[0].lstrip("\ufeff")
        self.header = self._file_header = [name.strip() for name in header]
        self._stream = stream
        self.line = 1
        return True

    def check_columns(self, required, known=(), *, strict=False):
        if self.header != self._file_header:
            # The skeleton normalised the names (Input.header): check those.
            self._file_header = list(self.header)
        if not super().check_columns(required, known, strict=strict):
            return False
        if self.projection:
            # From now on the rows hold the projected columns only, in the file's order.
            wanted = set(self.projection) | set(required)
            self.header = [name for name in self._file_header if name in wanted]
        return True

    def batches(self):
        """The rows kept by the filters, in columns: (Arrow RecordBatch of the projected
        columns, numpy array of their line numbers). What the skeleton validates in
        columns (Input.check_batch); iterating gives the same rows as lists."""
        import pyarrow as pa
        from pyarrow import csv as arrow_csv

        projected = self.header
        malformed = []

        def invalid(row):
            # Arrow does not know the row's line: CsvFile reads the rest (_fallback).
            malformed.append(row)
            return "skip"

        number = 1  # the line of the last row read
        try:
            reader = arrow_csv.open_csv(
                self._stream,
                read_options=arrow_csv.ReadOptions(
                    column_names=self._file_header, block_size=self.BLOCK_SIZE, encoding="utf8"
                ),
                parse_options=arrow_csv.ParseOptions(
                    delimiter=self.delimiter, invalid_row_handler=invalid
                ),
                convert_options=arrow_csv.ConvertOptions(
                    include_columns=projected,
                    column_types=dict.fromkeys(projected, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            with closing(read_ahead(reader)) as parsed:
                for batch in parsed:
                    if malformed:
                        # This block held a malformed line (or one read ahead did): it
                        # is read again, line by line, from its start.
                        break
                    size = batch.num_rows
                    lines = np.arange(number + 1, number + 1 + size)
                    number += size
                    self.line = number
                    yield self._filter(batch, lines)
        except pa.ArrowInvalid:
            malformed.append(None)
        if malformed:
            yield from self._fallback_batches(number, projected)

    def __iter__(self):
        for batch, lines in self.batches():
            end = self.line
            columns = [column.to_pylist() for column in batch.columns]
            for line, fields in zip(lines.tolist(), zip(*columns, strict=True), strict=True):
                self.line = line
                yield list(fields)
            self.line = end

    def _filter(self, batch, lines):
        """Drop, in columns, the rows whose first field is not in `keep_first` and those
        whose `keep_column` is not in `keep_values`."""
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = None
        if self.keep_first is not None:
            if not isinstance(self.keep_first, (KeySet, pa.Array)):
                self.keep_first = pa.array(list(self.keep_first), pa.string())
            mask = member_mask(batch.column(0), self.keep_first)
        if self.keep_column is not None:
            if not isinstance(self.keep_values, pa.Array):
                self.keep_values = pa.array(list(self.keep_values), pa.string())
            index = batch.schema.get_field_index(self.keep_column)
            inside = pc.is_in(batch.column(index), value_set=self.keep_values).to_numpy(
                zero_copy_only=False
            )
            mask = inside if mask is None else mask & inside
        if mask is None:
            return batch, lines
        self.filtered += len(mask) - int(np.count_nonzero(mask))
        return batch.filter(pa.array(mask)), lines[mask]

    def _fallback_batches(self, after, projected, size=1000):
        """The rows of _fallback, gathered into small batches (a rejected file only)."""
        import pyarrow as pa

        rows, lines = [], []

        def batch():
            columns = [pa.array(list(c), pa.string()) for c in zip(*rows, strict=True)]
            if not columns:
                columns = [pa.array([], pa.string()) for _ in projected]
            return self._filter(
                pa.RecordBatch.from_arrays(columns, names=projected), np.array(lines, np.int64)
            )

        for fields in self._fallback(after):
            if not fields:
                continue  # a wrong line, already logged
            rows.append(fields)
            lines.append(self.line)
            if len(rows) >= size:
                yield batch()
                rows, lines = [], []
        if rows:
            yield batch()

    def _fallback(self, after):
        """A malformed line (wrong number of fields, bytes that are not UTF-8): the lines
        after `after` are read again by CsvFile, which names each error with its line.
        Only a file about to be rejected takes this path."""
        projected, self.header = self.header, self._file_header
        wanted = set(projected)
        indexes = [i for i, name in enumerate(self._file_header) if name in wanted]
        try:
            with self.members() as members:
                for label, stream in members:
                    if label != self.label:
                        continue
                    rows = self._parse(stream)
                    next(rows, None)  # the header
                    for row in rows:
                        if self.line <= after:
                            continue
                        if len(row) != len(self._file_header):
                            if row:
                                self.wrong_length(row)
                            yield []  # an empty row: the skeleton passes on
                        else:
                            yield [row[i] for i in indexes]
                    return
        finally:
            self.header = projected


def reader_for(encoding, *, columnar):
    """The reader class of an input: Arrow's for a UTF-8 file when asked, else CsvFile."""
    if columnar and codecs.lookup(encoding).name == "utf-8":
        return ArrowCsvFile
    return CsvFile


# Identifiers in columns: SIREN (9 digits), SIRET (14), checked and joined as integers.


def digits(column, width):
    """(int64 values, validity) of an Arrow string column of `width`-digit numbers: a
    value that is not exactly `width` ASCII digits is invalid (its value is 0)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = pc.and_(
        pc.equal(pc.binary_length(column), width), pc.ascii_is_decimal(column)
    ).to_numpy(zero_copy_only=False)
    if valid.all():
        values = pc.cast(column, pa.int64())
    else:
        values = pc.cast(pc.if_else(pa.array(valid), column, "0"), pa.int64())
    return values.to_numpy(zero_copy_only=False), valid


def member_mask(column, keys):
    """Whether each value of an Arrow string column is in `keys` (a KeySet, an Arrow
    array or a set of strings), as a numpy array of booleans."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(keys, KeySet):
        return keys.mask(column)
    if not isinstance(keys, pa.Array):
        keys = pa.array(list(keys), pa.string())
    return pc.is_in(column, value_set=keys).to_numpy(zero_copy_only=False)


class KeySet:
    """A set of identifiers written in `width` digits (SIREN, SIRET), kept as a sorted
    int64 array: 8 bytes a key where a Python set of strings costs about 90 (the national
    stock keeps millions of them, and its memory must stay under 1 GB), and membership
    tested on a whole Arrow column at once (`mask`, a binary search in numpy: pyarrow's
    is_in would build its hash table again for every block). `in`, `|` and `&` work
    with strings as on a set."""

    def __init__(self, width, values=()):
        self.width = width
        self._parts = [np.asarray(values, np.int64)]
        self._pending = []
        self._sorted = None

    @classmethod
    def of(cls, width, strings):
        keys = cls(width)
        for value in strings:
            keys.add(value)
        return keys

    def add(self, key):
        if len(key) == self.width and key.isdigit():
            self._pending.append(int(key))
            self._sorted = None

    def add_array(self, values):
        if len(values):
            self._parts.append(np.asarray(values, np.int64))
            self._sorted = None

    @property
    def values(self):
        if self._sorted is None:
            if self._pending:
                self._parts.append(np.array(self._pending, np.int64))
                self._pending = []
            self._sorted = np.unique(np.concatenate(self._parts))
            self._parts = [self._sorted]
        return self._sorted

    def contains(self, values):
        """Whether each int64 of `values` is in the set (numpy booleans)."""
        keys = self.values
        if not len(keys):
            return np.zeros(len(values), bool)
        at = np.searchsorted(keys, values)
        at[at == len(keys)] = 0
        return keys[at] == values

    def mask(self, column):
        values, valid = digits(column, self.width)
        return valid & self.contains(values)

    def __contains__(self, key):
        if len(key) != self.width or not key.isdigit():
            return False
        return bool(self.contains(np.array([int(key)], np.int64))[0])

    def __len__(self):
        return len(self.values)

    def __iter__(self):
        return (f"{value:0{self.width}d}" for value in self.values.tolist())

    def _other(self, other):
        return other.values if isinstance(other, KeySet) else KeySet.of(self.width, other).values

    def __or__(self, other):
        return KeySet(self.width, np.union1d(self.values, self._other(other)))

    def __and__(self, other):
        return KeySet(self.width, np.intersect1d(self.values, self._other(other)))
