"""The cooperation exchange: offers and needs of seven kinds, their rules, moderation of
an organisation's first publication, and who may do what."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from essor.accounts.enums import PlatformRole
from essor.cooperation import services
from essor.cooperation.enums import Direction, Kind, Status
from essor.cooperation.kinds import KINDS
from essor.cooperation.models import Listing
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cooperation import DETAILS, ListingFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.territories import NIORT, commune

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in PlatformRole]
TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=30)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def form_data(**overrides):
    data = {
        "direction": "besoin",
        "title": "Une salle de réunion pour notre CA",
        "category": "salle-reunion",
        "description": "Dix personnes, un soir par mois.",
        "commune": "Niort (79191)",
        "radius_km": "15",
        "area_level": "",
        "starts_on": TODAY.isoformat(),
        "ends_on": LATER.isoformat(),
        "details-surface_m2": "25",
        "details-availability": ["mar-apres-midi"],
        "details-free": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member():
    return MembershipFactory(organisation=EssOrganisationFactory()).user


def create_url(organisation, kind="locaux"):
    return reverse("cooperation:listing_create", args=[organisation.pk, kind])


# --- The kinds' own attributes -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_accepts_its_usual_attributes(kind):
    assert KINDS[kind].validate(DETAILS[kind])


def test_an_availability_that_overlaps_itself_is_refused_in_french():
    with pytest.raises(ValidationError) as error:
        KINDS[Kind.PREMISES].validate(
            {"surface_m2": 20, "free": True, "availability": ["lun-journee", "lun-matin"]}
        )
    assert "La disponibilité se chevauche : « lundi journée entière » et « lundi matin »" in str(
        error.value
    )


def test_a_shared_job_over_five_days_a_week_is_refused():
    with pytest.raises(ValidationError) as error:
        KINDS[Kind.SHARED_JOB].validate({"days_per_week": 6, "skills": "paie"})
    assert "au plus 5 jours par semaine" in str(error.value)


def test_premises_need_a_price_or_to_be_free():
    with pytest.raises(ValidationError) as error:
        KINDS[Kind.PREMISES].validate({"surface_m2": 20})
    assert "Indiquez un prix, ou cochez « Gratuit »" in str(error.value)


# --- Rules of the database -------------------------------------------------------------------


def _raw(**fields):
    values = {
        "organisation": EssOrganisationFactory(),
        "direction": Direction.NEED,
        "kind": Kind.PREMISES,
        "category": "bureau",
        "title": "x",
        "commune": commune(NIORT),
        "starts_on": TODAY,
        "territory_label": "Niort",
    }
    values.update(fields)
    return Listing(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"radius_km": 0},
        {"radius_km": 10_000},
        {"radius_km": 10, "area_level": "departement"},
        {"ends_on": TODAY - datetime.timedelta(days=1)},
        {"status": "unknown"},
        {"kind": Kind.SHARED_JOB, "category": "administratif", "details": {"days_per_week": 6}},
    ],
    ids=["radius-0", "radius-10000", "radius-and-area", "inverted", "status", "job-6-days"],
)
def test_the_database_refuses_what_the_rules_forbid(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(**fields).save()


# --- Publishing and moderation -------------------------------------------------------------


def test_a_first_publication_waits_for_the_cress_and_the_next_ones_open_at_once(member):
    organisation = member.memberships.get().organisation
    first = ListingFactory(organisation=organisation, status=Status.PENDING)
    assert first.status == Status.PENDING
    assert not Listing.objects.public().filter(pk=first.pk).exists()
    staff = UserFactory(cress_staff=True)
    services.moderate(first, "approve", by=staff)
    assert first.status == Status.OPEN
    second = ListingFactory(organisation=organisation, status=Status.PENDING)
    assert second.status == Status.OPEN
    assert [t.transition for t in first.transitions.all()] == ["publish", "approve"]


def test_a_moderator_does_not_approve_what_they_published_themselves():
    staff = UserFactory(cress_staff=True)
    organisation = MembershipFactory(user=staff).organisation
    listing = Listing(
        organisation=organisation,
        direction=Direction.OFFER,
        kind=Kind.EQUIPMENT,
        category="vehicule",
        title="Un minibus",
        details={"mode": "pret"},
        commune=commune(NIORT),
        starts_on=TODAY,
    )
    services.save_listing(listing, author=staff)
    with pytest.raises(Exception, match="un autre membre"):
        services.moderate(listing, "approve", by=staff)
    listing.refresh_from_db()
    assert listing.status == Status.PENDING


def test_the_territory_is_a_radius_or_the_area_around_the_commune():
    by_radius = ListingFactory(radius_km=30)
    assert by_radius.territory_label == "30 km autour de Niort"
    assert by_radius.reach_km == 30
    assert by_radius.areas.get().level == "radius"
    by_area = ListingFactory(radius_km=None, area_level="departement")
    area = by_area.areas.get()
    assert (area.level, area.code) == ("departement", "79")
    assert 40 < by_area.reach_km < 150


def test_publishing_through_the_page_saves_the_need_with_its_attributes(client, member):
    organisation = member.memberships.get().organisation
    response = login(client, member).post(create_url(organisation), form_data())
    listing = Listing.objects.get()
    assert response.status_code == 302
    assert listing.organisation == organisation
    assert (listing.direction, listing.kind, listing.category) == (
        "besoin",
        "locaux",
        "salle-reunion",
    )
    assert listing.details == {"surface_m2": 25, "availability": ["mar-apres-midi"], "free": True}
    assert listing.status == Status.PENDING
    page = client.get(listing.get_absolute_url())
    assert "mardi après-midi" in page.content.decode()


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"starts_on": (TODAY - datetime.timedelta(days=3)).isoformat()},
            "La date de début est passée.",
        ),
        (
            {"ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "La date de fin est passée.",
        ),
        (
            {
                "starts_on": LATER.isoformat(),
                "ends_on": (LATER - datetime.timedelta(days=2)).isoformat(),
            },
            "La date de fin précède la date de début.",
        ),
        ({"radius_km": "0"}, "Le rayon est d&#x27;au moins 1 km."),
        ({"radius_km": "10000"}, "Le rayon est de 200 km au plus."),
        (
            {"radius_km": "10", "area_level": "departement"},
            "un rayon ou un territoire, pas les deux",
        ),
        (
            {"details-availability": ["lun-journee", "lun-apres-midi"]},
            "La disponibilité se chevauche",
        ),
    ],
    ids=["past", "ended", "inverted", "radius-0", "radius-10000", "both", "overlap"],
)
def test_bad_input_gets_a_french_message_a_400_and_nothing_saved(
    client, member, overrides, message
):
    organisation = member.memberships.get().organisation
    response = login(client, member).post(create_url(organisation), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Listing.objects.exists()


def test_a_shared_job_need_over_five_days_is_refused_on_the_page(client, member):
    organisation = member.memberships.get().organisation
    data = form_data(
        category="administratif", **{"details-days_per_week": "5.5", "details-skills": "paie"}
    )
    response = login(client, member).post(create_url(organisation, "emploi-partage"), data)
    assert response.status_code == 400
    assert "au plus 5 jours par semaine" in response.content.decode()
    assert not Listing.objects.exists()


def test_a_forged_organisation_id_is_refused_and_nothing_saved(client, member):
    other = EssOrganisationFactory()
    response = login(client, member).post(create_url(other), form_data())
    assert response.status_code == 403
    response = client.post(create_url(other).replace(str(other.pk), "999999"), form_data())
    assert response.status_code == 404
    assert not Listing.objects.exists()


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_members_edit_an_organisations_listing(client, role):
    listing = ListingFactory(title="Avant")
    outsider = UserFactory(platform_role=role)
    member_elsewhere = MembershipFactory(user__platform_role=role).user
    for user in (outsider, member_elsewhere):
        client.force_login(user)
        edit = reverse("cooperation:listing_edit", args=[listing.pk])
        assert client.get(edit).status_code == 404
        assert client.post(edit, form_data(title="Pirate")).status_code == 404
        assert (
            client.post(reverse("cooperation:listing_close", args=[listing.pk])).status_code == 404
        )
        assert client.post(create_url(listing.organisation), form_data()).status_code == 403
    listing.refresh_from_db()
    assert (listing.title, listing.status) == ("Avant", Status.OPEN)
    member = MembershipFactory(organisation=listing.organisation, user__platform_role=role).user
    client.force_login(member)
    data = form_data(title="Après", direction="offre", **{"details-surface_m2": "30"})
    assert (
        client.post(reverse("cooperation:listing_edit", args=[listing.pk]), data).status_code == 302
    )
    listing.refresh_from_db()
    assert listing.title == "Après"


def test_anonymous_visitors_see_public_listings_and_are_sent_to_log_in_elsewhere(client):
    listing = ListingFactory()
    pending = ListingFactory(status=Status.PENDING)
    assert client.get(reverse("cooperation:index")).status_code == 200
    assert client.get(listing.get_absolute_url()).status_code == 200
    assert client.get(pending.get_absolute_url()).status_code == 404
    for url in (
        reverse("cooperation:publish_start"),
        reverse("cooperation:my_listings"),
        reverse("cooperation:moderation"),
        create_url(listing.organisation),
        reverse("cooperation:listing_edit", args=[listing.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/" in response["Location"], url
    assert (
        client.post(
            reverse("cooperation:moderation_decide", args=[pending.pk]), {"decision": "approve"}
        ).status_code
        == 302
    )
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cress_moderates(client, role):
    pending = ListingFactory(status=Status.PENDING)
    client.force_login(UserFactory(platform_role=role))
    staff = role == PlatformRole.CRESS_STAFF
    assert client.get(reverse("cooperation:moderation")).status_code == (200 if staff else 403)
    assert client.get(pending.get_absolute_url()).status_code == (200 if staff else 404)
    response = client.post(
        reverse("cooperation:moderation_decide", args=[pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == (302 if staff else 403)
    pending.refresh_from_db()
    assert pending.status == (Status.OPEN if staff else Status.PENDING)


def test_a_rejection_needs_a_reason(client):
    pending = ListingFactory(status=Status.PENDING)
    client.force_login(UserFactory(cress_staff=True))
    url = reverse("cooperation:moderation_decide", args=[pending.pk])
    response = client.post(url, {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_list_shows_open_listings_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    ListingFactory.create_batch(5)
    ListingFactory(status=Status.PENDING, title="Pas encore relue")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cooperation:index"))
    body = response.content.decode()
    assert body.count('class="match"') == 5
    assert "Pas encore relue" not in body


def test_expired_listings_leave_the_open_list():
    listing = ListingFactory(ends_on=TODAY + datetime.timedelta(days=1))
    assert services.expire_past(today=TODAY + datetime.timedelta(days=2)) == 1
    listing.refresh_from_db()
    assert listing.status == Status.EXPIRED


def test_the_daily_command_expires_what_has_ended():
    ended = ListingFactory(title="Bureau du mois dernier")
    Listing.objects.filter(pk=ended.pk).update(
        starts_on=TODAY - datetime.timedelta(days=40), ends_on=TODAY - datetime.timedelta(days=10)
    )
    running = ListingFactory(ends_on=TODAY + datetime.timedelta(days=10))
    out = io.StringIO()
    call_command("expire_cooperation_listings", stdout=out)
    assert out.getvalue().strip() == "1 offre(s) ou besoin(s) expiré(s)."
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, running.status) == (Status.EXPIRED, Status.OPEN)
    assert ended.transitions.filter(transition="expire").count() == 1
