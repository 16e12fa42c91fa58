import json
import os
from pathlib import Path

import pytest

from essor.territories.loader import load_territories
from essor.territories.models import Commune
from tests.conftest import SAMPLE_GEOGRAPHY

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(os.environ.get("ESSOR_SCREENSHOTS", "/tmp/essor-screenshots"))


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(__file__).parent in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Chromium absent : installez-le avec « apt-get install chromium »."
        if os.environ.get("ESSOR_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between two page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # expect() waits for the page (a click's navigation, htmx) as long as an action does.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def geography(transactional_db):
    # Transactional tests empty the tables after each test: reload when needed.
    if not Commune.objects.exists():
        load_territories(SAMPLE_GEOGRAPHY)


@pytest.fixture
def page(browser, live_server, geography):
    # bypass_csp only so that the test can inject axe-core; the pages' own scripts
    # are all same-origin files.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"erreurs JavaScript : {errors}"


def axe_violations(page, impacts=("serious", "critical")):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {json.dumps([n['target'] for n in v['nodes']])}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name, **kwargs):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **kwargs)


def log_in(page, user, next_url):
    """Log in through the form as `user` (a factory user, PASSWORD) and land on `next_url`."""
    from tests.factories.accounts import PASSWORD

    page.context.clear_cookies()
    page.goto(f"/compte/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{next_url}")


def horizontal_overflow(page):
    """How many pixels the page scrolls sideways (0 or less: none)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
