"""Cooperation offers and needs, written through the app's service (its rules, its
territory and its moderation apply)."""

import datetime

import factory
from django.utils import timezone

from essor.cooperation import services
from essor.cooperation.enums import Direction, Kind, Status
from essor.cooperation.models import Listing

from .accounts import UserFactory
from .directory import EssOrganisationFactory
from .territories import NIORT, commune

DETAILS = {
    Kind.PREMISES: {"surface_m2": 30, "free": True},
    Kind.EQUIPMENT: {"mode": "pret"},
    Kind.SKILLS: {"mode": "mecenat", "amount": 5, "unit": "jours", "skill": "comptabilité"},
    Kind.MENTORING: {"role": "mentor", "format": "mixte"},
    Kind.SHARED_JOB: {"days_per_week": 2, "skills": "comptabilité, paie"},
    Kind.PURCHASE: {"volume": "40 MWh par an"},
    Kind.PARTNERS: {"project": "Un PTCE autour de l'alimentation"},
}
CATEGORY = {
    Kind.PREMISES: "salle-reunion",
    Kind.EQUIPMENT: "vehicule",
    Kind.SKILLS: "gestion",
    Kind.MENTORING: "creation",
    Kind.SHARED_JOB: "administratif",
    Kind.PURCHASE: "energie",
    Kind.PARTNERS: "ptce",
}


class ListingFactory(factory.django.DjangoModelFactory):
    """An open listing by default (its organisation's first publication is approved
    by a moderator); `status=Status.PENDING` leaves it waiting."""

    class Meta:
        model = Listing

    organisation = factory.SubFactory(EssOrganisationFactory)
    direction = Direction.OFFER
    kind = Kind.PREMISES
    category = factory.LazyAttribute(lambda o: CATEGORY[o.kind])
    title = factory.Sequence(lambda n: f"Publication n°{n}")
    details = factory.LazyAttribute(lambda o: dict(DETAILS[o.kind]))
    commune = factory.LazyFunction(lambda: commune(NIORT))
    radius_km = 20
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    status = Status.OPEN

    @classmethod
    def _create(cls, model_class, *args, status=Status.OPEN, **kwargs):
        listing = model_class(*args, **kwargs)
        author = UserFactory()
        services.save_listing(listing, author=author)
        if status == Status.OPEN and listing.status == Status.PENDING:
            services.moderate(listing, "approve", by=UserFactory(cress_staff=True))
        return listing
