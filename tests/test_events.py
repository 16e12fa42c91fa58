"""The agenda (/agenda/): events, registration with a waiting list, e-mails with an
.ics file, the organiser's registrants, moderation, filters, iCal, JSON-LD, the Mois de
l'ESS, and who may see what."""

import html
import json
import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from essor.accounts.services import delete_account, personal_data
from essor.events import services
from essor.events.enums import EventKind, RegistrationStatus, Status, Theme
from essor.events.models import Event, Registration
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.events import EventFactory, RegistrationFactory
from tests.factories.territories import BORDEAUX, GUERET, LIMOGES, commune

pytestmark = pytest.mark.django_db
R = RegistrationStatus


def text(response):
    return html.unescape(response.content.decode())


def organiser_member(event):
    return MembershipFactory(organisation=event.organiser).user


# Rules of the model


@pytest.mark.parametrize(
    "fields",
    [
        {"ends_at_offset": -1},
        {"commune": None, "online_url": ""},
        {"capacity": 0},
        {"price": -5},
        {"registration_closes_at_offset": 5},
    ],
)
def test_database_refuses_an_impossible_event(fields):
    event = EventFactory.build(organiser=OrganisationFactory())
    if "ends_at_offset" in fields:
        event.ends_at = event.starts_at - timedelta(hours=1)
    if "registration_closes_at_offset" in fields:
        event.registration_closes_at = event.ends_at + timedelta(days=1)
    for name in ("commune", "online_url", "capacity", "price"):
        if name in fields:
            setattr(event, name, fields[name])
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


# Registration


def test_registration_confirms_and_mails_an_ics_file():
    event = EventFactory(capacity=10, title="Atelier coopération")
    user = UserFactory()
    registration = services.register(event, user, organisation_name="Ma SCOP")
    assert registration.status == R.CONFIRMED
    message = mail.outbox[-1]
    assert message.to == [user.email]
    assert "Atelier coopération" in message.subject
    (filename, content, mimetype) = message.attachments[0]
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Atelier coopération"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)


def test_full_event_puts_people_on_the_waiting_list_and_promotes_them():
    event = EventFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    seat = services.register(event, first)
    waiting = services.register(event, second)
    services.register(event, third)
    assert waiting.status == R.WAITING
    assert services.waiting_position(waiting) == 1
    assert "attente" in mail.outbox[-1].subject
    mail.outbox.clear()
    promoted = services.cancel_registration(seat)
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED and waiting.promoted_at
    assert Registration.objects.get(user=third).status == R.WAITING
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert mail.outbox[0].attachments


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"past": True}, "déjà eu lieu"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "closes"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "ouvrent le"),
        ({"pending": True}, "pas ouvert"),
    ],
)
def test_registration_refused_with_a_french_reason(fields, message):
    event = EventFactory(**fields)
    with pytest.raises(services.EventError) as error:
        services.register(event, UserFactory())
    assert message in error.value.message
    assert not Registration.objects.exists()


def test_registering_twice_is_refused():
    event = EventFactory()
    user = UserFactory()
    services.register(event, user)
    with pytest.raises(services.EventError, match="déjà inscrit"):
        services.register(event, user)
    assert Registration.objects.count() == 1


def test_cancelled_person_may_register_again():
    event = EventFactory()
    user = UserFactory()
    services.cancel_registration(services.register(event, user))
    assert services.register(event, user).status == R.CONFIRMED
    assert Registration.objects.filter(user=user).count() == 2


def test_register_view_and_its_errors(client):
    event = EventFactory(capacity=1)
    user = UserFactory()
    url = reverse("events:register", args=[event.slug])
    assert client.post(url).status_code == 302  # to the login page
    assert not Registration.objects.exists()
    client.force_login(user)
    response = client.post(url, {"organisation_name": "SCIC du Limousin"})
    assert response.status_code == 302
    assert Registration.objects.get(user=user).organisation_name == "SCIC du Limousin"
    response = client.post(url)
    assert response.status_code == 409
    assert "Vous êtes déjà inscrit à cet événement." in text(response)
    assert Registration.objects.count() == 1
    # The next person goes on the waiting list; the page says so.
    client.force_login(UserFactory())
    client.post(url)
    assert "liste d'attente" in text(client.get(event.get_absolute_url()))


def test_registering_for_a_past_event_over_http_is_a_409():
    event = EventFactory(past=True)
    client_user = UserFactory()
    from django.test import Client

    client = Client()
    client.force_login(client_user)
    response = client.post(reverse("events:register", args=[event.slug]))
    assert response.status_code == 409
    assert "déjà eu lieu" in text(response)
    assert not Registration.objects.exists()


def test_unregister_view_frees_the_seat(client):
    event = EventFactory(capacity=1)
    user, other = UserFactory(), UserFactory()
    services.register(event, user)
    services.register(event, other)
    client.force_login(user)
    assert client.post(reverse("events:unregister", args=[event.slug])).status_code == 302
    assert Registration.objects.get(user=other).status == R.CONFIRMED
    assert client.post(reverse("events:unregister", args=[event.slug])).status_code == 409


# Reminders


def test_reminder_the_day_before_goes_once():
    soon = EventFactory(starts_at=timezone.now() + timedelta(hours=20))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=3))
    services.register(soon, UserFactory(email="demain@exemple.fr"))
    services.register(later, UserFactory(email="plus-tard@exemple.fr"))
    mail.outbox.clear()
    assert services.send_reminders() == 1
    assert mail.outbox[0].to == ["demain@exemple.fr"]
    assert "Rappel" in mail.outbox[0].subject
    assert services.send_reminders() == 0


# The organiser's registrants and attendance


def test_registrants_csv_and_attendance(client):
    event = EventFactory(capacity=5)
    organiser = organiser_member(event)
    people = [UserFactory(last_name=n) for n in ("Durand", "=HYPERLINK()")]
    regs = [services.register(event, p, organisation_name="Coop") for p in people]
    client.force_login(organiser)
    response = client.get(reverse("events:registrants_csv", args=[event.slug]))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "Durand" in body and "'=HYPERLINK()" in body
    # Attendance is marked once the event has started.
    url = reverse("events:registrants", args=[event.slug])
    response = client.post(url, {"present": [regs[0].pk]})
    assert response.status_code == 409
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    assert client.post(url, {"present": [regs[0].pk]}).status_code == 302
    assert [r.attended for r in Registration.objects.order_by("pk")] == [True, False]
    # Another event's registration: refused, nothing changed.
    foreign = RegistrationFactory()
    response = client.post(url, {"present": [foreign.pk]})
    assert response.status_code == 400
    assert [r.attended for r in Registration.objects.filter(event=event).order_by("pk")] == [
        True,
        False,
    ]
    assert client.post(url, {"present": ["abc"]}).status_code == 400


# Proposals and moderation


def test_member_proposal_waits_for_a_moderator(client):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    start = (timezone.localtime() + timedelta(days=10)).replace(hour=9, minute=0)
    data = {
        "title": "Réunion d'information création",
        "kind": EventKind.INFORMATION,
        "organiser": organisation.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "commune_code": GUERET,
        "audience": "createurs",
        "price": "0",
        "themes": [Theme.CREATION],
    }
    response = client.post(reverse("events:propose"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == Status.PENDING and event.themes == [Theme.CREATION]
    # Invisible to the public until approved.
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Réunion d'information création" not in text(client.get(reverse("events:index")))
    staff = UserFactory(cress_staff=True)
    client.force_login(staff)
    assert event.title in text(client.get(reverse("events:moderation")))
    response = client.post(reverse("events:decision", args=[event.slug]), {"transition": "approve"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    client.logout()
    assert event.title in text(client.get(reverse("events:index")))


def test_proposal_form_errors_in_french_nothing_saved(client):
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "Atelier",
        "kind": EventKind.WORKSHOP,
        "organiser": organisation.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "audience": "tous",
        "price": "0",
    }
    response = client.post(reverse("events:propose"), data)
    assert response.status_code == 400
    page = text(response)
    assert "La fin doit suivre le début." in page
    assert "Indiquez une commune, ou le lien d'un événement en ligne." in page
    # An organisation one does not belong to is not offered.
    other = OrganisationFactory()
    data.update(
        organiser=other.pk,
        ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        commune_code=LIMOGES,
    )
    assert client.post(reverse("events:propose"), data).status_code == 400
    assert not Event.objects.exists()


def test_staff_events_are_published_at_once_and_rejection_needs_a_reason(client):
    staff = UserFactory(cress_staff=True)
    organisation = OrganisationFactory()
    event = services.propose_event(
        by=staff,
        title="Conférence des acheteurs",
        kind=EventKind.BUYERS,
        organiser=organisation,
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=3),
        commune=commune(BORDEAUX),
    )
    assert event.status == Status.PUBLISHED
    pending = EventFactory(pending=True, created_by=MembershipFactory().user)
    client.force_login(staff)
    response = client.post(
        reverse("events:decision", args=[pending.slug]), {"transition": "reject"}
    )
    assert response.status_code == 400
    assert "Indiquez un motif" in text(response)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    # A member of the organiser may not approve.
    client.force_login(organiser_member(pending))
    response = client.post(
        reverse("events:decision", args=[pending.slug]), {"transition": "approve"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_cancelling_an_event_tells_its_registrants(client):
    event = EventFactory()
    services.register(event, UserFactory(email="inscrite@exemple.fr"))
    mail.outbox.clear()
    client.force_login(organiser_member(event))
    response = client.post(
        reverse("events:decision", args=[event.slug]),
        {"transition": "cancel", "comment": "Intempéries"},
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["inscrite@exemple.fr"]
    assert "Intempéries" in mail.outbox[0].body


# Lists, filters, month view, iCal, JSON-LD


def test_list_filters(client, django_assert_max_num_queries):
    limoges = EventFactory(title="Forum Limoges", kind=EventKind.FAIR, themes=[Theme.EMPLOYMENT])
    gueret = EventFactory(title="Atelier Guéret", commune=commune(GUERET), themes=[Theme.FINANCING])
    online = EventFactory(title="Webinaire achats", online=True, kind=EventKind.BUYERS)
    EventFactory(title="Rencontre passée", past=True)
    url = reverse("events:index")
    with django_assert_max_num_queries(12):
        page = text(client.get(url))
    assert all(e.title in page for e in (limoges, gueret, online))
    assert "Rencontre passée" not in page
    page = text(client.get(url, {"territoire": "departement:23"}))
    assert "Atelier Guéret" in page and "Forum Limoges" not in page
    page = text(client.get(url, {"type": EventKind.FAIR}))
    assert "Forum Limoges" in page and "Atelier Guéret" not in page
    page = text(client.get(url, {"theme": Theme.FINANCING}))
    assert "Atelier Guéret" in page and "Forum Limoges" not in page
    response = client.get(url, {"territoire": "departement:99x"})
    assert response.status_code == 400
    assert "Ce territoire n'existe pas." in text(response)


def test_month_view_places_events_on_their_days(client):
    start = timezone.make_aware(datetime(2031, 11, 14, 10, 0))
    EventFactory(title="Forum de novembre", starts_at=start, ends_at=start + timedelta(hours=3))
    response = client.get(reverse("events:month", args=[2031, 11]))
    assert response.status_code == 200
    page = text(response)
    assert "novembre 2031" in page and "Forum de novembre" in page
    assert "Forum de novembre" not in text(client.get(reverse("events:month", args=[2031, 10])))
    assert client.get(reverse("events:month", args=[2031, 13])).status_code == 404


def test_ical_feed_of_a_filter_imports_in_a_calendar(client):
    EventFactory(title="Atelier création", kind=EventKind.WORKSHOP, themes=[Theme.CREATION])
    EventFactory(title="Salon de l'ESS", kind=EventKind.FAIR)
    cancelled = EventFactory(
        title="Atelier annulé", kind=EventKind.WORKSHOP, status=Status.CANCELLED
    )
    EventFactory(title="Atelier en attente", kind=EventKind.WORKSHOP, pending=True)
    response = client.get(reverse("events:feed"), {"type": EventKind.WORKSHOP})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    entries = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(entries) == {"Atelier création", "Atelier annulé"}
    assert str(entries["Atelier annulé"]["status"]) == "CANCELLED"
    for entry in entries.values():
        assert entry["uid"] and entry["dtstamp"] and entry["dtstart"] and entry["dtend"]
        assert entry.decoded("dtend") >= entry.decoded("dtstart")
    assert str(entries["Atelier annulé"]["uid"]) == f"evenement-{cancelled.pk}@essor"
    assert client.get(reverse("events:feed"), {"du": "pas une date"}).status_code == 400


def test_event_page_has_schema_org_jsonld(client):
    event = EventFactory(title="Atelier <gouvernance>", price=15, capacity=30)
    response = client.get(event.get_absolute_url())
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    data = json.loads(match.group(1))
    assert data["@type"] == "Event" and data["name"] == "Atelier <gouvernance>"
    assert data["location"]["address"]["addressLocality"] == "Limoges"
    assert data["offers"]["price"] == "15.00" and data["maximumAttendeeCapacity"] == 30
    assert "<gouvernance>" not in match.group(1)  # escaped inside the script
    online = EventFactory(online=True)
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>',
            client.get(online.get_absolute_url()).content.decode(),
            re.S,
        ).group(1)
    )
    assert data["location"]["@type"] == "VirtualLocation"


def test_online_link_is_for_registrants_only(client):
    event = EventFactory(online=True, online_url="https://visio.example.org/secret")
    assert "visio.example.org/secret" not in text(client.get(event.get_absolute_url()))
    user = UserFactory()
    services.register(event, user)
    client.force_login(user)
    assert "visio.example.org/secret" in text(client.get(event.get_absolute_url()))


def test_mois_de_l_ess_gathers_november_events_on_a_map(client):
    november = timezone.make_aware(datetime(2031, 11, 5, 14, 0))
    EventFactory(
        title="Portes ouvertes Limoges",
        kind=EventKind.MOIS_ESS,
        starts_at=november,
        ends_at=november + timedelta(hours=2),
    )
    EventFactory(
        title="Forum Guéret",
        commune=commune(GUERET),
        starts_at=november + timedelta(days=10),
        ends_at=november + timedelta(days=10, hours=2),
    )
    october = november - timedelta(days=20)
    EventFactory(
        title="Rencontre d'octobre", starts_at=october, ends_at=october + timedelta(hours=1)
    )
    response = client.get(reverse("events:mois_ess"), {"annee": 2031})
    page = text(response)
    assert "Portes ouvertes Limoges" in page and "Forum Guéret" in page
    assert "Rencontre d'octobre" not in page
    points = json.loads(
        re.search(
            r'id="points-evenements" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    assert {p["commune"] for p in points} == {"Limoges", "Guéret"}


# Other pages: search, organisation and territory sections


def test_upcoming_events_on_organisation_and_territory_pages_and_in_search(client):
    from essor.territories.models import Departement

    event = EventFactory(title="Forum des coopératives")
    from essor.core import page_sections as ps
    from essor.events.sections import organisation_events, territory_events

    assert organisation_events(None, event.organiser)["events"] == [event]
    assert territory_events(None, Departement.objects.get(code="87"))["events"] == [event]
    assert territory_events(None, Departement.objects.get(code="33")) is None
    assert any(s.context is territory_events for s in ps.sections(ps.TERRITORY))
    response = client.get(reverse("portal:search"), {"q": "forum coopératives"})
    assert "Forum des coopératives" in text(response)


def test_orientation_results_show_upcoming_events_of_the_territory_answering_the_needs_first(
    client,
):
    from essor.events.enums import Audience

    EventFactory(title="Atelier découverte de l'ESS", themes=[Theme.COOPERATION])
    EventFactory(
        title="Financer son projet",
        themes=[Theme.FINANCING],
        starts_at=timezone.now() + timedelta(days=20),
    )
    EventFactory(title="Financeurs en ligne", online=True, themes=[Theme.FINANCING])
    EventFactory(title="Numérique en ligne", online=True, themes=[Theme.DIGITAL])
    EventFactory(title="Forum à Bordeaux", commune=commune(BORDEAUX))
    EventFactory(title="Club des acheteurs", audience=Audience.PROFESSIONALS)
    EventFactory(title="Atelier passé", past=True)
    EventFactory(title="Atelier à modérer", pending=True)

    response = client.get(
        reverse("support:results"), {"commune": LIMOGES, "etape": "creation", "besoins": "funding"}
    )
    page = text(response)
    section = page[page.index("Prochains événements près de chez vous") :]
    shown = re.findall(r'href="/agenda/[^"]+">([^<]+)</a>', section)
    # Financing first (the one in Limoges, then online, by date), then the rest by date.
    assert shown == ["Financeurs en ligne", "Financer son projet", "Atelier découverte de l'ESS"]


def test_no_upcoming_events_section_in_orientation_results_when_none_concern_the_person(client):
    EventFactory(title="Forum à Bordeaux", commune=commune(BORDEAUX))
    response = client.get(reverse("support:results"), {"commune": LIMOGES, "etape": "creation"})
    assert response.status_code == 200
    assert "Prochains événements" not in text(response)


def test_initiative_page_shows_events_of_its_organisations_then_of_its_territory(client):
    from tests.factories.initiatives import InitiativeFactory

    carrier = OrganisationFactory()
    initiative = InitiativeFactory(carriers=[carrier], published=True)
    initiative.departement_codes = ["23"]
    initiative.save()
    EventFactory(title="Portes ouvertes du jardin", organiser=carrier, commune=commune(BORDEAUX))
    EventFactory(title="Rencontre à Guéret", commune=commune(GUERET))
    EventFactory(title="Rencontre à Limoges")  # neither theirs nor in the Creuse
    EventFactory(title="Guéret, annulé", commune=commune(GUERET), status=Status.CANCELLED)

    page = text(client.get(initiative.get_absolute_url()))
    section = page[page.index("Prochains événements") :]
    shown = re.findall(r'href="/agenda/[^"]+">([^<]+)</a>', section)
    assert shown == ["Portes ouvertes du jardin", "Rencontre à Guéret"]


# Personal data


def test_personal_data_export_and_account_deletion():
    event = EventFactory(capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    services.register(event, leaving, organisation_name="Asso")
    services.register(event, waiting)
    data = personal_data(leaving)
    assert data["inscriptions_evenements"][0]["evenement"] == event.title
    delete_account(leaving)
    assert not Registration.objects.filter(user_id=leaving.pk).exists()
    assert Registration.objects.get(user=waiting).status == R.CONFIRMED


# Permissions: every route, anonymous, each role, another organisation


ROLES = {
    "anonyme": None,
    "cress": {"cress_staff": True},
    "accompagnement": {"support_actor": True},
    "financeur": {"funder": True},
    "acheteur": {"buyer": True},
    "porteur": {},
}


def _login(client, role):
    if ROLES[role] is None:
        return None
    user = UserFactory(**ROLES[role])
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_answer_everyone(client, role):
    _login(client, role)
    event = EventFactory()
    for url in (
        reverse("events:index"),
        reverse("events:feed"),
        reverse("events:month", args=[2031, 11]),
        reverse("events:mois_ess"),
        event.get_absolute_url(),
        reverse("events:event_ics", args=[event.slug]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_organiser_pages_are_the_organisers(client, role):
    user = _login(client, role)
    event = EventFactory()
    pending = EventFactory(pending=True)
    services.register(event, UserFactory())
    organiser_urls = [
        reverse("events:registrants", args=[event.slug]),
        reverse("events:registrants_csv", args=[event.slug]),
        reverse("events:edit", args=[event.slug]),
    ]
    for url in organiser_urls:
        response = client.get(url)
        if user is None:
            assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
        elif role == "cress":
            assert response.status_code == 200
        else:
            assert response.status_code == 403, url
    moderation = client.get(reverse("events:moderation"))
    pending_page = client.get(pending.get_absolute_url())
    if role == "cress":
        assert moderation.status_code == 200 and pending_page.status_code == 200
    else:
        assert moderation.status_code in (302, 403)
        assert pending_page.status_code == 404
    propose = client.get(reverse("events:propose"))
    assert propose.status_code == (302 if user is None else 200 if role == "cress" else 403)
    mine = client.get(reverse("events:mine"))
    assert mine.status_code == (302 if user is None else 200)


def test_another_organisations_member_changes_nothing(client):
    event = EventFactory(title="Titre d'origine")
    outsider = MembershipFactory().user  # member of another organisation
    client.force_login(outsider)
    edit = reverse("events:edit", args=[event.slug])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Piraté"}).status_code == 403
    assert (
        client.post(
            reverse("events:decision", args=[event.slug]), {"transition": "cancel", "comment": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("events:registrants", args=[event.slug]), {"present": []}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.title == "Titre d'origine" and event.status == Status.PUBLISHED
    # Organising for another organisation is refused too.
    client.force_login(outsider)
    assert client.get(reverse("events:propose")).status_code == 200
    # A pending event of another organisation does not exist for them.
    assert client.get(EventFactory(pending=True).get_absolute_url()).status_code == 404


def test_organiser_edits_their_event(client):
    event = EventFactory(title="Avant", kind=EventKind.WORKSHOP)
    member = organiser_member(event)
    client.force_login(member)
    start = timezone.localtime(event.starts_at)
    response = client.post(
        reverse("events:edit", args=[event.slug]),
        {
            "title": "Après",
            "kind": EventKind.WORKSHOP,
            "organiser": event.organiser.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "commune_code": LIMOGES,
            "audience": "tous",
            "price": "0",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Après"
    assert PASSWORD


# Demo


def test_demo_mois_de_l_ess_covers_every_departement_of_the_region(client):
    from essor.directory import demo as directory_demo
    from essor.events import demo

    directory_demo.load_report_organisations()
    created = demo.load_demo_events()
    assert created == 14
    assert demo.load_demo_events() == 0  # idempotent
    november = Event.objects.filter(kind=EventKind.MOIS_ESS)
    assert {e.commune.departement_id for e in november} == {
        "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"
    }  # fmt: skip
    assert all(
        e.is_demo and e.starts_at.month == 11 and e.starts_at > timezone.now() for e in november
    )
    page = text(client.get(reverse("events:mois_ess"), {"annee": demo.next_november_year()}))
    assert "Forum régional de l'ESS (démo)" in page
    assert "Événement de démonstration" in text(client.get(november.first().get_absolute_url()))
