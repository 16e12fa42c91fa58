"""Buyers' figures (per buyer, for the CRESS by territory and category, exported) and
purchasing's open API: supplier search, public open needs, indicators."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essor.purchasing import figures, services
from essor.purchasing.enums import NeedStatus, Outcome
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory
from tests.factories.purchasing import ANGOULEME, buyer, need, supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """Buyer A: a need won by an ESS supplier (12 000 €), one abandoned, one still a draft;
    buyer B: an open need in the Gironde."""
    organisation, user = buyer("Département (test)")
    profile = supplier(name="Fournisseur ESS")
    author = MembershipFactory(organisation=profile.organisation).user
    won = need(organisation, user, status=NeedStatus.PUBLISHED)
    services.answer_need(won, by=author, supplier=profile, interested=True)
    won.status, won.outcome, won.awarded_amount = (
        NeedStatus.CLOSED,
        Outcome.ESS_SUPPLIER,
        Decimal("12000"),
    )
    won.save()
    need(
        organisation,
        user,
        status=NeedStatus.CLOSED,
        outcome=Outcome.ABANDONED,
        category="nettoyage-locaux",
    )
    need(organisation, user, title="Brouillon")
    other, other_user = buyer("Hôpital (test)")
    need(
        other,
        other_user,
        status=NeedStatus.PUBLISHED,
        commune_code="33063",
        title="Ouvert à Bordeaux",
    )
    return organisation, user, other, other_user


def test_a_buyers_figures_count_its_published_needs_answers_and_wins(history):
    organisation, _, other, _ = history
    mine = figures.buyer_figures(organisation)
    assert (mine.needs, mine.answers, mine.closed, mine.won_ess) == (2, 1, 2, 1)
    assert mine.amount_ess == Decimal("12000") and mine.share_won_ess == 50
    theirs = figures.buyer_figures(other)
    assert (theirs.needs, theirs.answers, theirs.won_ess) == (1, 0, 0)


def test_the_cress_sees_the_figures_by_territory_and_category_and_exports_them(client, history):
    url = reverse("purchasing:figures")
    assert client.get(url).status_code == 302
    for user in (UserFactory(buyer=True), history[1], UserFactory(funder=True)):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(UserFactory(cress_staff=True))
    page = client.get(url).content.decode()
    assert "Charente (16)" in page and "Espaces verts et environnement" in page
    assert "Gironde (33)" in page
    response = client.get(url, {"departement": "16", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "departement_code"
    assert [r[2] for r in rows[1:-1]] == [
        "Espaces verts et environnement",
        "Propreté, déchets et recyclage",
    ]
    assert rows[-1][1] == "Total" and rows[-1][3] == 2 and rows[-1][7] == 1
    csv = client.get(url, {"format": "csv"})
    assert (
        b"".join(csv.streaming_content).decode("utf-8-sig").count("\r\n") == 5
    )  # header, three rows, total
    response = client.get(url, {"departement": "999"})
    assert (
        response.status_code == 400
        and "Aucun département n&#x27;a le code" in response.content.decode()
    )


def test_the_buyer_sees_its_own_figures_on_its_needs_page(client, history):
    client.force_login(history[1])
    page = client.get(reverse("purchasing:my_needs")).content.decode()
    assert "Département (test) : vos achats responsables" in page
    assert "Hôpital (test)" not in page


def test_the_api_publishes_the_indicators(client, history):
    rows = client.get("/api/achats/indicateurs/").json()
    assert rows[-1] == {
        "departement": None, "famille": None, "besoins_publies": 3, "reponses": 1,
        "reponses_interessees": 1, "besoins_clos": 2, "besoins_gagnes_ess": 1,
        "montant_gagne_ess": 12000.0,
    }  # fmt: skip
    assert client.get("/api/achats/indicateurs/", {"departement": "xx"}).status_code == 400


def test_the_api_lists_only_public_open_needs_without_their_answers(client, history):
    organisation, user, _, _ = history
    need(organisation, user, status=NeedStatus.PUBLISHED, is_public=False, title="Privé")
    need(organisation, user, status=NeedStatus.PENDING, title="En attente")
    body = client.get("/api/achats/besoins/").json()
    assert [n["intitule"] for n in body["resultats"]] == ["Ouvert à Bordeaux"]
    assert "reponses" not in body["resultats"][0]
    assert client.get("/api/achats/besoins/", {"departement": "16"}).json()["total"] == 0


def test_the_api_searches_suppliers_like_the_sourcing_page(client):
    ea = supplier(name="EA du Parc", labels=["ea"], contact_email="ea@example.org")
    supplier(name="Sans label")
    body = client.get(
        "/api/achats/fournisseurs/",
        {
            "categorie": "entretien-espaces-verts",
            "commune": ANGOULEME,
            "rayon": 30,
            "reserve": "disability",
        },
    ).json()
    assert body["total"] == 1
    found = body["resultats"][0]
    assert found["id"] == ea.pk and found["marches_reserves"] == [
        {"article": "L2113-12", "libelle": "Marché réservé EA / ESAT"}
    ]
    assert found["types"] == ["ea_esat", "association"]
    assert any(reason.startswith("situé à environ") for reason in found["pourquoi"])


def test_the_supplier_api_finds_nothing_for_an_unknown_category_or_commune(client):
    supplier()
    for params in ({"categorie": "inconnue"}, {"commune": "99999"}):
        assert client.get("/api/achats/fournisseurs/", params).json()["total"] == 0
    # A radius without a commune is ignored.
    assert client.get("/api/achats/fournisseurs/", {"rayon": 30}).json()["total"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rayon": 500, "commune": ANGOULEME}, "rayon"),
        ({"type": "multinationale"}, "type"),
        ({"categorie": "PAS UN CODE"}, "categorie"),
        ({"commune": "abc"}, "commune"),
    ],
)
def test_the_supplier_api_refuses_bad_parameters_in_french(client, params, message):
    response = client.get("/api/achats/fournisseurs/", params)
    assert response.status_code == 400
    assert message in str(response.json()["detail"])
