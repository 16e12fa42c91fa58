"""The portal on a phone (390 × 844): a compact header behind a menu button, and no main
page that scrolls sideways."""

import io
import re

from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

PHONE = {"width": 390, "height": 844}


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def main_pages(page):
    """The home page, every section of the header, and a few pages one click deeper."""
    page.goto("/")
    sections = page.eval_on_selector_all(".main-nav a", "links => links.map(a => a.pathname)")
    assert len(sections) >= 6
    return ["/", *sections, "/recherche/?q=insertion", "/annuaire/?q=association"]


def test_no_main_page_scrolls_sideways_at_phone_width(page):
    load_demo()
    page.set_viewport_size(PHONE)
    overflowing = {}
    for url in main_pages(page):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            overflowing[url] = width
        screenshot(page, "telephone" + re.sub(r"[^a-z0-9]+", "-", url).rstrip("-"))
    assert overflowing == {}


def test_the_phone_header_opens_its_menu_from_the_keyboard(page):
    load_demo()
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    sections = page.get_by_role("navigation", name="Sections de la plateforme")
    expect(menu).to_be_visible()
    expect(sections).to_be_hidden()
    expect(page.get_by_role("note", name="Contenu de démonstration")).to_be_visible()
    # The first result of a page is on the first screen: the header stays short.
    assert page.locator(".site-header").bounding_box()["height"] < 150

    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    expect(sections).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "telephone-menu-ouvert")

    page.set_viewport_size({"width": 1366, "height": 900})
    expect(menu).to_be_hidden()
    expect(sections).to_be_visible()


def test_on_a_desktop_the_sections_fit_one_line_aligned_with_the_content(page):
    load_demo()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    links = page.locator(".main-nav a")
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
    assert len(tops) == 1
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert abs(links.first.bounding_box()["x"] - heading["x"]) <= 2
