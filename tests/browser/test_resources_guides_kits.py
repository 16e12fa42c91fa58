"""A reader's path through a guide and a kit, at desktop and phone sizes, with axe: the
guide's contents, its « sur la plateforme » section and PDF link, the page it cites saying
« Cité dans les guides », then an awareness kit with its figures and downloads."""

import pytest
from playwright.sync_api import expect

from essor.financing.enums import Instrument
from tests.factories.financing import ToolFactory

from .conftest import axe_violations, horizontal_overflow, screenshot

SIZES = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 375, "height": 812}}


@pytest.mark.parametrize("size", SIZES)
def test_a_reader_goes_from_a_guide_to_a_cited_page_and_to_a_kit(page, size):
    ToolFactory(instrument=Instrument.HONOUR_LOAN, phases=["creation"])
    page.set_viewport_size(SIZES[size])
    page.goto("/ressources/")
    page.get_by_role("link", name="Financer son projet").click()
    expect(page.get_by_role("heading", level=1, name="Financer son projet")).to_be_visible()
    contents = page.get_by_role("navigation", name="Sommaire")
    assert contents.get_by_role("link", name="Sur la plateforme").count() == 1
    assert (
        page.get_by_role("link", name="Télécharger le PDF")
        .get_attribute("href")
        .endswith("/guide.pdf")
    )
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, f"guide-financer-{size}")

    page.get_by_role("link", name="La SCIC").click()
    cited = page.get_by_role("region", name="Cité dans les guides")
    expect(cited.get_by_role("link", name="Financer son projet")).to_be_visible()
    assert axe_violations(page) == []

    page.goto("/ressources/")
    page.get_by_role("link", name="Kits de sensibilisation").click()
    page.get_by_role("link", name="Kit pour les élus et leurs services").click()
    expect(page.get_by_role("heading", name="Plan de présentation")).to_be_visible()
    expect(page.get_by_role("link", name="Les chiffres clés (CSV)")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, f"kit-elus-{size}", full_page=True)
