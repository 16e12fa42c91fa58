from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "essor.financing"
    verbose_name = "Financement"

    def ready(self):
        # Registers the catalog importer: /gestion/ and ImportRun know it by its kind.
        from . import importer  # noqa: F401
