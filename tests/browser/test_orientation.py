"""The orientation assistant in a real browser: keyboard only, without JavaScript, axe-core."""

import re

from playwright.sync_api import expect

from essor.directory.enums import Phase
from essor.support import demo

from .conftest import axe_violations, screenshot


def wait_for_step(page, number):
    """htmx swapped the step in place and moved the focus to its title."""
    page.get_by_role("heading", name=re.compile(f"Étape {number} sur 7")).wait_for()
    page.wait_for_function(
        "document.activeElement && document.activeElement.matches('[data-step-title]')"
    )


def test_the_assistant_works_with_the_keyboard_only_and_passes_axe(page):
    demo.load()
    page.goto("/accompagnement/orientation/")
    assert axe_violations(page) == []

    # 0. Qui êtes-vous ? — a radio group: Space ticks the focused choice, Enter goes on.
    page.get_by_label("Je porte un projet de création").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    wait_for_step(page, 2)

    # 1. Où ? — the commune picker, with the keyboard.
    field = page.get_by_role("combobox", name="Où se trouve votre projet ?")
    field.focus()
    page.keyboard.type("guér", delay=40)
    # Wait for the answer to the whole word, not to its first letters.
    page.get_by_role("listbox").get_by_role("option", name=re.compile("^Guéret")).wait_for()
    page.wait_for_load_state("networkidle")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Guéret (23096)")
    page.keyboard.press("Enter")
    wait_for_step(page, 3)
    expect(page).to_have_url(re.compile("pas=1"))  # htmx pushed the URL of the answered step
    assert axe_violations(page) == []
    screenshot(page, "orientation-etape-2")

    # 2. Où en êtes-vous ? — Tab into the radio group, arrows to choose, Enter to go on.
    page.keyboard.press("Tab")
    for _ in range(list(Phase).index(Phase.TRANSFER)):
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("Transmission et reprise (dont reprise en SCOP)").is_checked()
    page.keyboard.press("Enter")
    wait_for_step(page, 4)

    # 3. Individuel ou collectif ?
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Un projet collectif").is_checked()
    page.keyboard.press("Enter")
    wait_for_step(page, 5)

    # 4. Forme juridique : « Je ne sais pas encore », Association, SCOP…
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("SCOP", exact=True).is_checked()
    page.keyboard.press("Enter")
    wait_for_step(page, 6)

    # 5. Besoins : tick two boxes with Tab and Space.
    page.keyboard.press("Tab")  # Première information et orientation
    for _ in range(4):
        page.keyboard.press("Tab")  # … to Expertise juridique
    page.keyboard.press("Space")
    assert page.get_by_label("Expertise juridique").is_checked()
    page.keyboard.press("Enter")
    wait_for_step(page, 7)

    # 6. Secteur : leave it, Tab to the button.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Voir qui peut m'accompagner"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accompagnement/orientation/resultats/\?"))

    expect(page.get_by_role("heading", name="Qui peut vous accompagner à Guéret ?")).to_be_visible()
    expect(page.get_by_text("Spécialiste de la reprise en SCOP").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "orientation-resultats", full_page=True)


def test_the_assistant_and_the_free_text_work_without_javascript(browser, live_server, geography):
    demo.load()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accompagnement/orientation/")

    page.get_by_label("Je porte un projet de création").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Où se trouve votre projet ?").fill("23000")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Plusieurs communes correspondent")).to_be_visible()
    page.get_by_label("Où se trouve votre projet ?").fill("Guéret (23096)")
    page.get_by_role("button", name="Suivant").click()

    page.get_by_label("Création et démarrage").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Un projet collectif").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_role("button", name="Précédent").click()  # back one step, answers kept
    assert page.get_by_label("Un projet collectif").is_checked()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("SCIC").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Financement").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Dans quel secteur d'activité ?").select_option("hebergement_restauration")
    page.get_by_role("button", name="Voir qui peut m'accompagner").click()

    expect(page.get_by_role("heading", name="Qui peut vous accompagner à Guéret ?")).to_be_visible()
    expect(page.get_by_role("heading", name="Financement", exact=True)).to_be_visible()
    assert "Limousin Actif" in page.content()

    page.goto("/accompagnement/")
    page.get_by_label("Décrivez votre situation en une phrase").first.fill(
        "je veux reprendre l'entreprise de mon patron en SCOP près de Guéret"
    )
    page.get_by_role("button", name="Trouver qui m'accompagne").first.click()
    expect(page.get_by_role("heading", name="Ce que nous avons compris")).to_be_visible()
    expect(page.get_by_text("Spécialiste de la reprise en SCOP").first).to_be_visible()
    context.close()


def test_an_empty_step_shows_its_error_in_the_page(page):
    # The step answers 400 with the form and its French error: htmx swaps it in.
    page.goto("/accompagnement/orientation/")
    page.get_by_label("Je porte un projet de création").wait_for()
    page.get_by_role("button", name="Suivant").click()  # nothing chosen
    page.get_by_text("Dites-nous qui vous êtes.").wait_for()
    expect(page.get_by_role("heading", name=re.compile("Étape 1 sur"))).to_be_visible()
