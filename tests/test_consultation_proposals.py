"""Fiches actions (proposals): proposing, moderation, supports, threaded comments and
reports, the team's public answer (retained → an action, merged, declined), workshops,
follow digests, the RGPD export and account deletion, the demo consultation."""

import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse

from essor.accounts.services import delete_account, personal_data
from essor.consultation import services
from essor.consultation.digests import send_digests
from essor.consultation.enums import ActionStatus, ProposalStatus, ResponseStatus
from essor.consultation.models import (
    Action,
    Comment,
    ContentReport,
    Follow,
    Proposal,
    Response,
    Support,
)
from essor.consultation.questionnaires import results, save_response
from essor.events.services import register
from tests.factories.accounts import UserFactory
from tests.factories.consultation import ProcessFactory, questionnaire
from tests.factories.directory import MembershipFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


FICHE = {
    "title": "Un salon d'affaires",
    "axis": "cooperer",
    "theme": "Rencontres",
    "description": "Une matinée **par an**. <script>alert(1)</script>",
    "carriers": "La CRESS",
}


def propose(client, process, **changes):
    return client.post(reverse("consultation:proposals", args=[process.slug]), {**FICHE, **changes})


def published(process=None, author=None):
    process = process or ProcessFactory()
    author = author or UserFactory()
    proposal = services.proposal_create(process=process, author=author, **FICHE)
    services.proposal_transition(
        proposal=proposal, name="publish", by=UserFactory(cress_staff=True)
    )
    return proposal


def test_a_member_proposes_and_the_fiche_waits_for_moderation(client):
    process = ProcessFactory()
    author = UserFactory()
    client.force_login(author)
    response = propose(client, process)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.PENDING
    # The author sees it; the public does not, even by its address.
    page = text(client.get(proposal.get_absolute_url()))
    assert "<script>" not in page and "<strong>par an</strong>" in page
    client.force_login(UserFactory())
    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert "Un salon d'affaires" not in text(
        client.get(reverse("consultation:proposals", args=[process.slug]))
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Donnez un titre"),
        ({"axis": "gouverner"}, "Choisissez un axe"),
        ({"description": ""}, "Décrivez l'action"),
        ({"departement": "99"}, "Ce département n'existe pas."),
    ],
)
def test_a_bad_fiche_is_refused_and_nothing_is_saved(client, changes, message):
    process = ProcessFactory()
    client.force_login(UserFactory())
    response = propose(client, process, **changes)
    assert response.status_code == 400
    assert message in text(response)
    assert Proposal.objects.count() == 0


def test_proposing_is_rate_limited(client, rate_limit_window):
    process = ProcessFactory()
    client.force_login(UserFactory())
    statuses = [propose(client, process, title=f"Fiche {i}").status_code for i in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert Proposal.objects.count() == 10


def test_the_cress_moderates_but_never_its_own_fiche():
    staff = UserFactory(cress_staff=True)
    process = ProcessFactory()
    own = services.proposal_create(process=process, author=staff, **FICHE)
    from essor.core.workflow import WorkflowError

    with pytest.raises(WorkflowError) as refused:
        services.proposal_transition(proposal=own, name="publish", by=staff)
    assert "un autre membre de l'équipe" in refused.value.message
    services.proposal_transition(proposal=own, name="publish", by=UserFactory(cress_staff=True))
    assert own.status == ProposalStatus.PUBLISHED


def test_support_comment_reply_and_report(client):
    proposal = published()
    user = UserFactory()
    client.force_login(user)
    assert (
        client.post(reverse("consultation:proposal_support", args=[proposal.pk])).status_code == 302
    )
    assert Support.objects.filter(proposal=proposal, user=user).exists()
    client.post(reverse("consultation:proposal_comment", args=[proposal.pk]), {"body": "D'accord."})
    first = Comment.objects.get()
    client.post(
        reverse("consultation:proposal_comment", args=[proposal.pk]),
        {"body": "Moi aussi.", "parent": first.pk},
    )
    assert Comment.objects.get(body="Moi aussi.").parent == first
    response = client.post(
        reverse("consultation:proposal_report", args=[proposal.pk]),
        {"reason": "abuse", "comment": first.pk},
    )
    assert response.status_code == 302
    report = ContentReport.objects.get()
    assert report.comment == first
    # The moderator hides it; the report is closed; replying to it is refused.
    client.force_login(UserFactory(cress_staff=True))
    assert "D'accord." in text(client.get(reverse("consultation:moderation")))
    client.post(reverse("consultation:comment_moderate", args=[first.pk]), {"hide": "1"})
    first.refresh_from_db()
    report.refresh_from_db()
    assert first.hidden and report.resolved_at
    client.force_login(user)
    response = client.post(
        reverse("consultation:proposal_comment", args=[proposal.pk]),
        {"body": "x", "parent": first.pk},
    )
    assert response.status_code == 400 and "n'existe pas" in text(response)
    assert "D'accord." not in text(client.get(proposal.get_absolute_url()))


@pytest.mark.parametrize("status", ["pending", "hidden"])
def test_commenting_or_supporting_a_hidden_fiche_is_refused(client, status):
    proposal = services.proposal_create(process=ProcessFactory(), author=UserFactory(), **FICHE)
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    client.force_login(proposal.author)  # its author sees it, but cannot comment yet
    response = client.post(
        reverse("consultation:proposal_comment", args=[proposal.pk]), {"body": "Bonjour"}
    )
    assert response.status_code == 404
    assert "Cette fiche action n'est pas publiée : impossible de la commenter." in text(response)
    assert (
        client.post(reverse("consultation:proposal_support", args=[proposal.pk])).status_code == 404
    )
    assert Comment.objects.count() == 0 and Support.objects.count() == 0
    client.force_login(UserFactory())
    assert (
        client.post(
            reverse("consultation:proposal_comment", args=[proposal.pk]), {"body": "x"}
        ).status_code
        == 404
    )


def test_the_team_answers_accepted_becomes_an_action_on_the_dashboard(client):
    process = ProcessFactory()
    proposal = published(process)
    member = UserFactory()
    process.team.add(member)
    client.force_login(member)
    response = client.post(
        reverse("consultation:proposal_transition", args=[proposal.pk]),
        {"transition": "accept", "comment": "Bonne idée."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decision_comment == "Bonne idée."
    action = Action.objects.get(proposal=proposal)
    assert (action.process, action.text, action.status) == (
        process,
        FICHE["title"],
        ActionStatus.TO_START,
    )
    services.action_record_update(
        action=action,
        by=member,
        date=datetime.date.today(),
        text="Lancée.",
        status=ActionStatus.ONGOING,
        progress=30,
    )
    dashboard = text(client.get(reverse("consultation:dashboard"), {"concertation": process.slug}))
    assert FICHE["title"] in dashboard and "30 %" in dashboard
    assert "Retenue" in text(client.get(proposal.get_absolute_url()))


def test_merge_needs_a_target_and_decline_needs_a_reason(client):
    process = ProcessFactory()
    proposal, other = published(process), published(process)
    client.force_login(UserFactory(cress_staff=True))
    url = reverse("consultation:proposal_transition", args=[proposal.pk])
    response = client.post(url, {"transition": "decline"})
    assert response.status_code == 400 and "Indiquez un motif" in text(response)
    response = client.post(url, {"transition": "merge", "comment": "Doublon", "merged_into": "abc"})
    assert response.status_code == 400 and "Choisissez une autre fiche" in text(response)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    assert (
        client.post(
            url, {"transition": "merge", "comment": "Doublon", "merged_into": other.pk}
        ).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into) == (ProposalStatus.MERGED, other)
    # A stale or forged step: 400, nothing changes.
    response = client.post(url, {"transition": "accept"})
    assert response.status_code == 400
    response = client.post(url, {"transition": "explode"})
    assert response.status_code == 400 and "Cette action n'existe pas." in text(response)


ROLES = ["anonymous", "accompagnement", "financeur", "acheteur", "porteur"]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_team_and_the_cress_decide(client, role):
    proposal = services.proposal_create(process=ProcessFactory(), author=UserFactory(), **FICHE)
    if role != "anonymous":
        traits = {
            "accompagnement": {"support_actor": True},
            "financeur": {"funder": True},
            "acheteur": {"buyer": True},
            "porteur": {},
        }[role]
        user = UserFactory(**traits)
        MembershipFactory(user=user)
        client.force_login(user)
    response = client.post(
        reverse("consultation:proposal_transition", args=[proposal.pk]), {"transition": "publish"}
    )
    assert response.status_code == (
        302 if role == "anonymous" else 404
    )  # a pending fiche does not exist for them
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.PUBLISHED)
    response = client.post(
        reverse("consultation:proposal_transition", args=[proposal.pk]),
        {"transition": "decline", "comment": "Non"},
    )
    assert response.status_code == (302 if role == "anonymous" else 403)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    if role != "anonymous":
        assert client.get(reverse("consultation:moderation")).status_code == 403


def test_workshops_are_events_of_the_agenda_with_registration_and_minutes(client):
    from tests.factories.events import EventFactory

    process = ProcessFactory()
    soon = EventFactory(title="Atelier de Limoges", capacity=1)
    past = EventFactory(title="Lancement", past=True, minutes="Trente participants.")
    hidden = EventFactory(title="Atelier à relire", pending=True)
    elsewhere = EventFactory(title="Salon sans lien")
    process.workshops.add(soon, past, hidden)
    first, second = UserFactory(), UserFactory()
    register(soon, first)
    client.force_login(second)
    page = text(client.get(process.get_absolute_url()))
    assert "Atelier de Limoges" in page and "1 inscrit sur 1 places" in page
    assert "S'inscrire sur la liste d'attente" in page  # the agenda's waiting list
    assert soon.get_absolute_url() in page
    assert "Trente participants." in page
    assert "Atelier à relire" not in page and elsewhere.title not in page
    # Registration is the agenda's: the full workshop puts the second person on the list.
    assert register(soon, second).status == "waiting"
    assert "Vous êtes sur la liste d'attente" in text(client.get(process.get_absolute_url()))
    assert "Trente participants." in text(client.get(past.get_absolute_url()))


def test_the_team_adds_an_agenda_event_as_a_workshop_by_its_address(client):
    from tests.factories.events import EventFactory

    process = ProcessFactory(draft=True)
    event = EventFactory(title="Atelier de Tulle")
    client.force_login(UserFactory(cress_staff=True))
    link = reverse("consultation:workshop_link", args=[process.slug])
    response = client.post(link, {"evenement": "http://testserver/agenda/nexiste-pas/"})
    assert response.status_code == 404
    assert "Événement introuvable" in text(response)
    client.post(link, {"evenement": "http://testserver" + event.get_absolute_url()})
    assert list(process.workshops.all()) == [event]
    assert "Atelier de Tulle" in text(
        client.get(reverse("consultation:manage", args=[process.slug]))
    )
    unlink = reverse("consultation:workshop_unlink", args=[process.slug, event.pk])
    client.post(unlink)
    assert not process.workshops.exists()
    assert client.post(unlink).status_code == 404
    client.force_login(UserFactory())
    assert client.post(link, {"evenement": event.slug}).status_code == 404
    assert not process.workshops.exists()


def test_followers_get_one_digest_through_the_task_queue(client):
    process = ProcessFactory()
    proposal = published(process)
    follower = UserFactory()
    client.force_login(follower)
    client.post(reverse("consultation:proposal_follow", args=[proposal.pk]))
    client.post(reverse("consultation:follow", args=["concertation", process.pk]))
    assert Follow.objects.filter(user=follower).count() == 2
    assert send_digests() == 0
    services.comment_create(proposal=proposal, author=UserFactory(), body="Oui")
    services.proposal_transition(
        proposal=proposal,
        name="decline",
        by=UserFactory(cress_staff=True),
        comment="Déjà fait ailleurs.",
    )
    mail.outbox.clear()
    assert send_digests() == 1
    message = mail.outbox[-1]
    assert message.to == [follower.email]
    assert "Déjà fait ailleurs." in message.body and "1 nouveau(x) commentaire(s)" in message.body
    assert send_digests() == 0  # nothing new since


def test_rgpd_export_and_account_deletion_keep_anonymous_answers_anonymous():
    q = questionnaire(anonymous=True)
    user = UserFactory()
    sent = save_response(
        questionnaire=q, user=user, submit=True,
        data={q.q_support.field_name: "non", q.q_text.field_name: "Mon secret"},
    )  # fmt: skip
    signed = questionnaire(anonymous=False)
    save_response(
        questionnaire=signed, user=user, submit=False, data={signed.q_text.field_name: "Brouillon"}
    )
    proposal = published(author=user)
    data = personal_data(user)["concertation"]
    assert "Mon secret" not in str(data)  # an anonymous answer is nobody's
    assert data["questionnaires_repondus"][0]["questionnaire"] == q.title
    assert data["reponses_signees"][0]["reponses"] == {signed.q_text.label: "Brouillon"}
    assert data["fiches_actions"][0]["titre"] == proposal.title
    delete_account(user)
    assert Response.objects.filter(status=ResponseStatus.DRAFT).count() == 0
    assert Response.objects.get(pk=sent.pk).answers.filter(value="Mon secret").exists()
    proposal.refresh_from_db()
    assert proposal.author is None


def test_the_demo_consultation_has_every_state_and_secret_cells(client):
    from essor.consultation.demo import load_consultation_demo
    from essor.core.demo import demo_steps

    for step in demo_steps():
        if step.app_label == "accounts" or step.filename == "report_towns.json":
            step.run()
    assert load_consultation_demo()["created"] == 1
    assert load_consultation_demo() == {"created": 0}
    process = ProcessFactory._meta.model.objects.get(key="etat-des-lieux-2026")
    assert process.is_demo
    assert set(process.proposals.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert process.actions.filter(proposal__isnull=False).count() == 1
    assert process.workshops.count() == 2  # events of the agenda, labelled as demo
    assert all(e.is_demo and e.kind == "atelier" for e in process.workshops.all())
    assert process.workshops.filter(minutes__startswith="Trente participants").exists()
    q = process.questionnaires.get()
    assert q.is_open()
    crossed = results(q, "famille")["questions"][0]
    labels = [label for _, label in crossed["columns"]]
    assert "Mutuelle" in labels and "Fondation" in labels
    assert any(cell is None for row in crossed["rows"] for cell in row["cells"])
    page = text(
        client.get(
            reverse("consultation:questionnaire_results", args=[process.slug, q.pk])
            + "?croiser=departement"
        )
    )
    assert "Démonstration" in page and "secret" in page
    assert "Démonstration" in text(client.get(process.get_absolute_url()))


def test_the_workshop_migration_places_each_old_workshop_in_a_commune_and_says_how():
    import importlib

    from essor.directory.models import Establishment, Organisation
    from essor.territories.models import Commune
    from tests.factories.directory import EssOrganisationFactory

    migration = importlib.import_module("essor.consultation.migrations.0005_workshops_are_events")
    cress = EssOrganisationFactory(name="CRESS Test (démo)")
    assert migration._organiser(Organisation).name.startswith("CRESS")
    commune, guess = migration._commune(
        Commune, Establishment, "Salle des fêtes, Tulle (Corrèze)", cress
    )
    assert (commune.code, guess) == ("19272", "")
    commune, guess = migration._commune(Commune, Establishment, "Lieu à préciser", cress)
    assert commune is not None and "commune par défaut" in guess
