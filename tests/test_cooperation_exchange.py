"""Matching offers and needs with why, notification once, private threads, concluding
with what it brought, and the cooperation figures (observatory section, API)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from essor.accounts.enums import PlatformRole
from essor.accounts.services import personal_data
from essor.cooperation import services
from essor.cooperation.enums import Direction, Kind, Status
from essor.cooperation.matching import suggestions
from essor.cooperation.models import Match, Message, Outcome, Thread
from essor.search.platform import search_everything
from tests.factories.accounts import UserFactory
from tests.factories.cooperation import ListingFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.territories import BORDEAUX, LIMOGES, commune

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in PlatformRole]
TODAY = timezone.localdate()


def room_need(**kwargs):
    values = {
        "direction": Direction.NEED,
        "kind": Kind.PREMISES,
        "category": "salle-reunion",
        "title": "Une salle de réunion à Niort",
        "details": {"surface_m2": 25, "availability": ["mar-apres-midi"], "free": True},
        "radius_km": 15,
    }
    values.update(kwargs)
    return ListingFactory(**values)


def room_offer(**kwargs):
    values = {
        "direction": Direction.OFFER,
        "kind": Kind.PREMISES,
        "category": "salle-reunion",
        "title": "Notre salle du mardi",
        "details": {"surface_m2": 40, "availability": ["mar-journee"], "free": True},
        "radius_km": 10,
    }
    values.update(kwargs)
    return ListingFactory(**values)


def test_a_need_finds_the_offers_that_fit_with_why_and_not_the_others():
    good = room_offer()
    room_offer(title="Trop loin", commune=commune(LIMOGES), radius_km=10)
    room_offer(
        title="Le lundi seulement",
        details={"surface_m2": 40, "availability": ["lun-matin"], "free": True},
    )
    room_offer(title="Un bureau", category="bureau")
    room_offer(title="Trop petite", details={"surface_m2": 8, "free": True})
    room_offer(title="Plus tard", starts_on=TODAY + datetime.timedelta(days=200), ends_on=None)
    need = room_need(ends_on=TODAY + datetime.timedelta(days=60))
    found = suggestions(need)
    assert [s.listing for s in found] == [good]
    why = found[0].reasons
    assert "Locaux · salle de réunion" in why
    assert "dans la même commune (10 km autour de Niort)" in why
    assert "créneaux communs : mardi après-midi" in why
    assert "40 m² proposés pour 25 m² cherchés" in why
    # Both ways: the offer suggests the need.
    assert [s.listing for s in suggestions(good)] == [need]


def test_both_sides_are_notified_once_through_the_task_queue(
    django_capture_on_commit_callbacks,
):
    offer_org = MembershipFactory(user__email="offre@exemple.fr").organisation
    need_org = MembershipFactory(user__email="besoin@exemple.fr").organisation
    offer = room_offer(organisation=offer_org)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        need = room_need(organisation=need_org)
    match = Match.objects.get(offer=offer, need=need)
    assert match.notified_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["besoin@exemple.fr", "offre@exemple.fr"]
    assert "mardi après-midi" in mail.outbox[0].body
    mail.outbox.clear()
    # Editing either side or sending the notices again does not notify again.
    need.title = "Une salle de réunion, le mardi"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_listing(need, author=need.created_by)
    assert services.send_match_notices([match.pk]) == 0
    assert mail.outbox == []


def _thread():
    offer = room_offer()
    guest_org = EssOrganisationFactory()
    guest = MembershipFactory(organisation=guest_org, user__email="invitee@exemple.fr").user
    owner = MembershipFactory(organisation=offer.organisation, user__email="hote@exemple.fr").user
    thread = services.write_to(
        offer, organisation=guest_org, by=guest, body="Bonjour, la salle est-elle libre ?"
    )
    return offer, thread, owner, guest


def test_a_thread_is_private_and_hides_e_mails_until_both_accept(client):
    offer, thread, owner, guest = _thread()
    url = thread.get_absolute_url()
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "la salle est-elle libre" in page
    assert "invitee@exemple.fr" not in page
    client.post(reverse("cooperation:thread_accept", args=[thread.pk]))
    assert "invitee@exemple.fr" not in client.get(url).content.decode()
    client.force_login(guest)
    client.post(reverse("cooperation:thread_accept", args=[thread.pk]))
    page = client.get(url).content.decode()
    assert "hote@exemple.fr" in page or offer.created_by.email in page
    offer.refresh_from_db()
    assert offer.status == Status.DISCUSSION


@pytest.mark.parametrize("role", ROLES)
def test_nobody_else_reads_or_writes_in_a_thread(client, role):
    offer, thread, owner, guest = _thread()
    for user in (UserFactory(platform_role=role), MembershipFactory(user__platform_role=role).user):
        client.force_login(user)
        assert client.get(thread.get_absolute_url()).status_code == 404
        assert client.post(thread.get_absolute_url(), {"body": "intrus"}).status_code == 404
        assert (
            client.post(reverse("cooperation:thread_accept", args=[thread.pk])).status_code == 404
        )
    client.logout()
    assert client.get(thread.get_absolute_url()).status_code == 302
    assert not Message.objects.filter(body="intrus").exists()
    thread.refresh_from_db()
    assert thread.owner_accepted_at is None and thread.guest_accepted_at is None


def test_a_message_to_a_closed_listing_is_refused(client):
    offer, thread, owner, guest = _thread()
    services.close(offer, by=owner)
    client.force_login(guest)
    response = client.post(thread.get_absolute_url(), {"body": "Encore là ?"})
    assert response.status_code == 400
    assert (
        "Cette publication est close : elle ne reçoit plus de messages."
        in response.content.decode()
    )
    other = MembershipFactory().user
    client.force_login(other)
    response = client.post(
        reverse("cooperation:write", args=[offer.pk]),
        {"organisation": other.memberships.get().organisation_id, "body": "Bonjour"},
    )
    assert response.status_code == 400
    assert Message.objects.count() == 1


def test_writing_in_the_name_of_another_organisation_is_refused(client):
    offer = room_offer()
    user = MembershipFactory().user
    client.force_login(user)
    response = client.post(
        reverse("cooperation:write", args=[offer.pk]),
        {"organisation": EssOrganisationFactory().pk, "body": "Bonjour"},
    )
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_concluding_records_what_it_brought_and_counts_in_the_territory(client):
    offer, thread, owner, guest = _thread()
    client.force_login(owner)
    url = reverse("cooperation:conclude", args=[offer.pk])
    response = client.post(
        url, {"partner": EssOrganisationFactory().pk, "surface_m2": "40", "euros_saved": "600"}
    )
    assert response.status_code == 400
    assert "Choisissez une structure avec qui vous avez échangé" in response.content.decode()
    response = client.post(url, {"partner": thread.organisation_id, "surface_m2": "-4"})
    assert response.status_code == 400
    assert not Outcome.objects.exists()
    response = client.post(
        url,
        {
            "partner": thread.organisation_id,
            "surface_m2": "40",
            "euros_saved": "600",
            "skills_days": "0",
            "mentoring_hours": "0",
            "jobs_shared": "0",
        },
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Status.CONCLUDED
    figures = services.cooperation_figures(departement="79")
    assert figures["totals"]["exchanges"] == 1
    assert figures["by_kind"][0]["surface_m2"] == 40
    assert services.cooperation_figures(departement="87")["totals"]["exchanges"] == 0
    api = client.get("/api/cooperation/chiffres/?departement=79").json()
    assert api["echanges"] == 1 and api["m2_partages"] == 40 and api["euros_economises"] == 600
    assert api["par_type"][0]["type"] == "locaux"
    portrait = client.get(reverse("territories:departement", args=["79"])).content.decode()
    assert "Échanges conclus sur ESSor" in portrait


@pytest.mark.parametrize("role", ROLES)
def test_only_members_conclude(client, role):
    offer = room_offer()
    client.force_login(MembershipFactory(user__platform_role=role).user)
    url = reverse("cooperation:conclude", args=[offer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"surface_m2": "10"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Status.OPEN


def test_the_api_lists_open_listings_only(client):
    room_offer(title="Ouverte")
    ListingFactory(title="En attente", status=Status.PENDING)
    body = client.get("/api/cooperation/?sens=offre").json()
    assert [r["intitule"] for r in body["resultats"]] == ["Ouverte"]
    assert client.get("/api/cooperation/?departement=999").status_code == 400


def test_search_finds_skills_sponsorship_and_coworking():
    ListingFactory(
        kind=Kind.SKILLS,
        category="gestion",
        title="Deux jours de contrôle de gestion",
        details={"mode": "mecenat", "amount": 2, "unit": "jours", "skill": "contrôle de gestion"},
    )
    ListingFactory(
        kind=Kind.PREMISES,
        category="coworking",
        title="Trois postes à Bordeaux",
        commune=commune(BORDEAUX),
    )
    ListingFactory(kind=Kind.PREMISES, category="bureau", title="En attente", status=Status.PENDING)

    def titles(query):
        groups = search_everything(query)
        return [
            hit.title
            for group in groups.groups
            for hit in group.hits
            if group.kind.name == "cooperation"
        ]

    assert titles("mécénat de compétences") == ["Offre : Deux jours de contrôle de gestion"]
    assert titles("coworking") == ["Offre : Trois postes à Bordeaux"]
    assert titles("En attente") == []


def test_the_organisation_page_shows_its_open_offers_and_needs(client):
    offer = room_offer(title="Salle partagée du centre")
    page = client.get(offer.organisation.get_absolute_url()).content.decode()
    assert "Salle partagée du centre" in page


def test_personal_data_holds_the_persons_messages_and_publications():
    offer, thread, owner, guest = _thread()
    data = personal_data(guest)
    assert data["cooperation_messages"][0]["message"] == "Bonjour, la salle est-elle libre ?"
    assert personal_data(offer.created_by)["cooperation_publications"][0]["intitule"] == offer.title
