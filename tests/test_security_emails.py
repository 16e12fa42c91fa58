"""Issue 12.8: the task table never holds a live link. E-mail tasks carry references and
are rendered when sent; finished task rows are purged after the retention period; deleting
an account drops the e-mails still waiting for it."""

import datetime as dt
import io
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from essor.accounts.services import delete_account, send_confirmation_email
from essor.core.emails import queue_email
from essor.directory.enums import MembershipRole
from essor.directory.services import invite_member
from tests.factories.accounts import UserFactory
from tests.factories.directory import ClaimFactory, EssOrganisationFactory

from .utils import DB_TASKS, run_queued_tasks

pytestmark = pytest.mark.django_db

SECRET_PATHS = re.compile(r"mot-de-passe/nouveau/|/compte/confirmer/|/annuaire/invitation/")


@pytest.fixture(autouse=True)
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def stored():
    return json.dumps([r.args_kwargs for r in DBTaskResult.objects.all()], ensure_ascii=False)


def test_no_reset_confirmation_or_invitation_link_is_stored_in_the_task_table(client):
    user = UserFactory(email="victime@exemple.fr", first_name="Aline")
    client.post(reverse("accounts:password_reset"), {"email": "victime@exemple.fr"})
    send_confirmation_email(user)
    invite_member(
        organisation=EssOrganisationFactory(),
        email="invitee@exemple.fr",
        role=MembershipRole.MEMBER,
        invited_by=user,
    )

    assert DBTaskResult.objects.count() == 3
    assert not SECRET_PATHS.search(stored())
    assert "Ouvrez ce lien" not in stored()  # no rendered body either

    assert run_queued_tasks() == 3
    bodies = "\n".join(message.body for message in mail.outbox)
    assert len(SECRET_PATHS.findall(bodies)) == 3
    # The link built at send time works.
    reset = next(m for m in mail.outbox if "mot de passe" in m.body)
    path = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", reset.body)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "un-secret-tout-neuf-42", "new_password2": "un-secret-tout-neuf-42"},
    )
    user.refresh_from_db()
    assert user.check_password("un-secret-tout-neuf-42")
    # Even the sent task keeps no rendered e-mail.
    assert not SECRET_PATHS.search(stored())


def test_an_email_is_written_from_the_objects_as_they_are_when_it_is_sent():
    claim = ClaimFactory(organisation=EssOrganisationFactory(name="Ancien nom"))
    queue_email(
        "directory/emails/claim_decided",
        {"claim": claim, "organisation": claim.organisation, "link": "http://testserver/"},
        [claim.user.email],
    )
    claim.organisation.name = "Nouveau nom"
    claim.organisation.save()

    run_queued_tasks()

    assert "Nouveau nom" in mail.outbox[0].body + mail.outbox[0].subject


def test_an_email_about_an_object_deleted_before_it_is_sent_is_not_sent():
    claim = ClaimFactory()
    queue_email(
        "directory/emails/claim_decided",
        {"claim": claim, "organisation": claim.organisation, "link": "http://testserver/"},
        [claim.user.email],
    )
    claim.delete()

    run_queued_tasks()

    assert mail.outbox == []


def test_a_context_value_that_cannot_be_stored_as_a_reference_is_refused_when_queued():
    with pytest.raises(TypeError):
        queue_email("accounts/emails/confirm_email", {"user": object()}, ["a@exemple.fr"])
    assert not DBTaskResult.objects.exists()


def test_deleting_an_account_drops_its_pending_emails_and_only_its_address():
    user = UserFactory(email="partante@exemple.fr")
    stays = UserFactory(email="reste@exemple.fr")
    send_confirmation_email(user)
    send_confirmation_email(stays)
    queue_email(
        "accounts/emails/confirm_email",
        {"user": stays, "link": "http://testserver/"},
        ["partante@exemple.fr", "reste@exemple.fr"],
    )

    delete_account(user)

    assert "partante@exemple.fr" not in stored()
    assert DBTaskResult.objects.count() == 2
    run_queued_tasks()
    assert sorted(m.to for m in mail.outbox) == [["reste@exemple.fr"], ["reste@exemple.fr"]]


def test_finished_task_rows_are_purged_after_the_retention_period(settings):
    settings.ESSOR_TASK_RETENTION_DAYS = 30
    for n in range(3):
        send_confirmation_email(UserFactory(email=f"p{n}@exemple.fr"))
    run_queued_tasks()
    old, recent, _ = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=31)
    )
    DBTaskResult.objects.filter(pk=recent.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=29)
    )
    send_confirmation_email(UserFactory(email="attente@exemple.fr"))  # pending: kept

    out = io.StringIO()
    call_command("purge_tasks", stdout=out)

    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.count() == 3
    assert "1 tâche(s)" in out.getvalue()
