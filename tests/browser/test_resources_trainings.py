"""A support actor publishes a training; once the CRESS has published it, the orientation
results for volunteers in its département show it — in a real browser."""

from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.directory import EssOrganisationFactory, MembershipFactory

from .conftest import axe_violations, log_in


def test_a_published_training_reaches_volunteers_orientation_in_its_departement(page):
    organisation = EssOrganisationFactory(name="Ligue de l'enseignement de la Haute-Vienne")
    actor = UserFactory(support_actor=True)
    MembershipFactory(user=actor, organisation=organisation)
    title = "Être trésorier d'une association"

    create = reverse("resources:training_create")
    log_in(page, actor, create)
    assert axe_violations(page) == []
    page.get_by_label("Intitulé", exact=True).fill(title)
    page.get_by_label("Bénévoles", exact=True).check()
    page.get_by_label("Format", exact=True).select_option("presentiel")
    page.get_by_label("Durée", exact=True).fill("2 soirées (6 h)")
    page.get_by_label("Coût", exact=True).fill("Gratuit")
    page.locator("#id_territoire").select_option("d-87")  # « Territoire (facultatif) »
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("elle sera publiée après relecture par la CRESS").wait_for()

    results = reverse("support:results") + "?commune=87085&profil=volunteer"
    page.context.clear_cookies()
    page.goto(results)
    assert title not in page.content()

    moderator = UserFactory(cress_staff=True)
    log_in(page, moderator, reverse("resources:moderation"))
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Publication").click()
    page.get_by_text("publiée.").first.wait_for()

    page.context.clear_cookies()
    page.goto(results)
    link = page.get_by_role("link", name=title)
    link.wait_for()
    link.click()
    page.get_by_role("heading", name=title).wait_for()
    assert "Haute-Vienne" in page.content()
