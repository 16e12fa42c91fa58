from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "essor.resources"
    label = "resources"
    verbose_name = "Ressources"

    def ready(self):
        from essor.accounts.personal_data import DETACH, UserLink, declare
        from essor.search.registry import register

        from .documents import ResourceKind, TrainingKind

        declare(
            links=[
                UserLink(
                    "resources.Page.updated_by",
                    DETACH,
                    not_personal="page éditoriale tenue par l'équipe CRESS",
                )
            ]
        )
        register(TrainingKind())
        register(ResourceKind())
