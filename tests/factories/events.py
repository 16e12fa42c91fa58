"""The agenda: published events in Limoges by default, a week ahead."""

from datetime import timedelta

import factory
from django.utils import timezone

from essor.events.enums import EventKind, RegistrationStatus, Status
from essor.events.models import Event, Registration

from .accounts import UserFactory
from .directory import OrganisationFactory
from .territories import LIMOGES, commune


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rencontre de l'ESS n°{n}")
    slug = factory.Sequence(lambda n: f"rencontre-ess-{n}")
    kind = EventKind.WORKSHOP
    status = Status.PUBLISHED
    organiser = factory.SubFactory(OrganisationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    commune = factory.LazyFunction(lambda: commune(LIMOGES))
    address = "12 rue de l'Exemple"

    class Params:
        online = factory.Trait(commune=None, address="", online_url="https://visio.example.org/ess")
        pending = factory.Trait(status=Status.PENDING)
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
        )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.set_themes(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED


def business_meetings(*, slots=4, tables=2, max_requests=3, **event_fields):
    """An event of kind « rendez-vous d'affaires » with its meetings, requests open."""
    from essor.events.enums import EventKind
    from essor.events.models import BusinessMeetings

    start = timezone.now() + timedelta(days=7)
    event = EventFactory(
        kind=EventKind.BUSINESS, starts_at=start, ends_at=start + timedelta(hours=4), **event_fields
    )
    return BusinessMeetings.objects.create(
        event=event,
        first_slot_at=start,
        slot_count=slots,
        slot_minutes=20,
        table_count=tables,
        request_deadline=start - timedelta(days=1),
        max_requests=max_requests,
    )


def participant(meetings, *, kind="ess", offers=(), needs=(), unavailable=(), name=None, user=None):
    """A registered person with their participant profile."""
    from essor.events.models import Participant

    user = user or UserFactory()
    RegistrationFactory(event=meetings.event, user=user)
    return Participant.objects.create(
        meetings=meetings,
        user=user,
        organisation_name=name or f"Structure de {user.last_name}",
        kind=kind,
        offers=list(offers),
        needs=list(needs),
        unavailable_slots=list(unavailable),
    )
