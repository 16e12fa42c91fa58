from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "essor.resources"
    label = "resources"
    verbose_name = "Ressources"

    def ready(self):
        from essor.accounts.personal_data import DETACH, UserLink, declare, in_role
        from essor.search.registry import register

        from .documents import ResourceKind, StudyDocumentKind, TrainingKind
        from .services import personal_data

        declare(
            personal_data,
            links=[
                UserLink(
                    "resources.Page.updated_by",
                    DETACH,
                    not_personal="page éditoriale tenue par l'équipe CRESS",
                ),
                # A study stays with the organisation that published it.
                UserLink("resources.Study.created_by", DETACH, export="ressources_etudes_deposees"),
                in_role("resources.Study.decided_by"),
                in_role("resources.StudyTransition.actor"),
            ],
        )
        register(TrainingKind())
        register(StudyDocumentKind())
        register(ResourceKind())
