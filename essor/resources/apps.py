from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "essor.resources"
    label = "resources"
    verbose_name = "Ressources"

    def ready(self):
        from essor.search.registry import register

        from .documents import ResourceKind, TrainingKind

        register(TrainingKind())
        register(ResourceKind())
