"""Factories of directory rows for the API tests: valid identifiers, real communes."""

import factory

from essor.core.text import fold
from essor.directory.enums import CoordinatePrecision, EssFamily, LabelKind, Source
from essor.directory.identifiers import with_luhn_key
from essor.directory.models import Establishment, Label, Organisation
from essor.territories.models import Commune


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"label-{n}")
    name = factory.Sequence(lambda n: f"Label n°{n}")
    kind = LabelKind.LABEL


class EssOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    siren = factory.Sequence(lambda n: with_luhn_key(f"{77000000 + n:08d}"))
    name = factory.Sequence(lambda n: f"Association de l'économie solidaire n°{n}")
    legal_category = "9220"
    ess_family = EssFamily.ASSOCIATION
    acronym = ""
    description = ""
    source = Source.SIRENE
    # What the importers and the profile form keep up to date (refresh_search_text).
    search_text = factory.LazyAttribute(
        lambda o: fold(" ".join(filter(None, [o.name, o.acronym, o.description])))
    )

    class Params:
        cooperative = factory.Trait(legal_category="5458", ess_family=EssFamily.COOPERATIVE)
        outside_ess = factory.Trait(legal_category="5710", ess_family="")
        synthetic = factory.Trait(is_synthetic=True, source=Source.SYNTHETIC)

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.add(*extracted)


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
    address = "12 rue de la Coopération"
    postal_code = "87000"
    commune = factory.LazyFunction(lambda: Commune.objects.get(code="87085"))  # Limoges
    latitude = 45.8336
    longitude = 1.2611
    coordinate_precision = CoordinatePrecision.ADDRESS
    naf = "88.99B"
    headcount_band = "12"
    is_employer = True
    is_head_office = False
    source = Source.SIRENE
