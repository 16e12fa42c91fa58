from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "essor.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation, page_sections
        from essor.directory.services import register_public_page_reason
        from essor.search.registry import register

        from . import sections
        from .documents import InitiativeKind
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        page_sections.register(
            page_sections.ORGANISATION,
            order=20,
            template="initiatives/_for_organisation.html",
            context=sections.organisation_initiatives,
        )
        page_sections.register(
            page_sections.TERRITORY,
            order=10,
            template="initiatives/_for_territory.html",
            context=sections.territory_initiatives,
        )
        register_public_page_reason(carriers_of_published_initiatives)
        register(InitiativeKind())

        from .enums import ReportStatus, Status
        from .models import ContentReport, Initiative

        moderation.register(
            "Initiatives : fiches soumises",
            "initiatives:moderation",
            lambda: Initiative.objects.filter(status=Status.SUBMITTED),
            since="updated_at",
            order=50,
        )
        moderation.register(
            "Initiatives : signalements",
            "initiatives:moderation",
            lambda: ContentReport.objects.filter(status=ReportStatus.OPEN),
            order=51,
        )


def carriers_of_published_initiatives(organisations):
    """A published initiative's page links to its carriers and partners."""
    from .enums import Status

    return organisations.filter(initiative_roles__initiative__status=Status.PUBLISHED)
