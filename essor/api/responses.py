"""What a list endpoint answers: one page of results, or every row as a CSV file."""

from essor.core.csv import streaming_csv_response

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


def _csv_cell(value):
    # A nested label ({"code": ..., "libelle": ...}) is its code in a flat file.
    if isinstance(value, dict):
        return value.get("code", "")
    if isinstance(value, list):
        return [_csv_cell(item) for item in value]
    return value


def csv_response(rows, columns, filename):
    """Stream `rows` (dicts) through the platform's formula-safe CSV writer
    (essor.core.csv: ';', UTF-8 with BOM, formulas neutralised)."""
    cells = ([_csv_cell(row[column]) for column in columns] for row in rows)
    return streaming_csv_response(columns, cells, filename)
