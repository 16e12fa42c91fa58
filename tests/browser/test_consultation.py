"""A consultation in a real browser: a member answers the questionnaire (draft, resume,
send), proposes a fiche action; the CRESS publishes it; the member supports and comments
it; the team retains it, which makes it an action; its progress shows on the dashboard.
On a desktop and at 390 px, with axe-core."""

from playwright.sync_api import expect

from essor.consultation.models import Action, Comment, Proposal, Response, Support
from tests.factories.accounts import UserFactory
from tests.factories.consultation import questionnaire
from tests.factories.directory import MembershipFactory

from .conftest import axe_violations, horizontal_overflow, log_in, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_answer_propose_moderate_retain_and_follow_the_progress(page):
    q = questionnaire()
    process = q.process
    member = MembershipFactory().user
    staff = UserFactory(cress_staff=True)

    # The questionnaire: a draft, resumed, then sent.
    page.set_viewport_size(PHONE)
    log_in(page, member, q.get_absolute_url())
    assert axe_violations(page) == []
    assert horizontal_overflow(page) <= 0
    who = page.get_by_label("Par qui ?")
    assert who.is_hidden()  # shown only after « Oui »
    page.get_by_label("Juridique").check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré").wait_for()
    page.goto(q.get_absolute_url())
    expect(page.get_by_text("Vous reprenez votre brouillon")).to_be_visible()
    assert page.get_by_label("Juridique").is_checked()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("alert").get_by_text("corrigez les réponses signalées")).to_be_visible()
    expect(page.get_by_text("Cette question est obligatoire.").first).to_be_visible()
    page.get_by_role("group", name="Êtes-vous accompagnés ? (obligatoire)").get_by_label(
        "Oui"
    ).check()
    who.fill("La BGE")
    screenshot(page, "concertation-questionnaire-telephone", full_page=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Merci : votre réponse est envoyée.").wait_for()
    sent = Response.objects.get()
    assert sent.respondent is None and sent.answers.count() == 3

    # A fiche action, on a desktop.
    page.set_viewport_size(DESKTOP)
    page.goto(f"/concertation/{process.slug}/fiches/")
    page.get_by_label("Titre").fill("Un salon d'affaires de l'ESS")
    page.get_by_label("Axe").select_option(label="Coopérer")
    page.get_by_label("Thème").fill("Rencontres")
    page.get_by_label("Description (Markdown)").fill("Une matinée par an avec les acheteurs.")
    page.get_by_role("button", name="Proposer cette action").click()
    page.get_by_text("En attente de modération").wait_for()
    proposal = Proposal.objects.get()
    assert axe_violations(page) == []

    # The CRESS publishes it.
    log_in(page, staff, proposal.get_absolute_url())
    page.get_by_role("button", name="Publier").click()
    page.locator("[data-testid=etat-fiche]", has_text="Publiée").wait_for()

    # The member supports it and comments.
    log_in(page, member, proposal.get_absolute_url())
    page.get_by_role("button", name="Soutenir cette fiche").click()
    page.get_by_role("heading", name="1 soutien").wait_for()
    page.get_by_label("Votre commentaire (Markdown)").fill("Nous serons là.")
    page.get_by_role("button", name="Commenter").click()
    page.get_by_text("Nous serons là.").wait_for()
    assert Support.objects.count() == 1 and Comment.objects.count() == 1

    # The team retains it: it becomes an action, whose progress the team updates.
    log_in(page, staff, proposal.get_absolute_url())
    page.get_by_label("Réponse publique (facultative)").fill("Retenue pour 2027.")
    page.get_by_role("button", name="Retenir (devient une action)").click()
    page.get_by_role("link", name="l'action n° 1").click()
    action = Action.objects.get(proposal=proposal)
    page.wait_for_url(f"**{action.get_absolute_url()}")
    page.get_by_label("État", exact=True).select_option(label="En cours")
    page.get_by_label("Avancement (%)").fill("40")
    page.get_by_label("Ce qui a avancé (Markdown)").fill("Une date est fixée.")
    page.get_by_role("button", name="Publier ce point d'avancement").click()
    page.locator("[data-testid=avancement]", has_text="40 %").wait_for()
    assert axe_violations(page) == []

    page.goto(f"/concertation/suivi/?concertation={process.slug}")
    assert page.locator(f"[data-action='{action.pk}']").inner_text() == "40 %"
    assert page.locator("[data-testid=avancement-moyen]").inner_text() == "40 %"
    assert axe_violations(page) == []
    screenshot(page, "concertation-suivi-bureau", full_page=True)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    screenshot(page, "concertation-suivi-telephone", full_page=True)
