"""Exports of purchasing: CSV through essor/core/csv.py (the buyers' figures through
essor/core/exports.py's exporter, FiguresExport), XLSX through openpyxl with the same
formula-safe cells. Imported by the app's ready(): the worker must know the exporter."""

import io

from django.http import HttpResponse

from essor.core import csv
from essor.core.exports import Exporter, register_exporter

from . import figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_export(rows, filename):
    rows = iter(rows)
    return csv.streaming_csv_response(next(rows), rows, f"{filename}.csv")


def xlsx_export(rows, filename, title):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    for number, row in enumerate(rows):
        sheet.append([csv.safe_cell(value) for value in row])
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@register_exporter
class FiguresExport(Exporter):
    """The « achats responsables » indicators by département and category family (the
    CRESS's figures page and the observatory link to it): a few hundred rows at most."""

    name = "purchasing-figures"
    filename = "achats-responsables-essor.csv"
    header = figures.EXPORT_HEADER
    label = "Indicateurs des achats responsables"

    def _rows(self, params):
        rows = figures.export_rows(
            params.get("departement") or None, params.get("epci") or None,
            params.get("famille") or None,
        )  # fmt: skip
        next(rows)  # the header
        return rows

    def count(self, params, user):
        return sum(1 for _ in self._rows(params))

    def rows(self, params, user):
        return self._rows(params)
