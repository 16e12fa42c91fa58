"""The dossier unique in a real browser, as an applicant fills it."""

from essor.financing.models import Dossier, FundingLine
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory, applicant

from .conftest import axe_violations, log_in, screenshot


def test_the_tour_de_table_saves_one_line_and_ignores_the_blank_ones(page):
    user, organisation = applicant()
    funder = OrganisationFactory(name="France Active Nouvelle-Aquitaine")
    tool = ToolFactory(title="Prêt d'honneur solidaire", funders=[funder])
    dossier = Dossier.objects.create(organisation=organisation, created_by=user, title="Recyclerie")
    url = f"/financement/dossiers/{dossier.pk}/tour-de-table/"
    log_in(page, user, url)
    assert axe_violations(page) == []

    first = page.get_by_role("group", name="Financement 1")
    first.get_by_label("Financeur").select_option(label=funder.name)
    first.get_by_label("Outil").select_option(label=tool.title)
    first.get_by_label("Montant demandé (€)").fill("8000")
    # The three blank lines below it are left as they are: no « Supprimer » to tick.
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**{dossier.get_absolute_url()}")

    line = FundingLine.objects.get(dossier=dossier)
    assert (line.funder, line.tool, line.amount_asked) == (funder, tool, 8000)
    screenshot(page, "dossier-apres-tour-de-table")
