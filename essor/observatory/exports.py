"""CSV and XLSX downloads of a dataset: the same rows as the page, secret included.

A masked value is an empty cell, and the row's last column, "statut", says
"secret statistique"."""

import io

from django.http import HttpResponse

from essor.core import csv

from .models import SECRET_LABEL

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_value(row, column):
    value = row.get(column.key)
    if value is None:
        return None
    if column.kind == "number":
        return round(value)
    if column.kind == "percent":
        return round(value, 1)
    return value


def header(dataset):
    return [
        "niveau",
        "code_territoire",
        "territoire",
        *(c.export for c in dataset.columns),
        "statut",
    ]


def records(dataset):
    territory = dataset.territory
    for row in dataset.rows:
        yield [
            territory.level,
            territory.code,
            territory.name,
            *(export_value(row, column) for column in dataset.columns),
            SECRET_LABEL if row.get("secret") else "",
        ]


def filename(dataset, extension):
    return f"essor-{dataset.slug}-{dataset.territory.level}-{dataset.territory.code}.{extension}"


def csv_response(dataset):
    return csv.csv_response(header(dataset), records(dataset), filename(dataset, "csv"))


def xlsx_bytes(dataset, refreshed_at=None):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = dataset.slug[:31]
    sheet.append([f"{dataset.title} — {dataset.territory.title}"])
    sheet["A1"].font = Font(bold=True)
    if dataset.note:
        sheet.append([dataset.note])
    sheet.append(
        [
            "Source : ESSor, observatoire de l'ESS"
            + (f", indicateurs calculés le {refreshed_at:%d/%m/%Y}" if refreshed_at else "")
            + ". Case vide : secret statistique (voir la colonne « statut »)."
        ]
    )
    sheet.append([])
    sheet.append(header(dataset))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for record in records(dataset):
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(dataset, refreshed_at=None):
    response = HttpResponse(xlsx_bytes(dataset, refreshed_at), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(dataset, "xlsx")}"'
    return response
