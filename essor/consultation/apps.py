from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "essor.consultation"
    label = "consultation"
    verbose_name = "Concertation"

    def ready(self):
        from essor.search.registry import register

        from .documents import ActionKind, ProcessKind

        register(ProcessKind())
        register(ActionKind())
