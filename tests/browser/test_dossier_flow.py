"""The dossier unique end to end, as its people live it (issue 15, acceptance): the creator
fills and submits a dossier, the funder goes from reception to payment; the e-mails of
each step are checked, and the notifications page; at desktop and phone sizes, axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from essor.financing.enums import FundingRequestStatus, Instrument
from essor.financing.models import Dossier, FundingRequest
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory, applicant, funder_member

from .conftest import axe_violations, log_in, screenshot

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def check(page, name):
    """Every page of the flow: no serious or critical axe violation, no sideways scroll."""
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, name
    screenshot(page, name)


def last_mail_to(user):
    sent = [message for message in mail.outbox if message.to == [user.email]]
    assert sent, f"aucun e-mail pour {user.email}"
    return sent[-1]


def take_step(page, step, comment="", amount=None):
    page.get_by_label("Étape", exact=True).select_option(label=step)
    if comment:
        page.get_by_label("Commentaire ou motif").fill(comment)
    if amount is not None:
        page.get_by_label("Montant accordé (€)").fill(str(amount))
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_text("Étape enregistrée.").wait_for()


@pytest.mark.parametrize("size", ["bureau", "telephone"])
def test_a_dossier_from_its_creation_to_its_payment(page, size):
    page.set_default_timeout(30_000)  # a loaded machine
    page.set_viewport_size(DESKTOP if size == "bureau" else PHONE)
    mail.outbox.clear()
    creator, organisation = applicant(OrganisationFactory(name="Recyclerie du Pays de Guéret"))
    funder_user, funder = funder_member(OrganisationFactory(name="Région Nouvelle-Aquitaine"))
    ToolFactory(title="Subvention Économie sociale", funders=[funder], instrument=Instrument.GRANT)

    # The creator writes the dossier.
    log_in(page, creator, f"/financement/structure/{organisation.pk}/nouveau-dossier/")
    page.get_by_label("Intitulé du projet").fill("Atelier de réemploi")
    page.get_by_label("Description du projet").fill("Réparer et revendre des meubles.")
    page.get_by_label("Je certifie exactes").check()
    page.get_by_label("Je certifie que la structure est à jour").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Atelier de réemploi").wait_for()
    dossier = Dossier.objects.get()
    check(page, f"dossier-brouillon-{size}")

    # The tour de table: the amount asked is typed once.
    page.get_by_role("link", name="Modifier le tour de table").click()
    first = page.get_by_role("group", name="Financement 1")
    first.get_by_label("Financeur").select_option(label=funder.name)
    first.get_by_label("Outil").select_option(label="Subvention Économie sociale")
    first.get_by_label("Montant demandé (€)").fill("12000")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**{dossier.get_absolute_url()}")

    # The project's budget: the subsidy is already there, the totals follow the typing.
    page.get_by_role("link", name="Modifier : budget prévisionnel du projet").click()
    page.wait_for_url("**/budget/project/")  # the click's navigation, not the page before it
    page.get_by_role("table", name=re.compile("Subventions demandées")).wait_for()
    status = page.locator("[data-balance]")

    def balance():
        return status.inner_text().replace("\u202f", " ")

    assert balance() == "Les produits dépassent les charges de 12 000,00 €."
    line = page.get_by_role("group", name="Ligne 1")
    line.get_by_label("Compte").select_option(label="60 – Achats")
    line.get_by_label("Détail").fill("Outillage")
    line.get_by_label("Montant (€)").fill("8000")
    assert balance() == "Les produits dépassent les charges de 4 000,00 €."
    page.get_by_role("button", name="Ajouter une ligne").click()
    second = page.get_by_role("group", name="Ligne 2")
    assert second.get_by_label("Compte").evaluate("e => e === document.activeElement")
    second.get_by_label("Compte").select_option(label="64 – Charges de personnel")
    second.get_by_label("Détail").fill("Encadrant technique")
    second.get_by_label("Montant (€)").fill("4000")
    assert balance() == "Le budget est équilibré."
    check(page, f"dossier-budget-{size}")
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    save.click()
    page.get_by_text("Budget enregistré : il est équilibré.").wait_for()

    page.get_by_role("link", name="Modifier : budget prévisionnel de la structure").click()
    line = page.get_by_role("group", name="Ligne 1")
    line.get_by_label("Compte").select_option(label="64 – Charges de personnel")
    line.get_by_label("Montant (€)").fill("50000")
    page.get_by_role("button", name="Ajouter une ligne").click()
    second = page.get_by_role("group", name="Ligne 2")
    second.get_by_label("Compte").select_option(
        label="70 – Ventes de produits finis, prestations de services"
    )
    second.get_by_label("Montant (€)").fill("50000")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Budget enregistré : il est équilibré.").wait_for()

    # The summary, then an explicit confirmation.
    page.get_by_role("link", name="Relire et déposer le dossier").click()
    page.get_by_text("Rien : le dossier est complet.").wait_for()
    expect(page.get_by_text("la structure semble éligible")).to_be_visible()
    check(page, f"dossier-recapitulatif-{size}")
    page.get_by_role("button", name="Déposer auprès des financeurs").click()
    page.get_by_text("Cochez la case pour confirmer l'envoi.").wait_for()
    page.get_by_label("Je confirme l'envoi du dossier").check()
    page.get_by_role("button", name="Déposer auprès des financeurs").click()
    page.get_by_text("Dossier déposé").first.wait_for()
    request = FundingRequest.objects.get()
    assert "Nouvelle demande de financement" in last_mail_to(funder_user).subject
    assert f"{request.get_absolute_url()}" in last_mail_to(funder_user).body

    # The funder finds it in their notifications and declares it admissible.
    log_in(page, funder_user, "/compte/notifications/")
    # On a phone the header's links are folded behind « Menu »: read the link itself.
    notifications_link = page.locator("header a[href='/compte/notifications/']")
    assert "1 non lue" in notifications_link.text_content()
    if size == "telephone":  # the folded header still shows the count, on its button
        expect(page.get_by_role("button", name="Menu 1 notification non lue")).to_be_visible()
    check(page, f"notifications-financeur-{size}")
    page.get_by_role("link", name=re.compile("Nouvelle demande de financement")).click()
    page.wait_for_url(f"**{request.get_absolute_url()}")
    assert notifications_link.text_content().strip() == "Notifications"
    check(page, f"demande-recue-{size}")
    take_step(page, "Déclarer recevable")
    assert "a déclaré recevable" in last_mail_to(creator).subject
    take_step(page, "Mettre en instruction")
    take_step(page, "Demander un complément", comment="Joignez le devis de l'outillage.")
    message = last_mail_to(creator)
    assert "demande un complément" in message.subject
    assert "Motif : Joignez le devis de l'outillage." in message.body
    assert dossier.get_absolute_url() in message.body

    # The creator sees the request for documents, on the page and in the header.
    log_in(page, creator, "/compte/notifications/")
    expect(page.get_by_text("Motif : Joignez le devis de l'outillage.")).to_be_visible()
    check(page, f"notifications-porteur-{size}")
    page.get_by_role("link", name=re.compile("demande un complément")).click()
    page.wait_for_url(f"**{dossier.get_absolute_url()}#demandes")
    expect(page.get_by_text(f"état : Complément demandé par {funder.name}")).to_be_visible()
    assert page.get_by_text("Déposé", exact=True).count() == 0
    check(page, f"dossier-complement-{size}")
    page.get_by_label("Votre réponse").fill("Le devis est joint au budget.")
    page.get_by_role("button", name=f"Envoyer le complément à {funder.name}").click()
    page.get_by_text("Complément envoyé").wait_for()
    assert "Complément reçu" in last_mail_to(funder_user).subject

    # The funder decides, records the agreement and the payment.
    log_in(page, funder_user, request.get_absolute_url())
    take_step(page, "Accorder", amount=12000)
    assert "vous accorde 12 000,00 €" in last_mail_to(creator).subject
    take_step(page, "Enregistrer la convention signée")
    assert (
        "La convention avec Région Nouvelle-Aquitaine est signée" in last_mail_to(creator).subject
    )
    take_step(page, "Enregistrer le versement")
    assert "a versé 12 000,00 €" in last_mail_to(creator).subject
    check(page, f"demande-versee-{size}")
    request.refresh_from_db()
    assert request.status == FundingRequestStatus.PAID

    log_in(page, creator, dossier.get_absolute_url())
    expect(page.get_by_text(f"{funder.name} : versée").first).to_be_visible()
    creator_subjects = [m.subject for m in mail.outbox if m.to == [creator.email]]
    # Recevable, en instruction, complément demandé, accordée, convention, versement.
    assert len(creator_subjects) == 6
