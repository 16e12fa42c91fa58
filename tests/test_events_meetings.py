"""Business meetings (« Espresso »): the CP-SAT scheduler's constraints and objective,
participants, requests and their limits, the organiser's run, late changes that never
move a confirmed meeting, agendas, outcomes and figures, permissions."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from essor.accounts.services import delete_account, personal_data
from essor.events import meetings as service
from essor.events.enums import MeetingsState, MeetingStatus, Outcome
from essor.events.models import Meeting, MeetingRequest, Participant
from essor.events.scheduler import Instance, Request, SchedulerError, schedule, validate
from essor.events.scheduler import Meeting as Placed
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory
from tests.factories.events import business_meetings, participant

S = MeetingsState


def text(response):
    return html.unescape(response.content.decode())


# The scheduler (no database)


def test_scheduler_respects_every_hard_constraint():
    instance = Instance(
        participants=[1, 2, 3, 4, 5],
        slots=3,
        tables=1,
        requests=[
            Request(1, 2),
            Request(1, 3),
            Request(1, 4),
            Request(2, 3),
            Request(4, 5),
            Request(5, 1),
        ],
        unavailable={2: {0}, 5: {0, 1}},
        max_requests=3,
    )
    result = schedule(instance, time_limit=5)
    assert validate(instance, result.meetings) == []
    assert len(result.meetings) == 3  # one table, three slots: full
    for m in result.meetings:
        assert m.table == 0
        assert m.slot not in instance.unavailable.get(m.a, set()) | instance.unavailable.get(
            m.b, set()
        )


def test_fairness_floor_comes_before_the_total():
    # 1 is wanted by everyone; with two slots, the total alone would give 1's two meetings
    # to the mutual, heavier pairs and leave someone out. The floor gives everyone one.
    instance = Instance(
        participants=[1, 2, 3, 4, 5],
        slots=2,
        tables=5,
        requests=[
            Request(2, 1, 1),
            Request(1, 2, 1),
            Request(3, 1, 1),
            Request(1, 3, 2),
            Request(4, 1, 1),
            Request(5, 4, 1),
            Request(4, 5, 2),
        ],  # fmt: skip
        max_requests=2,
    )
    result = schedule(instance, time_limit=5)
    counts = result.counts(instance.participants)
    requesters = {r.requester for r in instance.requests}
    assert min(counts[p] for p in requesters) >= 1
    assert result.floor == 1


def test_mutual_requests_weigh_more():
    # Two slots... one: 1 can meet 2 (mutual) or 3 (one-way, first choice): mutual wins.
    instance = Instance(
        participants=[1, 2, 3],
        slots=1,
        tables=1,
        requests=[Request(1, 3, 1), Request(1, 2, 2), Request(2, 1, 2)],
        max_requests=2,
    )
    (meeting,) = schedule(instance, time_limit=5).meetings
    assert {meeting.a, meeting.b} == {1, 2}


def test_fixed_meetings_never_move_and_new_ones_fill_open_cells():
    fixed = [Placed(1, 2, 0, 0)]
    instance = Instance(
        participants=[1, 2, 3, 4],
        slots=2,
        tables=1,
        requests=[Request(1, 2), Request(3, 4), Request(1, 3)],
        fixed=fixed,
        max_requests=2,
    )
    result = schedule(instance, time_limit=5)
    assert fixed[0] in result.meetings
    assert validate(instance, result.meetings) == []
    assert len(result.meetings) == 2 and all(m.slot == 1 for m in result.meetings if m != fixed[0])


def test_unsolvable_instances_are_refused_in_french():
    with pytest.raises(SchedulerError, match="au moins un créneau"):
        schedule(Instance([1, 2], 0, 1, [Request(1, 2)]))
    with pytest.raises(SchedulerError, match="lui-même"):
        schedule(Instance([1, 2], 2, 1, [Request(1, 1)]))
    with pytest.raises(SchedulerError, match="inconnu"):
        schedule(Instance([1, 2], 2, 1, [Request(1, 9)]))


# Participants and requests


@pytest.mark.django_db
def test_only_registrants_take_part_and_get_suggestions_with_why():
    meetings = business_meetings()
    outsider = UserFactory()
    with pytest.raises(service.MeetingError, match="Inscrivez-vous d'abord"):
        service.join(meetings, outsider, organisation_name="X", kind="ess")
    buyer = participant(
        meetings, kind="acheteur", needs=["nettoyage-locaux", "traiteur"], name="Ville de Niort"
    )
    cleaner = participant(meetings, kind="ess", offers=["nettoyage-locaux"], name="Régie propreté")
    participant(meetings, kind="entreprise", offers=["developpement-web"], name="Agence web")
    caterer = participant(meetings, kind="ess", offers=["restauration-collective"], name="Cantine")
    first, second = service.suggestions(buyer)
    assert first["participant"] == cleaner
    assert "propose nettoyage de locaux, que vous recherchez" in first["why"]
    # Another category of the family the buyer looks in: suggested after, and said so.
    assert second["participant"] == caterer
    assert second["why"] == (
        "propose dans la même famille que ce que vous recherchez : restauration et alimentation"
    )
    assert (
        service.suggestions(cleaner)[0]["why"] == "recherche nettoyage de locaux, que vous proposez"
    )


@pytest.mark.django_db
def test_offers_and_needs_are_purchase_categories_and_unknown_ones_are_refused():
    meetings = business_meetings()
    me = participant(meetings, name="Régie")
    with pytest.raises(service.MeetingError, match="catégorie d'offre ou de besoin est inconnue"):
        service.join(meetings, me.user, organisation_name="Régie", kind="ess", offers=["nettoyage"])
    with pytest.raises(service.MeetingError, match="inconnue"):
        # A family is a heading, not a category one offers.
        service.join(
            meetings, me.user, organisation_name="Régie", kind="ess", needs=["batiment-travaux"]
        )
    me.refresh_from_db()
    assert me.offers == []
    service.join(
        meetings, me.user, organisation_name="Régie", kind="ess", offers=["menuiserie", "deee"]
    )
    me.refresh_from_db()
    assert me.offer_labels() == [
        "Menuiserie",
        "Déchets d'équipements électriques et électroniques (DEEE)",
    ]


def test_old_agenda_categories_move_to_purchase_categories():
    from importlib import import_module

    from essor.purchasing.categories import read_tree

    migration = import_module("essor.events.migrations.0003_purchase_categories")
    codes = {c["code"] for group in read_tree() for c in group["categories"]}
    assert set(migration.OLD_TO_PURCHASE.values()) <= codes


@pytest.mark.django_db
def test_request_rules_each_refused_in_french_nothing_saved():
    meetings = business_meetings(slots=3, max_requests=2)
    me = participant(meetings, unavailable=[0, 1])
    a, b = participant(meetings), participant(meetings)
    other_meetings = business_meetings()
    foreign = participant(other_meetings)
    cases = [
        (me.pk, "vous-même", 400),
        (foreign.pk, "n'existe pas", 404),
        ("abc", "n'existe pas", 404),
    ]
    for target, message, status in cases:
        with pytest.raises(service.MeetingError, match=message) as error:
            service.add_request(me, target)
        assert error.value.status_code == status
    service.add_request(me, a.pk)
    with pytest.raises(service.MeetingError, match="déjà demandé"):
        service.add_request(me, a.pk)
    # Available on one slot only: a second request would be more requests than slots.
    with pytest.raises(service.MeetingError, match="créneaux seulement"):
        service.add_request(me, b.pk)
    assert MeetingRequest.objects.filter(requester=me).count() == 1
    # The limit N.
    other = participant(meetings)
    service.add_request(other, a.pk)
    service.add_request(other, b.pk)
    with pytest.raises(service.MeetingError, match="c'est le maximum"):
        service.add_request(other, me.pk)
    # After the deadline.
    service.close_requests(meetings)
    with pytest.raises(service.MeetingError, match="closes"):
        service.add_request(a, b.pk)


# The organiser's run, publication, late changes


def _scheduled(capture, slots=3, tables=3):
    meetings = business_meetings(slots=slots, tables=tables, max_requests=3)
    people = [participant(meetings, name=f"Structure {i}") for i in range(5)]
    for requester, target in [(0, 1), (1, 0), (0, 2), (2, 3), (3, 4), (4, 0), (1, 2)]:
        service.add_request(people[requester], people[target].pk)
    service.close_requests(meetings)
    with capture(execute=True):
        service.start_scheduling(meetings)  # the immediate task backend runs it on commit
    meetings.refresh_from_db()
    return meetings, people


@pytest.mark.django_db
def test_organiser_runs_the_scheduler_and_publishes_agendas(django_capture_on_commit_callbacks):
    meetings, people = _scheduled(django_capture_on_commit_callbacks)
    assert meetings.state == S.SCHEDULED and meetings.progress == 100
    assert "rendez-vous placés" in meetings.solver_status
    placed = list(meetings.meetings.all())
    assert len(placed) == 6  # every one of the six pairs fits: 3 slots, 3 tables
    assert all(m.status == MeetingStatus.PROPOSED for m in placed)
    mail.outbox.clear()
    service.publish(meetings)
    assert set(meetings.meetings.values_list("status", flat=True)) == {MeetingStatus.CONFIRMED}
    assert len(mail.outbox) == 5
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert calendar.walk("VEVENT")
    # A participant's agenda: times and tables.
    rows = [row for row in service.agenda(people[0]) if row["meeting"]]
    assert len(rows) == 3 and all(row["table"] in (1, 2) for row in rows)


@pytest.mark.django_db
def test_late_cancellation_reoptimises_without_moving_confirmed_meetings(
    django_capture_on_commit_callbacks,
):
    meetings, people = _scheduled(django_capture_on_commit_callbacks, slots=2, tables=1)
    service.publish(meetings)
    confirmed = {(m.first_id, m.second_id, m.slot, m.table) for m in meetings.meetings.all()}
    gone = people[3]
    service.cancel_participation(gone)
    meetings.refresh_from_db()
    live = meetings.meetings.exclude(status=MeetingStatus.CANCELLED)
    kept = {
        (m.first_id, m.second_id, m.slot, m.table)
        for m in live.filter(status=MeetingStatus.CONFIRMED)
    }
    assert kept == {c for c in confirmed if gone.pk not in c[:2]}
    assert not live.filter(first=gone).exists() and not live.filter(second=gone).exists()
    # Freed cells may hold new proposed meetings; the organiser confirms them again.
    assert meetings.state == S.SCHEDULED


@pytest.mark.django_db
def test_explanation_of_a_request_that_was_not_placed(django_capture_on_commit_callbacks):
    meetings = business_meetings(slots=2, tables=1, max_requests=2)
    a = participant(meetings, name="Alpha")
    b = participant(meetings, name="Bêta", unavailable=[1])
    c = participant(meetings, name="Gamma", unavailable=[1])
    service.add_request(a, b.pk)
    service.add_request(b, a.pk)
    request = service.add_request(a, c.pk)
    service.close_requests(meetings)
    with django_capture_on_commit_callbacks(execute=True):
        service.start_scheduling(meetings)
    reasons = service.explain(MeetingRequest.objects.get(pk=request.pk))
    assert any("vous rencontrez Bêta" in r for r in reasons)


@pytest.mark.django_db
def test_scheduling_needs_closed_requests_and_some_requests():
    meetings = business_meetings()
    with pytest.raises(service.MeetingError, match="Closez d'abord"):
        service.start_scheduling(meetings)
    service.close_requests(meetings)
    with pytest.raises(service.MeetingError, match="rien à planifier"):
        service.start_scheduling(meetings)
    meetings.refresh_from_db()
    assert meetings.state == S.CLOSED


# Outcomes and figures


@pytest.mark.django_db
def test_outcomes_after_the_meeting_and_figures_per_kind(django_capture_on_commit_callbacks):
    meetings = business_meetings(slots=2, tables=2, max_requests=2)
    buyer = participant(meetings, kind="acheteur", name="Département")
    ess = participant(meetings, kind="ess", name="Chantier d'insertion")
    company = participant(meetings, kind="entreprise", name="PME du bâtiment")
    service.add_request(buyer, ess.pk)
    service.add_request(company, ess.pk)
    service.close_requests(meetings)
    with django_capture_on_commit_callbacks(execute=True):
        service.start_scheduling(meetings)
    meetings.refresh_from_db()
    service.publish(meetings)
    meeting = Meeting.objects.get(first=min(buyer.pk, ess.pk), second=max(buyer.pk, ess.pk))
    with pytest.raises(service.MeetingError, match="après celui-ci"):
        service.record_outcome(meeting, buyer, Outcome.CONTRACT)
    later = timezone.now() + timedelta(days=8)
    service.record_outcome(meeting, buyer, Outcome.CONTRACT, now=later)
    service.record_outcome(meeting, ess, Outcome.QUOTE, now=later)
    with pytest.raises(service.MeetingError, match="pas le vôtre"):
        service.record_outcome(meeting, company, Outcome.NOTHING, now=later)
    with pytest.raises(service.MeetingError, match="n'existe pas"):
        service.record_outcome(meeting, buyer, "gagné", now=later)
    figures = service.figures(meetings)
    assert figures["held"] == 2 and figures["answered"] == 1
    assert dict(figures["outcomes"])["Contrat"] == 1
    assert figures["per_kind"]["Acheteur"]["meetings"] == 1
    assert dict(figures["per_kind"]["Acheteur"]["outcomes"])["Contrat"] == 1
    assert ("Acheteur × Structure de l'ESS", 1) in figures["pairs"]


# Personal data


@pytest.mark.django_db
def test_participation_in_the_rgpd_export_and_gone_with_the_account():
    meetings = business_meetings()
    me = participant(meetings, offers=["nettoyage-locaux"], name="Ma régie")
    other = participant(meetings)
    service.add_request(me, other.pk)
    data = personal_data(me.user)["rendez_vous_d_affaires"][0]
    assert data["structure"] == "Ma régie" and data["offres"] == ["Nettoyage de locaux"]
    assert data["demandes"][0]["avec"] == other.organisation_name
    delete_account(me.user)
    assert not Participant.objects.filter(pk=me.pk).exists()
    assert not MeetingRequest.objects.filter(target=other).exists()


@pytest.mark.django_db
def test_meetings_and_their_outcomes_are_exported_and_leave_with_the_account(
    django_capture_on_commit_callbacks,
):
    meetings = business_meetings(slots=2, tables=1, max_requests=2)
    me = participant(meetings, kind="acheteur", needs=["traiteur"], name="Ma collectivité")
    other = participant(meetings, kind="ess", name="Traiteur solidaire")
    service.add_request(other, me.pk)  # a request received: the other's, not mine
    service.close_requests(meetings)
    with django_capture_on_commit_callbacks(execute=True):
        service.start_scheduling(meetings)
    meetings.refresh_from_db()
    service.publish(meetings)
    meeting = Meeting.objects.get()
    service.record_outcome(meeting, me, Outcome.QUOTE, now=timezone.now() + timedelta(days=8))

    (data,) = personal_data(me.user)["rendez_vous_d_affaires"]
    assert data["besoins"] == ["Traiteur et buffets"]
    assert data["demandes"] == []
    ((row),) = data["rendez_vous"]
    assert row["avec"] == "Traiteur solidaire" and row["suite"] == Outcome.QUOTE
    assert row["creneau"] == meeting.slot + 1 and row["table"] == meeting.table + 1

    delete_account(me.user)
    assert not Participant.objects.filter(pk=me.pk).exists()
    assert not Meeting.objects.exists()
    assert not MeetingRequest.objects.exists()
    assert Participant.objects.filter(pk=other.pk).exists()


# HTTP: permissions and bad input


ROLES = {
    "anonyme": None,
    "cress": {"cress_staff": True},
    "accompagnement": {"support_actor": True},
    "financeur": {"funder": True},
    "acheteur": {"buyer": True},
    "porteur": {},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_organiser_pages_answer_only_the_organiser(client, role):
    meetings = business_meetings()
    p = participant(meetings)
    slug = meetings.event.slug
    if ROLES[role] is not None:
        client.force_login(UserFactory(**ROLES[role]))
    for name in ("meetings_dashboard", "meetings_grid", "meetings_progress"):
        response = client.get(reverse(f"events:{name}", args=[slug]))
        expected = 302 if role == "anonyme" else 200 if role == "cress" else 403
        assert response.status_code == expected, (name, role)
    for name in ("meetings_close", "meetings_run", "meetings_publish"):
        response = client.post(reverse(f"events:{name}", args=[slug]))
        assert response.status_code in (
            (302,) if role == "anonyme" else (302, 409) if role == "cress" else (403,)
        )
    # Participants' own pages: not theirs.
    for name in ("meetings_agenda_ics", "meetings_agenda_pdf"):
        response = client.get(reverse(f"events:{name}", args=[slug]))
        assert response.status_code == (302 if role == "anonyme" else 403)
    profile = client.get(reverse("events:meetings_profile", args=[slug, p.pk]))
    assert profile.status_code == (302 if role == "anonyme" else 200 if role == "cress" else 403)
    meetings.refresh_from_db()
    if role != "cress":
        assert meetings.state == S.OPEN


@pytest.mark.django_db
def test_another_organisations_member_sees_no_grid_and_changes_nothing(client):
    meetings = business_meetings()
    client.force_login(MembershipFactory().user)
    slug = meetings.event.slug
    assert client.get(reverse("events:meetings_dashboard", args=[slug])).status_code == 403
    assert client.post(reverse("events:meetings_close", args=[slug])).status_code == 403
    meetings.refresh_from_db()
    assert meetings.state == S.OPEN


@pytest.mark.django_db
def test_participant_flow_over_http_with_forged_ids(client):
    meetings = business_meetings(max_requests=2)
    other = participant(meetings, offers=["nettoyage-locaux"], name="Régie propreté")
    foreign = participant(business_meetings())
    user = UserFactory()
    from tests.factories.events import RegistrationFactory

    RegistrationFactory(event=meetings.event, user=user)
    client.force_login(user)
    home = reverse("events:meetings", args=[meetings.event.slug])
    response = client.post(
        home,
        {
            "organisation_name": "Ville de Niort",
            "kind": "acheteur",
            "needs": ["nettoyage-locaux"],
            "unavailable_slots": ["0"],
        },
    )
    assert response.status_code == 302
    me = Participant.objects.get(user=user)
    assert me.unavailable_slots == [0]
    page = text(client.get(home))
    assert "Régie propreté" in page and "que vous recherchez" in page
    add = reverse("events:meetings_add_request", args=[meetings.event.slug])
    assert client.post(add, {"target": foreign.pk}).status_code == 404
    assert client.post(add, {"target": me.pk}).status_code == 400
    assert client.post(add, {"target": other.pk, "priority": 1}).status_code == 302
    response = client.post(add, {"target": other.pk})
    assert response.status_code == 409 and "déjà demandé" in text(response)
    assert MeetingRequest.objects.filter(requester=me).count() == 1
    # Someone else's profile in these meetings: visible; the e-mail only once they meet.
    profile = text(
        client.get(reverse("events:meetings_profile", args=[meetings.event.slug, other.pk]))
    )
    assert "Régie propreté" in profile and other.user.email not in profile
    # A profile of other meetings: refused.
    assert (
        client.get(
            reverse("events:meetings_profile", args=[meetings.event.slug, foreign.pk])
        ).status_code
        == 404
    )
    # Someone else's outcome: refused.
    outcome = reverse("events:meetings_outcome", args=[meetings.event.slug, 999999])
    assert client.post(outcome, {"outcome": "contrat"}).status_code == 404
    # The agenda files answer the participant.
    ics = client.get(reverse("events:meetings_agenda_ics", args=[meetings.event.slug]))
    assert ics.status_code == 200 and Calendar.from_ical(ics.content)
    pdf = client.get(reverse("events:meetings_agenda_pdf", args=[meetings.event.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_participant_profile_form_errors(client):
    meetings = business_meetings(slots=2)
    user = UserFactory()
    from tests.factories.events import RegistrationFactory

    RegistrationFactory(event=meetings.event, user=user)
    client.force_login(user)
    home = reverse("events:meetings", args=[meetings.event.slug])
    response = client.post(
        home, {"organisation_name": "X", "kind": "ess", "unavailable_slots": ["0", "1"]}
    )
    assert response.status_code == 400
    assert "tous les créneaux" in text(response)
    response = client.post(
        home, {"organisation_name": "X", "kind": "ess", "unavailable_slots": ["7"]}
    )
    assert response.status_code == 400
    assert not Participant.objects.exists()


# Demo


@pytest.mark.django_db
def test_demo_espresso_has_participants_a_schedule_and_outcomes(client):
    from essor.directory import demo as directory_demo
    from essor.events import demo
    from essor.events.models import BusinessMeetings
    from essor.events.scheduler import validate as check

    directory_demo.load_report_organisations()
    assert demo.load_demo_espresso() == 2
    assert demo.load_demo_espresso() == 0  # idempotent
    past = BusinessMeetings.objects.get(event__starts_at__lt=timezone.now())
    upcoming = BusinessMeetings.objects.get(event__starts_at__gt=timezone.now())
    assert past.event.organiser.name == "CRESS Poitou-Charentes"
    assert "dédiés exclusivement aux professionnels" in past.event.description
    assert past.state == S.PUBLISHED and past.participants.count() == 12
    placed = [Placed(m.first_id, m.second_id, m.slot, m.table) for m in past.meetings.all()]
    assert placed and check(service.instance_of(past), placed) == []
    figures = service.figures(past)
    assert figures["held"] == len(placed) and figures["answered"] > 0
    assert upcoming.state == S.OPEN and upcoming.requests_open()
    assert MeetingRequest.objects.filter(requester__meetings=upcoming).exists()
