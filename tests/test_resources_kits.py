"""Awareness kits (/ressources/kits/): one per audience the 2016 report names, with its
words quoted exactly, a presentation outline, a leaflet and the région's key figures —
equal to the observatory's, with their date and source — as a PDF and a CSV."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from essor.observatory.enums import Breakdown, TerritoryLevel
from essor.observatory.models import IndicatorCell, IndicatorRefresh
from essor.observatory.refresh import refresh_indicators
from essor.resources.kits import KITS
from essor.resources.services import REPORT_TEXT
from tests.observatory_fixtures import make_establishments
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db

POITIERS, LIMOGES = "86194", "87085"


def text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def plain(response):
    return flat(re.sub(r"<[^>]+>", "", text(response)))


def flat(words):
    return " ".join(words.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def figures():
    make_establishments(POITIERS, 7, band="03")
    make_establishments(LIMOGES, 6, band="12")
    refresh_indicators()
    return IndicatorCell.objects.get(
        level=TerritoryLevel.REGION, code="75", breakdown=Breakdown.TOTAL
    )


def test_four_kits_for_the_audiences_of_the_report_quoting_it_word_for_word(client):
    shipped = REPORT_TEXT.read_text(encoding="utf-8").replace("*", "")
    assert [kit.slug for kit in KITS] == [
        "elus",
        "etudiants-enseignants",
        "entreprises",
        "futurs-entrepreneurs",
    ]
    index = text(client.get(reverse("resources:kits")))
    assert "Kits de sensibilisation" in text(client.get(reverse("resources:index")))
    for kit in KITS:
        assert kit.title in index
        page = text(client.get(reverse("resources:kit", args=[kit.slug])))
        for paragraph, _ in kit.quotes:
            assert paragraph in shipped and paragraph in page
        assert "Plan de présentation" in page and "Chiffres clés" in page
        assert len(kit.related()) >= 5
        for _, url in kit.related():
            assert f'href="{url}"' in page
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("resources:kit", args=["nulle-part"])).status_code == 404


def test_each_kit_downloads_the_observatory_s_figures_with_their_date(client, figures, tmp_path):
    refreshed = IndicatorRefresh.objects.order_by("-finished_at").first().finished_at
    observatory = text(client.get(reverse("observatory:index")))
    assert str(figures.establishments) in observatory
    employees = round(figures.employees)
    for kit in KITS:
        page = plain(client.get(reverse("resources:kit", args=[kit.slug])))
        assert f"{figures.establishments} établissements de l'ESS en activité" in page
        assert f"{employees} salariés (estimation)" in page

        response = client.get(reverse("resources:kit_figures_csv", args=[kit.slug]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["indicateur", "valeur", "source", "date_des_chiffres"]
        values = {row[0].split(" — ")[0]: row for row in rows[1:]}
        assert values["Établissements de l'ESS en activité"][1] == str(figures.establishments)
        assert values["Établissements employeurs"][1] == str(figures.employer_establishments)
        assert values["Salariés (estimation)"][1] == str(employees)
        assert values["Salariés (estimation)"][3] == refreshed.date().isoformat()
        assert "Observatoire" in values["Salariés (estimation)"][2]

        words = flat(
            pdf_text(client.get(reverse("resources:kit_pdf", args=[kit.slug])).content, tmp_path)
        )
        assert kit.title in words and "Plan de présentation" in words
        assert f"{figures.establishments} établissements de l'ESS en activité" in words
        assert "Chiffres du" in words and "Source" in words
        assert flat(kit.quotes[0][0])[:120] in words


def test_a_kit_follows_the_observatory_when_its_figures_change(client, figures, tmp_path):
    url = reverse("resources:kit_pdf", args=["elus"])
    before = flat(pdf_text(client.get(url).content, tmp_path))
    assert f"{figures.establishments} établissements" in before
    make_establishments(LIMOGES, 5, band="03")
    refresh_indicators()
    after_cell = IndicatorCell.objects.get(
        level=TerritoryLevel.REGION, code="75", breakdown=Breakdown.TOTAL
    )
    assert after_cell.establishments == figures.establishments + 5
    after = flat(pdf_text(client.get(url).content, tmp_path))
    assert f"{after_cell.establishments} établissements" in after
