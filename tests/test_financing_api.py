"""The financing catalog in the open-data API: published tools only, the catalog's
filters, CSV, French errors; no contact line."""

import csv
import io
from datetime import date

import pytest

from essor.directory.enums import Phase
from essor.financing.enums import Beneficiary, Envelope, Instrument, ToolStatus
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory

pytestmark = pytest.mark.django_db

URL = "/api/financements/"


def titles(response):
    assert response.status_code == 200, response.content
    return [row["intitule"] for row in response.json()["resultats"]]


def test_only_published_tools_nearest_deadline_first_without_contact(client):
    funder = OrganisationFactory(name="Région Nouvelle-Aquitaine")
    ToolFactory(title="Permanent", contact="Mme Martin, 06 12 34 56 78", funders=[funder])
    ToolFactory(title="Clôture en mars", closes_on=date(2030, 3, 31))
    ToolFactory(title="Clôture en janvier", closes_on=date(2030, 1, 15))
    ToolFactory(title="Brouillon", status=ToolStatus.DRAFT)
    ToolFactory(title="Archivé", status=ToolStatus.ARCHIVED)

    response = client.get(URL)

    assert titles(response) == ["Clôture en janvier", "Clôture en mars", "Permanent"]
    permanent = response.json()["resultats"][2]
    assert permanent["financeurs"] == [{"id": funder.pk, "nom": "Région Nouvelle-Aquitaine"}]
    assert permanent["page"].endswith(f"/financement/outils/{permanent['id']}/")
    assert "Martin" not in response.content.decode()


def test_the_catalogs_filters(client):
    ToolFactory(title="Prêt SCOP", instrument=Instrument.HONOUR_LOAN, beneficiaries=["scop"])
    ToolFactory(title="Subvention amorçage", phases=[Phase.IDEA])
    ToolFactory(
        title="Épuisé", envelope=Envelope.EXHAUSTED, beneficiaries=[Beneficiary.ASSOCIATION]
    )
    ToolFactory(title="Poitiers", areas=[("commune", "86194", "Poitiers (86)")])

    assert titles(client.get(URL, {"instrument": "honour_loan"})) == ["Prêt SCOP"]
    # A tool that restricts no beneficiary is open to all of them.
    assert set(titles(client.get(URL, {"beneficiaire": "scop"}))) == {
        "Prêt SCOP", "Subvention amorçage", "Poitiers",
    }  # fmt: skip
    assert "Subvention amorçage" not in titles(client.get(URL, {"etape": "development"}))
    assert "Épuisé" not in titles(client.get(URL, {"ouvert": "true"}))
    assert "Poitiers" not in titles(client.get(URL, {"commune": "87085"}))
    assert "Poitiers" in titles(client.get(URL, {"commune": "86194"}))
    assert titles(client.get(URL, {"q": "amorcage"})) == ["Subvention amorçage"]


def test_the_detail_and_what_a_tool_unlocks(client):
    loan = ToolFactory(title="Prêt bancaire")
    draft = ToolFactory(title="Brouillon", status=ToolStatus.DRAFT)
    honour = ToolFactory(title="Prêt d'honneur", description="**Sans intérêt.**")
    honour.unlocks.add(loan, draft)

    data = client.get(f"{URL}{honour.pk}/").json()

    assert data["description"] == "**Sans intérêt.**" and data["permet_ensuite"] == [loan.pk]
    missing = client.get(f"{URL}{draft.pk}/")
    assert missing.status_code == 404 and "Aucun outil" in missing.json()["detail"]


def test_csv_export_and_french_errors(client):
    ToolFactory(title="=Formule", beneficiaries=["scop", "scic"])

    response = client.get(URL, {"format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))
    assert row["intitule"] == "'=Formule" and row["beneficiaires"] == "scop|scic"

    bad = client.get(URL, {"instrument": "cadeau", "limit": "0"})
    assert bad.status_code == 400
    assert {e["parametre"] for e in bad.json()["erreurs"]} == {"instrument", "limit"}
    # A well-formed code that no commune has: no tool covers it, as in the directory API.
    assert client.get(URL, {"commune": "99999"}).json()["total"] == 0
