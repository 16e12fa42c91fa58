from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A model built on essor.core.workflow, installed for the tests only."""

    name = "tests.workflow_app"
    label = "workflow_app"
    default_auto_field = "django.db.models.BigAutoField"
