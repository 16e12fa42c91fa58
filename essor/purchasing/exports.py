"""Exports of purchasing: CSV through essor/core/csv.py, XLSX through openpyxl with the
same formula-safe cells."""

import io

from django.http import HttpResponse

from essor.core import csv

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
