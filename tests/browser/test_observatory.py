from playwright.sync_api import expect

from essor.directory.enums import EssFamily
from essor.observatory.refresh import refresh_indicators
from tests.observatory_fixtures import make_establishments

from .conftest import axe_violations, screenshot

# Enough establishments in enough places for most cells to be published, and a
# commune with too few of them for the secret to show.
COMMUNES = {"87085": 40, "87154": 12, "86194": 30, "33063": 60, "33281": 9, "19272": 8}


def observed_region():
    for index, (commune, count) in enumerate(COMMUNES.items()):
        make_establishments(commune, count, band="11", synthetic=True)
        make_establishments(commune, count // 3 + 1, family=EssFamily.COOPERATIVE, band="02")
        make_establishments(commune, count // 4 + index, naf="88.10A", band="12")
    make_establishments("23096", 2, band="01")
    refresh_indicators()


def test_the_dashboard_passes_axe_and_its_map_leads_to_a_portrait(page):
    observed_region()
    page.goto("/observatoire/")
    expect(
        page.get_by_role("heading", name="Observatoire de l'ESS en Nouvelle-Aquitaine")
    ).to_be_visible()
    expect(page.get_by_text("Données de démonstration", exact=True)).to_be_visible()
    # The page opens on the key figures, its contents and the maps; each table is
    # folded under its chart, one click away.
    table = page.get_by_role("table", name="Établissements et salariés par famille de l'ESS")
    expect(page.get_by_role("navigation", name="Sur cette page")).to_be_visible()
    expect(table).to_be_hidden()
    page.get_by_role(
        "link", name="Établissements et salariés par famille de l'ESS", exact=True
    ).click()
    section = page.get_by_role("region", name="Établissements et salariés par famille de l'ESS")
    section.get_by_text("Voir le tableau").click()
    expect(table).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "observatoire-tableau-de-bord", full_page=True)

    page.get_by_role("link", name="Haute-Vienne : ").click()
    page.wait_for_url("**/observatoire/departement/87/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "L'ESS dans le département Haute-Vienne (87)"
    )
    assert axe_violations(page) == []
    screenshot(page, "observatoire-fiche-departement", full_page=True)


def test_the_map_indicator_can_be_changed_with_the_keyboard(page):
    observed_region()
    page.goto("/observatoire/")
    page.get_by_label("Indicateur des cartes").select_option("etablissements")
    page.get_by_role("button", name="Afficher").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**indicateur=etablissements**")
    assert (
        page.locator("#carte-departements").text_content()
        == "Établissements de l'ESS par département"
    )
    assert (
        page.get_by_role("link", name="Haute-Vienne : ")
        .get_attribute("aria-label")
        .endswith("établissements")
    )


def test_a_portrait_prints_without_menus_or_download_links(page):
    observed_region()
    page.goto("/observatoire/epci/248719312/")
    page.emulate_media(media="print")
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.locator(".obs-downloads").first).to_be_hidden()
    expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    screenshot(page, "observatoire-fiche-epci-impression", full_page=True)


def test_the_pages_break_no_content_security_rule(browser, live_server, geography):
    observed_region()
    # No bypass here: an inline style or script would be reported on the console.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    for url in ("/observatoire/", "/observatoire/departement/33/", "/observatoire/methode/"):
        page.goto(url)
    context.close()
    assert [m for m in messages if "Content Security Policy" in m] == []
