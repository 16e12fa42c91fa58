from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "essor.cooperation"
    label = "cooperation"
    verbose_name = "Coopération"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation, page_sections
        from essor.search.registry import register

        from . import sections
        from .documents import ListingKind, PlaceDocumentKind
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        page_sections.register(
            page_sections.ORGANISATION,
            order=40,
            template="cooperation/_for_organisation.html",
            context=sections.organisation_listings,
        )
        page_sections.register(
            page_sections.TERRITORY,
            order=40,
            template="cooperation/_for_territory.html",
            context=sections.territory_cooperation,
        )
        register(ListingKind())
        register(PlaceDocumentKind())

        from .services import pending_listings

        moderation.register(
            "Coopération : offres et besoins",
            "cooperation:moderation",
            pending_listings,
            order=90,
        )
