"""The CRESS runs a consultation from the portal in a real browser: creates it, dates a
phase, writes a questionnaire with a commune question, publishes it; a member then answers
the commune question with the picker's suggestions. At 1280 and 390 px, with axe-core."""

import pytest
from playwright.sync_api import expect

from essor.consultation.models import Process, Response
from tests.factories.accounts import UserFactory

from .conftest import axe_violations
from .test_consultation import DESKTOP, PHONE, horizontal_overflow, log_in


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["bureau", "telephone"])
def test_the_cress_creates_dates_writes_and_publishes_a_consultation(page, size):
    page.set_viewport_size(size)
    log_in(page, UserFactory(cress_staff=True), "/concertation/")
    page.get_by_role("link", name="Nouvelle concertation").click()
    page.get_by_label("Titre").fill("Assises de l'ESS en Corrèze")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Gérer « Assises de l'ESS en Corrèze »").wait_for()
    assert axe_violations(page) == []
    assert horizontal_overflow(page) <= 0
    process = Process.objects.get(title="Assises de l'ESS en Corrèze")

    page.get_by_role("link", name="Ajouter une étape").click()
    page.get_by_label("Étape").select_option(label="Questionnaire")
    page.get_by_label("Début").fill("2020-01-01")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.get_by_role("cell", name="ouverte").wait_for()
    # The phases' table scrolls in its frame on a phone; the page does not.
    assert horizontal_overflow(page) <= 0

    page.get_by_role("link", name="Ajouter un questionnaire").click()
    page.get_by_label("Titre").fill("Vos besoins")
    page.get_by_role("button", name="Enregistrer le questionnaire").click()
    page.get_by_role("link", name="Ajouter une question").click()
    page.get_by_label("Type", exact=True).select_option(label="Commune")
    page.get_by_label("Question", exact=True).fill("Où êtes-vous installés ?")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.get_by_text("Où êtes-vous installés ?", exact=True).wait_for()
    assert axe_violations(page) == []

    page.goto(f"/concertation/{process.slug}/gerer/")
    page.get_by_role("button", name="Publier la concertation").click()
    page.get_by_text("La concertation est publiée").wait_for()
    process.refresh_from_db()
    assert process.is_published

    # A member answers with the commune picker.
    questionnaire = process.questionnaires.get()
    log_in(page, UserFactory(), questionnaire.get_absolute_url())
    picker = page.get_by_role("combobox", name="Où êtes-vous installés ?")
    picker.press_sequentially("Tulle")
    page.get_by_role("option", name="Tulle").first.wait_for()
    page.wait_for_load_state("networkidle")  # the answer to the whole word
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value("Tulle (19272)")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Merci : votre réponse est envoyée.").wait_for()
    assert Response.objects.get(questionnaire=questionnaire).answers.get().value == "19272"
