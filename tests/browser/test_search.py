"""The directory search in a real browser: typing, facets, the map, the back button."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from essor.directory.enums import LabelKind
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory, LabelFactory
from tests.factories.territories import BORDEAUX, LIMOGES, SAINT_JUNIEN, commune

from .conftest import axe_violations, screenshot

BLANK_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


@pytest.fixture
def directory(geography, settings):
    # No tile server in tests: every tile is this blank image, no request at all.
    settings.ESSOR_TILE_URL = BLANK_TILE
    tiers_lieu = LabelFactory(code="lieu-tiers-lieu", name="Tiers-lieu", kind=LabelKind.PLACE)
    for name, code, family in [
        ("Coopérative Limousin Actif", LIMOGES, "cooperative"),
        ("Coopérative du Pays de la Porcelaine", SAINT_JUNIEN, "cooperative"),
        ("Coopérative bordelaise de l'habitat", BORDEAUX, "cooperative"),
        ("Association des jardins de Limoges", LIMOGES, "association"),
    ]:
        place = commune(code)
        organisation = EssOrganisationFactory(name=name, ess_family=family)
        if "Porcelaine" in name:
            organisation.labels.add(tiers_lieu)
        EstablishmentFactory(
            organisation=organisation,
            commune=place,
            latitude=place.latitude + 0.002,
            longitude=place.longitude + 0.002,
        )


def query(page):
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def same_view(carte, expected):
    """Whether two `carte` values (lat,lon,zoom) are the same view: same zoom, centres
    within a pixel (0.0015° at zoom 10); a zoom's animation may end a fraction of a
    pixel away from where the URL first said."""
    (lat, lon, zoom), (lat2, lon2, zoom2) = (v.split(",") for v in (carte, expected))
    return (
        zoom == zoom2
        and abs(float(lat) - float(lat2)) < 0.0015
        and (abs(float(lon) - float(lon2)) < 0.0015)
    )


def test_search_filter_zoom_open_a_card_and_come_back(page, directory):
    page.goto("/annuaire/")
    page.get_by_role("heading", name="Carte des établissements").wait_for()
    page.locator(".leaflet-container").wait_for()

    page.get_by_label("Nom, sigle, activité, SIREN…").press_sequentially("coop", delay=60)
    page.wait_for_url(re.compile(r"q=coop"))
    results = page.locator("#search-results-title")
    assert re.search(r"3\s+structures", results.inner_text())

    page.get_by_label("Département").select_option("87")
    page.wait_for_url(re.compile(r"departement=87"))
    page.wait_for_function(
        "document.querySelector('#search-results-title').textContent.includes('2 structures')"
    )
    assert page.get_by_role("status").inner_text().startswith("2 structures")

    # The map framed the département; zoom in with its control.
    page.wait_for_function("document.querySelector('[data-search-map]').dataset.loaded === '2'")
    zoom_before = int(query(page)["carte"].split(",")[2])
    page.get_by_role("button", name="Zoom in").click()
    page.wait_for_function(
        f"new URL(location.href).searchParams.get('carte').split(',')[2] == '{zoom_before + 1}'"
    )
    carte = query(page)["carte"]

    # A point of the map, reached and opened with the keyboard.
    point = page.locator(".map-point").first
    point.wait_for()
    assert point.get_attribute("role") == "button"
    assert point.get_attribute("aria-label").endswith(": afficher la fiche")
    point.focus()
    page.keyboard.press("Enter")
    card = page.locator("#map-card")
    card.get_by_role("heading").wait_for()
    assert page.evaluate("document.activeElement.id") == "map-card-title"
    name = card.get_by_role("heading").inner_text()
    shown = page.locator("[data-search-map]").get_attribute("data-loaded")
    assert name in {"Coopérative Limousin Actif", "Coopérative du Pays de la Porcelaine"}
    assert axe_violations(page) == []
    screenshot(page, "annuaire-recherche-carte", full_page=True)

    card.get_by_role("link", name=f"Voir la fiche de {name}").click()
    page.wait_for_url(re.compile(r"/annuaire/structure/\d+/"))

    page.go_back()
    page.wait_for_url(re.compile(r"departement=87"))
    page.locator(".leaflet-container").wait_for()
    assert query(page)["q"] == "coop"
    assert same_view(query(page)["carte"], carte)
    assert page.get_by_label("Nom, sigle, activité, SIREN…").input_value() == "coop"
    assert page.get_by_label("Département").input_value() == "87"
    assert re.search(r"2\s+structures", results.inner_text())
    page.wait_for_function(
        f"document.querySelector('[data-search-map]').dataset.loaded === '{shown}'"
    )
    # The form carries the view the page came back to, which is the view left.
    expect(page.locator("#id_carte")).to_have_value(query(page)["carte"])
    assert same_view(page.locator("#id_carte").input_value(), carte)

    # One step further back: the search before the département was chosen.
    page.go_back()
    page.wait_for_function("!location.search.includes('departement')")
    page.wait_for_function(
        "document.querySelector('#search-results-title').textContent.includes('3 structures')"
    )
    assert page.get_by_label("Département").input_value() == ""


def test_search_in_this_zone_filters_the_list_by_the_map(page, directory):
    page.goto("/annuaire/?q=coop")
    page.wait_for_function("document.querySelector('[data-search-map]').dataset.loaded === '3'")
    page.locator("#id_commune").fill("Limoges (87085)")
    page.locator("#id_commune").dispatch_event("change")
    page.wait_for_url(re.compile(r"commune=Limoges"))
    page.get_by_role("button", name="Rechercher dans cette zone").click()
    page.wait_for_url(re.compile(r"zone="))
    expect(page.get_by_text("Résultats limités à la zone choisie sur la carte")).to_be_visible()
    page.get_by_role("link", name="Retirer cette zone").click()
    page.wait_for_function("!location.search.includes('zone=')")
    assert axe_violations(page) == []


def test_a_kind_of_place_of_the_ess_narrows_the_list_and_the_map(page, directory):
    page.goto("/annuaire/?q=coop")
    page.wait_for_function("document.querySelector('[data-search-map]').dataset.loaded === '3'")
    place = page.get_by_label("Lieu de l'ESS")
    expect(place.locator("option")).to_have_text(["Tous", "Tiers-lieu (1)"])
    place.select_option("lieu-tiers-lieu")
    page.wait_for_url(re.compile(r"lieu=lieu-tiers-lieu"))
    page.wait_for_function(
        "document.querySelector('#search-results-title').textContent.includes('1 structure')"
    )
    expect(page.locator(".search-results")).to_contain_text("Coopérative du Pays de la Porcelaine")
    page.wait_for_function("document.querySelector('[data-search-map]').dataset.loaded === '1'")
    chip = page.get_by_role("link", name=re.compile("Lieu de l'ESS : Tiers-lieu"))
    expect(chip).to_be_visible()
    assert axe_violations(page) == []
    chip.click()
    page.wait_for_function("!location.search.includes('lieu=')")
    page.wait_for_function("document.querySelector('[data-search-map]').dataset.loaded === '3'")


def test_the_search_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/annuaire/")
    page.get_by_label("Nom, sigle, activité, SIREN…").fill("coop")
    page.get_by_label("Département").select_option("87")
    page.get_by_role("search", name="Rechercher une structure").get_by_role("button").click()
    expect(page).to_have_url(re.compile("departement=87"))
    assert re.search(r"2\s+structures", page.locator("#search-results-title").inner_text())
    expect(page.get_by_text("La carte s'affiche quand JavaScript est activé")).to_be_visible()
    context.close()


def test_on_a_phone_the_filters_fold_the_criteria_are_chips_and_the_map_is_a_toggle(
    page, directory
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/annuaire/?q=coop&departement=87")
    filters = page.get_by_role("button", name="Filtrer (2 actifs)")
    family = page.get_by_role("group", name="Famille de l'ESS")
    expect(filters).to_be_visible()
    expect(family).to_be_hidden()
    # The first result is on the first screen.
    first = page.locator(".search-result").first
    assert first.bounding_box()["y"] < 844

    filters.click()
    expect(filters).to_have_attribute("aria-expanded", "true")
    expect(family).to_be_visible()
    # A criterion removed from its chip: the search without it.
    chips = page.get_by_role("list", name="Critères de la recherche")
    expect(chips.get_by_role("link", name="« coop » : retirer ce critère")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "annuaire-telephone-filtres")
    chips.get_by_role("link", name="Département : Haute-Vienne : retirer ce critère").click()
    page.wait_for_url(re.compile(r"/annuaire/\?q=coop$"))
    assert re.search(r"3\s+structures", page.locator("#search-results-title").inner_text())

    # The list or the map, one at a time; the map is drawn at its size when shown.
    expect(page.locator(".search-map")).to_be_hidden()
    page.get_by_role("button", name="Carte").click()
    page.locator(".leaflet-container").wait_for()
    assert page.locator(".search-map-canvas").bounding_box()["width"] > 300
    expect(page.locator("#search-dynamic")).to_be_hidden()
    page.get_by_role("button", name="Liste").click()
    expect(page.locator("#search-dynamic")).to_be_visible()

    # On a desktop everything is shown at once.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.get_by_role("button", name="Carte")).to_be_hidden()
    expect(family).to_be_visible()
    expect(page.locator(".search-map")).to_be_visible()


@pytest.mark.parametrize("tiles", ["", "http://127.0.0.1:9/{z}/{x}/{y}.png"])
def test_without_a_tile_server_the_map_draws_the_shipped_outlines(page, directory, settings, tiles):
    # No URL configured, or a server that does not answer (offline, an intranet).
    settings.ESSOR_TILE_URL = tiles
    page.goto("/annuaire/?departement=87")
    outlines = page.locator(".leaflet-outlines-pane path")
    outlines.nth(100).wait_for(state="attached")  # those off the view are empty
    assert outlines.count() >= 109  # 96 départements and 13 régions
    # Zoomed in on the Haute-Vienne, the EPCI are drawn too (fetched only then).
    epcis = page.locator(".leaflet-outlines-pane path.outline-epci")
    epcis.nth(1000).wait_for(state="attached")
    assert epcis.count() == 1232  # every metropolitan EPCI
    page.locator(".map-cluster, .map-point").first.wait_for()
    assert "Contours approximatifs" in page.locator(".leaflet-control-attribution").inner_text()
    screenshot(page, "annuaire-carte-hors-ligne")
