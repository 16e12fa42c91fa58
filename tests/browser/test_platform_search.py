"""The platform search in a real browser: the header's box, /recherche/ grouped by kind,
one kind page by page — on a desktop and on a phone, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from essor.support.enums import HelpKind, OfferStatus
from essor.support.models import SupportOffer
from essor.support.services import offer_set_areas
from essor.territories.areas import AreaSpec
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory
from tests.factories.financing import ToolFactory
from tests.factories.territories import LIMOGES, commune

from .conftest import axe_violations, horizontal_overflow, screenshot

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def content(geography):
    gare = EssOrganisationFactory(name="Tiers-lieu de la Gare", description="Un **lieu** ouvert.")
    EstablishmentFactory(organisation=gare, commune=commune(LIMOGES))
    for number, title in enumerate(["Accompagner les tiers-lieux ruraux", "Ouvrir un tiers-lieu"]):
        offer = SupportOffer.objects.create(
            provider=gare,
            title=title,
            description=f"Une offre d'accompagnement n°{number}.",
            help_kinds=[HelpKind.INDIVIDUAL],
            status=OfferStatus.PUBLISHED,
        )
        offer_set_areas(offer, [AreaSpec("departement", "87", "Haute-Vienne (87)")])
    ToolFactory(title="Fonds d'amorçage des tiers-lieux", funders=[gare])


def test_the_header_box_leads_to_results_grouped_by_kind_on_a_desktop(page, content):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    box = page.get_by_label("Rechercher sur ESSor")
    box.fill("tiers-lieux")
    box.press("Enter")
    page.wait_for_url("**/recherche/?q=tiers-lieux")

    expect(page.get_by_role("heading", name="Recherche : « tiers-lieux »", level=1)).to_be_visible()
    kinds = page.get_by_role("navigation", name="Résultats par type")
    expect(kinds.get_by_role("link", name="Offres d'accompagnement (2)")).to_be_visible()
    expect(kinds.get_by_role("link", name="Financements (1)")).to_be_visible()
    expect(kinds.get_by_role("link", name="Structures de l'ESS (1)")).to_be_visible()
    offers = page.get_by_role("region", name="Offres d'accompagnement (2)")
    expect(offers.get_by_role("link", name="Accompagner les tiers-lieux ruraux")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "recherche-bureau", full_page=True)

    # The list of kinds jumps to a group; a result opens its page.
    kinds.get_by_role("link", name="Financements (1)").click()
    expect(page).to_have_url(re.compile("#type-financements$"))
    page.get_by_role("link", name="Fonds d'amorçage des tiers-lieux").click()
    expect(page.get_by_role("heading", name="Fonds d'amorçage des tiers-lieux")).to_be_visible()


def test_one_kind_is_chosen_with_the_keyboard_and_reads_well_on_a_phone(page, content):
    page.set_viewport_size(PHONE)
    page.goto("/recherche/?q=tiers-lieu")
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "recherche-telephone", full_page=True)

    page.get_by_label("Dans").select_option(label="Offres d'accompagnement")
    page.get_by_label("Que cherchez-vous ?").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**type=offres**")
    group = page.get_by_role("region", name="Offres d'accompagnement (2)")
    assert group.locator(".hit-title").count() == 2
    expect(page.get_by_role("link", name="Chercher dans tout ESSor")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "recherche-un-type-telephone", full_page=True)


def test_a_bad_kind_shows_its_error_next_to_the_field(page, content):
    page.goto("/recherche/?q=scop&type=pirates")
    assert page.get_by_role("alert").inner_text() == "Ce type de contenu est inconnu."
    assert page.get_by_label("Dans").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
