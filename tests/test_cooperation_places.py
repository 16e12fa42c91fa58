"""Places of the ESS (tiers-lieux, PTCE, recycleries…): a facet of /annuaire/ and a layer
of its map, a page per EPCI, found by the platform search; and the demo content, quoted
from the report."""

import json

import pytest
from django.urls import reverse

from essor.cooperation.demo import load as load_demo
from essor.cooperation.models import EmployerGroup, EssPlace, Listing
from essor.cooperation.places import save_place
from essor.search.platform import search_everything
from tests.factories.cooperation import ListingFactory
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.territories import LIMOGES, TULLE, commune

pytestmark = pytest.mark.django_db

REGION = "-1.8,42.7,2.7,47.3"
LCUBE = (
    "Situé à Limoges, Lcube est un espace de travail, un lieu d'échange et de partage des "
    "connaissances en vue de la réalisation de projets coopératifs ayant des composantes "
    "innovantes culturelles, sociales, scientifiques, artistiques et techniques."
)


@pytest.fixture
def tiers_lieu():
    organisation = EssOrganisationFactory(name="La Quincaillerie numérique")
    EstablishmentFactory(organisation=organisation, commune=commune(LIMOGES))
    EstablishmentFactory(organisation=EssOrganisationFactory(name="Une autre association"))
    return save_place(
        EssPlace(
            organisation=organisation,
            kind="tiers-lieu",
            name="La Quincaillerie numérique",
            commune=commune(LIMOGES),
            services=["coworking", "fablab"],
        )
    )


def test_places_are_a_facet_of_the_directory_and_a_layer_of_its_map(client, tiers_lieu):
    page = client.get(reverse("search:directory"))
    assert page.context["result"].facets["lieu"].options == [
        ("lieu-tiers-lieu", "Tiers-lieu", 1, False)
    ]
    assert page.context["result"].facets["label"].options == []
    filtered = client.get(reverse("search:directory"), {"lieu": "lieu-tiers-lieu"})
    assert dict(filtered.context["chips"]) == {"Lieu de l'ESS : Tiers-lieu": ""}
    assert "La Quincaillerie numérique" in filtered.content.decode()
    assert "Une autre association" not in filtered.content.decode()
    layer = json.loads(
        client.get(
            reverse("search:map"), {"bbox": REGION, "zoom": 7, "lieu": "lieu-tiers-lieu"}
        ).content
    )
    assert layer["total"] == 1
    api = client.get("/api/structures/", {"lieu": "lieu-tiers-lieu", "facettes": "true"}).json()
    assert [s["nom"] for s in api["resultats"]] == ["La Quincaillerie numérique"]
    assert api["facettes"]["lieu"] == {"lieu-tiers-lieu": 1}
    assert api["facettes"]["label"] == {}
    # A place is not a label: the API gives it apart, as the facet does.
    structure = api["resultats"][0]
    assert structure["labels"] == []
    assert structure["lieux"] == [{"code": "lieu-tiers-lieu", "nom": "Tiers-lieu"}]
    detail = client.get(f"/api/structures/{structure['id']}/").json()
    assert detail["lieux"] == structure["lieux"] and detail["labels"] == []


def test_a_place_that_changes_kind_changes_facet(client, tiers_lieu):
    tiers_lieu.kind = "ptce"
    save_place(tiers_lieu)
    labels = set(tiers_lieu.organisation.labels.values_list("code", flat=True))
    assert labels == {"lieu-ptce"}
    facet = client.get(reverse("search:directory")).context["result"].facets["lieu"]
    assert [(code, count) for code, _, count, _ in facet.options] == [("lieu-ptce", 1)]


def test_the_organisation_page_links_its_place_of_the_ess(client, tiers_lieu):
    page = client.get(tiers_lieu.organisation.get_absolute_url()).content.decode()
    assert f'<a href="{tiers_lieu.get_absolute_url()}">La Quincaillerie numérique</a>' in page
    assert "(tiers-lieu, Limoges)" in page


def test_search_finds_places_by_their_kind(tiers_lieu):
    groups = search_everything("tiers-lieu").groups
    assert [h.title for g in groups if g.kind.name == "lieux-ess" for h in g.hits] == [
        "La Quincaillerie numérique"
    ]


def test_the_epci_page_says_where_to_work_meet_or_be_hosted(client, tiers_lieu):
    limoges = commune(LIMOGES)
    ListingFactory(commune=limoges, title="Bureau libre le jeudi", category="bureau")
    ListingFactory(commune=commune(TULLE), title="Bureau à Tulle", category="bureau")
    response = client.get(reverse("cooperation:where_to_work", args=[limoges.epci_id]))
    body = response.content.decode()
    assert "Où travailler, se réunir ou être hébergé près d'ici ?" in body
    assert "La Quincaillerie numérique" in body
    assert "Bureau libre le jeudi" in body and "Bureau à Tulle" not in body
    assert client.get(reverse("cooperation:where_to_work", args=["000000000"])).status_code == 404


def test_orientation_results_show_the_places_near_the_person(client, tiers_lieu):
    near = client.get(reverse("support:results"), {"commune": LIMOGES, "etape": "creation"})
    section = near.content.decode().split("Lieux de l'ESS près de chez vous")[1]
    assert "La Quincaillerie numérique" in section.split("</section>")[0]
    far = client.get(reverse("support:results"), {"commune": TULLE, "etape": "creation"})
    assert "Lieux de l'ESS près de chez vous" not in far.content.decode()


def test_the_demo_quotes_the_report_and_labels_what_is_illustrative(client):
    load_demo()
    load_demo()  # idempotent
    lcube = EssPlace.objects.get(name="Lcube")
    assert lcube.report_quote == LCUBE  # ligne 652 of the report, its emphasis removed
    assert lcube.commune.code == LIMOGES
    ptce = EssPlace.objects.filter(kind="ptce").order_by("name")
    assert [p.name for p in ptce] == ["PTCE Jeunesse en avant", "PTCE Sud Aquitaine"]
    assert all(p.commune is None for p in ptce)  # the report does not say where
    crge = EmployerGroup.objects.get(kind="crge")
    assert crge.report_quote.startswith("Le Centre de Ressources des Groupements d'Employeurs")
    assert "informations illustratives" in crge.provenance
    assert Listing.objects.filter(is_demo=True).count() == 6
    page = client.get(lcube.get_absolute_url()).content.decode()
    assert "Ce qu'en dit l'état des lieux 2016" in page
    assert f"{reverse('search:directory')}?lieu=lieu-tiers-lieu" in page
    assert "Démonstration" in client.get(reverse("cooperation:index")).content.decode()
