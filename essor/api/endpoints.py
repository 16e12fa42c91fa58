"""How an app's `api.py` declares its endpoints, so that every list, detail and CSV export
of the open-data API is built, documented and answered one way:

- `endpoint(router, path, Schema, ...)`: a GET route with the errors every route may
  answer (400, 429 and its Retry-After), the ones it adds (`errors=(404,)`) and, with
  `alternate=`, the other content of its 200 (CSV_RESPONSE_DOC for `format=csv`);
- `page_schema(...)`: the schema of one page of a list (total, limit, offset, resultats);
- `list_export(...)` and `page_or_csv(...)`: a list that also answers `format=csv` through
  the platform's exports (essor.core.exports), its rows rebuilt from the parameters;
- `id_param(...)` and `found_or_404(...)`: a detail's identifier and its French 404;
- `choices_doc(...)`: the allowed values of a field, for its description.
"""

from typing import Annotated

from ninja import Field, Path, Schema
from ninja.errors import HttpError
from pydantic import create_model

from essor.core.exports import register_exporter

from .errors import ERRORS, RETRY_AFTER_DOC, Erreur
from .params import MAX_ID
from .responses import ApiExport, csv_export_response, page, wants_csv


def choices_doc(choices):
    """« `value` (label), … » for the description of a field that takes these choices."""
    return ", ".join(f"`{value}` ({label})" for value, label in choices)


def endpoint(router, path, response, *, errors=(), alternate=None, **options):
    """`router.get(path)` answering `response` (its 200), the shared errors, and `errors`
    (status codes answered with an Erreur: 404, 401). `alternate`: another content of the
    200 for the OpenAPI document (CSV_RESPONSE_DOC, an iCalendar file). `options`: the
    route's summary, description, operation_id, tags, auth."""
    responses = {200: response, **dict.fromkeys(errors, Erreur), **ERRORS}
    documented = {200: alternate, **RETRY_AFTER_DOC} if alternate else RETRY_AFTER_DOC
    return router.get(path, response=responses, openapi_extra={"responses": documented}, **options)


def page_schema(name, item, *, total, items, **extra):
    """The schema `name` of one page of a list of `item`: `total` and `items` describe the
    count and the results; `extra`: more fields, as `(type, Field(...))`."""
    return create_model(
        name,
        __base__=Schema,
        total=(int, Field(description=total)),
        limit=(int, Field(description="Taille de la page.")),
        offset=(int, Field(description="Position du premier résultat.")),
        resultats=(list[item], Field(description=items)),
        **extra,
    )


def id_param(description):
    """A detail's numeric identifier in the path (from 1 to the largest id)."""
    return Annotated[int, Path(ge=1, le=MAX_ID, description=description)]


def found_or_404(queryset, message):
    """The first object of `queryset`, or a 404 that says `message`."""
    found = queryset.first()
    if found is None:
        raise HttpError(404, message)
    return found


def list_export(*, name, filename, columns, select, row):
    """Declare (and register) the CSV of a list endpoint: `select(params)` rebuilds the
    list from the endpoint's parameters, in the worker too; `row(item)` is its row, a dict
    that `columns` flattens. Returns the exporter class, for `page_or_csv`."""
    return register_exporter(
        type(
            f"ApiExport[{name}]",
            (ApiExport,),
            {
                "name": name,
                "filename": filename,
                "columns": columns,
                "select": staticmethod(select),
                "queryset": lambda self, params, user: self.select(params),
                "api_row": lambda self, item: row(item),
            },
        )
    )


def page_or_csv(request, export, params, row, limit, offset):
    """A list endpoint's answer: with `format=csv`, every row through `export` (declared by
    `list_export`); else one page of the same list, each object turned into `row(item)`.
    `params`: the parameters that choose the rows, None for those not given."""
    if wants_csv(request):
        return csv_export_response(request, export.name, params)
    return page(export.select(params), row, limit, offset)
