"""The one CSV writer of ESSor: every export goes through it (a test fails when a module
under essor/ calls csv.writer or csv.DictWriter anywhere else).

What it does for every file:
- formula-safe cells, the OWASP way: a text cell starting with = + - @, a tab or a
  carriage return gets a leading apostrophe, so that a spreadsheet shows it as text
  instead of running it (`=HYPERLINK(...)` in a project title stays harmless);
- `;` separator and a UTF-8 byte-order mark, so that a French Excel opens it with its
  columns and accents right;
- None as an empty cell, booleans as "oui"/"non", dates in ISO 8601, lists joined by "|".

    from essor.core.csv import csv_response, streaming_csv_response, write_csv

    # small export, built in memory
    return csv_response(["nom", "montant"], ((o.name, o.amount) for o in rows), "export.csv")
    # big export, streamed row by row to the client
    return streaming_csv_response(header, rows_generator, "annuaire.csv")
    # an export written to a file (background exports: essor.core.exports)
    write_csv(open_binary_file, header, rows)
"""

import csv
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
DELIMITER = ";"
CONTENT_TYPE = "text/csv; charset=utf-8"
# OWASP "CSV injection": the first characters that make a spreadsheet read a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(str(_plain(item)) for item in value)
    return value


def safe_cell(value):
    """One value as a cell a spreadsheet will never run."""
    value = _plain(value)
    if isinstance(value, int | float | Decimal):
        return value  # a number is never a formula, -3 included
    text = str(value)
    # Leading spaces do not stop every spreadsheet from reading a formula.
    if text.lstrip(" ")[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line: csv.writer then yields text."""

    def write(self, value):
        return value


def _writer(target):
    return csv.writer(target, delimiter=DELIMITER, lineterminator="\r\n")


def lines(header, rows):
    """The file as text, line by line, byte-order mark first."""
    writer = _writer(_Echo())
    yield BOM + writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(header, rows, filename):
    """A small export, answered in one piece."""
    return _attachment(
        HttpResponse("".join(lines(header, rows)), content_type=CONTENT_TYPE), filename
    )


def streaming_csv_response(header, rows, filename):
    """A big export, streamed: `rows` may be a generator reading the database by chunks."""
    return _attachment(
        StreamingHttpResponse(lines(header, rows), content_type=CONTENT_TYPE), filename
    )


def write_csv(binary_file, header, rows):
    """Write the export into an open binary file; return the number of data rows."""
    count = -1
    for count, line in enumerate(lines(header, rows)):  # noqa: B007
        binary_file.write(line.encode("utf-8"))
    return count
