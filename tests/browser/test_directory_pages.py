import io

from PIL import Image
from playwright.sync_api import expect

from essor.territories.models import Commune
from tests.factories.directory import EssOrganisationFactory, EstablishmentFactory, LabelFactory

from .conftest import axe_violations, screenshot


def blank_tile():
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (236, 234, 226)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_organisation_page_shows_its_establishments_on_a_map_and_passes_axe(page, settings):
    # No network in tests: the tile server answers with a plain tile.
    settings.ESSOR_TILE_URL = "https://tuiles.exemple.test/{z}/{x}/{y}.png"
    tile = blank_tile()
    page.route(
        "https://tuiles.exemple.test/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=tile),
    )
    organisation = EssOrganisationFactory(
        scop=True,
        name="Scop Exemple",
        website="https://www.scop-exemple.fr",
        description="Une coopérative **de production** en Limousin.\n\n<script>alert(1)</script>",
        sectors=["action_sociale"],
    )
    organisation.labels.add(LabelFactory(name="Entreprise d'insertion"))
    EstablishmentFactory(organisation=organisation, name="Siège de Limoges", is_head_office=True)
    EstablishmentFactory(
        organisation=organisation,
        name="Atelier de Guéret",
        commune=Commune.objects.get(code="23096"),
    )

    page.goto(organisation.get_absolute_url())
    expect(page.get_by_role("heading", level=1, name="Scop Exemple")).to_be_visible()
    expect(page.get_by_text("catégorie juridique 5458", exact=False)).to_be_visible()
    map_region = page.get_by_role("region", name="Carte des établissements")
    map_region.wait_for(state="visible")
    markers = page.locator(".leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == 2
    assert markers.first.get_attribute("alt").endswith(("Limoges", "Guéret"))
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    box = map_region.bounding_box()
    assert box["height"] > 200  # the height comes from the stylesheet, not an inline style
    assert axe_violations(page) == []
    screenshot(page, "fiche-structure", full_page=True)


def test_a_marker_opens_a_popup_with_the_establishment_name(page, settings):
    settings.ESSOR_TILE_URL = "https://tuiles.exemple.test/{z}/{x}/{y}.png"
    page.route("https://tuiles.exemple.test/**", lambda route: route.abort())
    organisation = EssOrganisationFactory(name="Association <b>Test</b>")
    EstablishmentFactory(organisation=organisation, name="")
    page.goto(organisation.get_absolute_url())
    marker = page.locator(".leaflet-marker-icon")
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # The name is text, never markup.
    assert popup.locator("strong").inner_text() == "Association <b>Test</b>"
    assert popup.locator("b").count() == 0
