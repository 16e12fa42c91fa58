from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "essor.support"
    label = "support"
    verbose_name = "Accompagnement"
