from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "essor.support"
    label = "support"
    verbose_name = "Accompagnement"

    def ready(self):
        from essor.accounts.services import PERSONAL_DATA_EXPORTERS

        from .services import personal_data

        if personal_data not in PERSONAL_DATA_EXPORTERS:
            PERSONAL_DATA_EXPORTERS.append(personal_data)
