from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "essor.events"
    label = "events"
    verbose_name = "Agenda"

    def ready(self):
        from django.db.models.signals import pre_delete

        from essor.accounts.models import User
        from essor.accounts.personal_data import declare
        from essor.core import moderation, page_sections
        from essor.search.registry import register

        from . import meetings, sections
        from .documents import EventKindSearch
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        declare(meetings.personal_data)
        page_sections.register(
            page_sections.ORGANISATION,
            order=50,
            template="events/_upcoming.html",
            context=sections.organisation_events,
        )
        page_sections.register(
            page_sections.TERRITORY,
            order=50,
            template="events/_upcoming.html",
            context=sections.territory_events,
        )
        register(EventKindSearch())

        from .enums import Status
        from .models import Event

        moderation.register(
            "Agenda : événements proposés",
            "events:moderation",
            lambda: Event.objects.filter(status=Status.PENDING),
            order=60,
        )
        pre_delete.connect(
            release_before_deletion, sender=User, dispatch_uid="events_release_seats"
        )


def release_before_deletion(sender, instance, **kwargs):
    """An account that leaves frees its seats: the people waiting get them."""
    from .meetings import release_participations
    from .services import release_registrations

    release_participations(instance)
    release_registrations(instance)
