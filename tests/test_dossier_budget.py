"""The CERFA 12156 budget editor and the summary before submission (issue 15.7)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from essor.financing.enums import BudgetScope, Instrument
from essor.financing.models import BudgetLine, Dossier, FundingRequest
from tests.factories.directory import OrganisationFactory
from tests.factories.financing import ToolFactory, applicant, budget, ready_dossier

pytestmark = pytest.mark.django_db


def funding_data(lines):
    data = {"form-TOTAL_FORMS": str(len(lines)), "form-INITIAL_FORMS": "0"}
    for index, (funder, tool, amount) in enumerate(lines):
        data |= {
            f"form-{index}-funder": str(funder.pk), f"form-{index}-tool": str(tool.pk) if tool else "",
            f"form-{index}-amount_asked": amount, f"form-{index}-status": "planned",
        }  # fmt: skip
    return data


def test_the_amount_asked_in_the_tour_de_table_is_the_budgets_subsidy_line(client):
    user, organisation = applicant()
    region = OrganisationFactory(name="Région Nouvelle-Aquitaine")
    bank = OrganisationFactory(name="France Active")
    grant = ToolFactory(title="Subvention ESS", funders=[region], instrument=Instrument.GRANT)
    loan = ToolFactory(title="Prêt solidaire", funders=[bank], instrument=Instrument.LOAN)
    dossier = Dossier.objects.create(organisation=organisation, title="Recyclerie")
    client.force_login(user)
    url = reverse("financing:dossier_funding", args=[dossier.pk])
    client.post(url, funding_data([(region, grant, "12000"), (bank, loan, "20000")]))

    # The subsidy is the project budget's line 74; the loan is no product of the budget.
    (line,) = BudgetLine.objects.filter(dossier=dossier)
    assert (line.scope, line.account, line.label, line.amount) == (
        BudgetScope.PROJECT, "74", "Région Nouvelle-Aquitaine", Decimal("12000.00"),
    )  # fmt: skip
    # Changed in the tour de table, changed in the budget.
    funding = dossier.funding_lines.get(funder=region)
    data = funding_data([(region, grant, "15000")]) | {
        "form-INITIAL_FORMS": "1", "form-0-id": str(funding.pk),
    }  # fmt: skip
    client.post(url, data)
    line.refresh_from_db()
    assert line.amount == Decimal("15000.00")

    budget_url = reverse("financing:dossier_budget", args=[dossier.pk, "project"])
    page = client.get(budget_url).content.decode()
    assert "Subventions demandées dans le tour de table" in page
    assert "15\u202f000,00 €" in page  # shown, and counted in the totals
    assert 'Total des produits</dt><dd data-total="products">15\u202f000,00 €' in page
    # Typing it a second time in the budget is refused, in French, and nothing is saved.
    twice = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
        "form-0-account": "74", "form-0-label": "Région Nouvelle-Aquitaine", "form-0-amount": "15000",
    }  # fmt: skip
    response = client.post(budget_url, twice)
    assert response.status_code == 400
    assert "vient de là, ne le saisissez pas une seconde fois" in response.content.decode()
    assert BudgetLine.objects.filter(dossier=dossier).count() == 1


def test_a_subsidy_line_typed_before_the_tour_de_table_becomes_its_line(client):
    user, organisation = applicant()
    region = OrganisationFactory(name="Région Nouvelle-Aquitaine")
    ToolFactory(funders=[region])
    dossier = Dossier.objects.create(organisation=organisation, title="Recyclerie")
    budget(dossier, BudgetScope.PROJECT, [("74", "Région Nouvelle-Aquitaine", "9000")])
    client.force_login(user)
    client.post(
        reverse("financing:dossier_funding", args=[dossier.pk]),
        funding_data([(region, None, "10000")]),
    )
    (line,) = BudgetLine.objects.filter(dossier=dossier)
    assert line.amount == Decimal("10000.00") and line.funding_line is not None


def test_add_a_line_without_javascript_keeps_what_was_typed_and_saves_nothing(client):
    user, organisation = applicant()
    dossier = Dossier.objects.create(organisation=organisation, title="Recyclerie")
    client.force_login(user)
    url = reverse("financing:dossier_budget", args=[dossier.pk, "project"])
    page = client.get(url).content.decode()
    assert page.count('<fieldset class="budget-line">') == 2  # one blank line, one template
    assert "Ajouter une ligne" in page and "financing/budget.js" in page
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0",
        "form-0-account": "64", "form-0-label": "Salaires", "form-0-amount": "1000",
        "ajouter-ligne": "1",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="form-TOTAL_FORMS" value="2"' in html
    assert 'value="Salaires"' in html and 'name="form-1-account"' in html
    assert not BudgetLine.objects.exists()
    # The blank line added is ignored when the form is saved.
    data.pop("ajouter-ligne")
    data["form-TOTAL_FORMS"] = "2"
    assert client.post(url, data).status_code == 302
    assert BudgetLine.objects.get().label == "Salaires"


def test_the_summary_shows_whats_missing_each_tools_eligibility_and_asks_to_confirm(client):
    user, organisation = applicant()  # an association
    region = OrganisationFactory(name="Région Nouvelle-Aquitaine")
    scop_only = ToolFactory(title="Fonds SCOP", funders=[region], beneficiaries=["scop"])
    dossier = ready_dossier(organisation, user, [region])
    dossier.funding_lines.update(tool=scop_only)
    client.force_login(user)
    url = reverse("financing:dossier_submit", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Rien : le dossier est complet." in page
    assert "Fonds SCOP" in page and "la structure ne semble pas éligible" in page
    assert "Région Nouvelle-Aquitaine" in page
    assert "Je confirme l&#x27;envoi du dossier" in page

    dossier.sworn_accurate = False
    dossier.save()
    page = client.get(url).content.decode()
    assert "Les déclarations sur l&#x27;honneur doivent être cochées." in page
    assert "Déposer auprès des financeurs" not in page
    assert client.post(url, {"confirm": "on"}).status_code == 400
    assert not FundingRequest.objects.exists()
