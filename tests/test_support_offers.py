import csv
import io

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from essor.directory.enums import Phase, Source
from essor.directory.models import Organisation
from essor.support import coverage, demo
from essor.support.enums import Cost, Format, HelpKind, OfferStatus
from essor.support.forms import OfferForm
from essor.support.models import OfferTransition, SupportOffer
from essor.territories.areas import Place
from essor.territories.models import Commune
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.support import CREUSE, SupportOfferFactory, support_actor
from tests.factories.territories import GUERET, commune
from tests.utils import svg_drawings

pytestmark = pytest.mark.django_db

# List pages: a fixed number of queries, however many offers (an N+1 fails the test).
LIST_QUERIES = {"support:offers": 5, "support:moderation": 5}  # + the held link changes


# --- Territory served --------------------------------------------------------------------


def test_an_offer_covers_a_commune_through_any_level_of_its_territory():
    gueret = commune(GUERET)
    by_level = {
        "commune": SupportOfferFactory(areas=[("commune", GUERET, "Guéret")]),
        "epci": SupportOfferFactory(areas=[("epci", gueret.epci_id, gueret.epci.name)]),
        "departement": SupportOfferFactory(areas=[CREUSE]),
        "region": SupportOfferFactory(areas=[("region", "75", "Nouvelle-Aquitaine")]),
        "national": SupportOfferFactory(areas=[("national", "FR", "France entière")]),
    }
    elsewhere = SupportOfferFactory(areas=[("departement", "33", "Gironde (33)")])
    limoges = SupportOfferFactory(areas=[("commune", "87085", "Limoges")])

    covering = set(SupportOffer.objects.covering(Place.of_commune(gueret)))

    assert covering == set(by_level.values())
    assert elsewhere not in covering and limoges not in covering


def test_does_this_offer_cover_this_commune_is_one_query(django_assert_num_queries):
    SupportOfferFactory(areas=[CREUSE, ("epci", "248719312", "CU Limoges Métropole")])
    place = Place.of_commune(commune(GUERET))
    with django_assert_num_queries(1):
        assert len(list(SupportOffer.objects.covering(place))) == 1


def test_an_arrondissement_is_covered_by_what_covers_its_commune():
    paris = SupportOfferFactory(areas=[("commune", "75056", "Paris")])
    place = Place.of_commune(commune("75108"))
    assert list(SupportOffer.objects.covering(place)) == [paris]


def test_a_departement_alone_also_finds_the_offers_of_part_of_it():
    gueret = commune(GUERET)
    local = SupportOfferFactory(areas=[("epci", gueret.epci_id, gueret.epci.name)])
    place = Place(departement=gueret.departement)
    assert list(SupportOffer.objects.covering(place)) == [local]


def test_a_remote_offer_without_declared_territory_serves_the_whole_country():
    form = OfferForm(
        {
            "provider_kind": "network",
            "title": "Permanence en visio",
            "description": "Des rendez-vous en ligne.",
            "help_kinds": [HelpKind.FIRST_INFO],
            "cost": Cost.FREE,
            "format": Format.REMOTE,
        }
    )
    assert form.is_valid(), form.errors
    assert [(a.level, a.code, a.label) for a in form.areas()] == [
        ("national", "FR", "France entière")
    ]


def test_an_offer_in_person_needs_a_territory_and_says_so_in_french():
    form = OfferForm(
        {
            "provider_kind": "dla",
            "title": "Diagnostic",
            "description": "Un diagnostic.",
            "help_kinds": [HelpKind.INDIVIDUAL],
            "cost": Cost.FREE,
            "format": Format.IN_PERSON,
            "communes": "Commune-qui-n-existe-pas",
        }
    )
    assert not form.is_valid()
    assert "Aucune commune ne correspond" in str(form.errors)


# --- Managing offers ---------------------------------------------------------------------


def offer_post(**overrides):
    data = {
        "provider_kind": "bge",
        "title": "Ateliers de la création",
        "description": "Des ateliers **collectifs**.",
        "help_kinds": [HelpKind.TRAINING, HelpKind.COLLECTIVE],
        "phases": [Phase.IDEA, Phase.CREATION],
        "cost": Cost.FREE,
        "format": Format.IN_PERSON,
        "departements": ["23", "87"],
        "communes": "Guéret (23096)",
        "accepts_requests": "on",
    }
    data.update(overrides)
    return data


def test_a_support_actor_creates_an_offer_that_awaits_moderation(client):
    organisation = OrganisationFactory(name="BGE de test")
    client.force_login(support_actor(organisation))

    response = client.post(reverse("support:offer_create", args=[organisation.pk]), offer_post())

    offer = SupportOffer.objects.get()
    assert response.status_code == 302
    assert offer.provider == organisation and offer.status == OfferStatus.PENDING
    assert {(a.level, a.code) for a in offer.areas.all()} == {
        ("departement", "23"), ("departement", "87"), ("commune", GUERET),
    }  # fmt: skip
    assert "Creuse (23)" in offer.territory_summary
    assert OfferTransition.objects.get(offer=offer).to_status == OfferStatus.PENDING
    # Not public until moderated.
    client.logout()
    assert client.get(offer.get_absolute_url()).status_code == 404


def test_invalid_offer_form_answers_400_in_french_and_writes_nothing(client):
    organisation = OrganisationFactory()
    client.force_login(support_actor(organisation))
    response = client.post(
        reverse("support:offer_create", args=[organisation.pk]),
        offer_post(help_kinds=[], departements=[], communes=""),
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    assert SupportOffer.objects.count() == 0


def test_an_actor_cannot_create_or_edit_offers_of_another_organisation(client):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    client.force_login(support_actor(mine))
    their_offer = SupportOfferFactory(provider=theirs, title="Leur offre")

    create = client.post(reverse("support:offer_create", args=[theirs.pk]), offer_post())
    edit = client.post(
        reverse("support:offer_edit", args=[their_offer.pk]), offer_post(title="Piratée")
    )
    archive = client.post(reverse("support:offer_archive", args=[their_offer.pk]))

    assert create.status_code == 403
    assert edit.status_code == 404 and archive.status_code == 404
    their_offer.refresh_from_db()
    assert their_offer.title == "Leur offre" and their_offer.status == OfferStatus.PUBLISHED


def test_a_member_without_the_support_actor_role_cannot_publish_offers(client):
    organisation = OrganisationFactory()
    member = UserFactory()
    MembershipFactory(user=member, organisation=organisation)
    client.force_login(member)
    response = client.get(reverse("support:offer_create", args=[organisation.pk]))
    assert response.status_code == 403


def test_editing_a_published_offer_keeps_it_published_and_logs_it(client):
    organisation = OrganisationFactory()
    offer = SupportOfferFactory(provider=organisation)
    client.force_login(support_actor(organisation))
    response = client.post(
        reverse("support:offer_edit", args=[offer.pk]), offer_post(title="Nouveau titre")
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Nouveau titre" and offer.status == OfferStatus.PUBLISHED
    assert offer.transitions.last().get_transition_display() == "Modification"


def test_staff_publish_or_reject_with_a_reason_and_the_provider_is_told(client):
    organisation = OrganisationFactory()
    actor = support_actor(organisation, email="bge@exemple.fr")
    good = SupportOfferFactory(
        provider=organisation, status=OfferStatus.PENDING, title="Bonne offre"
    )
    bad = SupportOfferFactory(
        provider=organisation, status=OfferStatus.PENDING, title="Offre floue"
    )
    client.force_login(UserFactory(cress_staff=True))

    assert "Bonne offre" in client.get(reverse("support:moderation")).content.decode()
    client.post(reverse("support:offer_publish", args=[good.pk]))
    empty = client.post(reverse("support:offer_reject", args=[bad.pk]), {"reason": ""})
    client.post(reverse("support:offer_reject", args=[bad.pk]), {"reason": "Précisez le coût."})

    good.refresh_from_db()
    bad.refresh_from_db()
    assert empty.status_code == 400
    assert good.status == OfferStatus.PUBLISHED
    assert bad.status == OfferStatus.REJECTED and bad.decision_comment == "Précisez le coût."
    assert [m.to for m in mail.outbox] == [[actor.email], [actor.email]]
    assert "Précisez le coût." in mail.outbox[1].body


def test_only_cress_staff_moderate(client):
    organisation = OrganisationFactory()
    offer = SupportOfferFactory(provider=organisation, status=OfferStatus.PENDING)
    client.force_login(support_actor(organisation))
    assert client.get(reverse("support:moderation")).status_code == 403
    assert client.post(reverse("support:offer_publish", args=[offer.pk])).status_code == 403
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_offers_show_on_their_providers_page():
    organisation = OrganisationFactory()
    SupportOfferFactory(provider=organisation, title="Offre publiée")
    SupportOfferFactory(provider=organisation, title="Offre en attente", status=OfferStatus.PENDING)
    html = Template('{% load page_sections %}{% page_sections "organisation" o %}').render(
        Context({"o": organisation})
    )
    assert "Offre publiée" in html and "Offre en attente" not in html


def test_the_catalogue_filters_by_departement_phase_and_kind(client):
    SupportOfferFactory(title="Accueil en Creuse", phases=[Phase.IDEA])
    SupportOfferFactory(title="Financement en Gironde", areas=[("departement", "33", "Gironde (33)")],
               help_kinds=[HelpKind.FUNDING])  # fmt: skip
    url = reverse("support:offers")
    assert "Financement en Gironde" not in client.get(url, {"departement": "23"}).content.decode()
    assert "Accueil en Creuse" in client.get(url, {"departement": "23"}).content.decode()
    assert "Accueil en Creuse" not in client.get(url, {"aide": "funding"}).content.decode()
    assert "Accueil en Creuse" not in client.get(url, {"etape": "transfer"}).content.decode()


# --- Demo content ------------------------------------------------------------------------


def test_the_demo_offers_of_the_reports_actors_load_twice_without_duplicates(client):
    count = demo.load()
    demo.load()
    assert SupportOffer.objects.count() == count >= 30
    names = set(Organisation.objects.filter(source=Source.REPORT).values_list("name", flat=True))
    for name in ["DLA 19", "DLA 23", "BGE Limousin", "BGE Poitou-Charentes", "URSCOP Aquitaine",
                 "URSCOP Limousin", "URSCOP Poitou-Charentes", "Aquitaine Active", "Limousin Actif",
                 "Association Territoires & Innovation sociale", "Cap Solidaire", "Coop Alpha",
                 "Cesam Oxalis", "La ruche Oxalis", "CRESS Aquitaine", "Région Limousin"]:  # fmt: skip
        assert name in names
    # A DLA for each département of the region, on its own territory.
    for code in ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]:
        dla = SupportOffer.objects.get(provider__name=f"DLA {code}")
        assert list(dla.areas.values_list("code", flat=True)) == [code]
    assert not Organisation.objects.filter(name="DLA").exists()
    assert SupportOffer.objects.filter(provider__acronym="RTES", audiences=["local_authority"])
    # Every offer says what is illustrative, and its page shows the badge.
    assert not SupportOffer.objects.filter(is_illustrative=True, illustrative_details="").exists()
    assert not SupportOffer.objects.filter(territory_summary="").exists()
    ricless = SupportOffer.objects.get(title__startswith="RICLESS")
    page = client.get(ricless.get_absolute_url()).content.decode()
    assert "Informations illustratives" in page and "réunions d&#x27;information" in page


# --- Coverage ----------------------------------------------------------------------------


def test_coverage_is_for_the_cress_team_only(client):
    client.force_login(support_actor(OrganisationFactory()))
    assert client.get(reverse("support:coverage")).status_code == 403
    assert client.get(reverse("support:coverage_csv")).status_code == 403


def test_coverage_counts_offers_by_epci_phase_and_kind_and_lists_white_zones(client):
    gueret = commune(GUERET)
    SupportOfferFactory(areas=[CREUSE], help_kinds=[HelpKind.FIRST_INFO], phases=[Phase.IDEA])
    SupportOfferFactory(areas=[("commune", "33063", "Bordeaux")], help_kinds=[HelpKind.FUNDING])

    rows = {row.code: row for row in coverage.coverage()}

    grand_gueret = rows[gueret.epci_id]
    assert grand_gueret.count(Phase.IDEA, HelpKind.FIRST_INFO) == 1
    assert grand_gueret.count(Phase.CREATION, HelpKind.FIRST_INFO) == 0
    assert grand_gueret.has_entry_point
    bordeaux = rows[commune("33063").epci_id]
    assert bordeaux.count(kind=HelpKind.FUNDING) == 1 and bordeaux.partial_ids
    zones = coverage.white_zones(list(rows.values()), Phase.IDEA, HelpKind.FIRST_INFO, limit=500)
    assert zones[-1].departements == ["23"]  # Creuse's EPCI are served, so last

    client.force_login(UserFactory(cress_staff=True))
    page = client.get(reverse("support:coverage"), {"etape": "idea", "aide": "first_info"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "CA du Grand Guéret : 1 offre" in html
    located = [row for row in rows.values() if row.latitude is not None]
    assert svg_drawings(html) == len(located)  # a circle per EPCI, each with readable numbers
    assert "Zones blanches" in html

    export = client.get(reverse("support:coverage_csv"))
    rows_csv = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows_csv[0] == [
        "epci_siren", "epci", "departements", "population", "etape", "type_aide", "offres",
    ]  # fmt: skip
    line = next(
        r for r in rows_csv
        if r[0] == gueret.epci_id and r[4] == "Idée et émergence"
        and r[5] == "Première information et orientation"
    )  # fmt: skip
    assert line[6] == "1"
    assert len(rows_csv) == 1 + len(rows) * len(Phase.values) * len(HelpKind.values)


def test_the_section_page_offers_both_entries_and_appears_in_the_menu(client):
    SupportOfferFactory()
    html = client.get(reverse("support:index")).content.decode()
    assert '<a href="/accompagnement/" aria-current="page">Accompagnement</a>' in html
    assert "Commencer l&#x27;orientation" in html or "Commencer l'orientation" in html
    assert "Décrivez votre situation en une phrase" in html
    assert "1 offre d" in html


def test_an_actor_sees_their_offers_and_an_empty_inbox(client):
    organisation = OrganisationFactory(name="URSCOP de démonstration")
    SupportOfferFactory(provider=organisation, title="Reprise en SCOP")
    client.force_login(support_actor(organisation))
    mine = client.get(reverse("support:my_offers")).content.decode()
    assert "URSCOP de démonstration" in mine and "Reprise en SCOP" in mine
    assert "Aucune demande" in client.get(reverse("support:inbox")).content.decode()


# --- Territory pages ---------------------------------------------------------------------


def test_a_territory_lists_the_offers_serving_it_the_most_local_first(client):
    from essor.support.services import offers_for_territory

    gueret = commune(GUERET)
    national = SupportOfferFactory(
        provider=OrganisationFactory(name="A national"),
        areas=[("national", "FR", "France entière")],
    )
    departemental = SupportOfferFactory(
        provider=OrganisationFactory(name="B creusois"), areas=[CREUSE]
    )
    limousin = SupportOfferFactory(
        provider=OrganisationFactory(name="A limousin"),
        areas=[CREUSE, ("departement", "87", "Haute-Vienne (87)")],
    )
    local = SupportOfferFactory(
        provider=OrganisationFactory(name="C local"),
        areas=[("epci", gueret.epci_id, gueret.epci.name)],
    )
    in_town = SupportOfferFactory(
        provider=OrganisationFactory(name="D guérétois"), areas=[("commune", GUERET, "Guéret")]
    )
    SupportOfferFactory(areas=[("departement", "87", "Haute-Vienne (87)")])
    SupportOfferFactory(areas=[CREUSE], status=OfferStatus.PENDING)

    expected = [local, in_town, departemental, limousin, national]
    assert offers_for_territory(departement="23") == expected
    assert offers_for_territory(epci=gueret.epci) == expected
    assert offers_for_territory(commune=gueret) == expected
    elsewhere = Commune.objects.filter(departement_id="23").exclude(epci_id=gueret.epci_id).first()
    assert offers_for_territory(commune=elsewhere) == [departemental, limousin, national]

    page = client.get(gueret.departement.get_absolute_url()).content.decode()
    assert "Accompagnements sur ce territoire" in page and in_town.get_absolute_url() in page
    assert "?departement=23" in page
    page = client.get(elsewhere.get_absolute_url()).content.decode()
    assert departemental.title in page and in_town.get_absolute_url() not in page


def test_the_observatory_portrait_lists_the_territorys_offers(client):
    offer = SupportOfferFactory(areas=[CREUSE])
    page = client.get(reverse("observatory:departement", args=["23"])).content.decode()
    assert "Accompagnements sur ce territoire" in page and offer.get_absolute_url() in page


@pytest.mark.parametrize(
    ("page", "status", "who"),
    [
        ("support:offers", OfferStatus.PUBLISHED, "anonymous"),
        ("support:moderation", OfferStatus.PENDING, "cress_staff"),
    ],
)
def test_the_catalogue_and_the_moderation_queue_make_the_same_queries_for_one_or_many_offers(
    client, django_assert_max_num_queries, page, status, who
):
    if who == "cress_staff":
        client.force_login(UserFactory(cress_staff=True))
    SupportOfferFactory(status=status, title="Offre n°0")
    with django_assert_max_num_queries(LIST_QUERIES[page]) as one:
        assert client.get(reverse(page)).status_code == 200
    for n in range(1, 4):
        SupportOfferFactory(status=status, title=f"Offre n°{n}", phases=[Phase.IDEA])
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse(page)).content.decode()
    assert all(f"Offre n°{n}" in html for n in range(4))
