"""Two personas' whole flows (issue 15, acceptance), at desktop and phone sizes, with the
e-mails and notifications of each step and axe-core on every page: the support actor
answering a person's request, and the CRESS team deciding on a « C'est ma structure »
claim and on an initiative."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from essor.directory.enums import MembershipRole
from essor.initiatives.enums import Status
from essor.initiatives.services import initiative_transition
from essor.support.enums import SupportRequestStatus
from essor.support.models import SupportRequest
from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory
from tests.factories.initiatives import InitiativeFactory
from tests.factories.support import SupportOfferFactory, support_actor

from .test_dossier_flow import DESKTOP, PHONE, check, last_mail_to, log_in


def link_in(message):
    """The path of the first ESSor link of an e-mail."""
    return re.search(r"https?://[^/\s]+(/\S*)", message.body).group(1)


@pytest.fixture(params=["bureau", "telephone"])
def size(request, page):
    page.set_default_timeout(30_000)  # a loaded machine
    page.set_viewport_size(DESKTOP if request.param == "bureau" else PHONE)
    mail.outbox.clear()
    return request.param


def test_a_support_actor_answers_a_persons_request(page, size):
    provider = EssOrganisationFactory(name="Boutique de gestion de la Creuse")
    actor = support_actor(provider, email="conseil@bge-creuse.example.org")
    offer = SupportOfferFactory(provider=provider, title="Accueil des créateurs d'activité")
    person = UserFactory(first_name="Inès", last_name="Roux", email="ines@exemple.fr")

    # The person writes from the offer's page.
    log_in(page, person, offer.get_absolute_url())
    page.get_by_role("button", name="Écrire à Boutique de gestion de la Creuse").click()
    page.get_by_role("heading", name="Écrire aux acteurs choisis").wait_for()
    page.get_by_label("Votre message").fill("Je veux ouvrir une épicerie solidaire à Guéret.")
    page.get_by_label("Votre téléphone").fill("05 55 00 00 00")
    page.get_by_label(re.compile("J'accepte")).check()
    check(page, f"demande-formulaire-{size}")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/accompagnement/mes-demandes/")
    support_request = SupportRequest.objects.get()
    check(page, f"demande-envoyee-{size}")

    # The actor is told, without the person's data in the e-mail, and answers.
    received = last_mail_to(actor)
    assert "ines@exemple.fr" not in received.body and "Inès" not in received.body
    log_in(page, actor, link_in(received))
    page.get_by_role("heading", name="Demande de Inès Roux").wait_for()
    assert "Je veux ouvrir une épicerie solidaire" in page.content()
    expect(page.get_by_role("link", name="ines@exemple.fr")).to_be_visible()
    check(page, f"demande-recue-{size}")
    page.get_by_label("Nouvel état").select_option(label="Prise en charge")
    page.get_by_label("Message à la personne").fill("Je vous appelle jeudi matin.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La demande est mise à jour ; la personne est prévenue.").wait_for()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.IN_PROGRESS

    # The person reads the answer from the e-mail's link, and on the notifications page.
    answer = last_mail_to(person)
    assert answer.subject == "Votre demande à Boutique de gestion de la Creuse : prise en charge"
    assert "Je vous appelle jeudi matin." in answer.body
    log_in(page, person, link_in(answer))
    expect(page.get_by_text("Je vous appelle jeudi matin.")).to_be_visible()
    check(page, f"demande-suivi-{size}")
    page.goto("/compte/notifications/")
    expect(page.get_by_role("link", name=re.compile("prise en charge"))).to_be_visible()
    check(page, f"demande-notifications-{size}")


def test_the_cress_decides_on_a_claim_and_an_initiative(page, size):
    cress = UserFactory(cress_staff=True, email="equipe@cress.example.org")
    organisation = EssOrganisationFactory(
        name="Régie de quartier de Limoges", website="https://regie-limoges.example.org"
    )
    director = UserFactory(first_name="Paul", last_name="Vidal", email="paul@exemple.fr")

    # The director says « C'est ma structure » from its page.
    log_in(page, director, organisation.get_absolute_url())
    page.get_by_role("link", name="C'est ma structure").first.click()
    page.get_by_label("Message à l'équipe de la CRESS").fill("Je suis le directeur de la Régie.")
    check(page, f"revendication-{size}")
    page.get_by_role("button", name="C'est ma structure").click()
    page.get_by_text("Votre demande est envoyée à l'équipe de la CRESS").wait_for()

    # The CRESS team validates it from its queue.
    log_in(page, cress, "/annuaire/moderation/")
    check(page, f"moderation-annuaire-{size}")
    page.get_by_role("link", name="Régie de quartier de Limoges").click()
    expect(page.get_by_text("Je suis le directeur de la Régie.")).to_be_visible()
    check(page, f"moderation-revendication-{size}")
    page.get_by_role("button", name="Valider la demande").click()
    page.get_by_text("La décision est enregistrée et la personne prévenue.").wait_for()
    membership = organisation.memberships.get(user=director)
    assert membership.role == MembershipRole.ADMIN
    assert "Régie de quartier de Limoges" in last_mail_to(director).body

    # The new administrator edits the page; a member proposed an initiative meanwhile.
    log_in(page, director, organisation.get_absolute_url())
    expect(page.get_by_role("link", name="Modifier le profil")).to_be_visible()
    author = MembershipFactory(organisation=organisation).user
    initiative = InitiativeFactory(
        title="Chantier d'insertion des Portes-Ferrées",
        carriers=[organisation],
        created_by=author,
        status=Status.SUBMITTED,
    )

    # The CRESS team asks for a change, then publishes the corrected initiative.
    log_in(page, cress, "/initiatives/moderation/")
    check(page, f"moderation-initiatives-{size}")
    page.get_by_role("link", name="Chantier d'insertion des Portes-Ferrées").click()
    page.get_by_role("button", name="Demander des modifications").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the reason is required, said in French
    assert "motif" in page.get_by_role("alert").inner_text().lower()
    page.get_by_label("Commentaire").fill("Précisez le nombre de salariés en insertion.")
    page.get_by_role("button", name="Demander des modifications").click()
    page.get_by_text("Modifications demandées").first.wait_for()
    request_changes = last_mail_to(author)
    assert "Précisez le nombre de salariés en insertion." in request_changes.body

    initiative.refresh_from_db()
    assert initiative.status == Status.CHANGES_REQUESTED
    # The author corrects and submits it again (their own flow is tested elsewhere).
    initiative_transition(initiative=initiative, transition="submit", actor=author)
    page.reload()
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("Publiée").first.wait_for()
    check(page, f"initiative-publiee-{size}")
    assert "publiée" in last_mail_to(author).subject.lower()

    # Anyone now reads it.
    page.context.clear_cookies()
    page.goto(initiative.get_absolute_url())
    expect(
        page.get_by_role("heading", name="Chantier d'insertion des Portes-Ferrées")
    ).to_be_visible()
