"""The financing catalog in a real browser: filters with the keyboard, a tool page,
"Mes financements possibles", and axe-core on each."""

import re

from playwright.sync_api import expect

from essor.financing import demo

from .conftest import axe_violations, screenshot


def test_the_catalog_filters_opens_a_tool_and_passes_axe(page):
    demo.load()
    page.goto("/financement/")
    expect(page.get_by_role("heading", level=1, name="Financer son projet")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "financement-catalogue")

    page.get_by_label("Instrument").select_option(label="Titres associatifs")
    page.get_by_label("Code INSEE de la commune").fill("79191")
    page.get_by_label("Code INSEE de la commune").press("Enter")
    page.get_by_role("status").filter(has_text="1 outil de financement").wait_for()
    expect(page).to_have_url(re.compile("instrument=associative_securities"))
    assert axe_violations(page) == []

    page.get_by_role("link", name="Titres associatifs").click()
    page.get_by_role("heading", level=1, name="Titres associatifs").wait_for()
    expect(page.get_by_text("Démonstration : les montants et les dates")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(
        "/financement/mes-financements-possibles/?beneficiary=association&phase=development&commune=19139"
    )
    page.get_by_role("heading", name="Outils écartés").wait_for()
    expect(page.get_by_role("link", name="Fonds de dotation la Solidaire").first).to_be_visible()
    page.get_by_text("Cap Amorçage — pourquoi pas ?").click()
    expect(page.get_by_text("Finance seulement les étapes").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "financement-mes-financements", full_page=True)
