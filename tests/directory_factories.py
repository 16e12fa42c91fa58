"""Directory factories any test may use: valid identifiers, real communes of the test
geography, compatible with tests.factories.OrganisationFactory."""

import factory
from django.utils import timezone

from essor.directory.enums import CoordinatePrecision, EssFamily, LabelKind, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.models import (
    Claim,
    EditSuggestion,
    Establishment,
    Label,
    Organisation,
    OrganisationChange,
)
from essor.territories.models import Commune

from .factories import OrganisationFactory, UserFactory


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"label-test-{n}")
    name = factory.Sequence(lambda n: f"Label de test n°{n}")
    kind = LabelKind.LABEL


class EssOrganisationFactory(OrganisationFactory):
    """An association of the ESS, as the SIRENE import makes it."""

    class Meta:
        model = Organisation

    siren = factory.Sequence(lambda n: with_luhn_key(f"{66000000 + n:08d}"))
    legal_category = "9220"
    ess_family = EssFamily.ASSOCIATION
    source = Source.SIRENE
    source_updated_at = factory.LazyFunction(timezone.now)

    class Params:
        scop = factory.Trait(legal_category="5458", ess_family=EssFamily.COOPERATIVE)
        outside_ess = factory.Trait(legal_category="5710", ess_family="")
        from_report = factory.Trait(siren=None, source=Source.REPORT, source_updated_at=None)
        synthetic = factory.Trait(is_synthetic=True, source=Source.SYNTHETIC)


def _commune():
    return Commune.objects.get(code="87085")  # Limoges


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(EssOrganisationFactory)
    siret = factory.LazyAttributeSequence(
        lambda o, n: (
            with_luhn_key(f"{o.organisation.siren}{n % 10000:04d}")
            if o.organisation.siren
            else None
        )
    )
    name = factory.Sequence(lambda n: f"Établissement n°{n}")
    address = factory.Sequence(lambda n: f"{n % 200 + 1} rue Jean Jaurès")
    commune = factory.LazyFunction(_commune)
    postal_code = factory.LazyAttribute(
        lambda o: o.commune.postal_codes[0] if o.commune and o.commune.postal_codes else ""
    )
    latitude = factory.LazyAttributeSequence(
        lambda o, n: (o.commune.latitude or 45.83) + (n % 7) * 0.002
    )
    longitude = factory.LazyAttributeSequence(
        lambda o, n: (o.commune.longitude or 1.26) + (n % 5) * 0.002
    )
    coordinate_precision = CoordinatePrecision.ADDRESS
    naf = "88.99B"
    headcount_band = "12"
    is_employer = True
    source = factory.SelfAttribute("organisation.source")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    organisation = factory.SubFactory(EssOrganisationFactory)
    user = factory.SubFactory(UserFactory)
    message = "Je suis la directrice."


class EditSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditSuggestion

    organisation = factory.SubFactory(EssOrganisationFactory)
    author = factory.SubFactory(UserFactory)
    proposed = factory.LazyFunction(lambda: {"website": "https://www.exemple-corrige.fr"})
    comment = "Le site a changé."


class OrganisationChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationChange

    organisation = factory.SubFactory(EssOrganisationFactory)
    author = factory.SubFactory(UserFactory)
    kind = "edit"
    changes = factory.LazyFunction(dict)
