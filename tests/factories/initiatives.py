"""Initiatives: practices and social innovations carried by organisations."""

import factory

from essor.initiatives.enums import Axis, Status, Theme
from essor.initiatives.models import Carrier, Initiative
from essor.initiatives.services import unique_slug

from .accounts import UserFactory
from .directory import OrganisationFactory


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A draft initiative, a shared garden, carried by one organisation
    (`carriers=[organisation, …]`) on the territorial theme (`themes=[…]`)."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = "Un jardin partagé"
    slug = factory.LazyAttribute(lambda o: unique_slug(o.title))
    summary = "Un jardin cultivé ensemble par les habitants du quartier."
    body = "Le **jardin** accueille les écoles le mercredi."
    axis = Axis.COOPERER
    status = Status.DRAFT
    created_by = factory.SubFactory(UserFactory)

    class Params:
        published = factory.Trait(status=Status.PUBLISHED)

    @factory.post_generation
    def carriers(self, create, extracted, **kwargs):
        if create:
            for organisation in extracted or [OrganisationFactory()]:
                Carrier.objects.create(initiative=self, organisation=organisation)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.set_themes(extracted or [Theme.TERRITORIAL])

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            # What the services do after each change: search reads the carriers' names.
            instance.refresh_search_text()
            instance.save()
