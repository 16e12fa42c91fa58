from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "essor.consultation"
    label = "consultation"
    verbose_name = "Concertation"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from essor.accounts.services import PERSONAL_DATA_EXPORTERS
        from essor.search.registry import register

        from .documents import ActionKind, ProcessKind, ProposalKind
        from .rgpd import forget_drafts, personal_data

        register(ProcessKind())
        register(ActionKind())
        register(ProposalKind())
        if personal_data not in PERSONAL_DATA_EXPORTERS:
            PERSONAL_DATA_EXPORTERS.append(personal_data)
        pre_delete.connect(
            forget_drafts, sender=get_user_model(), dispatch_uid="consultation_drafts"
        )
