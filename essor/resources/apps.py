from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "essor.resources"
    label = "resources"
    verbose_name = "Ressources"

    def ready(self):
        from essor.accounts.personal_data import DETACH, UserLink, declare, in_role
        from essor.core import moderation, page_sections
        from essor.search.registry import register

        from .documents import ResourceKind, StudyDocumentKind, TrainingKind
        from .sections import guides_citing, organisation_trainings
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
                # A training stays with the organisation that gives it.
                UserLink(
                    "resources.Training.created_by",
                    DETACH,
                    export="ressources_formations_publiees",
                ),
                in_role("resources.Training.decided_by"),
                in_role("resources.TrainingTransition.actor"),
                # A guide stays with the organisation (or the CRESS team) that writes it.
                UserLink(
                    "resources.AuthoredGuide.created_by",
                    DETACH,
                    export="ressources_guides_commences",
                ),
                UserLink(
                    "resources.GuideVersion.created_by", DETACH, export="ressources_guides_ecrits"
                ),
                in_role("resources.GuideVersion.decided_by"),
                in_role("resources.GuideVersionTransition.actor"),
            ],
        )
        page_sections.register(
            page_sections.ORGANISATION,
            order=45,
            template="resources/_for_organisation.html",
            context=organisation_trainings,
        )
        page_sections.register(
            page_sections.PAGE,
            order=10,
            template="resources/_cited_in_guides.html",
            context=guides_citing,
        )
        register(TrainingKind())
        register(StudyDocumentKind())
        register(ResourceKind())

        from .enums import GuideVersionStatus, PublicationStatus
        from .models import GuideVersion, Study, Training

        moderation.register(
            "Ressources : guides soumis",
            "resources:moderation",
            lambda: GuideVersion.objects.filter(status=GuideVersionStatus.SUBMITTED),
            since="updated_at",
            order=80,
        )
        moderation.register(
            "Ressources : formations",
            "resources:moderation",
            lambda: Training.objects.filter(status=PublicationStatus.PENDING),
            order=81,
        )
        moderation.register(
            "Ressources : études et rapports",
            "resources:moderation",
            lambda: Study.objects.filter(status=PublicationStatus.PENDING),
            order=82,
        )
