"""The directory: organisations, their members, establishments and labels, claims and
suggestions. Valid identifiers (SIREN, SIRET with their Luhn key), real communes of the
test geography."""

import factory
from django.utils import timezone

from essor.directory.enums import CoordinatePrecision, EssFamily, LabelKind, MembershipRole, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.models import (
    Claim,
    EditSuggestion,
    Establishment,
    Label,
    Membership,
    Organisation,
    OrganisationChange,
)

from .accounts import UserFactory
from .territories import LIMOGES, commune


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Any organisation: a funder, a network, a structure outside the ESS… For a structure
    of the ESS as the public directory lists it, use EssOrganisationFactory."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Association n°{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organisation = model_class(*args, **kwargs)
        # What the importers and the profile form keep up to date.
        organisation.refresh_search_text()
        organisation.save()
        return organisation

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.add(*extracted)


class EssOrganisationFactory(OrganisationFactory):
    """An active association of the ESS, as the SIRENE import makes it: publicly listed."""

    siren = factory.Sequence(lambda n: with_luhn_key(f"{66000000 + n:08d}"))
    legal_category = "9220"
    ess_family = EssFamily.ASSOCIATION
    source = Source.SIRENE
    source_updated_at = factory.LazyFunction(timezone.now)

    class Params:
        scop = factory.Trait(legal_category="5458", ess_family=EssFamily.COOPERATIVE)
        outside_ess = factory.Trait(legal_category="5710", ess_family="")
        from_report = factory.Trait(siren=None, source=Source.REPORT, source_updated_at=None)
        synthetic = factory.Trait(
            is_synthetic=True, source=Source.SYNTHETIC, source_updated_at=None
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER

    class Params:
        admin = factory.Trait(role=MembershipRole.ADMIN)


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"label-test-{n}")
    name = factory.Sequence(lambda n: f"Label de test n°{n}")
    kind = LabelKind.LABEL


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """An establishment in Limoges, placed at an address near the centre (a few hundred
    metres apart from one to the next)."""

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
    commune = factory.LazyFunction(lambda: commune(LIMOGES))
    postal_code = factory.LazyAttribute(
        lambda o: o.commune.postal_codes[0] if o.commune and o.commune.postal_codes else ""
    )
    latitude = factory.LazyAttributeSequence(
        lambda o, n: (o.commune.latitude or 45.83) + (n % 7) * 0.002 if o.commune else None
    )
    longitude = factory.LazyAttributeSequence(
        lambda o, n: (o.commune.longitude or 1.26) + (n % 5) * 0.002 if o.commune else None
    )
    coordinate_precision = CoordinatePrecision.ADDRESS
    naf = "88.99B"
    headcount_band = "12"
    is_employer = True
    source = factory.SelfAttribute("organisation.source")

    class Params:
        # An address that could not be placed: the map shows it at its commune's centre.
        unplaced = factory.Trait(latitude=None, longitude=None, coordinate_precision="")


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
