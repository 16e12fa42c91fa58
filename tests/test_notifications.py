"""Notifications (issue 15.6): every step of a funding request tells the people concerned,
on their notifications page and by e-mail, with the link to the exact page."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from essor.accounts.models import Notification, User
from essor.accounts.services import delete_account, notify
from essor.financing import services
from essor.financing.models import FundingRequest
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import applicant, funder_member, ready_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    """A dossier sent to one funder, whose two members instruct it."""
    applicant_user, organisation = applicant()
    colleague = UserFactory()
    organisation.memberships.create(user=colleague)
    funder_user, funder = funder_member(OrganisationFactory(name="Région Nouvelle-Aquitaine"))
    other_funder_user, _ = funder_member(funder)
    dossier = ready_dossier(organisation, applicant_user, [funder])
    mail.outbox.clear()
    services.dossier_submit(dossier=dossier, user=applicant_user)
    return {
        "applicant": applicant_user,
        "colleague": colleague,
        "funder": funder_user,
        "other_funder": other_funder_user,
        "dossier": dossier,
        "request": FundingRequest.objects.get(),
    }


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_the_funders_members_hear_of_a_new_dossier_with_a_link_to_the_request(submitted):
    request = submitted["request"]
    for person in (submitted["funder"], submitted["other_funder"]):
        (message,) = sent_to(person)
        assert "Nouvelle demande de financement : « Recyclerie solidaire »" in message.subject
        assert f"http://testserver{request.get_absolute_url()}" in message.body
        notification = Notification.objects.get(recipient=person)
        assert notification.url == request.get_absolute_url()
        person.refresh_from_db()
        assert person.unread_notifications == 1
    # The applicants are not told of what they did themselves.
    assert sent_to(submitted["applicant"]) == [] and sent_to(submitted["colleague"]) == []


def test_the_applicant_hears_of_every_step_with_the_reason(submitted):
    request, funder = submitted["request"], submitted["funder"]
    steps = [
        ("admissible", "", None, "a déclaré recevable votre demande"),
        ("instruct", "", None, "a mis en instruction"),
        ("request_complement", "Joignez le budget détaillé.", None, "demande un complément"),
    ]
    for transition, comment, amount, expected in steps:
        mail.outbox.clear()
        services.request_transition(
            request=request, transition=transition, user=funder, comment=comment, amount=amount
        )
        for person in (submitted["applicant"], submitted["colleague"]):
            (message,) = sent_to(person)
            assert expected in message.subject
            assert f"http://testserver{submitted['dossier'].get_absolute_url()}" in message.body
        assert sent_to(funder) == []
    assert "Motif : Joignez le budget détaillé." in message.body

    # The answer goes to the funder's members, not to the applicants.
    mail.outbox.clear()
    services.request_transition(
        request=request,
        transition="answer_complement",
        user=submitted["applicant"],
        comment="Voici le budget.",
    )
    assert sent_to(submitted["applicant"]) == [] and sent_to(submitted["colleague"]) == []
    (message,) = sent_to(submitted["other_funder"])
    assert "Complément reçu pour « Recyclerie solidaire »" in message.subject
    assert "Réponse : Voici le budget." in message.body
    assert sent_to(funder)  # the colleague who asked hears of the answer too

    for transition, amount, expected in [
        ("grant", 30000, "vous accorde 30 000,00 €"),
        ("sign", None, "La convention avec Région Nouvelle-Aquitaine est signée"),
        ("pay", None, "a versé 30 000,00 €"),
    ]:
        mail.outbox.clear()
        services.request_transition(
            request=request, transition=transition, user=funder, amount=amount
        )
        (message,) = sent_to(submitted["applicant"])
        assert expected in message.subject
    assert Notification.objects.filter(recipient=submitted["applicant"]).count() == 6


def test_an_inadmissible_request_tells_the_applicant_why(submitted):
    services.request_transition(
        request=submitted["request"],
        transition="inadmissible",
        user=submitted["funder"],
        comment="Hors du territoire du dispositif.",
    )
    notification = Notification.objects.get(recipient=submitted["applicant"])
    assert "irrecevable" in notification.message
    assert notification.detail == "Motif : Hors du territoire du dispositif."


def test_the_dossier_header_never_says_deposited_while_a_complement_is_waiting(client, submitted):
    request, funder = submitted["request"], submitted["funder"]
    client.force_login(submitted["applicant"])
    url = submitted["dossier"].get_absolute_url()
    assert "état : <strong>Déposé</strong>" in client.get(url).content.decode()
    for transition in ("admissible", "instruct"):
        services.request_transition(request=request, transition=transition, user=funder)
    services.request_transition(
        request=request, transition="request_complement", user=funder, comment="Le RIB."
    )
    page = client.get(url).content.decode()
    assert "état : <strong>Complément demandé par Région Nouvelle-Aquitaine</strong>" in page
    assert "Déposé" not in page
    listing = client.get(reverse("financing:dossiers")).content.decode()
    assert "Complément demandé par Région Nouvelle-Aquitaine" in listing


def test_the_notifications_page_lists_pages_and_marks_read(client):
    user, other = UserFactory(), UserFactory()
    for n in range(25):
        notify([user], f"Avis n°{n}", "/financement/")
    notify([other], "Pour quelqu'un d'autre", "/financement/")
    client.force_login(user)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "Avis n°24" in page and "Avis n°4" not in page  # newest first, 20 a page
    assert "Pour quelqu&#x27;un d&#x27;autre" not in page
    assert "25 non lues" in page
    assert "Avis n°4" in client.get(reverse("accounts:notifications") + "?page=2").content.decode()

    # Following one marks it read and leads to its page.
    first = Notification.objects.get(recipient=user, message="Avis n°24")
    response = client.get(reverse("accounts:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response.url == "/financement/"
    first.refresh_from_db()
    assert first.is_read
    user.refresh_from_db()
    assert user.unread_notifications == 24
    assert 'Notifications <span class="badge">24' in client.get("/").content.decode()

    # Someone else's notification is not found, and stays unread.
    theirs = Notification.objects.get(recipient=other)
    assert client.get(reverse("accounts:notification_open", args=[theirs.pk])).status_code == 404
    client.post(reverse("accounts:notifications_read"), {"notification": [theirs.pk]})
    theirs.refresh_from_db()
    assert not theirs.is_read

    client.post(reverse("accounts:notifications_read"))
    user.refresh_from_db()
    assert user.unread_notifications == 0
    assert not Notification.objects.filter(recipient=user, read_at=None).exists()
    assert 'class="badge"' not in client.get("/").content.decode()


def test_notifications_are_in_the_personal_data_and_go_with_the_account(client):
    user = UserFactory()
    notify([user], "Votre demande est recevable", "/financement/dossiers/1/", detail="Bravo")
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:export_data")).content)
    assert data["notifications"][0]["message"] == "Votre demande est recevable"
    assert data["notifications"][0]["precisions"] == "Bravo"
    delete_account(user)
    assert not Notification.objects.exists()
    assert not User.objects.filter(pk=user.pk).exists()


def test_inactive_accounts_and_duplicates_are_not_notified():
    user, gone = UserFactory(), UserFactory(is_active=False)
    mail.outbox.clear()
    assert notify([user, user, gone, None], "Échéance", "/financement/") == [user]
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert Notification.objects.count() == 1


def test_a_draft_dossiers_members_are_reminded_before_its_tool_closes():
    from datetime import timedelta

    from django.utils import timezone

    from essor.financing.tasks import send_deadline_alerts
    from tests.factories.financing import ToolFactory

    today = timezone.localdate()
    user, organisation = applicant()
    funder_user, funder = funder_member()
    tool = ToolFactory(title="Fonds d'innovation", funders=[funder],
                       closes_on=today + timedelta(days=20))  # fmt: skip
    draft = ready_dossier(organisation, user, [funder])
    draft.funding_lines.update(tool=tool)
    sent = ready_dossier(organisation, user, [funder])
    sent.title = "Déjà déposé"
    sent.save()
    sent.funding_lines.update(tool=tool)
    services.dossier_submit(dossier=sent, user=user)
    mail.outbox.clear()

    assert send_deadline_alerts(today) == 1
    (message,) = sent_to(user)
    assert "« Fonds d'innovation » ferme dans 20 jours" in message.subject
    assert "« Recyclerie solidaire » n'est pas encore déposé" in message.subject
    assert f"http://testserver{draft.get_absolute_url()}" in message.body
    notification = Notification.objects.get(recipient=user)
    assert notification.url == draft.get_absolute_url()
    # Every run may be daily or more: the reminder goes once, then again at J-7.
    assert send_deadline_alerts(today) == 0
    assert send_deadline_alerts(today + timedelta(days=14)) == 1
    assert "ferme dans 6 jours" in mail.outbox[-1].subject
    assert sent_to(funder_user) == []


def test_a_followed_tools_reminder_is_also_on_the_notifications_page():
    from datetime import timedelta

    from django.utils import timezone

    from essor.financing.models import FollowedTool
    from essor.financing.tasks import send_deadline_alerts
    from tests.factories.financing import ToolFactory

    today = timezone.localdate()
    user = UserFactory()
    tool = ToolFactory(title="Prêt d'honneur", closes_on=today + timedelta(days=7))
    FollowedTool.objects.create(user=user, tool=tool)
    assert send_deadline_alerts(today) == 1
    notification = Notification.objects.get(recipient=user)
    assert notification.message == "Clôture dans 7 jours : Prêt d'honneur"
    assert notification.url == tool.get_absolute_url()
    assert f"http://testserver{tool.get_absolute_url()}" in mail.outbox[-1].body


def test_the_pdf_section_says_in_preparation_or_gives_the_link_never_both(
    client, settings, tmp_path
):
    from essor.financing.enums import PdfStatus
    from tests.utils import DB_TASKS, run_queued_tasks

    settings.TASKS = DB_TASKS
    settings.MEDIA_ROOT = tmp_path
    user, organisation = applicant()
    _, funder = funder_member()
    version = services.dossier_submit(
        dossier=ready_dossier(organisation, user, [funder]), user=user
    )
    client.force_login(user)
    pdf_url = reverse("financing:version_pdf", args=[version.pk])
    page = client.post(pdf_url, follow=True).content.decode()
    assert "PDF en préparation" in page and 'hx-trigger="every 2s"' in page
    assert "Télécharger le PDF" not in page
    run_queued_tasks()
    version.refresh_from_db()
    assert version.pdf_status == PdfStatus.READY
    page = client.get(reverse("financing:version", args=[version.pk])).content.decode()
    assert "Télécharger le PDF" in page
    assert "préparation" not in page and "hx-trigger" not in page
    # Asking again once it is ready changes nothing and says nothing contradictory.
    page = client.post(pdf_url, follow=True).content.decode()
    assert "Télécharger le PDF" in page and "préparation" not in page


def test_the_notifications_page_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    notify([user], "Premier avis", "/financement/", email_template=None)
    client.force_login(user)
    url = reverse("accounts:notifications")
    # Session, user, the demo banner, the count and the page of rows.
    with django_assert_max_num_queries(5) as one:
        client.get(url)
    for n in range(10):
        notify([user], f"Avis n°{n}", "/financement/", email_template=None)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "Avis n°9" in client.get(url).content.decode()


def test_funders_are_told_when_their_call_closes_with_requests_to_instruct(client):
    from datetime import timedelta

    from django.utils import timezone

    from essor.financing.tasks import send_deadline_alerts
    from tests.factories.financing import ToolFactory

    today = timezone.localdate()
    user, organisation = applicant()
    funder_user, funder = funder_member(OrganisationFactory(name="France Active"))
    other_funder_user, _ = funder_member()
    tool = ToolFactory(title="Appel Innovation sociale", funders=[funder],
                       closes_on=today + timedelta(days=3))  # fmt: skip
    for title in ("Recyclerie", "Épicerie solidaire"):
        dossier = ready_dossier(organisation, user, [funder])
        dossier.title = title
        dossier.save()
        dossier.funding_lines.update(tool=tool)
        services.dossier_submit(dossier=dossier, user=user)
    assert FundingRequest.objects.filter(tool=tool).count() == 2
    mail.outbox.clear()

    # Nothing for the funder while the call is open; the day after it closes, once.
    assert send_deadline_alerts(today) == 0
    assert send_deadline_alerts(today + timedelta(days=4)) == 1
    (message,) = sent_to(funder_user)
    assert message.subject == "L'appel « Appel Innovation sociale » est clos : 2 demandes reçues"
    assert "dont 2 attendent encore votre décision de recevabilité" in message.body
    assert f"/financement/instruction/?outil={tool.pk}" in message.body
    assert sent_to(other_funder_user) == [] and sent_to(user) == []
    assert send_deadline_alerts(today + timedelta(days=5)) == 0

    # The link lists that call's requests, and only the funder's own.
    client.force_login(funder_user)
    page = client.get(f"/financement/instruction/?outil={tool.pk}").content.decode()
    assert "Recyclerie" in page and "Épicerie solidaire" in page
    client.force_login(other_funder_user)
    page = client.get(f"/financement/instruction/?outil={tool.pk}").content.decode()
    assert "Recyclerie" not in page


def test_a_request_left_unanswered_reminds_its_funder_at_15_then_30_days(submitted):
    from datetime import timedelta

    from django.utils import timezone

    from essor.financing.tasks import send_deadline_alerts

    request, funder_user = submitted["request"], submitted["funder"]
    received = timezone.localdate(request.created_at)
    mail.outbox.clear()
    assert send_deadline_alerts(received + timedelta(days=14)) == 0
    assert send_deadline_alerts(received + timedelta(days=16)) == 2  # both funder members
    (message,) = sent_to(funder_user)
    assert message.subject == (
        f"La demande « Recyclerie solidaire » de {request.dossier.organisation.name} "
        "attend votre réponse depuis 16 jours"
    )
    assert f"http://testserver{request.get_absolute_url()}" in message.body
    assert send_deadline_alerts(received + timedelta(days=20)) == 0
    assert send_deadline_alerts(received + timedelta(days=31)) == 2
    assert sent_to(submitted["applicant"]) == []

    # Once the funder has answered, no more reminders.
    services.request_transition(request=request, transition="admissible", user=funder_user)
    mail.outbox.clear()
    assert send_deadline_alerts(received + timedelta(days=61)) == 0
