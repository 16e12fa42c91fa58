"""Live search says it is searching (issue 15.8): the directory's results and the commune
picker show a loading indicator while their request runs, and hide it after."""

import re

from playwright.sync_api import expect

from .conftest import axe_violations


def hold_requests(page, pattern):
    """Hold the page's requests matching `pattern` until the test lets them go."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


def test_the_directory_search_shows_its_indicator_while_it_searches(page):
    page.goto("/annuaire/")
    indicator = page.locator("#recherche-en-cours")
    expect(indicator).to_be_hidden()
    held = hold_requests(page, "**/annuaire/?*")
    page.get_by_label("Nom, sigle, activité, SIREN…").fill("coopérative")
    indicator.wait_for(state="visible")
    assert axe_violations(page) == []
    for route in held:
        route.continue_()
    page.unroute("**/annuaire/?*")
    indicator.wait_for(state="hidden")


def test_the_commune_picker_shows_its_indicator_while_it_looks_up(page):
    page.goto("/annuaire/")
    held = hold_requests(page, "**/territoires/**")
    page.get_by_role("combobox", name=re.compile("^Commune")).fill("Guér")
    indicator = page.locator(".combobox .htmx-indicator").first
    indicator.wait_for(state="visible")
    for route in held:
        route.continue_()
    page.unroute("**/territoires/**")
    indicator.wait_for(state="hidden")
