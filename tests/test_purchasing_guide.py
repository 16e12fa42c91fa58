"""The responsible-purchasing guide in /ressources/ (issue 16, Deliver 6): reserved
contracts and social clauses with their articles, model clauses, the SPASER and the
facilitators, linked from the sourcing page, the supplier badges and the need form."""

import html
import re

import pytest
from django.urls import reverse

from essor.purchasing.eligibility import RESERVATIONS
from essor.resources.purchasing_guide import MODEL_CLAUSES, SECTIONS
from essor.search.platform import search_everything
from essor.search.registry import rebuild
from tests.factories.purchasing import buyer, supplier

pytestmark = pytest.mark.django_db
GUIDE = reverse("resources:purchasing_guide")


def anchors(page):
    return set(re.findall(r'id="([^"]+)"', page))


def text_of(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_guide_explains_each_reserved_contract_with_the_article_word_for_word(client):
    page = text_of(client.get(GUIDE))
    for reservation in RESERVATIONS.values():
        assert f"article {reservation.article}" in page
        # The article as the Code words it, from the one place that holds it.
        assert reservation.text in page
    assert (
        "entreprises d'insertion (EI)" in page and "ateliers et chantiers d'insertion (ACI)" in page
    )
    assert "50 %" in page and "R2113-7" in page


def test_the_guide_covers_social_clauses_model_clauses_spaser_and_facilitators(client):
    page = text_of(client.get(GUIDE))
    assert {s.anchor for s in SECTIONS} | {c.anchor for c in MODEL_CLAUSES} <= anchors(page)
    for article in ["L2112-2", "L2152-7", "R2152-7", "L2111-3", "D2111-3"]:
        assert article in page
    # The SPASER's threshold, its decree, and the caution that it may have moved.
    assert "50 millions d'euros HT" in page and "2022-767" in page
    assert "Seuil en vigueur à vérifier" in page
    assert "Alliance Villes Emploi" in page and "facilitateurs des clauses sociales" in page
    for clause in MODEL_CLAUSES:
        assert clause.title in page and clause.text in page


def test_sourcing_badges_the_supplier_page_and_the_need_form_link_to_their_part_of_the_guide(
    client,
):
    profile = supplier(name="EA des Jardins", labels=["ea"])
    guide_page = anchors(client.get(GUIDE).content.decode())

    sourcing = client.get(reverse("purchasing:sourcing"), {"categorie": "entretien-espaces-verts"})
    links = re.findall(rf'href="{GUIDE}#([^"]+)"', sourcing.content.decode())
    assert "reserve-ea-esat" in links and "clauses-sociales" in links
    supplier_page = client.get(profile.get_absolute_url()).content.decode()
    assert f'href="{GUIDE}#reserve-ea-esat"' in supplier_page

    _, user = buyer()
    client.force_login(user)
    form = client.get(reverse("purchasing:need_create")).content.decode()
    form_links = set(re.findall(rf'href="{GUIDE}#([^"]+)"', form))
    assert {"marches-reserves", "clauses-sociales", "clauses-types"} <= form_links
    # Every anchor linked to exists in the guide.
    assert set(links) | form_links <= guide_page


def test_the_guide_is_listed_in_the_resources_and_found_by_the_platform_search(client):
    assert GUIDE in client.get(reverse("resources:index")).content.decode()
    rebuild()
    groups = {g.kind.name: g for g in search_everything("clause sociale").groups}
    assert "Guide des achats responsables" in [h.title for h in groups["ressources"].hits]
