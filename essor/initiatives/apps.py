from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "essor.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives"

    def ready(self):
        from essor.accounts.services import PERSONAL_DATA_EXPORTERS

        from .services import personal_data

        if personal_data not in PERSONAL_DATA_EXPORTERS:
            PERSONAL_DATA_EXPORTERS.append(personal_data)
