import re

import pytest
from playwright.sync_api import expect

from essor.initiatives.report import load_report_initiatives

from .conftest import axe_violations, horizontal_overflow, screenshot

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
CAPTION = "Comparaison des formes juridiques de l'ESS"


@pytest.fixture
def report_examples(geography):
    # Transactional tests empty the tables the data migration filled: load them again.
    load_report_initiatives()


def test_legal_forms_table_passes_axe_and_scrolls_with_the_keyboard_on_a_desktop(page):
    page.set_viewport_size(DESKTOP)
    page.goto("/ressources/formes-juridiques/")
    table = page.get_by_role("table", name=CAPTION)
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Réserves impartageables")).to_be_visible()
    assert table.get_by_role("rowheader", name="SCIC").count() == 1
    assert page.locator(".legal-form-cards").is_hidden()
    assert axe_violations(page) == []

    screenshot(page, "formes-juridiques-bureau")

    # The scroll region is reached with Tab and scrolled with the arrow keys.
    page.get_by_role("link", name="Répondez à quatre questions").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('legal-forms-table')")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.legal-forms-table').scrollLeft > 0")
    screenshot(page, "formes-juridiques-bureau-defile")


def test_legal_forms_read_well_on_a_phone(page):
    page.set_viewport_size(PHONE)
    page.goto("/ressources/formes-juridiques/")
    assert page.get_by_role("table", name=CAPTION).is_hidden()
    cards = page.locator(".legal-form-cards > li")
    assert cards.count() == 10
    expect(cards.first.get_by_role("heading", name="Association loi 1901")).to_be_visible()
    expect(cards.first.get_by_text("Réserves impartageables")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "formes-juridiques-telephone", full_page=True)
    page.get_by_role("navigation", name="Aller à une forme").get_by_role(
        "link", name="Fonds de dotation"
    ).click()
    expect(page.locator("#fiche-fonds-de-dotation")).to_be_visible()
    screenshot(page, "formes-juridiques-telephone-ecran")


def test_the_form_chooser_works_without_javascript(browser, live_server, geography):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/ressources/quelle-forme-pour-mon-projet/")
    page.get_by_label("Les personnes qui vont y travailler, ensemble").check()
    page.get_by_label("Des ventes de biens ou de services").check()
    page.get_by_label("Une petite part pourra revenir").check()
    page.get_by_label("En partie").check()
    page.get_by_role("button", name="Voir les formes adaptées").click()
    expect(page).to_have_url(re.compile("qui=salaries"))
    suggestions = page.get_by_role("region", name="Nos suggestions")
    assert suggestions.get_by_role("heading", level=3).first.inner_text().startswith("SCOP")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "quelle-forme-telephone", full_page=True)
    context.close()


def test_the_form_chooser_and_what_is_ess_pass_axe(page):
    page.goto(
        "/ressources/quelle-forme-pour-mon-projet/?qui=multi&activite=mixte&benefices=encadre&utilite=principal"
    )
    expect(page.get_by_role("heading", name="Nos suggestions")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/ressources/qu-est-ce-que-l-ess/")
    expect(page.get_by_text("plus de 220 500 salariés", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/ressources/formations/")
    assert axe_violations(page) == []


def test_initiatives_search_works_without_javascript(browser, live_server, report_examples):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/initiatives/")
    expect(page.get_by_role("heading", name="38 initiatives")).to_be_visible()
    page.get_by_label("Mots-clés").fill("rendez vous d'affaires")
    page.get_by_label("Axe").select_option("cooperer")
    page.get_by_role("search", name="Rechercher une initiative").get_by_role("button").click()
    expect(page).to_have_url(re.compile("axe=cooperer"))
    page.get_by_role("link", name="Les Espresso").click()
    expect(page.get_by_role("heading", name="Les Espresso", level=1)).to_be_visible()
    expect(page.get_by_text("CRESS Poitou-Charentes", exact=True)).to_be_visible()
    context.close()


def test_initiative_pages_pass_axe_and_read_well_on_a_phone(page, report_examples):
    page.goto("/initiatives/?axe=innover")
    expect(page.get_by_role("heading", name="14 initiatives trouvées")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Association Pivoine").click()
    expect(page.get_by_text("Source : L'économie sociale et solidaire")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Signaler un contenu inapproprié").click()
    assert axe_violations(page) == []

    page.set_viewport_size(PHONE)
    page.goto("/initiatives/")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "initiatives-telephone")
    page.goto("/initiatives/les-espresso/")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "initiative-telephone", full_page=True)


def test_a_member_proposes_an_initiative_with_the_keyboard_friendly_form(page):
    from tests.factories.accounts import PASSWORD
    from tests.factories.directory import MembershipFactory

    member = MembershipFactory(organisation__name="Les Jardins du Limousin").user
    page.goto("/compte/connexion/?next=/initiatives/proposer/")
    page.get_by_label("Adresse e-mail").fill(member.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/initiatives/proposer/")
    assert axe_violations(page) == []
    page.get_by_label("Titre").fill("Jardin partagé de Beaubreuil")
    page.get_by_label("Résumé").fill("Un jardin cultivé par les habitants.")
    page.get_by_label("Description (Markdown)").fill("Ouvert aux écoles le mercredi.")
    page.get_by_role("group", name="Axe").get_by_label("Coopérer").check()
    page.get_by_role("group", name="Coopérer").get_by_label("Coopération territoriale").check()
    page.get_by_label("Haute-Vienne (87)").check()
    page.get_by_role("button", name="Enregistrer et soumettre à la CRESS").click()
    expect(page.get_by_role("heading", name="Jardin partagé de Beaubreuil")).to_be_visible()
    expect(page.get_by_text("transmise à l'équipe de la CRESS")).to_be_visible()
    assert "En attente de modération" in page.content()
    assert axe_violations(page) == []
