import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from essor.core.models import Export
from essor.directory.enums import AdministrativeStatus, Diffusion, EssFamily, LabelKind
from essor.territories.models import Commune
from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    EssOrganisationFactory,
    EstablishmentFactory,
    LabelFactory,
    MembershipFactory,
)
from tests.factories.financing import ToolFactory

pytestmark = pytest.mark.django_db

STRUCTURES = "/api/structures/"
ETABLISSEMENTS = "/api/etablissements/"


def names(response):
    assert response.status_code == 200, response.content
    return [row["nom"] for row in response.json()["resultats"]]


def read_csv(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))


@pytest.fixture
def limoges():
    return Commune.objects.get(code="87085")


@pytest.fixture
def bordeaux():
    return Commune.objects.get(code="33063")


# --- Structures ------------------------------------------------------------------------


def test_structures_lists_only_active_organisations_of_the_ess(client):
    EssOrganisationFactory(name="Les Amis du Limousin")
    EssOrganisationFactory(name="SCOP Menuiserie", scop=True)
    EssOrganisationFactory(name="Société ordinaire", outside_ess=True)
    EssOrganisationFactory(name="Association dissoute", status=AdministrativeStatus.CLOSED)

    response = client.get(STRUCTURES)

    assert names(response) == ["Les Amis du Limousin", "SCOP Menuiserie"]
    assert response.json()["total"] == 2


def test_structure_rows_carry_documented_french_fields_and_no_personal_data(client):
    label = LabelFactory(code="aci", name="Atelier et chantier d'insertion")
    organisation = EssOrganisationFactory(
        name="Chantier d'insertion du Val",
        acronym="CIV",
        rna="W872001234",
        is_esus=True,
        website="https://civ.example.org",
        public_email="contact@civ.example.org",
        public_phone="05 55 00 00 00",
        sectors=["insertion"],
        labels=[label],
        synthetic=True,
    )
    membership = MembershipFactory(organisation=organisation, admin=True)

    row = client.get(STRUCTURES).json()["resultats"][0]

    assert row == {
        "id": organisation.pk,
        "siren": organisation.siren,
        "rna": "W872001234",
        "nom": "Chantier d'insertion du Val",
        "sigle": "CIV",
        "categorie_juridique": "9220",
        "categorie_juridique_libelle": "Association déclarée",
        "famille": "association",
        "famille_libelle": "Association",
        "esus": True,
        "societe_a_mission": False,
        "utilite_publique": False,
        "date_creation": None,
        "site_web": "https://civ.example.org",
        "labels": [{"code": "aci", "nom": "Atelier et chantier d'insertion"}],
        "lieux": [],
        "secteurs": ["insertion"],
        "source": "synthetic",
        "mise_a_jour_source": None,
        "fictif": True,
        "page": f"http://testserver{organisation.get_absolute_url()}",
    }
    body = client.get(f"{STRUCTURES}{organisation.pk}/").content.decode()
    for private in [membership.user.email, "contact@civ.example.org", "05 55 00 00 00"]:
        assert private not in body


def test_structures_filter_by_family_label_and_esus(client):
    insertion = LabelFactory(code="aci")
    EssOrganisationFactory(name="Association ACI", labels=[insertion])
    EssOrganisationFactory(name="SCOP ESUS", scop=True, is_esus=True)
    EssOrganisationFactory(name="Fondation", legal_category="9300", ess_family="foundation")

    assert names(client.get(STRUCTURES, {"famille": "cooperative"})) == ["SCOP ESUS"]
    assert names(client.get(STRUCTURES, {"famille": "foundation"})) == ["Fondation"]
    assert names(client.get(STRUCTURES, {"label": "aci"})) == ["Association ACI"]
    assert names(client.get(STRUCTURES, {"label": "esat"})) == []
    assert names(client.get(STRUCTURES, {"esus": "true"})) == ["SCOP ESUS"]
    assert names(client.get(STRUCTURES, {"esus": "false"})) == ["Association ACI", "Fondation"]


def test_structures_filter_by_kind_of_place_of_the_ess_with_its_counts(client):
    tiers = LabelFactory(code="lieu-tiers-lieu", name="Tiers-lieu", kind=LabelKind.PLACE)
    aci = LabelFactory(code="aci")
    EssOrganisationFactory(name="Tiers-lieu ACI", labels=[tiers, aci])
    EssOrganisationFactory(name="Tiers-lieu", labels=[tiers])
    EssOrganisationFactory(name="Association ACI", labels=[aci])

    assert names(client.get(STRUCTURES, {"lieu": "lieu-tiers-lieu"})) == [
        "Tiers-lieu",
        "Tiers-lieu ACI",
    ]
    assert names(client.get(STRUCTURES, {"lieu": "lieu-tiers-lieu", "label": "aci"})) == [
        "Tiers-lieu ACI"
    ]
    # A label proper is no kind of place; an unknown kind finds nothing.
    assert names(client.get(STRUCTURES, {"lieu": "aci"})) == []
    assert names(client.get(STRUCTURES, {"lieu": "lieu-inconnu"})) == []
    page = client.get(STRUCTURES, {"facettes": "true", "label": "aci"}).json()
    assert page["facettes"]["lieu"] == {"lieu-tiers-lieu": 1}
    assert page["facettes"]["label"] == {"aci": 2}


def test_structures_filter_by_territory_and_activity_of_their_active_establishments(
    client, limoges, bordeaux
):
    in_limoges = EssOrganisationFactory(name="Limousine")
    EstablishmentFactory(organisation=in_limoges, commune=limoges, naf="88.99B")
    in_bordeaux = EssOrganisationFactory(name="Girondine")
    EstablishmentFactory(organisation=in_bordeaux, commune=bordeaux, naf="56.10A")
    closed_there = EssOrganisationFactory(name="Partie de Limoges")
    EstablishmentFactory(
        organisation=closed_there, commune=limoges, status=AdministrativeStatus.CLOSED
    )

    assert names(client.get(STRUCTURES, {"departement": "87"})) == ["Limousine"]
    assert names(client.get(STRUCTURES, {"departement": "33"})) == ["Girondine"]
    assert names(client.get(STRUCTURES, {"epci": limoges.epci_id})) == ["Limousine"]
    assert names(client.get(STRUCTURES, {"commune": "33063"})) == ["Girondine"]
    assert names(client.get(STRUCTURES, {"naf": "88"})) == ["Limousine"]
    assert names(client.get(STRUCTURES, {"naf": "88.99b"})) == ["Limousine"]
    assert names(client.get(STRUCTURES, {"naf": "56.1"})) == ["Girondine"]
    assert names(client.get(STRUCTURES, {"naf": "56", "departement": "87"})) == []


def test_structures_search_ignores_accents_and_case_and_finds_identifiers(client):
    EssOrganisationFactory(name="Énergies Solidaires", acronym="ENSOL", rna="W331000001")
    other = EssOrganisationFactory(name="Les Jardins de Cocagne")

    assert names(client.get(STRUCTURES, {"q": "energies"})) == ["Énergies Solidaires"]
    assert names(client.get(STRUCTURES, {"q": "ÉNERGIES solid"})) == ["Énergies Solidaires"]
    assert names(client.get(STRUCTURES, {"q": "ensol"})) == ["Énergies Solidaires"]
    assert names(client.get(STRUCTURES, {"q": other.siren})) == ["Les Jardins de Cocagne"]
    assert names(client.get(STRUCTURES, {"q": "w331000001"})) == ["Énergies Solidaires"]
    assert names(client.get(STRUCTURES, {"q": "inconnue"})) == []


def test_structures_are_paginated_and_sorted_by_name(client):
    for name in ["Bêta", "Alpha", "Delta", "Gamma"]:
        EssOrganisationFactory(name=name)

    page = client.get(STRUCTURES, {"limit": 2, "offset": 1}).json()

    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [row["nom"] for row in page["resultats"]] == ["Bêta", "Delta"]
    assert names(client.get(STRUCTURES, {"tri": "-nom"})) == ["Gamma", "Delta", "Bêta", "Alpha"]
    assert names(client.get(STRUCTURES, {"offset": 10})) == []


def test_structures_answer_what_the_directory_search_answers(client):
    """One engine: the API finds what /annuaire/ finds — words, synonyms, order, counts."""
    employers = EssOrganisationFactory(name="Groupement d'employeurs du Limousin")
    EstablishmentFactory(organisation=employers, commune=Commune.objects.get(code="87085"))
    scop = EssOrganisationFactory(name="Menuiserie coopérative", scop=True, is_esus=True)
    EstablishmentFactory(organisation=scop, commune=Commune.objects.get(code="33063"))
    EssOrganisationFactory(name="Jardins partagés", description="Un groupement d'habitants.")

    # « GE » is the acronym of « groupement d'employeurs » (the shipped synonyms).
    assert names(client.get(STRUCTURES, {"q": "GE"})) == ["Groupement d'employeurs du Limousin"]
    assert names(client.get(STRUCTURES, {"q": "groupements", "tri": "pertinence"})) == [
        "Groupement d'employeurs du Limousin",
        "Jardins partagés",
    ]
    annuaire = client.get("/annuaire/", {"q": "groupements"}).content.decode()
    assert "Groupement d&#x27;employeurs du Limousin" in annuaire
    assert "Jardins partagés" in annuaire

    page = client.get(STRUCTURES, {"facettes": "true"}).json()
    assert page["total"] == 3
    assert page["facettes"]["famille"] == {"association": 2, "cooperative": 1}
    assert page["facettes"]["departement"] == {"87": 1, "33": 1}
    assert page["facettes"]["esus"] == {"1": 1}
    narrowed = client.get(STRUCTURES, {"facettes": "true", "departement": "33"}).json()
    assert narrowed["total"] == page["facettes"]["departement"]["33"]
    # A chosen filter keeps the counts of its alternatives, as on /annuaire/.
    assert narrowed["facettes"]["departement"] == {"87": 1, "33": 1}
    assert client.get(STRUCTURES).json()["facettes"] is None
    # Every facet of /annuaire/ is a filter of the API too.
    for facet in ["section", "secteur", "effectif"]:
        assert page["facettes"][facet], facet
        for value, count in page["facettes"][facet].items():
            assert client.get(STRUCTURES, {facet: value}).json()["total"] == count, facet


def test_structure_detail_lists_its_establishments_and_public_networks(client, limoges):
    network = EssOrganisationFactory(name="Réseau régional")
    private_network = EssOrganisationFactory(name="Club d'entreprises", outside_ess=True)
    organisation = EssOrganisationFactory(name="Membre", description="**Nous** aidons.")
    organisation.networks.add(network, private_network)
    head_office = EstablishmentFactory(organisation=organisation, is_head_office=True)
    EstablishmentFactory(organisation=organisation, commune=limoges)

    response = client.get(f"{STRUCTURES}{organisation.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["presentation"] == "**Nous** aidons."
    assert data["reseaux"] == [{"id": network.pk, "nom": "Réseau régional"}]
    assert len(data["etablissements"]) == 2
    assert data["etablissements"][0]["siret"] == head_office.siret
    assert data["etablissements"][0]["siege"] is True


@pytest.mark.parametrize(
    "traits",
    [{"outside_ess": True}, {"status": AdministrativeStatus.CLOSED}],
    ids=["outside-the-ess", "closed"],
)
def test_structure_detail_is_404_for_organisations_not_publicly_listed(client, traits):
    organisation = EssOrganisationFactory(**traits)

    response = client.get(f"{STRUCTURES}{organisation.pk}/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Aucune structure de l'ESS publiée ne porte l'identifiant {organisation.pk}."
    }


def test_structure_detail_is_404_for_an_unknown_id(client):
    response = client.get(f"{STRUCTURES}987654/")

    assert response.status_code == 404
    assert "987654" in response.json()["detail"]


# --- Établissements --------------------------------------------------------------------


def test_establishments_list_only_those_of_publicly_listed_organisations(client):
    EstablishmentFactory(name="Atelier")
    EstablishmentFactory(name="Agence", organisation__outside_ess=True)
    EstablishmentFactory(name="Antenne", organisation__status=AdministrativeStatus.CLOSED)

    assert names(client.get(ETABLISSEMENTS)) == ["Atelier"]


def test_establishment_rows_describe_place_activity_and_size(client, limoges):
    establishment = EstablishmentFactory(
        organisation__name="Régie de quartier",
        commune=limoges,
        address="12 rue de la Coopération",
        latitude=45.8336,
        longitude=1.2611,
        is_head_office=True,
    )

    row = client.get(ETABLISSEMENTS).json()["resultats"][0]

    assert row == {
        "siret": establishment.siret,
        "nom": establishment.name,
        "structure_id": establishment.organisation_id,
        "structure_nom": "Régie de quartier",
        "siren": establishment.organisation.siren,
        "famille": "association",
        "adresse": "12 rue de la Coopération",
        "code_postal": "87000",
        "commune": "87085",
        "commune_nom": "Limoges",
        "departement": "87",
        "epci": limoges.epci_id,
        "latitude": 45.8336,
        "longitude": 1.2611,
        "precision_position": "address",
        "naf": "88.99B",
        "naf_libelle": "Action sociale sans hébergement n.c.a.",
        "tranche_effectif": "12",
        "tranche_effectif_libelle": "20 à 49 salariés",
        "employeur": True,
        "siege": True,
        "statut": "active",
        "diffusion_partielle": False,
        "date_creation": None,
        "date_fermeture": None,
        "source": "sirene",
        "mise_a_jour_source": None,
        "fictif": False,
    }


def test_establishments_filter_by_every_criterion(client, limoges, bordeaux):
    EstablishmentFactory(name="A", commune=limoges, naf="88.99B", is_employer=True)
    EstablishmentFactory(
        name="B",
        commune=bordeaux,
        naf="56.10A",
        is_employer=False,
        organisation__scop=True,
    )
    EstablishmentFactory(name="C", commune=bordeaux, status=AdministrativeStatus.CLOSED)

    def filtered(**params):
        return sorted(names(client.get(ETABLISSEMENTS, params)))

    assert filtered(famille="cooperative") == ["B"]
    assert filtered(famille="association") == ["A", "C"]
    assert filtered(departement="33") == ["B", "C"]
    assert filtered(epci=limoges.epci_id) == ["A"]
    assert filtered(commune="87085") == ["A"]
    assert filtered(naf="56") == ["B"]
    assert filtered(naf="88.99B") == ["A", "C"]
    assert filtered(employeur="false") == ["B"]
    assert filtered(employeur="true") == ["A", "C"]
    assert filtered(statut="closed") == ["C"]
    assert filtered(statut="active", departement="33") == ["B"]


def test_establishment_detail_by_siret(client):
    establishment = EstablishmentFactory(name="Épicerie solidaire")

    response = client.get(f"{ETABLISSEMENTS}{establishment.siret}/")

    assert response.status_code == 200
    assert response.json()["nom"] == "Épicerie solidaire"


def test_establishment_detail_is_404_outside_the_published_directory(client):
    hidden = EstablishmentFactory(organisation__outside_ess=True)

    for siret in [hidden.siret, "12345678901234"]:
        response = client.get(f"{ETABLISSEMENTS}{siret}/")
        assert response.status_code == 404
        assert response.json()["detail"].startswith("Aucun établissement publié")


def test_partially_diffusible_establishments_keep_address_and_position_hidden(client):
    hidden = EstablishmentFactory(diffusion=Diffusion.PARTIAL, name="Discret")
    EstablishmentFactory(
        name="Public", organisation=hidden.organisation, address="12 rue de la Coopération"
    )
    withheld = {"adresse", "code_postal", "latitude", "longitude", "precision_position"}

    rows = {row["nom"]: row for row in client.get(ETABLISSEMENTS).json()["resultats"]}
    detail = client.get(f"{ETABLISSEMENTS}{hidden.siret}/").json()
    in_structure = client.get(f"{STRUCTURES}{hidden.organisation_id}/").json()["etablissements"]
    csv_rows = {row["nom"]: row for row in read_csv(client.get(ETABLISSEMENTS, {"format": "csv"}))}

    for row in [rows["Discret"], detail, next(e for e in in_structure if e["nom"] == "Discret")]:
        assert row["diffusion_partielle"] is True
        assert all(row[field] is None for field in withheld)
        assert row["commune"] == "87085"
    assert all(csv_rows["Discret"][field] == "" for field in withheld)
    assert csv_rows["Discret"]["diffusion_partielle"] == "oui"
    assert rows["Public"]["adresse"] == "12 rue de la Coopération"
    assert csv_rows["Public"]["code_postal"] == "87000"


# --- CSV -------------------------------------------------------------------------------


def test_structures_csv_is_a_streamed_attachment_with_french_columns(client):
    aci = LabelFactory(code="aci")
    ei = LabelFactory(code="ei")
    EssOrganisationFactory(name="Insertion & Co", labels=[aci, ei], sectors=["insertion"])
    EssOrganisationFactory(name='=HYPERLINK("http://piege")')
    MembershipFactory(user=UserFactory(email="personne@exemple.fr"))

    response = client.get(STRUCTURES, {"format": "csv"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essor-structures.csv"'
    rows = read_csv(response)
    assert list(rows[0]) == [
        "id", "siren", "rna", "nom", "sigle", "categorie_juridique",
        "categorie_juridique_libelle", "famille", "famille_libelle", "esus",
        "societe_a_mission", "utilite_publique", "date_creation", "site_web", "labels",
        "lieux", "secteurs", "source", "mise_a_jour_source", "fictif", "page",
    ]  # fmt: skip
    by_name = {row["nom"]: row for row in rows}
    assert by_name["Insertion & Co"]["labels"] == "aci|ei"
    assert by_name["Insertion & Co"]["famille_libelle"] == "Association"
    assert by_name["Insertion & Co"]["esus"] == "non"
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert '\'=HYPERLINK("http://piege")' in by_name


def test_csv_export_ignores_pagination_and_keeps_filters(client):
    for n in range(3):
        EssOrganisationFactory(name=f"Association {n}")
    EssOrganisationFactory(name="SCOP", scop=True)

    rows = read_csv(client.get(STRUCTURES, {"format": "csv", "limit": 1, "famille": "association"}))

    assert [row["nom"] for row in rows] == ["Association 0", "Association 1", "Association 2"]


def test_establishments_csv_is_chosen_by_the_accept_header(client):
    establishment = EstablishmentFactory()

    response = client.get(ETABLISSEMENTS, headers={"Accept": "text/csv"})

    assert response["Content-Disposition"] == 'attachment; filename="essor-etablissements.csv"'
    rows = read_csv(response)
    assert rows[0]["siret"] == establishment.siret
    assert rows[0]["employeur"] == "oui"
    assert "email" not in ";".join(rows[0])


def test_json_stays_the_default_for_a_browser_accept_header(client):
    EssOrganisationFactory()

    response = client.get(STRUCTURES, headers={"Accept": "text/html,*/*"})

    assert response["Content-Type"] == "application/json; charset=utf-8"


# --- Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "parameter", "message"),
    [
        (STRUCTURES, {"famille": "scop"}, "famille", "valeur inconnue"),
        (STRUCTURES, {"departement": "999"}, "departement", "code INSEE de département"),
        (STRUCTURES, {"commune": "Limoges"}, "commune", "code INSEE de commune"),
        (STRUCTURES, {"epci": "12"}, "epci", "SIREN de l'EPCI"),
        (STRUCTURES, {"naf": "action sociale"}, "naf", "code NAF"),
        (STRUCTURES, {"label": "<script>"}, "label", "code de label"),
        (STRUCTURES, {"esus": "peut-être"}, "esus", "true ou false"),
        (STRUCTURES, {"limit": "10000"}, "limit", "inférieure ou égale à 100"),
        (STRUCTURES, {"limit": "0"}, "limit", "supérieure ou égale à 1"),
        (STRUCTURES, {"offset": "-1"}, "offset", "supérieure ou égale à 0"),
        (STRUCTURES, {"offset": "dix"}, "offset", "nombre entier"),
        (STRUCTURES, {"tri": "siren"}, "tri", "valeurs possibles : nom, -nom"),
        (STRUCTURES, {"q": "x" * 201}, "q", "200 caractères au plus"),
        (STRUCTURES, {"format": "xlsx"}, "format", "valeur inconnue"),
        (ETABLISSEMENTS, {"statut": "ouvert"}, "statut", "valeurs possibles : active, closed"),
        (ETABLISSEMENTS, {"employeur": "beaucoup"}, "employeur", "true ou false"),
        (f"{STRUCTURES}abc/", {}, "id", "nombre entier"),
        (f"{STRUCTURES}0/", {}, "id", "supérieure ou égale à 1"),
        (f"{STRUCTURES}{2**64}/", {}, "id", "inférieure ou égale"),
        (f"{ETABLISSEMENTS}1234/", {}, "siret", "SIRET à 14 chiffres"),
    ],
)
def test_bad_parameters_get_a_400_explained_in_french(client, url, params, parameter, message):
    response = client.get(url, params)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(f"Paramètre invalide : « {parameter} » : ")
    assert body["erreurs"][0]["parametre"] == parameter
    assert message in body["erreurs"][0]["message"]


def test_several_bad_parameters_are_all_explained(client):
    response = client.get(STRUCTURES, {"famille": "scop", "limit": "1000"})

    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Paramètres invalides : « famille » : valeur inconnue")
    assert [error["parametre"] for error in body["erreurs"]] == ["famille", "limit"]


def test_control_characters_in_the_search_are_ignored(client):
    # PostgreSQL refuses a NUL byte in a query: it must never reach the database.
    EssOrganisationFactory(name="Solidarité")

    assert names(client.get(STRUCTURES, {"q": "solid\x00arite"})) == ["Solidarité"]
    assert names(client.get(STRUCTURES, {"q": "\x00\t"})) == ["Solidarité"]


# --- Query counts ----------------------------------------------------------------------


def _populate(count):
    label = LabelFactory(code="aci")
    for _ in range(count):
        establishment = EstablishmentFactory(organisation__labels=[label])
        EstablishmentFactory(organisation=establishment.organisation)


@pytest.mark.parametrize("count", [1, 30])
def test_lists_do_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    _populate(count)

    # The directory's engine (generation, label, words, the in-memory index read once
    # per generation: its tables and the text index's postings), the page's
    # organisations and their labels; count + page (organisations and communes joined).
    with django_assert_max_num_queries(10):
        assert len(names(client.get(STRUCTURES, {"limit": 100, "label": "aci"}))) == count
    with django_assert_max_num_queries(2):
        assert len(names(client.get(ETABLISSEMENTS, {"limit": 100}))) == 2 * count


@pytest.mark.parametrize("count", [1, 30])
def test_csv_exports_do_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    _populate(count)

    with django_assert_max_num_queries(9):
        assert len(read_csv(client.get(STRUCTURES, {"format": "csv"}))) == count
    # The count that decides between streaming and preparing in the background, the rows.
    with django_assert_max_num_queries(2):
        assert len(read_csv(client.get(ETABLISSEMENTS, {"format": "csv"}))) == 2 * count


@pytest.mark.parametrize("count", [1, 30])
def test_structure_detail_does_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    organisation = EssOrganisationFactory(labels=[LabelFactory()])
    organisation.networks.add(EssOrganisationFactory())
    EstablishmentFactory.create_batch(count, organisation=organisation)

    # organisation + labels + networks + establishments (communes joined).
    with django_assert_max_num_queries(4):
        data = client.get(f"{STRUCTURES}{organisation.pk}/").json()
    assert len(data["etablissements"]) == count


# --- Rate limit ------------------------------------------------------------------------


@pytest.mark.usefixtures("rate_limit_window")
def test_json_requests_over_the_limit_get_a_429_that_says_when_to_retry(client, settings):
    settings.ESSOR_API_RATE_LIMIT = {"json": 3, "csv": 1}

    statuses = [client.get(STRUCTURES).status_code for _ in range(3)]
    response = client.get(ETABLISSEMENTS)

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert response.json() == {
        "detail": f"Trop de requêtes : réessayez dans {retry_after} secondes."
    }
    # Another client is not affected.
    assert client.get(STRUCTURES, REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.usefixtures("rate_limit_window")
def test_csv_exports_have_their_own_lower_limit(client, settings):
    settings.ESSOR_API_RATE_LIMIT = {"json": 3, "csv": 1}

    assert client.get(STRUCTURES, {"format": "csv"}).status_code == 200
    over = client.get(ETABLISSEMENTS, {"format": "csv"})

    assert over.status_code == 429
    assert over["Retry-After"]
    assert over.json()["detail"].startswith("Trop de requêtes : réessayez dans ")
    assert client.get(STRUCTURES).status_code == 200


@pytest.mark.usefixtures("rate_limit_window")
def test_the_default_limit_is_sixty_json_requests_a_minute(client):
    statuses = [client.get(STRUCTURES).status_code for _ in range(61)]

    assert statuses.count(200) == 60
    assert statuses[-1] == 429


def test_the_rate_limit_can_be_switched_off(client, settings):
    settings.ESSOR_API_RATE_LIMIT = None

    statuses = {client.get(STRUCTURES, {"format": "csv"}).status_code for _ in range(15)}

    assert statuses == {200}


# --- Schema and documentation ----------------------------------------------------------


def test_openapi_schema_is_documented_in_french(client):
    schema = client.get("/api/openapi.json").json()

    assert schema["info"]["title"] == "API ouverte d'ESSor"
    assert set(schema["paths"]) == {
        "/api/structures/",
        "/api/structures/{id}/",
        "/api/etablissements/",
        "/api/etablissements/{siret}/",
        "/api/observatoire/indicateurs",
        "/api/observatoire/evolution",
        "/api/observatoire/territoires",
        "/api/financements/",
        "/api/financements/{id}/",
        "/api/recherche/",
        "/api/concertation/",
        "/api/concertation/actions/",
        "/api/concertation/actions/{action_id}/",
        "/api/concertation/questionnaires/{questionnaire_id}/resultats/",
        "/api/cooperation/",
        "/api/cooperation/chiffres/",
        "/api/evenements/",
        "/api/evenements/agenda.ics",
        "/api/evenements/mes-inscriptions/",
        "/api/evenements/{id}/",
        "/api/achats/fournisseurs/",
        "/api/achats/besoins/",
        "/api/achats/indicateurs/",
    }
    directory_paths = {p: m for p, m in schema["paths"].items() if "/observatoire/" not in p}
    for path, methods in schema["paths"].items():
        assert set(methods) == {"get"}, path
        assert methods["get"]["summary"], path
    for methods in directory_paths.values():
        operation = methods["get"]
        assert operation["summary"] and operation["description"]
        assert all(parameter["description"] for parameter in operation["parameters"])
        assert {"200", "400", "429"} <= set(operation["responses"])
        assert "Retry-After" in operation["responses"]["429"]["headers"]
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            assert definition.get("description"), f"{name}.{field}"
    list_responses = schema["paths"]["/api/structures/"]["get"]["responses"]["200"]
    assert set(list_responses["content"]) == {"application/json", "text/csv"}


def test_documentation_page_lists_the_endpoints_without_external_scripts(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "API ouverte d'ESSor" in html
    assert "/api/structures/{id}/" in html
    assert "Lister les établissements des structures de l&#x27;ESS" in html
    assert 'href="/api/openapi.json"' in html
    assert "cdn" not in html.lower()


def test_api_only_answers_get(client):
    assert client.post(STRUCTURES).status_code == 405
    assert client.delete(f"{STRUCTURES}1/").status_code == 405


def test_family_values_of_the_schema_match_the_model(client):
    schema = client.get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/structures/"]["get"]["parameters"]
    famille = next(p for p in parameters if p["name"] == "famille")

    assert famille["schema"]["enum"] == list(EssFamily.values)


# Large CSV exports go through the platform's exports (issue 12.7)


@pytest.mark.parametrize(
    ("url", "make", "filename"),
    [
        (STRUCTURES, lambda n: EssOrganisationFactory(name=f"Coop {n}"), "essor-structures.csv"),
        (ETABLISSEMENTS, lambda n: EstablishmentFactory(), "essor-etablissements.csv"),
        ("/api/financements/", lambda n: ToolFactory(), "essor-financements.csv"),
    ],
)
def test_a_large_api_csv_is_prepared_in_the_background(client, settings, url, make, filename):
    settings.ESSOR_EXPORT_SYNC_ROWS = 2
    for n in range(2):
        make(n)
    small = client.get(url, {"format": "csv"})
    assert small.streaming and len(read_csv(small)) == 2
    make(2)

    response = client.get(url, {"format": "csv"})

    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:export", args=[export.pk])
    assert (export.filename, export.rows) == (filename, 3)
    file_url = reverse("core:export_file", args=[export.pk])
    assert file_url in client.get(response["Location"]).content.decode()
    assert len(read_csv(client.get(file_url))) == 3
    assert Client().get(file_url).status_code == 404  # another visitor: not theirs


def test_a_large_api_csv_keeps_its_filters_in_the_background(client, settings):
    settings.ESSOR_EXPORT_SYNC_ROWS = 1
    for n in range(3):
        EssOrganisationFactory(name=f"Association {n}")
    EssOrganisationFactory(name="SCOP", scop=True)

    client.get(STRUCTURES, {"format": "csv", "famille": "association", "tri": "-nom"})

    export = Export.objects.get()
    rows = read_csv(client.get(reverse("core:export_file", args=[export.pk])))
    assert [row["nom"] for row in rows] == ["Association 2", "Association 1", "Association 0"]


def test_every_csv_list_of_the_api_is_an_export_of_the_platform():
    from essor.core.exports import EXPORTERS

    assert {
        "api-organisations", "api-establishments", "api-financing-tools",
        "api-consultation-processes", "api-consultation-actions",
    } <= set(EXPORTERS)  # fmt: skip
