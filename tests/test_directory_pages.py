import datetime
import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import format_html

from essor.directory.enums import AdministrativeStatus, Diffusion, LabelKind
from essor.directory.models import Claim
from essor.purchasing.models import PurchaseCategory
from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    ClaimFactory,
    EditSuggestionFactory,
    EssOrganisationFactory,
    EstablishmentFactory,
    LabelFactory,
    MembershipFactory,
)
from tests.factories.initiatives import InitiativeFactory
from tests.factories.purchasing import supplier
from tests.factories.support import SupportOfferFactory

pytestmark = pytest.mark.django_db

# The organisation page with every section filled (establishments, labels, networks, the
# support offers, initiatives, trainings, cooperation, events and supplier sections that apps
# add): a fixed number of queries, however many rows; one each for the trainings, cooperation and
# events sections, two for the supplier section (the profile, its categories).
ORGANISATION_PAGE_QUERIES = {"anonymous": 15, "administrator": 19}


def raw_page_of(client, organisation):
    response = client.get(reverse("directory:organisation", args=[organisation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def page_of(client, organisation):
    """The page's text with entities decoded, to compare with plain French."""
    return html_module.unescape(raw_page_of(client, organisation))


def test_organisation_page_shows_identity_family_and_why(client):
    scop = EssOrganisationFactory(
        scop=True,
        name="Scop Exemple",
        acronym="SE",
        is_esus=True,
        is_mission_company=True,
        website="https://www.scop-exemple.fr",
        public_email="contact@scop-exemple.fr",
        public_phone="05 55 00 00 00",
        sectors=["action_sociale"],
    )
    scop.labels.add(LabelFactory(name="Entreprise d'insertion", kind=LabelKind.SIAE))
    html = page_of(client, scop)
    assert "Scop Exemple" in html and "(SE)" in html
    assert scop.siren in html
    assert "Coopérative" in html
    assert "catégorie juridique 5458 — SARL coopérative de production" in html
    assert "Agrément ESUS" in html and "Société à mission" in html
    assert "Reconnue d'utilité publique" not in html
    assert "Entreprise d'insertion" in html
    assert "Action sociale" in html or "action sociale" in html.lower()
    assert 'href="https://www.scop-exemple.fr"' in html
    assert "mailto:contact@scop-exemple.fr" in html


def test_provenance_names_the_source_and_its_date(client):
    organisation = EssOrganisationFactory(
        source_updated_at=datetime.datetime(2026, 3, 12, 10, tzinfo=datetime.UTC)
    )
    assert "Source : SIRENE (INSEE), mise à jour le 12 mars 2026" in page_of(client, organisation)


def test_synthetic_organisation_carries_a_visible_demo_badge(client):
    html = page_of(client, EssOrganisationFactory(synthetic=True))
    assert "Démo — fictif" in html


def test_organisation_from_the_report_says_so(client):
    html = page_of(client, EssOrganisationFactory(from_report=True))
    assert "Citée dans l'état des lieux 2016 des CRESS" in html
    assert "Démo — fictif" not in html


def test_closed_organisation_says_since_when(client):
    organisation = EssOrganisationFactory(
        status=AdministrativeStatus.CLOSED, closed_on=datetime.date(2024, 6, 30)
    )
    assert "Fermée le 30 juin 2024" in page_of(client, organisation)


def test_organisation_outside_the_ess_is_404_for_the_public_but_not_for_staff(client):
    outside = EssOrganisationFactory(outside_ess=True)
    url = reverse("directory:organisation", args=[outside.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(cress_staff=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "hors du champ de l'ESS" in html_module.unescape(response.content.decode())


def test_unknown_organisation_is_404(client):
    assert client.get(reverse("directory:organisation", args=[999999])).status_code == 404


def test_script_and_event_handlers_in_a_description_are_neutralised(client):
    organisation = EssOrganisationFactory(
        description=(
            "Bonjour **tout le monde**\n\n<script>alert('xss')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n[clic](javascript:alert(2))\n\n'
            '<a href="https://exemple.fr" onclick="alert(3)">lien</a>'
        )
    )
    html = raw_page_of(client, organisation)
    assert "<strong>tout le monde</strong>" in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "alert(1)" not in html


def test_establishments_are_listed_with_commune_activity_headcount_and_head_office(client):
    organisation = EssOrganisationFactory()
    EstablishmentFactory(organisation=organisation, name="Siège social", is_head_office=True)
    EstablishmentFactory(
        organisation=organisation,
        name="Antenne fermée",
        status=AdministrativeStatus.CLOSED,
        closed_on=datetime.date(2023, 1, 15),
    )
    html = page_of(client, organisation)
    assert "Siège social" in html and "Siège</span>" in html
    assert 'href="/territoires/commune/87085/"' in html
    assert "Autres activités de soutien" in html or "88.99B" in html
    assert "20 à 49 salariés" in html
    assert "Fermé le 15 janvier 2023" in html
    assert "2 établissements" in html


def test_partially_diffusible_establishment_hides_its_address_and_exact_position(client):
    organisation = EssOrganisationFactory()
    hidden = EstablishmentFactory(
        organisation=organisation,
        address="12 rue Secrète",
        diffusion=Diffusion.PARTIAL,
        latitude=45.9,
        longitude=1.3,
    )
    response = client.get(reverse("directory:organisation", args=[organisation.pk]))
    html = response.content.decode()
    assert "12 rue Secrète" not in html
    assert "Non diffusée" in html
    [point] = response.context["map_points"]
    assert (point["lat"], point["lon"]) == (
        round(hidden.commune.latitude, 5),
        round(hidden.commune.longitude, 5),
    )


def test_the_map_gets_its_data_and_tile_url_without_inline_script_or_style(client, settings):
    settings.ESSOR_TILE_URL = "https://tiles.exemple.fr/{z}/{x}/{y}.png"
    organisation = EssOrganisationFactory()
    EstablishmentFactory.create_batch(2, organisation=organisation)
    html = raw_page_of(client, organisation)
    assert 'data-tile-url="https://tiles.exemple.fr/{z}/{x}/{y}.png"' in html
    assert 'id="points-carte" type="application/json"' in html
    assert "directory/organisation-map.js" in html
    assert "OpenStreetMap" in html and "GeoNames" in html
    executable = [
        tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag and "json" not in tag
    ]
    assert executable == []
    assert " style=" not in html


def test_no_map_without_positions(client):
    organisation = EssOrganisationFactory()
    EstablishmentFactory(organisation=organisation, latitude=None, longitude=None, commune=None)
    html = page_of(client, organisation)
    assert "leaflet" not in html
    assert "data-organisation-map" not in html


def test_query_count_does_not_grow_with_establishments(client, django_assert_max_num_queries):
    organisation = EssOrganisationFactory()
    organisation.labels.add(LabelFactory())
    organisation.networks.add(EssOrganisationFactory())
    EssOrganisationFactory().networks.add(organisation)
    EstablishmentFactory(organisation=organisation)
    url = reverse("directory:organisation", args=[organisation.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    EstablishmentFactory.create_batch(40, organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["establishment_count"] == 41


def test_query_count_for_a_logged_in_visitor_is_bounded(client, django_assert_max_num_queries):
    organisation = EssOrganisationFactory()
    EstablishmentFactory.create_batch(25, organisation=organisation)
    client.force_login(UserFactory())
    # Six of them are the support offers, initiatives, trainings, cooperation, events and
    # supplier sections.
    with django_assert_max_num_queries(16):
        client.get(reverse("directory:organisation", args=[organisation.pk]))


def test_networks_and_their_members_are_listed(client):
    network = EssOrganisationFactory(name="Union régionale des Scop")
    member = EssOrganisationFactory(name="Scop du Limousin")
    outsider = EssOrganisationFactory(name="SAS hors ESS", outside_ess=True)
    member.networks.add(network)
    outsider.networks.add(network)
    assert "Union régionale des Scop" in page_of(client, member)
    html = page_of(client, network)
    assert "Scop du Limousin" in html
    assert "SAS hors ESS" not in html


def test_later_apps_fill_the_organisation_page_through_the_section_registry(client, page_sections):
    organisation = EssOrganisationFactory()
    assert "Offres d" not in page_of(client, organisation)
    page_sections.register(
        page_sections.ORGANISATION,
        order=10,
        template=lambda values: format_html(
            "<h2>Offres d'accompagnement</h2><p>{} offre(s) de {}</p>",
            values["count"],
            values["organisation"].name,
        ),
        context=lambda request, org: {"count": 2, "organisation": org},
    )
    page_sections.register(
        page_sections.ORGANISATION,
        order=20,
        template=lambda values: "<h2>Vide</h2>",
        context=lambda request, org: None,
    )
    html = page_of(client, organisation)
    assert "<h2>Offres d'accompagnement</h2>" in html
    assert f"2 offre(s) de {organisation.name}" in html
    assert "Vide" not in html


def test_visitors_see_claim_and_suggest_admins_see_edit(client):
    organisation = EssOrganisationFactory()
    html = page_of(client, organisation)
    assert "C'est ma structure" in html and "Suggérer une correction" in html
    assert "Modifier le profil" not in html
    admin = MembershipFactory(organisation=organisation, admin=True).user
    client.force_login(admin)
    html = page_of(client, organisation)
    assert "Modifier le profil" in html and "Membres" in html
    assert "C'est ma structure" not in html


def test_a_pending_claim_is_shown_to_its_author_only(client):
    organisation = EssOrganisationFactory()
    claim = ClaimFactory(organisation=organisation)
    client.force_login(claim.user)
    assert "est en attente" in page_of(client, organisation)
    client.force_login(UserFactory())
    assert "est en attente" not in page_of(client, organisation)


# "Mes demandes"


def test_my_requests_lists_only_my_claims_and_suggestions(client):
    me = UserFactory()
    mine = ClaimFactory(user=me, organisation__name="Ma structure")
    ClaimFactory(organisation__name="Structure d'un autre")
    EditSuggestionFactory(author=me, organisation__name="Structure corrigée")
    EditSuggestionFactory(organisation__name="Suggestion d'un autre")
    client.force_login(me)
    html = html_module.unescape(client.get(reverse("directory:my_requests")).content.decode())
    assert "Ma structure" in html and "Structure corrigée" in html
    assert "autre" not in html
    assert client.get(reverse("directory:my_claim", args=[mine.pk])).status_code == 200


def test_someone_elses_claim_and_suggestion_pages_are_404(client):
    claim = ClaimFactory()
    suggestion = EditSuggestionFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("directory:my_claim", args=[claim.pk])).status_code == 404
    assert client.get(reverse("directory:my_suggestion", args=[suggestion.pk])).status_code == 404


# Who may open what


def organisation_urls(organisation):
    return {
        "edit": reverse("directory:edit", args=[organisation.pk]),
        "history": reverse("directory:history", args=[organisation.pk]),
        "members": reverse("directory:members", args=[organisation.pk]),
    }


def test_anonymous_visitors_are_sent_to_login(client):
    organisation = EssOrganisationFactory()
    urls = [
        *organisation_urls(organisation).values(),
        reverse("directory:claim", args=[organisation.pk]),
        reverse("directory:suggest", args=[organisation.pk]),
        reverse("directory:my_requests"),
        reverse("directory:moderation"),
        reverse("directory:moderation_claim", args=[ClaimFactory(organisation=organisation).pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    response = client.post(reverse("directory:claim", args=[organisation.pk]))
    assert response.status_code == 302
    assert not Claim.objects.filter(status="approved").exists()


@pytest.mark.parametrize("page", ["edit", "history", "members"])
def test_people_who_do_not_administer_the_organisation_get_403(client, page):
    organisation = EssOrganisationFactory()
    plain_member = MembershipFactory(organisation=organisation).user
    admin_elsewhere = MembershipFactory(admin=True).user
    for user in [UserFactory(), plain_member, admin_elsewhere]:
        client.force_login(user)
        assert client.get(organisation_urls(organisation)[page]).status_code == 403


@pytest.mark.parametrize("page", ["edit", "history", "members"])
def test_admins_and_staff_open_the_management_pages(client, page):
    organisation = EssOrganisationFactory()
    for user in [
        MembershipFactory(organisation=organisation, admin=True).user,
        UserFactory(cress_staff=True),
    ]:
        client.force_login(user)
        assert client.get(organisation_urls(organisation)[page]).status_code == 200


def test_moderation_pages_are_for_cress_staff_only(client):
    claim = ClaimFactory()
    suggestion = EditSuggestionFactory()
    urls = [
        reverse("directory:moderation"),
        reverse("directory:moderation_claim", args=[claim.pk]),
        reverse("directory:moderation_suggestion", args=[suggestion.pk]),
    ]
    admin = MembershipFactory(organisation=claim.organisation, admin=True).user
    for user in [UserFactory(), admin, claim.user]:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
    client.force_login(UserFactory(cress_staff=True))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_moderation_queue_lists_pending_requests(client):
    ClaimFactory(organisation__name="Structure revendiquée")
    EditSuggestionFactory(organisation__name="Structure à corriger")
    ClaimFactory(organisation__name="Déjà traitée", status="rejected")
    client.force_login(UserFactory(cress_staff=True))
    html = client.get(reverse("directory:moderation")).content.decode()
    assert "Structure revendiquée" in html and "Structure à corriger" in html
    assert "Déjà traitée" not in html


@pytest.mark.parametrize("visitor", ["anonymous", "administrator"])
def test_the_organisation_page_makes_the_same_queries_for_one_or_many_rows_in_each_section(
    client, django_assert_max_num_queries, visitor
):
    organisation = EssOrganisationFactory()
    profile = supplier(organisation=organisation, categories=[])
    categories = list(PurchaseCategory.objects.filter(parent__isnull=False)[:4])

    def add_one_of_each(n):
        organisation.labels.add(LabelFactory())
        profile.categories.add(categories[n])
        organisation.networks.add(EssOrganisationFactory())
        EssOrganisationFactory().networks.add(organisation)
        EstablishmentFactory(organisation=organisation)
        SupportOfferFactory(provider=organisation, title=f"Offre n°{n}")
        InitiativeFactory(carriers=[organisation], published=True, title=f"Initiative n°{n}")
        MembershipFactory(organisation=organisation)

    add_one_of_each(0)
    if visitor == "administrator":
        client.force_login(MembershipFactory(organisation=organisation, admin=True).user)
    url = reverse("directory:organisation", args=[organisation.pk])
    with django_assert_max_num_queries(ORGANISATION_PAGE_QUERIES[visitor]) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 4):
        add_one_of_each(n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert all(f"Offre n°{n}" in page and f"Initiative n°{n}" in page for n in range(4))
    assert all(category.name.replace("'", "&#x27;") in page for category in categories)
