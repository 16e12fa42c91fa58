"""Personal data (issue 12.9, 12.10): every link from a model to a person is declared once
(essor/accounts/personal_data.py) — which section of the RGPD export lists it, and what
account deletion does with it — and both hold for the whole platform."""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from essor.accounts.personal_data import (
    ANONYMISE,
    DELETE,
    DELETED_ACCOUNT,
    DELETED_MESSAGE,
    DETACH,
    USER_LINKS,
    label_of,
    user_fields,
)
from essor.accounts.services import delete_account, personal_data
from essor.cooperation.models import Message, Thread
from essor.directory.models import EditSuggestion
from essor.financing.models import FollowedTool, SavedSearch
from essor.initiatives.enums import ReportReason
from essor.initiatives.models import ContentReport, SpreadRequest
from essor.support.models import SupportRequest
from tests.factories.accounts import UserFactory
from tests.factories.cooperation import ListingFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.support import SupportOfferFactory, support_actor

NAME, EMAIL, MESSAGE = "Inès Marqueur", "ines.marqueur@exemple.fr", "Mon secret de porteuse"


# The guards


def test_every_link_from_a_model_to_a_person_is_declared():
    walked = {label_of(field) for field in user_fields()}
    undeclared = sorted(walked - set(USER_LINKS))
    assert not undeclared, (
        "Liens vers une personne sans règle d'export ni de suppression : déclarez-les "
        f"(essor/accounts/personal_data.py, UserLink) : {undeclared}"
    )
    assert not set(USER_LINKS) - walked, "Déclaration d'un champ qui n'existe plus"


@pytest.mark.parametrize("label", sorted(USER_LINKS))
def test_each_declaration_is_complete_and_applicable(label):
    link = USER_LINKS[label]
    assert bool(link.export) != bool(link.not_personal), "une section d'export, ou une raison"
    assert link.deletion in (DELETE, ANONYMISE, DETACH)
    if link.deletion in (ANONYMISE, DETACH):
        # What is kept loses its link to the account: the column must accept it.
        assert not link.field.many_to_many and link.field.null
    if link.deletion == ANONYMISE:
        assert link.prepare is not None, "ANONYMISE dit quoi effacer (prepare)"


@pytest.mark.django_db
def test_every_declared_section_is_in_the_export():
    sections = {link.export for link in USER_LINKS.values() if link.export}
    assert sections <= set(personal_data(UserFactory()))


# The export holds what the person wrote or chose


@pytest.fixture
def person():
    return UserFactory(email=EMAIL, first_name="Inès", last_name="Marqueur")


@pytest.fixture
def provider():
    return OrganisationFactory(name="URSCOP de test")


@pytest.fixture
def support_request(person, provider):
    offer = SupportOfferFactory(provider=provider, title="Reprise en SCOP")
    sent = SupportRequest.objects.create(
        requester=person,
        provider=provider,
        contact_name=NAME,
        contact_email=EMAIL,
        contact_phone="05 55 00 00 00",
        situation={"etape": "transfer"},
        situation_text="Reprise en SCOP en Creuse",
        message=MESSAGE,
        consent_text="J'accepte que URSCOP de test reçoive ma demande.",
        consented_at=timezone.now(),
    )
    sent.offers.set([offer])
    return sent


@pytest.fixture
def written(person, support_request):
    """A person who wrote or chose something in several apps."""
    tool = ToolFactory(title="Prêt d'honneur création")
    FollowedTool.objects.create(user=person, tool=tool)
    SavedSearch.objects.create(user=person, name="Mes prêts", params={"type": "pret"})
    initiative = InitiativeFactory(title="Un jardin partagé", published=True)
    SpreadRequest.objects.create(
        initiative=initiative,
        sender=person,
        name=NAME,
        email=EMAIL,
        organisation_name="Asso des jardins",
        message=MESSAGE,
        consent_at=timezone.now(),
    )
    ContentReport.objects.create(
        initiative=initiative,
        reporter=person,
        reporter_email=EMAIL,
        reason=ReportReason.INACCURATE,
        message=MESSAGE,
    )
    listing = ListingFactory(title="Local à partager")
    thread = Thread.objects.create(
        listing=listing, organisation=OrganisationFactory(), started_by=person
    )
    Message.objects.create(thread=thread, author=person, from_owner=False, body=MESSAGE)
    EditSuggestion.objects.create(
        organisation=listing.organisation,
        author=person,
        proposed={"website": "https://exemple.fr"},
        comment=MESSAGE,
    )
    return person


@pytest.mark.django_db
def test_the_export_holds_searches_follows_reports_requests_and_messages(written):
    data = personal_data(written)
    assert data["recherches_financement_enregistrees"][0]["nom"] == "Mes prêts"
    assert data["outils_financement_suivis"][0]["outil"] == "Prêt d'honneur création"
    assert data["signalements"][0]["initiative"] == "Un jardin partagé"
    assert data["demandes_accompagnement"][0]["message"] == MESSAGE
    assert data["demandes_essaimage"][0]["email"] == EMAIL
    assert data["cooperation_messages"][0]["message"] == MESSAGE
    assert data["suggestions"][0]["explication"] == MESSAGE


@pytest.mark.django_db
def test_the_export_is_served_to_the_person_only(client, written):
    client.force_login(written)
    response = client.get(reverse("accounts:export_data"))
    assert "Mes prêts" in response.content.decode()
    client.force_login(UserFactory())
    assert "Mes prêts" not in client.get(reverse("accounts:export_data")).content.decode()


# Account deletion: one rule


@pytest.mark.django_db
def test_after_deletion_the_provider_still_sees_the_request_without_the_person(
    client, support_request, provider
):
    actor = support_actor(provider)
    delete_account(support_request.requester)

    kept = SupportRequest.objects.get(pk=support_request.pk)
    assert kept.requester is None
    assert (kept.contact_name, kept.contact_email, kept.contact_phone, kept.message) == (
        DELETED_ACCOUNT,
        "",
        "",
        DELETED_MESSAGE,
    )
    client.force_login(actor)
    inbox = client.get(reverse("support:inbox")).content.decode()
    assert DELETED_ACCOUNT in inbox and NAME not in inbox
    page = client.get(reverse("support:inbox_detail", args=[kept.pk])).content.decode()
    assert "Reprise en SCOP en Creuse" in page  # the situation stays
    assert DELETED_MESSAGE in page and "supprimé son compte" in page
    for personal in (NAME, EMAIL, MESSAGE, "05 55 00 00 00"):
        assert personal not in page


@pytest.mark.django_db
def test_the_provider_can_still_close_the_request_of_a_deleted_account(
    client, support_request, provider
):
    actor = support_actor(provider)
    delete_account(support_request.requester)
    client.force_login(actor)
    response = client.post(
        reverse("support:inbox_detail", args=[support_request.pk]),
        {"status": "closed", "note": "Clôturée."},
    )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == "closed"


def _text_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


@pytest.mark.django_db
def test_after_deletion_the_persons_name_email_and_words_are_in_no_table(written):
    delete_account(written)

    found = []
    for model in apps.get_models():
        for name in _text_fields(model):
            for value in (EMAIL, "Marqueur", MESSAGE):
                if model._base_manager.filter(**{f"{name}__icontains": value}).exists():
                    found.append(f"{model._meta.label}.{name} : {value}")
    assert not found
    # What only the person used is gone; what others rely on is kept, without them.
    assert not FollowedTool.objects.exists() and not SavedSearch.objects.exists()
    assert SpreadRequest.objects.get().name == DELETED_ACCOUNT
    assert ContentReport.objects.get().message == DELETED_MESSAGE
    assert Message.objects.get().body == DELETED_MESSAGE
    assert Thread.objects.get().started_by is None
