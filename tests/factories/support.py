"""Support: offers of the accompanying actors and the actors themselves."""

import factory

from essor.directory.enums import MembershipRole
from essor.support.enums import Cost, Format, HelpKind, OfferStatus
from essor.support.models import SupportOffer
from essor.support.services import offer_set_areas

from .accounts import UserFactory
from .directory import MembershipFactory, OrganisationFactory

CREUSE = ("departement", "23", "Creuse (23)")


class SupportOfferFactory(factory.django.DjangoModelFactory):
    """A published offer of first information, free, in person, serving the Creuse.
    `areas=[(level, code, name), …]` chooses the territory it serves."""

    class Meta:
        model = SupportOffer
        skip_postgeneration_save = True

    provider = factory.SubFactory(OrganisationFactory)
    title = "Accueil des porteurs de projet"
    description = "Une offre de test."
    help_kinds = factory.LazyFunction(lambda: [HelpKind.FIRST_INFO])
    cost = Cost.FREE
    format = Format.IN_PERSON
    status = OfferStatus.PUBLISHED

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            offer_set_areas(self, list(extracted if extracted is not None else [CREUSE]))


def support_actor(organisation, **user_fields):
    """A user with the support actor role, administrator of the organisation."""
    user = UserFactory(support_actor=True, **user_fields)
    MembershipFactory(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    return user
