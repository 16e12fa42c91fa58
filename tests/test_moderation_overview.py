"""The CRESS team's moderation overview (/compte/moderation/): every queue of the
platform, with what waits in each and since when."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from essor.core.moderation import QUEUES, queue_states
from essor.support.enums import OfferStatus
from tests.factories.accounts import UserFactory
from tests.factories.directory import ClaimFactory, EditSuggestionFactory
from tests.factories.events import EventFactory
from tests.factories.support import SupportOfferFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:moderation")


def _counts():
    return {state.label: state.count for state in queue_states()}


def test_every_moderation_page_of_the_platform_has_a_queue():
    # A module with a moderation page that registers no queue would wait unseen.
    from django.urls import get_resolver

    moderation_pages = {
        f"{namespace}:{name}"
        for namespace, (_, resolver) in get_resolver().namespace_dict.items()
        for name in resolver.reverse_dict
        if isinstance(name, str) and name in ("moderation", "tool_moderation")
    } - {"accounts:moderation"}
    assert moderation_pages == {queue.url_name for queue in QUEUES}


def test_counts_follow_what_waits():
    before = _counts()
    assert set(before.values()) == {0}
    ClaimFactory.create_batch(2)
    EditSuggestionFactory()
    EventFactory(pending=True)
    EventFactory()  # published: waits for nobody
    SupportOfferFactory(status=OfferStatus.PENDING)
    after = _counts()
    assert after["Annuaire : demandes de rattachement à une structure"] == 2
    assert after["Annuaire : suggestions de correction"] == 1
    assert after["Agenda : événements proposés"] == 1
    assert after["Accompagnement : offres à publier"] == 1
    assert sum(after.values()) == 5


def test_the_page_lists_each_queue_with_its_count_and_link(client):
    ClaimFactory()
    EventFactory(pending=True)
    client.force_login(UserFactory(cress_staff=True))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 éléments en attente" in html
    for queue in QUEUES:
        assert escape(queue.label) in html
        assert f'href="{reverse(queue.url_name)}"' in html
    # The header leads the CRESS team there from every page.
    home = client.get("/").content.decode()
    assert f'href="{URL}"' in home


def test_nothing_waiting_says_so(client):
    client.force_login(UserFactory(cress_staff=True))
    assert "Rien n'attend" in client.get(URL).content.decode()


@pytest.mark.parametrize("role", ["support_actor", "funder", "buyer", None])
def test_only_the_cress_team_sees_it(client, role):
    user = UserFactory(**({role: True} if role else {}))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert f'href="{URL}"' not in client.get("/").content.decode()
