import re

from django.core import mail
from playwright.sync_api import expect

from essor.accounts.models import User
from tests.factories.accounts import PASSWORD

from .conftest import axe_violations, screenshot


def test_home_page_renders_in_french_and_passes_axe(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Vers qui me tourner" in page.locator("h1").inner_text()
    expect(page.get_by_text("plus de 220 500 salariés", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "accueil", full_page=True)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_signup_confirm_login_logout(page):
    page.goto("/compte/inscription/")
    page.get_by_label("Adresse e-mail").fill("alice@exemple.fr")
    page.get_by_label("Prénom (facultatif)").fill("Alice")
    page.get_by_label("Nom (facultatif)", exact=True).fill("Durand")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_label("J'ai lu comment ESSor traite").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte e-mail")).to_be_visible()

    link = re.search(r"http://testserver(\S+)", mail.outbox[-1].body)[1]
    page.goto(link)
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()
    assert User.objects.get(email="alice@exemple.fr").has_confirmed_email

    page.get_by_label("Adresse e-mail").fill("alice@exemple.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_commune_picker_works_with_the_keyboard_only(page):
    page.goto("/territoires/")
    field = page.get_by_role("combobox", name="Aller à une commune")
    field.focus()
    page.keyboard.type("limog", delay=40)
    listbox = page.get_by_role("listbox")
    # Wait for the answer to the whole word: on a loaded machine the typing outlasts the
    # debounce and the list of "limo" is replaced by that of "limog".
    listbox.get_by_role("option").first.wait_for()
    page.wait_for_load_state("networkidle")
    expect(field).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", re.compile(".+"))
    active = field.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_text(re.compile("^Limoges"))
    screenshot(page, "selecteur-commune")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Limoges (87085)")
    expect(field).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_url("**/commune/87085/")
    expect(page.get_by_role("heading", name="Limoges")).to_be_visible()
    assert "CU Limoges Métropole" in page.content()
    assert axe_violations(page) == []


def test_commune_picker_without_javascript_explains_an_ambiguous_name(
    browser, live_server, geography
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/territoires/")
    page.get_by_label("Aller à une commune").fill("23000")
    page.get_by_role("button", name="Voir la commune").click()
    assert "Plusieurs communes correspondent" in page.content()
    page.get_by_label("Aller à une commune").fill("Guéret (23096)")
    page.get_by_role("button", name="Voir la commune").click()
    expect(page.get_by_role("heading", name="Guéret")).to_be_visible()
    context.close()
