"""The directory map: server-side clusters for a viewport and the current filters, the
cards a click opens, and "rechercher dans cette zone"."""

import json

import pytest
from django.urls import reverse

from essor.directory.enums import AdministrativeStatus, Diffusion
from essor.search.directory import cell_degrees
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.territories import BORDEAUX, GUERET, LIMOGES, commune

pytestmark = pytest.mark.django_db

REGION = "-1.8,42.7,2.7,47.3"
LIMOGES_CENTRE = "1.20,45.80,1.30,45.87"


def get_map(client, **params):
    response = client.get(reverse("search:map"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.fixture
def sites():
    """Twelve establishments spread over Limoges, three in Guéret, one in Bordeaux."""
    limoges = commune(LIMOGES)
    for index in range(12):
        EstablishmentFactory(
            organisation=EssOrganisationFactory(name=f"Association limougeaude {index}"),
            commune=limoges,
            latitude=limoges.latitude + (index % 4) * 0.004,
            longitude=limoges.longitude + (index // 4) * 0.004,
        )
    for index in range(3):
        EstablishmentFactory(
            organisation=EssOrganisationFactory(
                name=f"Coopérative creusoise {index}", ess_family="cooperative"
            ),
            commune=commune(GUERET),
            unplaced=True,
        )
    EstablishmentFactory(
        organisation=EssOrganisationFactory(name="Mutuelle bordelaise", ess_family="mutual"),
        commune=commune(BORDEAUX),
        unplaced=True,
    )


def test_a_region_viewport_gets_clusters_that_add_up_to_the_result(client, sites):
    data = get_map(client, bbox=REGION, zoom=7)
    assert data["total"] == 16
    assert sum(c[2] for c in data["clusters"]) + len(data["points"]) == 16
    assert max(c[2] for c in data["clusters"]) >= 12  # Limoges is one cluster at this zoom
    # Guéret's three establishments share the commune centre: a stacked cluster.
    gueret = commune(GUERET)
    stacked = [c for c in data["clusters"] if len(c) == 4]
    assert len(stacked) == 1
    assert stacked[0][2:] == [3, 1]
    assert stacked[0][:2] == pytest.approx([gueret.latitude, gueret.longitude], abs=1e-4)


def test_a_city_viewport_gets_single_points_with_their_names(client, sites):
    data = get_map(client, bbox=LIMOGES_CENTRE, zoom=17)
    assert data["total"] == 12
    assert data["clusters"] == []
    names = sorted(p[3] for p in data["points"])
    assert names[0] == "Association limougeaude 0"
    latitude, longitude, est_id, _name = data["points"][0]
    assert isinstance(est_id, int)
    assert 45.8 < latitude < 45.9 and 1.2 < longitude < 1.3


def test_the_map_follows_the_search_filters(client, sites):
    assert get_map(client, bbox=REGION, zoom=7, q="cooperative")["total"] == 3
    assert get_map(client, bbox=REGION, zoom=7, famille="mutual")["total"] == 1
    assert get_map(client, bbox=REGION, zoom=7, departement="87")["total"] == 12
    assert (
        get_map(client, bbox=REGION, zoom=7, commune="Limoges (87085)", rayon="100")["total"] == 15
    )


def test_clusters_stay_put_when_the_map_pans(client, sites):
    first = get_map(client, bbox=REGION, zoom=8)
    panned = get_map(client, bbox="-1.5,42.9,3.0,47.5", zoom=8)
    assert first["clusters"] == panned["clusters"]


def test_a_cluster_is_at_most_the_cell_size_of_its_zoom():
    assert cell_degrees(7) == pytest.approx(0.66, abs=0.01)
    assert cell_degrees(14) == pytest.approx(0.00515, abs=0.0001)


def test_the_response_is_compact_json(client, sites):
    response = client.get(reverse("search:map"), {"bbox": REGION, "zoom": 7})
    assert b" " not in response.content.replace(b"Association limougeaude", b"").replace(
        b"Coop\xc3\xa9rative creusoise", b""
    ).replace(b"Mutuelle bordelaise", b"")
    assert len(response.content) < 1000


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zoom": "7"}, "Paramètre bbox"),
        ({"bbox": "a,b,c,d", "zoom": "7"}, "ouest,sud,est,nord"),
        ({"bbox": "2,40,1,45", "zoom": "7"}, "l'ouest doit être avant l'est"),
        ({"bbox": "1,40,2,200", "zoom": "7"}, "La zone est invalide"),
        ({"bbox": REGION}, "Paramètre zoom"),
        ({"bbox": REGION, "zoom": "42"}, "un entier de 0 à 19"),
        ({"bbox": REGION, "zoom": "7", "famille": "pirates"}, "Critères de recherche invalides"),
    ],
)
def test_bad_map_parameters_get_a_french_error(client, params, message):
    response = client.get(reverse("search:map"), params)
    assert response.status_code == 400
    assert message in json.loads(response.content)["erreur"]


def test_a_partially_diffusible_establishment_is_shown_at_its_commune_centre(client):
    limoges = commune(LIMOGES)
    EstablishmentFactory(
        latitude=45.8501, longitude=1.2702, diffusion=Diffusion.PARTIAL, address="1 rue cachée"
    )
    data = get_map(client, bbox=LIMOGES_CENTRE, zoom=17)
    point = data["points"][0]
    assert (point[0], point[1]) == (round(limoges.latitude, 5), round(limoges.longitude, 5))
    card = client.get(reverse("search:map_card", args=[point[2]]))
    assert "rue cachée" not in card.content.decode()


def test_a_point_opens_a_card_linking_to_the_organisation(client, sites):
    point = get_map(client, bbox=LIMOGES_CENTRE, zoom=17)["points"][0]
    response = client.get(reverse("search:map_card", args=[point[2]]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert point[3] in html
    organisation_id = EssOrganisationFactory._meta.model.objects.get(name=point[3]).pk
    assert reverse("directory:organisation", args=[organisation_id]) in html


def test_an_unlisted_establishment_has_no_card(client):
    establishment = EstablishmentFactory(
        organisation=EssOrganisationFactory(status=AdministrativeStatus.CLOSED)
    )
    response = client.get(reverse("search:map_card", args=[establishment.pk]))
    assert response.status_code == 404


def test_a_stacked_cluster_opens_the_list_of_its_organisations(client, sites):
    gueret = commune(GUERET)
    box = ",".join(
        f"{x:.5f}"
        for x in (
            gueret.longitude - 0.001, gueret.latitude - 0.001,
            gueret.longitude + 0.001, gueret.latitude + 0.001,
        )
    )  # fmt: skip
    response = client.get(reverse("search:map_place"), {"bbox": box})
    html = response.content.decode()
    assert "3 établissements à cet endroit" in html
    assert html.count("Coopérative creusoise") == 3
    response = client.get(reverse("search:map_place"), {"bbox": box, "q": "zzzz"})
    assert "Aucun établissement de la recherche à cet endroit" in response.content.decode()
    assert client.get(reverse("search:map_place"), {"bbox": "x"}).status_code == 400


def test_searching_in_the_map_zone_filters_the_list(client, sites):
    response = client.get(
        reverse("search:directory"),
        {"zone": LIMOGES_CENTRE},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-dynamic",
    )
    assert response.context["result"].total == 12
    assert response["HX-Push-Url"] == "/annuaire/?zone=1.20%2C45.80%2C1.30%2C45.87"
    assert "Retirer cette zone" in response.content.decode()


def test_the_page_gives_the_map_its_tile_url_and_endpoints(client, settings, sites):
    settings.ESSOR_TILE_URL = "https://tuiles.example/{z}/{x}/{y}.png"
    response = client.get(reverse("search:directory"), {"departement": "23"})
    html = response.content.decode()
    assert 'data-tile-url="https://tuiles.example/{z}/{x}/{y}.png"' in html
    assert f'data-endpoint="{reverse("search:map")}"' in html
    # The map frames the chosen département.
    state = response.context["extent"].split(",")
    assert 1.3 < float(state[0]) < 2.0 and 45.4 < float(state[1]) < 46.0
    assert "<script>" not in html and "style=" not in html
