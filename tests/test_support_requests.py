"""Requests: a person writes to the actors they chose, with consent; each actor handles
theirs in an inbox; nobody else reads them — not another actor, not the CRESS team."""

import pytest
from django.core import mail
from django.urls import reverse

from essor.accounts.models import Notification
from essor.support.enums import HelpKind, SupportRequestStatus
from essor.support.models import SupportRequest, SupportRequestTransition
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.support import SupportOfferFactory, support_actor

pytestmark = pytest.mark.django_db

SITUATION = {"commune": "23096", "etape": "transfer", "forme": "scop", "projet": "collective"}


@pytest.fixture
def world():
    """Two providers each with an actor and an offer, and a person with a project."""
    urscop = OrganisationFactory(name="URSCOP de test")
    dla = OrganisationFactory(name="DLA de test")
    return {
        "urscop": urscop,
        "dla": dla,
        "urscop_actor": support_actor(urscop, email="urscop@exemple.fr"),
        "dla_actor": support_actor(dla, email="dla@exemple.fr"),
        "urscop_offer": SupportOfferFactory(
            provider=urscop, title="Reprise en SCOP", help_kinds=[HelpKind.LEGAL]
        ),
        "dla_offer": SupportOfferFactory(
            provider=dla, title="Diagnostic DLA", help_kinds=[HelpKind.INDIVIDUAL]
        ),
        "person": UserFactory(email="porteuse@exemple.fr", first_name="Inès", last_name="Roux"),
    }


def send(client, offers, **overrides):
    data = {
        **SITUATION,
        "offre": [o.pk for o in offers],
        "message": "Mon patron part à la retraite, nous voulons reprendre en SCOP.",
        "contact_name": "Inès Roux",
        "contact_email": "ines@exemple.fr",
        "contact_phone": "05 55 00 00 00",
        "consent": "on",
    }
    data.update(overrides)
    return client.post(reverse("support:request_new"), data)


def test_sending_a_request_needs_an_account(client, world):
    response = client.get(reverse("support:request_new"), {"offre": world["dla_offer"].pk})
    assert response.status_code == 302 and "/compte/connexion/" in response.url


def test_a_person_writes_to_two_actors_with_their_situation_and_consent(client, world):
    client.force_login(world["person"])
    form = client.get(
        reverse("support:request_new"),
        {**SITUATION, "offre": [world["urscop_offer"].pk, world["dla_offer"].pk]},
    )
    assert "URSCOP de test" in form.content.decode() and "Guéret (Creuse)" in form.content.decode()

    response = send(client, [world["urscop_offer"], world["dla_offer"]])

    assert response.status_code == 302 and response.url == reverse("support:my_requests")
    requests = SupportRequest.objects.order_by("provider__name")
    assert [r.provider for r in requests] == [world["dla"], world["urscop"]]
    assert requests[0].batch == requests[1].batch
    first = requests[1]
    assert first.requester == world["person"] and first.status == SupportRequestStatus.NEW
    assert (
        "Guéret (Creuse)" in first.situation_text and first.situation["commune"] == "Guéret (23096)"
    )
    assert "URSCOP de test" in first.consent_text and first.consented_at is not None
    assert list(first.offers.all()) == [world["urscop_offer"]]
    # Each provider's members are told; the e-mail carries no personal data.
    assert sorted(m.to[0] for m in mail.outbox) == ["dla@exemple.fr", "urscop@exemple.fr"]
    for message in mail.outbox:
        assert "ines@exemple.fr" not in message.body and "Inès" not in message.body
        assert "/accompagnement/demandes-recues/" in message.body
    # And a line on their notifications page, with the link to the request.
    line = Notification.objects.get(recipient=world["urscop_actor"])
    assert line.message == "Nouvelle demande d'accompagnement pour URSCOP de test"
    assert line.url == reverse("support:inbox_detail", args=[first.pk])


def test_without_consent_nothing_is_sent(client, world):
    client.force_login(world["person"])
    response = send(client, [world["dla_offer"]], consent="")
    assert response.status_code == 400
    assert "Sans votre accord" in response.content.decode()
    assert SupportRequest.objects.count() == 0 and mail.outbox == []


def test_a_request_needs_a_chosen_actor_who_receives_requests(client, world):
    client.force_login(world["person"])
    closed = SupportOfferFactory(
        provider=OrganisationFactory(), title="Sans contact", accepts_requests=False
    )
    for offers in ([], [closed]):
        response = send(client, offers)
        assert response.status_code == 400
        assert "Choisissez au moins un acteur" in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_at_most_five_actors_at_once(client, world):
    client.force_login(world["person"])
    offers = [
        SupportOfferFactory(provider=OrganisationFactory(public_email=f"contact{i}@exemple.fr"))
        for i in range(6)
    ]
    response = send(client, offers)
    assert response.status_code == 400
    assert "5 acteurs au plus" in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_a_provider_without_members_gets_the_request_by_email(client, world):
    provider = OrganisationFactory(name="BGE sans compte")
    offer = SupportOfferFactory(provider=provider, contact_email="accueil@bge.example.org")
    client.force_login(world["person"])
    send(client, [offer])
    assert mail.outbox[0].to == ["accueil@bge.example.org"]
    assert "ines@exemple.fr" in mail.outbox[0].body  # the person consented to this


def test_an_actor_sees_only_the_requests_addressed_to_their_organisation(client, world):
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]], message="Message pour l'URSCOP seulement")
    send(client, [world["dla_offer"]], message="Message pour le DLA seulement")

    client.force_login(world["dla_actor"])
    inbox = client.get(reverse("support:inbox")).content.decode()
    assert "DLA de test" in inbox and "URSCOP de test" not in inbox
    mine = SupportRequest.objects.get(provider=world["dla"])
    detail = client.get(reverse("support:inbox_detail", args=[mine.pk])).content.decode()
    assert "Message pour le DLA seulement" in detail and "ines@exemple.fr" in detail


def other_actors_attempts(world, request_pk):
    url = reverse("support:inbox_detail", args=[request_pk])
    return [
        ("get", url, {}),
        ("post", url, {"status": SupportRequestStatus.CLOSED, "note": "Fermée par un autre"}),
        ("get", reverse("support:my_request", args=[request_pk]), {}),
    ]


@pytest.mark.parametrize("intruder", ["dla_actor", "cress_staff", "other_person"])
def test_nobody_else_can_read_or_change_a_request(client, world, intruder):
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]])
    support_request = SupportRequest.objects.get()
    users = {
        "dla_actor": world["dla_actor"],
        "cress_staff": UserFactory(cress_staff=True),
        "other_person": UserFactory(),
    }
    client.force_login(users[intruder])

    for method, url, data in other_actors_attempts(world, support_request.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    inbox = client.get(reverse("support:inbox")).content.decode()
    assert "Inès Roux" not in inbox
    assert "URSCOP de test" not in client.get(reverse("support:my_requests")).content.decode()

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.NEW
    assert support_request.transitions.count() == 1


def test_no_api_route_exposes_requests(client, world):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/structures/" in paths
    assert not [path for path in paths if "demande" in path or "request" in path]
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]])
    client.force_login(world["dla_actor"])
    for path in ["/api/demandes/", "/api/accompagnement/demandes/", "/api/requests/"]:
        assert client.get(path).status_code == 404


def test_an_actor_moves_a_request_along_and_the_person_follows(client, world):
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]])
    support_request = SupportRequest.objects.get()
    url = reverse("support:inbox_detail", args=[support_request.pk])
    mail.outbox.clear()

    client.force_login(world["urscop_actor"])
    taken = client.post(
        url, {"status": SupportRequestStatus.IN_PROGRESS, "note": "Je vous appelle."}
    )
    assert taken.status_code == 302
    no_target = client.post(url, {"status": SupportRequestStatus.REDIRECTED})
    assert no_target.status_code == 400
    assert "vers quelle structure" in no_target.content.decode()
    client.post(
        url,
        {"status": SupportRequestStatus.REDIRECTED, "redirected_to_text": "Limousin Actif",
         "note": "Pour le financement."},
    )  # fmt: skip

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.REDIRECTED
    assert support_request.status_label == "Réorientée vers Limousin Actif"
    assert [e.to_status for e in SupportRequestTransition.objects.filter(request=support_request)] == [
        SupportRequestStatus.NEW, SupportRequestStatus.IN_PROGRESS, SupportRequestStatus.REDIRECTED,
    ]  # fmt: skip
    assert [m.to for m in mail.outbox] == [[world["person"].email], [world["person"].email]]
    assert "Je vous appelle." in mail.outbox[0].body
    lines = Notification.objects.filter(recipient=world["person"]).order_by("pk")
    assert [(n.message, n.detail) for n in lines] == [
        ("Votre demande à URSCOP de test : prise en charge", "Leur message : Je vous appelle."),
        ("Votre demande à URSCOP de test : réorientée vers Limousin Actif",
         "Leur message : Pour le financement."),
    ]  # fmt: skip

    client.force_login(world["person"])
    mine = client.get(reverse("support:my_requests")).content.decode()
    assert "Réorientée vers Limousin Actif" in mine
    detail = client.get(reverse("support:my_request", args=[support_request.pk])).content.decode()
    assert "Pour le financement." in detail and "Prise en charge" in detail


def test_a_transition_the_workflow_does_not_allow_is_refused_in_french(client, world):
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]])
    support_request = SupportRequest.objects.get()
    SupportRequest.objects.filter(pk=support_request.pk).update(status=SupportRequestStatus.CLOSED)
    client.force_login(world["urscop_actor"])
    response = client.post(
        reverse("support:inbox_detail", args=[support_request.pk]),
        {"status": SupportRequestStatus.REDIRECTED, "redirected_to_text": "Ailleurs"},
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.CLOSED


def test_the_workflow_table_is_enforced_by_the_service(world):
    from django.core.exceptions import ValidationError

    from essor.support.matching import Criteria
    from essor.support.services import request_move, request_send

    [support_request] = request_send(
        requester=world["person"], offers=[world["dla_offer"]], criteria=Criteria(),
        message="Bonjour", contact_name="Inès", contact_email="ines@exemple.fr",
        consent_text="J'accepte",
    )  # fmt: skip
    request_move(support_request=support_request, actor=world["dla_actor"], status="closed")
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        request_move(support_request=support_request, actor=world["dla_actor"], status="redirected")


def test_the_inbox_makes_the_same_few_queries_whatever_the_number_of_requests(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["person"])
    for _ in range(6):
        send(client, [world["dla_offer"]])
    client.force_login(world["dla_actor"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("support:inbox"))
    assert response.content.decode().count("Inès Roux") == 6


def test_the_personal_data_export_holds_the_requests_a_person_sent_and_not_others(client, world):
    client.force_login(world["person"])
    send(client, [world["urscop_offer"]])
    other = UserFactory(email="autre@exemple.fr")
    client.force_login(other)
    send(client, [world["dla_offer"]], message="Une autre demande, pas la sienne.")

    client.force_login(world["person"])
    data = client.get(reverse("accounts:export_data")).json()

    [sent] = data["demandes_accompagnement"]
    assert sent["acteur"] == "URSCOP de test" and sent["offres"] == ["Reprise en SCOP"]
    assert sent["email"] == "ines@exemple.fr" and "retraite" in sent["message"]
    assert "URSCOP de test" in sent["consentement"]
    assert [step["etat"] for step in sent["historique"]] == ["Nouvelle"]
    assert "pas la sienne" not in str(data)
