from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "essor.observatory"
    label = "observatory"
    verbose_name = "Observatoire"

    def ready(self):
        from essor.core.importing import AFTER_IMPORT

        # Registers the reference-employment importer for /gestion/ and ImportRun.
        from . import reference  # noqa: F401
        from .services import refresh_after_directory_import

        if refresh_after_directory_import not in AFTER_IMPORT:
            AFTER_IMPORT.append(refresh_after_directory_import)
