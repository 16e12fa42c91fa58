"""What a list endpoint answers: one page of results, or every row as a CSV file."""

from essor.core.csv import streaming_csv_response
from essor.core.exports import Exporter, export_response

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


class ApiExport(Exporter):
    """The CSV of an API list that can be large (the directory: 250,000 rows), declared
    once so that it goes through the platform's exports (essor.core.exports): streamed
    when small, else prepared in the background, behind the « en préparation » page, and
    limited per account and per address. `queryset(params, user)` (or `count` and
    `items`) rebuilds the list from the endpoint's parameters, in the worker too;
    `api_row(item)` is the endpoint's own row (a dict), flattened by `columns`."""

    columns = []

    @property
    def header(self):
        return self.columns

    def api_row(self, item):
        raise NotImplementedError

    def row(self, item):
        values = self.api_row(item)
        return [_csv_cell(values[column]) for column in self.columns]


def csv_export_response(request, name, params):
    """The answer to `format=csv` on a list declared as an ApiExport named `name`;
    `params`: the endpoint's parameters that choose the rows (JSON values, None left out)."""
    return export_response(request, name, params={k: v for k, v in params.items() if v is not None})
