"""A support actor writes a guide on the portal, the CRESS publishes it; the actor's edit
of the published guide then waits for the CRESS while the first version stays online —
in a real browser, at desktop and phone sizes, with axe."""

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory

from .conftest import axe_violations, horizontal_overflow, log_in

SIZES = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 390, "height": 844}}


def check(page):
    assert horizontal_overflow(page) <= 0
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_an_actor_writes_a_guide_the_cress_publishes_it_then_holds_its_edit(page, size):
    page.set_viewport_size(SIZES[size])
    organisation = EssOrganisationFactory(name="Boutique de gestion de la Creuse")
    actor = UserFactory(support_actor=True)
    MembershipFactory(user=actor, organisation=organisation)
    moderator = UserFactory(cress_staff=True)
    title = "Monter une association employeuse"

    log_in(page, actor, reverse("resources:guide_create"))
    check(page)
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Résumé", exact=True).fill("Les étapes pour embaucher son premier salarié.")
    page.get_by_label("Contenu (Markdown)").fill(
        "## Avant d'embaucher\n\nFaites le point sur le budget.\n\n"
        "## Les aides\n\nLe dispositif local d'accompagnement."
    )
    page.get_by_label("Association loi 1901", exact=True).check()
    page.get_by_role("button", name="Enregistrer et soumettre à la CRESS").click()
    page.get_by_text("Guide soumis à la CRESS").wait_for()
    check(page)

    log_in(page, moderator, reverse("resources:moderation"))
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    check(page)
    page.get_by_role("button", name="Publier cette version").click()
    page.get_by_text("version 1 : publiée").wait_for()

    page.context.clear_cookies()
    page.goto(reverse("resources:index"))
    page.get_by_role("link", name=title).click()
    contents = page.get_by_role("navigation", name="Sommaire")
    contents.get_by_role("link", name="Les aides").click()
    assert "Boutique de gestion de la Creuse" in page.content()
    assert page.get_by_role("link", name="Association loi 1901", exact=True).is_visible()
    check(page)

    log_in(page, actor, reverse("resources:my_guides"))
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Modifier ce guide").click()
    page.get_by_label("Contenu (Markdown)").fill(
        "## Avant d'embaucher\n\nLe groupement d'employeurs peut partager un poste."
    )
    page.get_by_role("button", name="Enregistrer et soumettre à la CRESS").click()
    page.get_by_text("La version publiée reste en ligne").wait_for()
    check(page)

    public = reverse("resources:page", args=["monter-une-association-employeuse"])
    page.context.clear_cookies()
    page.goto(public)
    assert "Faites le point sur le budget" in page.content()
    assert "groupement d'employeurs" not in page.content()

    log_in(page, moderator, reverse("resources:moderation"))
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Publier cette version").click()
    page.get_by_text("version 2 : publiée").wait_for()
    page.context.clear_cookies()
    page.goto(public)
    assert "groupement d'employeurs" in page.content()
    assert "Faites le point sur le budget" not in page.content()
