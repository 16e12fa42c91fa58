from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "essor.consultation"
    label = "consultation"
    verbose_name = "Concertation"

    def ready(self):
        from essor.accounts.personal_data import declare
        from essor.core import moderation
        from essor.search.registry import register

        # Registers the API's CSV exports: the worker knows them.
        from . import api  # noqa: F401
        from .documents import ActionKind, ProcessKind, ProposalKind
        from .rgpd import USER_LINKS, personal_data

        register(ProcessKind())
        register(ActionKind())
        register(ProposalKind())

        from .enums import ProposalStatus
        from .models import ContentReport, Proposal

        moderation.register(
            "Concertation : propositions",
            "consultation:moderation",
            lambda: Proposal.objects.filter(status=ProposalStatus.PENDING),
            order=70,
        )
        moderation.register(
            "Concertation : signalements",
            "consultation:moderation",
            lambda: ContentReport.objects.filter(resolved_at__isnull=True),
            order=71,
        )
        declare(personal_data, links=USER_LINKS)
