"""The cooperation exchange in a browser: a need for a meeting room in Niort finds the
offers that fit, the two organisations write to each other, conclude, and the exchange
counts in the Deux-Sèvres portrait. On a desktop and at 390 px, checked by axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import axe_violations, horizontal_overflow, log_in, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def parties(geography):
    from essor.cooperation.enums import Direction, Kind
    from tests.factories.cooperation import ListingFactory
    from tests.factories.directory import EssOrganisationFactory, MembershipFactory
    from tests.factories.territories import NIORT, commune

    host = EssOrganisationFactory(name="Centre social du Clou Bouchet")
    seeker = EssOrganisationFactory(name="Compagnie des Deux Rives")
    ListingFactory(
        organisation=host,
        direction=Direction.OFFER,
        kind=Kind.PREMISES,
        category="salle-reunion",
        title="Salle de 40 m² le mardi",
        details={"surface_m2": 40, "availability": ["mar-journee"], "free": True},
        commune=commune(NIORT),
        radius_km=10,
    )
    # The seeker has published before: its new need opens at once.
    ListingFactory(organisation=seeker, kind=Kind.EQUIPMENT, title="Un vidéoprojecteur à prêter")
    return (
        MembershipFactory(organisation=host, user__email="hote@exemple.fr").user,
        MembershipFactory(organisation=seeker, user__email="compagnie@exemple.fr").user,
        seeker,
    )


def test_a_meeting_room_need_in_niort_from_publication_to_the_deux_sevres_portrait(
    page, browser, live_server, parties
):
    host, member, seeker = parties
    today = timezone.localdate()
    page.set_viewport_size(DESKTOP)
    url = f"/cooperation/structure/{seeker.pk}/publier/locaux/"
    log_in(page, member, url)
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Besoin").check()
    page.get_by_label("Intitulé").fill("Une salle pour notre conseil d'administration")
    page.get_by_label("Catégorie").select_option(label="salle de réunion")
    page.get_by_label("Commune où se trouve l'offre ou le besoin").fill("Niort (79191)")
    page.get_by_label("Rayon autour de la commune (km)").fill("15")
    page.get_by_label("À partir du").fill(today.isoformat())
    page.get_by_label("Jusqu'au").fill((today + datetime.timedelta(days=60)).isoformat())
    page.get_by_label("Surface (m²)").fill("25")
    page.get_by_label("mardi après-midi").check()
    page.get_by_label("Gratuit").check()
    screenshot(page, "cooperation-publier-bureau", full_page=True)
    page.get_by_role("button", name="Publier").click()

    expect(
        page.get_by_role("heading", name="Une salle pour notre conseil d'administration")
    ).to_be_visible()
    matches = page.get_by_role("region", name="Les offres qui correspondent")
    expect(matches.get_by_role("link", name="Salle de 40 m² le mardi")).to_be_visible()
    expect(matches.get_by_text("créneaux communs : mardi après-midi")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "cooperation-besoin-bureau", full_page=True)

    matches.get_by_role("link", name="Salle de 40 m² le mardi").click()
    page.get_by_label("Votre message").fill(
        "Bonjour, la salle serait-elle libre un mardi par mois ?"
    )
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("la salle serait-elle libre")).to_be_visible()
    assert "hote@exemple.fr" not in page.content()
    page.get_by_role("button", name="Partager mes coordonnées").click()
    thread_url = page.url

    # The host, on a phone.
    other = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    phone = other.new_page()
    phone.set_viewport_size(PHONE)
    log_in(phone, host, thread_url.replace(live_server.url, ""))
    expect(phone.get_by_text("la salle serait-elle libre")).to_be_visible()
    phone.get_by_label("Votre message").fill("Oui, le premier mardi du mois.")
    phone.get_by_role("button", name="Envoyer").click()
    phone.get_by_role("button", name="Partager mes coordonnées").click()
    expect(phone.get_by_role("link", name="compagnie@exemple.fr")).to_be_visible()
    assert horizontal_overflow(phone) <= 0
    assert axe_violations(phone) == []
    screenshot(phone, "cooperation-echange-telephone", full_page=True)

    phone.get_by_role("link", name="Marquer l'échange comme conclu").click()
    phone.get_by_label("m² partagés").fill("40")
    phone.get_by_label("Euros économisés").fill("480")
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Conclure").click()
    expect(phone.get_by_text("40 m² partagés")).to_be_visible()
    other.close()

    page.goto("/observatoire/departement/79/")
    section = page.get_by_role("region", name="Coopération")
    table = section.get_by_role("table")
    expect(table.get_by_role("rowheader", name="Locaux")).to_be_visible()
    assert "480" in table.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "cooperation-portrait-deux-sevres")
