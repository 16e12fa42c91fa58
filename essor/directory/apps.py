from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "essor.directory"
    label = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation

        # Registers the API's establishments export: the worker knows it.
        from . import api  # noqa: F401

        # Registers the importers: /gestion/ and ImportRun know them by their kind.
        from .importers import csv_import, rna, sirene  # noqa: F401
        from .services import (
            USER_LINKS,
            cited_by_the_report,
            closed_in_the_ess,
            personal_data,
            register_public_page_reason,
        )

        declare(personal_data, links=USER_LINKS)
        register_public_page_reason(closed_in_the_ess)
        register_public_page_reason(cited_by_the_report)

        from .enums import ClaimStatus, SuggestionStatus
        from .models import Claim, EditSuggestion

        moderation.register(
            "Annuaire : demandes de rattachement à une structure",
            "directory:moderation",
            lambda: Claim.objects.filter(status=ClaimStatus.PENDING),
            order=10,
        )
        moderation.register(
            "Annuaire : suggestions de correction",
            "directory:moderation",
            lambda: EditSuggestion.objects.filter(status=SuggestionStatus.PENDING),
            order=11,
        )
