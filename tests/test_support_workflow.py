"""Support offers and requests on the shared workflow (essor.support.workflow): one
decide() for every state change, its log, and the copy of the old event rows."""

import importlib

import pytest
from django.urls import reverse

from essor.core.workflow import TransitionError, TransitionForbidden
from essor.support import services
from essor.support.enums import OfferStatus
from essor.support.workflow import OFFERS, REQUESTS, request_targets
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.support import CREUSE, SupportOfferFactory, support_actor
from tests.test_support_offers import offer_post

pytestmark = pytest.mark.django_db


def names(steps):
    return [step.name for step in steps]


def test_a_refused_offer_its_provider_corrects_goes_back_to_moderation_with_its_history(client):
    organisation = OrganisationFactory()
    actor = support_actor(organisation)
    moderator = UserFactory(cress_staff=True)
    offer = SupportOfferFactory(provider=organisation, status=OfferStatus.PENDING)
    services.offer_reject(offer=offer, moderator=moderator, reason="Précisez le coût.")
    assert (offer.decided_by, offer.decision_comment) == (moderator, "Précisez le coût.")

    client.force_login(actor)
    client.post(reverse("support:offer_edit", args=[offer.pk]), offer_post(title="Corrigée"))

    offer.refresh_from_db()
    assert offer.title == "Corrigée" and offer.status == OfferStatus.PENDING
    steps = [(t.transition, t.from_status, t.to_status) for t in offer.transitions.all()]
    assert steps == [
        ("reject", "pending", "rejected"),
        ("edit", "rejected", "rejected"),
        ("resubmit", "rejected", "pending"),
    ]
    page = client.get(offer.get_absolute_url()).content.decode()
    assert "Refus" in page and "Nouvelle relecture" in page and "Précisez le coût." in page


def test_nobody_publishes_an_offer_they_wrote_themselves():
    staff = UserFactory(cress_staff=True)
    offer = SupportOfferFactory(status=OfferStatus.PENDING, created_by=staff)
    assert "publish" not in names(OFFERS.available(offer, staff))
    with pytest.raises(TransitionForbidden, match="un autre membre"):
        services.offer_publish(offer=offer, moderator=staff)
    services.offer_publish(offer=offer, moderator=UserFactory(cress_staff=True))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED


def test_a_stale_moderation_is_refused_in_french_and_changes_nothing(client):
    offer = SupportOfferFactory(status=OfferStatus.ARCHIVED)
    client.force_login(UserFactory(cress_staff=True))
    response = client.post(reverse("support:offer_publish", args=[offer.pk]), follow=True)
    assert "L&#x27;offre est « Archivée »" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ARCHIVED and not offer.transitions.exists()


def test_a_provider_archives_but_never_moderates_its_offer():
    organisation = OrganisationFactory()
    actor = support_actor(organisation)
    offer = SupportOfferFactory(provider=organisation, status=OfferStatus.PENDING, areas=[CREUSE])
    assert names(OFFERS.available(offer, actor)) == ["archive"]
    with pytest.raises(TransitionForbidden):
        services.offer_publish(offer=offer, moderator=actor)
    services.offer_archive(offer=offer, author=actor)
    assert offer.status == OfferStatus.ARCHIVED
    with pytest.raises(TransitionError):
        services.offer_archive(offer=offer, author=actor)


def test_a_request_moves_only_along_the_table():
    assert request_targets("new") == ["in_progress", "redirected", "closed"]
    assert request_targets("closed") == ["in_progress"]
    assert set(REQUESTS.transitions) == {"take_charge", "redirect", "close"}


def migration():
    return importlib.import_module(
        "essor.support.migrations.0004_offers_and_requests_on_the_shared_workflow"
    )


class OldEvent:
    def __init__(self, from_status, to_status, note):
        self.from_status, self.to_status, self.note = from_status, to_status, note


@pytest.mark.parametrize(
    "event, step",
    [
        (OldEvent("", "pending", "Création"), ("create", "")),
        (OldEvent("published", "published", "Modification"), ("edit", "")),
        (OldEvent("rejected", "pending", "Modification"), ("resubmit", "")),
        (OldEvent("pending", "published", ""), ("publish", "")),
        (OldEvent("pending", "rejected", "Trop vague"), ("reject", "Trop vague")),
        (OldEvent("published", "archived", "Archivée"), ("archive", "")),
    ],
)
def test_the_old_offer_events_become_the_steps_they_were(event, step):
    assert migration().offer_step(event) == step
