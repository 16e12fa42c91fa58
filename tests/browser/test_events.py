"""The agenda in a browser: list, month view and event page on a desktop and a phone,
registration, axe-core."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from essor.events.enums import EventKind, RegistrationStatus, Theme
from essor.events.models import Registration

from .conftest import axe_violations, horizontal_overflow, log_in, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_agenda_list_month_and_registration(page):
    page.set_default_timeout(30_000)  # a loaded machine
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
        expect(page.get_by_role("heading", name="Agenda de l'ESS")).to_be_visible()
        page.get_by_label("Territoire").select_option("departement:23")
        page.get_by_role("button", name="Filtrer").click()
        expect(page.get_by_role("link", name="Atelier coopération à Guéret")).to_be_visible()
        assert axe_violations(page) == []
        assert horizontal_overflow(page) <= 0
        screenshot(page, f"agenda-liste-{name}", full_page=True)
        page.get_by_role("link", name="Vue par mois").click()
        expect(page.get_by_role("link", name="Atelier coopération à Guéret").first).to_be_visible()
        assert axe_violations(page) == []
        assert horizontal_overflow(page) <= 0
        screenshot(page, f"agenda-mois-{name}", full_page=True)

    user = UserFactory()
    log_in(page, user, event.get_absolute_url())
    assert axe_violations(page) == []
    page.get_by_label("Votre structure (facultatif)").fill("SCOP des Monts")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Vous êtes inscrit").first).to_be_visible()
    assert Registration.objects.get(user=user).status == RegistrationStatus.CONFIRMED
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "agenda-evenement-inscrit", full_page=True)


def logout(page):
    page.context.clear_cookies()


def test_an_espresso_from_creation_to_the_organisers_figures(page):
    """Acceptance: creation, registration, offers and needs, requests, scheduling,
    outcomes and the organiser's figures; desktop and 390 px, axe on every screen."""
    from essor.events.models import BusinessMeetings, Event, Meeting
    from essor.purchasing.categories import sync_categories
    from tests.factories.accounts import UserFactory
    from tests.factories.directory import MembershipFactory

    page.set_default_timeout(30_000)  # a loaded machine
    sync_categories()  # transactional tests empty the tables the migrations filled
    organiser = UserFactory(cress_staff=True)
    MembershipFactory(user=organiser, organisation__name="CRESS Poitou-Charentes")
    buyer, cleaner = UserFactory(), UserFactory()
    page.set_viewport_size(DESKTOP)

    # 1. The organiser creates the event and its business meetings.
    log_in(page, organiser, "/agenda/proposer/")
    start = (timezone.localtime() + timedelta(days=5)).replace(hour=8, minute=30)
    page.get_by_label("Titre", exact=True).fill("Espresso de Niort")
    page.get_by_label("Type", exact=True).select_option(EventKind.BUSINESS)
    page.get_by_label("Structure organisatrice", exact=True).select_option(
        label="CRESS Poitou-Charentes"
    )
    page.get_by_label("Début", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fin", exact=True).fill(
        (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Commune (code INSEE)").fill("79191")
    page.get_by_label("Public", exact=True).select_option("professionnels")
    page.get_by_role("button", name="Proposer l'événement").click()
    page.get_by_role("button", name="Organiser les rendez-vous").click()
    page.wait_for_url("**/rendez-vous/organisation/")
    assert axe_violations(page) == []
    event = Event.objects.get(title="Espresso de Niort")
    meetings = BusinessMeetings.objects.get(event=event)
    assert meetings.slot_count == 12

    # 2. Two professionals register, state their offers and needs, and request meetings.
    for user, name, kind, box, group in (
        (
            cleaner,
            "Régie propreté du Marais",
            "Structure de l'ESS",
            "Nettoyage de locaux",
            "Ce que vous proposez",
        ),
        (buyer, "Ville de Niort", "Acheteur", "Nettoyage de locaux", "Ce que vous recherchez"),
    ):
        logout(page)
        log_in(page, user, event.get_absolute_url())
        page.get_by_role("button", name="M'inscrire").click()
        page.get_by_role("link", name="Mes rendez-vous d'affaires").click()
        page.get_by_label("Structure représentée").fill(name)
        page.get_by_role("group", name="Vous êtes").get_by_label(kind).check()
        # The purchase categories are folded by family: open one, tick a category.
        page.get_by_role("group", name=group).get_by_text("Propreté, déchets et recyclage").click()
        page.get_by_role("group", name=group).get_by_label(box).check()
        page.get_by_role("button", name="Participer").click()
        expect(page.get_by_text("Votre profil de participant est enregistré.")).to_be_visible()
    # The buyer is suggested the cleaning company, with why, and asks to meet it.
    suggestion = page.locator(".suggestions li", has_text="Régie propreté du Marais")
    assert "propose nettoyage de locaux, que vous recherchez" in suggestion.inner_text()
    suggestion.get_by_role("button", name="Demander").click()
    expect(page.get_by_text("Votre demande de rendez-vous est enregistrée.")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "espresso-participant-telephone", full_page=True)
    page.set_viewport_size(DESKTOP)

    # 3. The organiser closes the requests, runs the scheduler and confirms the schedule.
    logout(page)
    log_in(page, organiser, f"/agenda/{event.slug}/rendez-vous/organisation/")
    page.get_by_role("button", name="Clore les demandes").click()
    page.get_by_role("button", name="Établir le planning").click()
    page.wait_for_url("**/rendez-vous/organisation/")
    expect(page.get_by_text("rendez-vous placés")).to_be_visible()
    page.get_by_role("button", name="Confirmer le planning et l'envoyer").click()
    expect(page.get_by_text("Le planning est confirmé")).to_be_visible()
    page.get_by_role("link", name="Grille par créneau et table (imprimable)").click()
    grid = page.get_by_role(
        "table", name="Rendez-vous par créneau (lignes) et par table (colonnes)"
    )
    expect(grid).to_be_visible()  # the click's navigation has landed
    assert (
        grid.get_by_text("Régie propreté du Marais × Ville de Niort").count()
        + grid.get_by_text("Ville de Niort × Régie propreté du Marais").count()
        == 1
    )
    assert axe_violations(page) == []
    screenshot(page, "espresso-grille-bureau", full_page=True)

    # 4. After the event the buyer records the outcome.
    meeting = Meeting.objects.get()
    shift = timedelta(days=6)
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at - shift, ends_at=event.ends_at - shift
    )
    BusinessMeetings.objects.filter(pk=meetings.pk).update(
        first_slot_at=meetings.first_slot_at - shift,
        request_deadline=meetings.request_deadline - shift,
    )
    logout(page)
    log_in(page, buyer, f"/agenda/{event.slug}/rendez-vous/")
    agenda = page.get_by_role("table", name="Mes rendez-vous, créneau par créneau")
    expect(agenda.get_by_role("link", name="Régie propreté du Marais")).to_be_visible()
    page.get_by_label("Suite du rendez-vous avec Régie propreté du Marais").select_option("devis")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("La suite du rendez-vous est enregistrée.")).to_be_visible()
    meeting.refresh_from_db()
    assert "devis" in (meeting.first_outcome, meeting.second_outcome)

    # 5. The organiser's figures, on a desktop and a phone.
    logout(page)
    log_in(page, organiser, f"/agenda/{event.slug}/rendez-vous/organisation/")
    figures = page.get_by_role("table", name="Suites des rendez-vous, par type de participant")
    assert (
        figures.get_by_role("row", name="Acheteur").get_by_role("cell").nth(1).inner_text() == "1"
    )
    expect(page.get_by_text("1 rendez-vous confirmé, 1 avec une suite renseignée")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "espresso-chiffres-bureau", full_page=True)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []
    screenshot(page, "espresso-chiffres-telephone", full_page=True)
