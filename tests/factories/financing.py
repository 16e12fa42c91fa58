"""Financing: tools of the catalogue, funders and applicants, dossiers ready to submit."""

from decimal import Decimal

import factory

from essor.financing.enums import (
    BudgetScope,
    Instrument,
    LineStatus,
    ToolStatus,
)
from essor.financing.models import BudgetLine, Dossier, FinancingTool, FundingLine
from essor.territories.areas import replace_areas

from .accounts import UserFactory
from .directory import MembershipFactory, OrganisationFactory


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancingTool
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Outil de financement n°{n}")
    summary = "Un outil pour les structures de l'ESS."
    instrument = Instrument.GRANT
    status = ToolStatus.PUBLISHED

    @factory.post_generation
    def funders(self, create, extracted, **kwargs):
        self.refresh_index()
        if create:
            self.save()
            if extracted:
                self.funders.set(extracted)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        """areas=[(level, code, label)]; the whole région by default."""
        if create:
            replace_areas(self, extracted or [("region", "75", "Nouvelle-Aquitaine")])


def funder_member(organisation=None):
    """A user with the funder role, member of a funder organisation."""
    organisation = organisation or OrganisationFactory()
    user = UserFactory(funder=True)
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def applicant(organisation=None):
    organisation = organisation or OrganisationFactory(ess_family="association")
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def budget(dossier, scope, lines):
    for account, label, amount in lines:
        BudgetLine.objects.create(
            dossier=dossier, scope=scope, account=account, label=label, amount=Decimal(amount)
        )


def ready_dossier(organisation, user, funders, *, amounts=None, total="30000.00"):
    """A dossier that can be submitted: balanced budgets, declarations, a tour de table
    with one line per funder."""
    dossier = Dossier.objects.create(
        organisation=organisation,
        created_by=user,
        title="Recyclerie solidaire",
        description="Ouvrir une recyclerie qui emploie des personnes en insertion.",
        sworn_accurate=True,
        sworn_obligations=True,
    )
    amounts = amounts or [Decimal(total) / len(funders)] * len(funders)
    budget(dossier, BudgetScope.STRUCTURE, [("64", "Salaires", "50000"), ("70", "Ventes", "50000")])
    project = [("60", "Achats", total)]
    project += [
        ("74", funder.name, str(amount)) for funder, amount in zip(funders, amounts, strict=True)
    ]
    budget(dossier, BudgetScope.PROJECT, project)
    for funder, amount in zip(funders, amounts, strict=True):
        FundingLine.objects.create(
            dossier=dossier, funder=funder, amount_asked=Decimal(amount), status=LineStatus.PLANNED
        )
    return dossier
