"""What a list endpoint answers: one page of results, or every row as a CSV file."""

import csv
from datetime import date, datetime

from django.http import StreamingHttpResponse

CSV_CHUNK_SIZE = 2000

# The OpenAPI description of a list's CSV answer, next to its JSON one.
CSV_RESPONSE_DOC = {
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": "\ufeffid;siren;rna;nom;…",
        }
    }
}


def wants_csv(request):
    """CSV when asked by ?format=csv, or by an Accept header that names CSV but not JSON."""
    requested = request.GET.get("format")
    if requested:
        return requested == "csv"
    accept = request.headers.get("Accept", "")
    return "text/csv" in accept and "application/json" not in accept


def page(queryset, row, limit, offset):
    """One page of `queryset`, each object turned into a dict by `row`, with the total."""
    return {
        "total": queryset.count(),
        "limit": limit,
        "offset": offset,
        "resultats": [row(item) for item in queryset[offset : offset + limit]],
    }


def csv_export(queryset, row, columns, filename):
    """Every object of `queryset`, read by chunks and streamed as CSV rows."""
    rows = (row(item) for item in queryset.iterator(chunk_size=CSV_CHUNK_SIZE))
    return csv_response(rows, columns, filename)


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(_csv_cell(item) for item in value)
    if isinstance(value, dict):
        return value.get("code", "")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        # A spreadsheet would run a cell starting like a formula: neutralise it.
        return "'" + value
    return value


def csv_response(rows, columns, filename):
    """Stream `rows` (dicts) as a `;`-separated, UTF-8 CSV file with a BOM, so that a
    French spreadsheet opens it with its accents and columns right."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for row in rows:
            yield writer.writerow([_csv_cell(row[column]) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
