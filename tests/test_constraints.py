"""Structural rules the database itself refuses to break (CheckConstraints and unique
constraints), whatever the code that writes: a form, an importer, the admin or a script."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from essor.financing.models import Dossier, FinancingTool, FundingRequest
from essor.territories.models import Commune
from tests.factories.directory import EstablishmentFactory, MembershipFactory, OrganisationFactory
from tests.factories.financing import ToolFactory
from tests.factories.territories import LIMOGES

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_tool_closes_after_it_opens_and_asks_a_minimum_below_its_maximum():
    tool = ToolFactory(opens_on=DAY, closes_on=DAY, amount_min=1000, amount_max=1000)
    tools = FinancingTool.objects.filter(pk=tool.pk)
    refused(lambda: tools.update(closes_on=DAY - datetime.timedelta(days=1)))
    refused(lambda: tools.update(amount_min=5000))
    tools.update(closes_on=None, amount_max=None)  # either end may stay open
    tool.refresh_from_db()
    assert (tool.closes_on, tool.amount_min, tool.amount_max) == (None, 1000, None)


def test_a_dossier_ends_after_it_starts_and_a_request_gets_at_most_what_it_asked():
    organisation, funder = OrganisationFactory(), OrganisationFactory()
    dossier = Dossier.objects.create(organisation=organisation, title="Projet", starts_on=DAY)
    refused(
        lambda: Dossier.objects.filter(pk=dossier.pk).update(
            ends_on=DAY - datetime.timedelta(days=1)
        )
    )
    request = FundingRequest.objects.create(
        dossier=dossier, funder=funder, amount_asked=Decimal("1000")
    )
    requests = FundingRequest.objects.filter(pk=request.pk)
    refused(lambda: requests.update(amount_granted=Decimal("1000.01")))
    refused(lambda: requests.update(amount_granted=Decimal("-1")))
    requests.update(amount_granted=Decimal("1000"))


def test_a_position_is_never_half_known():
    establishment = EstablishmentFactory()
    refused(lambda: EstablishmentFactory(latitude=45.8, longitude=None))
    establishments = type(establishment).objects.filter(pk=establishment.pk)
    refused(lambda: establishments.update(longitude=None))
    establishments.update(latitude=None, longitude=None)  # an unplaced address
    communes = Commune.objects.filter(code=LIMOGES)
    refused(lambda: communes.update(latitude=None))


def test_a_person_belongs_to_an_organisation_once():
    membership = MembershipFactory()
    refused(lambda: MembershipFactory(user=membership.user, organisation=membership.organisation))
