from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "essor.financing"
    label = "financing"
    verbose_name = "Financement"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation
        from essor.directory.services import register_public_page_reason
        from essor.search.registry import register

        # Registers the catalog importer: /gestion/ and ImportRun know it by its kind.
        # Registers the funders' export: the worker that writes large ones knows it.
        from . import (
            api,  # noqa: F401  (its CSV export too)
            exports,  # noqa: F401
            importer,  # noqa: F401
        )
        from .documents import ToolKind
        from .services import USER_LINKS, personal_data

        declare(personal_data, links=USER_LINKS)
        register_public_page_reason(funders_of_published_tools)
        register(ToolKind())

        from .enums import ToolStatus
        from .models import FinancingTool

        moderation.register(
            "Financement : modifications de dispositifs publiés",
            "financing:tool_moderation",
            lambda: FinancingTool.objects.filter(status=ToolStatus.PUBLISHED).exclude(
                held_changes={}
            ),
            since="updated_at",
            order=30,
        )


def funders_of_published_tools(organisations):
    """A published financing tool's page links to its funders."""
    from .enums import ToolStatus

    return organisations.filter(financing_tools__status=ToolStatus.PUBLISHED)
