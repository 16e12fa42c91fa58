"""People: a confirmed user by default; one trait per platform role."""

import factory
from django.utils import timezone

from essor.accounts.enums import PlatformRole
from essor.accounts.models import User

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        unconfirmed = factory.Trait(email_confirmed_at=None)
        cress_staff = factory.Trait(platform_role=PlatformRole.CRESS_STAFF, is_staff=True)
        support_actor = factory.Trait(platform_role=PlatformRole.SUPPORT_ACTOR)
        funder = factory.Trait(platform_role=PlatformRole.FUNDER)
        buyer = factory.Trait(platform_role=PlatformRole.BUYER)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()
