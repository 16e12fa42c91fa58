from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "essor.support"
    label = "support"
    verbose_name = "Accompagnement"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation, page_sections
        from essor.directory.services import register_public_page_reason
        from essor.search.registry import register

        from . import sections
        from .documents import OfferKind
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        page_sections.register(
            page_sections.ORGANISATION,
            order=10,
            template="support/_provider_offers.html",
            context=sections.provider_offers,
        )
        page_sections.register(
            page_sections.TERRITORY,
            order=20,
            template="support/_for_territory.html",
            context=sections.territory_offers,
        )
        register_public_page_reason(providers_of_published_offers)
        register(OfferKind())

        from .enums import OfferStatus
        from .models import SupportOffer

        moderation.register(
            "Accompagnement : offres à publier",
            "support:moderation",
            lambda: SupportOffer.objects.filter(status=OfferStatus.PENDING),
            order=20,
        )
        moderation.register(
            "Accompagnement : modifications d'offres publiées",
            "support:moderation",
            lambda: SupportOffer.objects.filter(status=OfferStatus.PUBLISHED).exclude(
                held_changes={}
            ),
            since="updated_at",
            order=21,
        )


def providers_of_published_offers(organisations):
    """Each published offer's page links to its provider, whose page must exist."""
    from .enums import OfferStatus

    return organisations.filter(support_offers__status=OfferStatus.PUBLISHED)
