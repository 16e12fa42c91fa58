from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A model built on essor.core.workflow, installed for the tests only."""

    name = "tests.workflow_app"
    label = "workflow_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from essor.accounts.personal_data import DETACH, UserLink, declare

        reason = "modèle de test du workflow partagé"
        declare(
            links=[
                UserLink(f"workflow_app.{name}", DETACH, not_personal=reason)
                for name in ("Listing.author", "Listing.decided_by", "ListingTransition.actor")
            ]
        )
