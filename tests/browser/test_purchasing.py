"""A purchase need in a real browser: posted by a buyer, moderated by the CRESS, sent to
the matching suppliers, answered by a groupement of two, closed by the buyer — on a
desktop and at 390 px, axe-core on each page."""

import datetime

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from essor.directory.enums import LabelKind
from essor.purchasing.categories import sync_categories
from essor.purchasing.enums import MemberStatus, NeedStatus, Outcome
from essor.purchasing.models import Answer, PurchaseNeed
from tests.factories.accounts import UserFactory
from tests.factories.directory import LabelFactory, MembershipFactory
from tests.factories.purchasing import COGNAC, buyer, supplier

from .conftest import axe_violations, log_in, screenshot

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_a_need_is_posted_moderated_notified_answered_by_a_consortium_and_closed(page):
    sync_categories()  # transactional tests empty the tables the migrations filled
    LabelFactory(code="aci", name="Atelier et chantier d'insertion", kind=LabelKind.SIAE)
    LabelFactory(code="esat", name="ESAT", kind=LabelKind.DISABILITY)
    organisation, buyer_user = buyer("Département de test")
    lead = supplier(name="Chantier Vert", labels=["aci"], contact_email="vert@example.org")
    partner = supplier(name="ESAT du Val", commune_code=COGNAC, labels=["esat"])
    lead_user = MembershipFactory(organisation=lead.organisation).user
    partner_user = MembershipFactory(organisation=partner.organisation).user
    moderator = UserFactory(cress_staff=True)
    page.set_viewport_size(DESKTOP)

    # The buyer posts the need and submits it.
    log_in(page, buyer_user, "/achats/besoins/nouveau/")
    assert axe_violations(page) == []
    page.get_by_label("Intitulé").fill("Entretien des espaces verts des collèges")
    page.get_by_label("Description du besoin (Markdown)").fill("Tonte et taille, six collèges.")
    page.get_by_label("Catégorie d'achat").select_option(label="Entretien d'espaces verts")
    page.get_by_label("Lieu d'exécution (commune)").fill("Angoulême (16015)")
    page.get_by_label("Nature").select_option(label="Consultation")
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    page.get_by_label("Date limite des réponses").fill(deadline.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name="Entretien des espaces verts des collèges").wait_for()
    page.get_by_role("button", name="Soumettre à la CRESS").click()
    page.get_by_text("En attente de modération").first.wait_for()
    need = PurchaseNeed.objects.get()
    assert need.status == NeedStatus.PENDING

    # The CRESS publishes it: the two suppliers are told why they match.
    log_in(page, moderator, "/achats/moderation/")
    page.get_by_role("link", name="Entretien des espaces verts des collèges").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier et envoyer aux fournisseurs").click()
    page.get_by_text("Aucun besoin en attente.").wait_for()
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED
    assert need.recipients.count() == 2
    message = next(m for m in mail.outbox if m.to == ["vert@example.org"])
    assert "Pourquoi vous recevez ce message" in message.body

    # The lead answers, as a groupement with the ESAT, on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, lead_user, "/achats/boite/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Entretien des espaces verts des collèges").click()
    page.get_by_label("Oui, nous sommes intéressés").check()
    page.get_by_label("Message à l'acheteur").fill("Deux équipes disponibles dès avril.")
    page.get_by_label("En groupement : votre part du travail (mandataire)").fill("Tonte (70 %)")
    page.get_by_label("Co-traitant 1 : SIREN").fill(partner.organisation.siren)
    page.get_by_label("Co-traitant 1 : sa part du travail").fill("Taille des haies (30 %)")
    assert axe_violations(page) == []
    screenshot(page, "achats-reponse-telephone", full_page=True)
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.get_by_text("Réponse envoyée à l'acheteur.").wait_for()

    # The ESAT accepts from its inbox.
    log_in(page, partner_user, "/achats/boite/")
    page.get_by_role("button", name="Accepter").click()
    page.get_by_text("Groupement accepté.").wait_for()
    assert Answer.objects.get().members.get().status == MemberStatus.ACCEPTED

    # The buyer sees one answer with each member's share, keeps it and closes the need.
    page.set_viewport_size(DESKTOP)
    log_in(page, buyer_user, f"/achats/besoins/{need.pk}/")
    answers = page.locator("article.answer")
    assert answers.count() == 1
    expect(answers.get_by_text("Taille des haies (30 %)")).to_be_visible()
    expect(answers.get_by_text("Tonte (70 %)")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Retenu", exact=True).click()
    page.get_by_text("Chantier Vert : retenu.", exact=True).wait_for()
    page.get_by_label("Issue").select_option(value=Outcome.ESS_SUPPLIER)
    page.get_by_label("Montant attribué (€ HT)").fill("18000")
    page.get_by_role("button", name="Clore le besoin").click()
    page.get_by_text("« Clore le besoin » : c'est fait.").wait_for()
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED and need.outcome == Outcome.ESS_SUPPLIER
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
    screenshot(page, "achats-besoin-clos-telephone", full_page=True)
