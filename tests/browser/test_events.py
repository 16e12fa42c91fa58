"""The agenda in a browser: list, month view and event page on a desktop and a phone,
registration, axe-core."""

from datetime import timedelta

from django.utils import timezone

from essor.events.enums import EventKind, RegistrationStatus, Theme
from essor.events.models import Registration

from .conftest import axe_violations, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def login(page, user, next_url):
    from tests.factories.accounts import PASSWORD

    page.goto(f"/compte/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{next_url}")


def test_agenda_list_month_and_registration(page):
    from tests.factories.accounts import UserFactory
    from tests.factories.events import EventFactory
    from tests.factories.territories import GUERET, commune

    start = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0)
    event = EventFactory(
        title="Atelier coopération à Guéret",
        commune=commune(GUERET),
        kind=EventKind.WORKSHOP,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
        themes=[Theme.COOPERATION],
        description="Un **atelier** pour se rencontrer.",
    )
    for viewport, name in ((DESKTOP, "bureau"), (PHONE, "telephone")):
        page.set_viewport_size(viewport)
        page.goto("/agenda/")
        assert page.get_by_role("heading", name="Agenda de l'ESS").is_visible()
        page.get_by_label("Territoire").select_option("departement:23")
        page.get_by_role("button", name="Filtrer").click()
        assert page.get_by_role("link", name="Atelier coopération à Guéret").is_visible()
        assert axe_violations(page) == []
        assert horizontal_overflow(page) <= 0
        screenshot(page, f"agenda-liste-{name}", full_page=True)
        page.get_by_role("link", name="Vue par mois").click()
        assert page.get_by_role("link", name="Atelier coopération à Guéret").first.is_visible()
        assert axe_violations(page) == []
        assert horizontal_overflow(page) <= 0
        screenshot(page, f"agenda-mois-{name}", full_page=True)

    user = UserFactory()
    login(page, user, event.get_absolute_url())
    assert axe_violations(page) == []
    page.get_by_label("Votre structure (facultatif)").fill("SCOP des Monts")
    page.get_by_role("button", name="M'inscrire").click()
    assert page.get_by_text("Vous êtes inscrit").first.is_visible()
    assert Registration.objects.get(user=user).status == RegistrationStatus.CONFIRMED
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "agenda-evenement-inscrit", full_page=True)
