from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from essor.financing import services
from essor.financing.enums import AlertKind, Beneficiary, Instrument, Recurrence, ToolStatus
from essor.financing.models import FollowedTool, SavedSearch, SentAlert
from tests.factories.accounts import UserFactory
from tests.factories.financing import ToolFactory, funder_member

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=8):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=PARIS), tick=False
    )


def test_a_person_saves_a_search_from_the_catalog(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("financing:search_save"),
        {"name": "Prêts en Deux-Sèvres", "instrument": "honour_loan", "commune": "79191"},
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert search.user == user
    assert search.params == {"instrument": "honour_loan", "commune": "79191"}


def test_a_search_without_criteria_is_not_saved(client):
    client.force_login(UserFactory())
    client.post(reverse("financing:search_save"), {"name": "Tout"})
    assert not SavedSearch.objects.exists()


def test_a_saved_search_gets_exactly_one_email_for_a_newly_published_matching_tool(
    client, django_capture_on_commit_callbacks
):
    matching_user, other_user = UserFactory(), UserFactory()
    SavedSearch.objects.create(
        user=matching_user, name="Prêts d'honneur à Niort",
        params={"instrument": "honour_loan", "commune": "79191"},
    )  # fmt: skip
    SavedSearch.objects.create(
        user=other_user, name="Garanties", params={"instrument": "guarantee"}
    )
    funder_user, funder = funder_member()
    tool = ToolFactory(title="Prêt d'honneur coopératif", instrument=Instrument.HONOUR_LOAN,
                       status=ToolStatus.DRAFT, funders=[funder])  # fmt: skip
    client.force_login(funder_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("financing:tool_publish", args=[tool.pk]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [matching_user.email]
    assert "Prêt d'honneur coopératif" in message.subject
    assert "Prêts d'honneur à Niort" in message.body and tool.get_absolute_url() in message.body

    # Publishing again (after an archive) or re-running the alert sends nothing more.
    services.tool_archive(tool=tool)
    with django_capture_on_commit_callbacks(execute=True):
        services.tool_publish(tool=tool)
    assert len(mail.outbox) == 1
    assert SentAlert.objects.get().kind == AlertKind.NEW_TOOL


def test_no_email_for_a_tool_that_does_not_match(django_capture_on_commit_callbacks):
    SavedSearch.objects.create(user=UserFactory(), name="SCIC", params={"beneficiary": "scic"})
    tool = ToolFactory(beneficiaries=[Beneficiary.ASSOCIATION], status=ToolStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.tool_publish(tool=tool)
    assert mail.outbox == []


@pytest.fixture
def followed():
    user = UserFactory()
    tool = ToolFactory(title="AMI Innovation sociale", closes_on=date(2026, 6, 30))
    with at(date(2026, 5, 1)):
        FollowedTool.objects.create(user=user, tool=tool)
    return user, tool


def test_j30_and_j7_reminders_are_sent_once_each(followed):
    user, tool = followed
    with at(date(2026, 5, 20)):  # 41 days left: nothing yet
        call_command("send_financing_alerts", stdout=None)
    assert mail.outbox == []
    with at(date(2026, 5, 31)):  # J-30
        call_command("send_financing_alerts")
        call_command("send_financing_alerts")
    assert len(mail.outbox) == 1 and "30 jours" in mail.outbox[0].subject
    with at(date(2026, 6, 10)):
        call_command("send_financing_alerts")
    assert len(mail.outbox) == 1
    with at(date(2026, 6, 23)):  # J-7
        call_command("send_financing_alerts")
    with at(date(2026, 6, 23), hour=20):
        call_command("send_financing_alerts")
    with at(date(2026, 6, 27)):
        call_command("send_financing_alerts")
    assert len(mail.outbox) == 2
    reminder = mail.outbox[1]
    assert reminder.to == [user.email] and "7 jours" in reminder.subject
    assert "30 juin 2026" in reminder.body
    assert list(SentAlert.objects.values_list("kind", flat=True).order_by("kind")) == [
        AlertKind.DEADLINE_30,
        AlertKind.DEADLINE_7,
    ]
    with at(date(2026, 7, 2)):  # closed: nothing
        call_command("send_financing_alerts")
    assert len(mail.outbox) == 2


def test_a_missed_day_still_sends_the_j7_reminder_once(followed):
    with at(date(2026, 6, 25)):  # 5 days left, the J-7 run was missed
        call_command("send_financing_alerts")
        call_command("send_financing_alerts")
    assert [m.subject for m in mail.outbox] == ["Clôture dans 5 jours : AMI Innovation sociale"]


def test_the_reopening_of_a_recurring_call_is_announced_once(followed):
    user, tool = followed
    with at(date(2026, 7, 1)):
        SentAlert.objects.all().delete()
    tool.recurrence = Recurrence.YEARLY
    tool.opens_on, tool.closes_on = date(2027, 3, 1), date(2027, 6, 30)
    tool.save()
    with at(date(2027, 3, 2)):
        call_command("send_financing_alerts")
        call_command("send_financing_alerts")
    assert [m.subject for m in mail.outbox] == ["L'appel rouvre : AMI Innovation sociale"]


def test_following_a_tool_from_its_page(client, followed):
    user, tool = followed
    FollowedTool.objects.all().delete()
    client.force_login(user)
    client.post(reverse("financing:tool_follow", args=[tool.pk]))
    assert FollowedTool.objects.filter(user=user, tool=tool).exists()
    html = client.get(reverse("financing:alerts")).content.decode()
    assert "AMI Innovation sociale" in html
    client.post(reverse("financing:tool_follow", args=[tool.pk]))
    assert not FollowedTool.objects.exists()
