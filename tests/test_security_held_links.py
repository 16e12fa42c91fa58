"""Issue 12.13: an actor who edits published content cannot send its readers elsewhere
without a moderator. New links and contact details (site, e-mail, phone, addresses in the
texts) are held (essor.core.workflow.hold_link_changes): the public page keeps the old
ones, the moderation queue shows the change, and only a moderator's approval applies it."""

import pytest
from django.urls import reverse

from essor.directory.enums import MembershipRole
from essor.financing.models import FinancingTool
from essor.support.enums import OfferStatus
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, OrganisationFactory
from tests.factories.financing import funder_member
from tests.factories.initiatives import InitiativeFactory
from tests.factories.support import SupportOfferFactory, support_actor
from tests.test_support_offers import offer_post

pytestmark = pytest.mark.django_db

GOOD, PHISHING = "https://www.bge-test.fr/ateliers", "https://bge-test.hameconnage.example.com"


@pytest.fixture
def offer():
    return SupportOfferFactory(
        provider=OrganisationFactory(name="BGE de test"),
        title="Ateliers de la création",
        website=GOOD,
        contact_email="contact@bge-test.fr",
    )


def test_a_new_website_of_a_published_offer_waits_for_a_moderator(client, offer):
    client.force_login(support_actor(offer.provider))
    response = client.post(
        reverse("support:offer_edit", args=[offer.pk]),
        offer_post(title="Ateliers de la création d'entreprise", website=PHISHING,
                   contact_email="contact@bge-test.fr"),
        follow=True,
    )  # fmt: skip
    assert "après relecture" in response.content.decode()
    offer.refresh_from_db()
    # The rest of the edit is published; the link is not.
    assert offer.title == "Ateliers de la création d'entreprise"
    assert offer.status == OfferStatus.PUBLISHED
    assert (offer.website, offer.held_changes) == (GOOD, {"website": PHISHING})
    page = client.get(offer.get_absolute_url()).content.decode()
    assert GOOD in page and PHISHING not in page

    client.force_login(UserFactory(cress_staff=True))
    queue = client.get(reverse("support:moderation")).content.decode()
    assert PHISHING in queue and "Ateliers de la création d&#x27;entreprise" in queue
    client.post(reverse("support:offer_accept_changes", args=[offer.pk]))
    offer.refresh_from_db()
    assert (offer.website, offer.held_changes) == (PHISHING, {})
    assert PHISHING in client.get(offer.get_absolute_url()).content.decode()
    assert PHISHING not in client.get(reverse("support:moderation")).content.decode()


def test_a_moderator_refuses_held_changes_with_a_reason_and_the_old_link_stays(client, offer):
    client.force_login(support_actor(offer.provider))
    client.post(
        reverse("support:offer_edit", args=[offer.pk]),
        offer_post(website=GOOD, contact_email="support@hameconnage.example.com",
                   description="Écrivez à support@hameconnage.example.com"),
    )  # fmt: skip
    offer.refresh_from_db()
    assert set(offer.held_changes) == {"contact_email", "description"}
    assert offer.contact_email == "contact@bge-test.fr"

    client.force_login(UserFactory(cress_staff=True))
    empty = client.post(reverse("support:offer_refuse_changes", args=[offer.pk]), {"reason": ""})
    assert empty.status_code == 400
    client.post(
        reverse("support:offer_refuse_changes", args=[offer.pk]),
        {"reason": "Adresse inconnue de la structure."},
    )
    offer.refresh_from_db()
    assert (offer.contact_email, offer.held_changes) == ("contact@bge-test.fr", {})
    assert offer.transitions.last().comment == "Adresse inconnue de la structure."


def test_an_actor_cannot_approve_their_own_held_changes(client, offer):
    actor = support_actor(offer.provider)
    client.force_login(actor)
    client.post(
        reverse("support:offer_edit", args=[offer.pk]),
        offer_post(website=PHISHING, contact_email="contact@bge-test.fr"),
    )
    assert client.post(reverse("support:offer_accept_changes", args=[offer.pk])).status_code == 403
    offer.refresh_from_db()
    assert offer.website == GOOD


def test_cress_staff_edits_apply_at_once(client, offer):
    client.force_login(UserFactory(cress_staff=True))
    client.post(
        reverse("support:offer_edit", args=[offer.pk]),
        offer_post(website=PHISHING, contact_email="contact@bge-test.fr"),
    )
    offer.refresh_from_db()
    assert (offer.website, offer.held_changes) == (PHISHING, {})


# Financing tools: a funder publishes its own, but its later link changes are held.


def test_a_funders_new_application_link_waits_for_the_cress(client):
    user, funder = funder_member()
    client.force_login(user)
    data = {
        "title": "Fonds de proximité", "summary": "Dans la Vienne.", "instrument": "grant",
        "call_kind": "permanent", "envelope": "open", "apply_mode": "external",
        "departements": ["86"], "external_url": GOOD,
    }  # fmt: skip
    client.post(reverse("financing:tool_create", args=[funder.pk]), data)
    tool = FinancingTool.objects.get()
    client.post(reverse("financing:tool_publish", args=[tool.pk]))

    response = client.post(
        reverse("financing:tool_edit", args=[tool.pk]),
        {**data, "summary": "Dans toute la Vienne.", "external_url": PHISHING},
        follow=True,
    )
    assert "après relecture" in response.content.decode()
    tool.refresh_from_db()
    assert (tool.summary, tool.external_url) == ("Dans toute la Vienne.", GOOD)
    page = client.get(tool.get_absolute_url()).content.decode()
    assert GOOD in page and PHISHING not in page
    assert client.post(reverse("financing:tool_accept_changes", args=[tool.pk])).status_code == 403

    client.force_login(UserFactory(cress_staff=True))
    assert PHISHING in client.get(reverse("financing:tool_moderation")).content.decode()
    refused = client.post(reverse("financing:tool_refuse_changes", args=[tool.pk]), {"reason": ""})
    assert refused.status_code == 400 and "Indiquez le motif" in refused.content.decode()
    client.post(reverse("financing:tool_accept_changes", args=[tool.pk]))
    tool.refresh_from_db()
    assert (tool.external_url, tool.held_changes) == (PHISHING, {})
    assert PHISHING in client.get(tool.get_absolute_url()).content.decode()


def test_a_refused_link_change_is_told_to_the_funder_with_the_reason_and_kept_in_history(client):
    from essor.accounts.models import Notification

    user, funder = funder_member()
    client.force_login(user)
    data = {
        "title": "Fonds de proximité", "summary": "Dans la Vienne.", "instrument": "grant",
        "call_kind": "permanent", "envelope": "open", "apply_mode": "external",
        "departements": ["86"], "external_url": GOOD,
    }  # fmt: skip
    client.post(reverse("financing:tool_create", args=[funder.pk]), data)
    tool = FinancingTool.objects.get()
    client.post(reverse("financing:tool_publish", args=[tool.pk]))
    edit = reverse("financing:tool_edit", args=[tool.pk])
    client.post(edit, {**data, "external_url": PHISHING})
    page = client.get(edit).content.decode()
    assert "Modifications en attente de relecture" in page and PHISHING in page

    client.force_login(UserFactory(cress_staff=True))
    client.post(
        reverse("financing:tool_refuse_changes", args=[tool.pk]),
        {"reason": "Ce domaine n'est pas celui du financeur."},
    )
    tool.refresh_from_db()
    assert (tool.external_url, tool.held_changes) == (GOOD, {})
    notice = Notification.objects.get(recipient=user)
    assert notice.message == "Vos modifications de « Fonds de proximité » sont refusées"
    assert notice.detail == "Motif : Ce domaine n'est pas celui du financeur."
    assert [(t.transition, t.comment) for t in tool.transitions.all()] == [
        ("hold", ""),
        ("refuse_changes", "Ce domaine n'est pas celui du financeur."),
    ]
    client.force_login(user)
    page = client.get(edit).content.decode()
    assert "Modifications en attente de relecture" not in page
    assert "Liens ou contacts modifiés, soumis à relecture" in page
    assert "Refuser les modifications : Ce domaine n&#x27;est pas celui du financeur." in page


# Initiatives: a published initiative is not edited in place at all.


def test_a_published_initiative_cannot_change_its_contact_without_moderation(client):
    organisation = OrganisationFactory()
    member = UserFactory()
    MembershipFactory(user=member, organisation=organisation, role=MembershipRole.ADMIN)
    initiative = InitiativeFactory(
        carriers=[organisation], published=True, contact_email="jardin@asso-test.fr"
    )
    client.force_login(member)
    response = client.post(
        reverse("initiatives:edit", args=[initiative.slug]),
        {"title": initiative.title, "contact_email": "jardin@hameconnage.example.com"},
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.contact_email == "jardin@asso-test.fr"
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "hameconnage" not in page
