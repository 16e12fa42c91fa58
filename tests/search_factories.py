"""Factories for the directory search tests: listed organisations and their
establishments placed in real communes of the test geography."""

import factory

from essor.directory.enums import EssFamily
from essor.directory.models import Establishment, Label
from essor.territories.models import Commune
from tests.factories import OrganisationFactory

LIMOGES = "87085"
GUERET = "23096"
TULLE = "19272"
BORDEAUX = "33063"
SAINT_JUNIEN = "87154"


class ListedOrganisationFactory(OrganisationFactory):
    """An active association: what the public directory lists."""

    ess_family = EssFamily.ASSOCIATION
    legal_category = "9220"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(ListedOrganisationFactory)
    commune = factory.LazyFunction(lambda: Commune.objects.get(code=LIMOGES))
    postal_code = "87000"
    naf = "88.99B"
    headcount_band = "11"
    is_employer = True
    is_head_office = True


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"label-{n}")
    name = factory.Sequence(lambda n: f"Label {n}")
    kind = "label"


def commune(code):
    return Commune.objects.get(code=code)
