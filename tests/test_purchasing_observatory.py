"""The buyers' figures as « achats responsables » indicators of the observatory (issue 16,
Deliver 5): on the regional dashboard and the portraits of a département or an EPCI
(through the « observatory » slot of essor/core/page_sections.py: the observatory does
not import purchasing), by territory and category family, exported through
essor/core/exports.py and published by the open API."""

import re

import pytest
from django.urls import reverse

from essor.territories.models import Commune
from tests.factories.purchasing import ANGOULEME
from tests.test_purchasing_figures_api import history  # noqa: F401 (fixture)

# Buyer A: two needs counted in the Charente (one won by an ESS supplier, 12 000 €), a draft;
# buyer B: an open need in the Gironde.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


def section(page):
    """The purchasing section of an observatory page, or None."""
    start = page.find('id="achats-responsables"')
    return None if start < 0 else page[start : page.find("</section>", start)]


def test_the_regional_dashboard_shows_the_indicators_by_departement_and_family(client):
    part = section(client.get(reverse("observatory:index")).content.decode())
    assert part is not None
    # Two needs counted in the Charente, one in the Gironde; the draft is not.
    assert "<dt>Besoins publiés</dt><dd>3</dd>" in part
    assert "Charente (16)" in part and "Gironde (33)" in part
    assert re.search(r"12\D{0,6}000 € HT", part)  # the amount won, with its separator
    assert reverse("purchasing:figures_export") in part
    assert reverse("api:purchase_indicators") in part


def test_a_portrait_shows_its_own_territory_and_nothing_where_no_need_is_counted(client):
    charente = section(client.get(reverse("observatory:departement", args=["16"])).content.decode())
    assert "<dt>Besoins publiés</dt><dd>2</dd>" in charente
    assert "Espaces verts" in charente and "?departement=16" in charente
    epci = Commune.objects.get(code=ANGOULEME).epci_id
    grand_angouleme = section(client.get(reverse("observatory:epci", args=[epci])).content.decode())
    assert "<dt>Besoins publiés</dt><dd>2</dd>" in grand_angouleme
    assert f"?epci={epci}" in grand_angouleme
    # No need placed in the Haute-Vienne: no section at all.
    assert (
        section(client.get(reverse("observatory:departement", args=["87"])).content.decode())
        is None
    )


def test_anyone_exports_the_indicators_as_csv_and_a_bad_territory_is_refused(client):
    response = client.get(reverse("purchasing:figures_export"), {"departement": "16"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("departement_code;departement;famille_achats;besoins_publies")
    assert lines[-1].split(";")[1] == "Total" and lines[-1].split(";")[3] == "2"
    assert all(line.startswith("16;") for line in lines[1:-1])

    for params in ({"departement": "99"}, {"epci": "000"}, {"famille": "armement"}):
        bad = client.get(reverse("purchasing:figures_export"), params)
        assert bad.status_code == 400
        assert "Territoire ou famille d&#x27;achats inconnu" in bad.content.decode()


def test_the_api_gives_the_indicators_by_epci_and_family_and_as_csv(client):
    url = reverse("api:purchase_indicators")
    epci = Commune.objects.get(code=ANGOULEME).epci_id
    rows = client.get(url, {"epci": epci}).json()
    assert rows[-1]["besoins_publies"] == 2 and rows[-1]["departement"] is None
    family = client.get(url, {"famille": "proprete-dechets"}).json()
    assert family[-1]["besoins_publies"] == 1
    csv = client.get(url, {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("departement;famille;besoins_publies")
