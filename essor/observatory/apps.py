from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "essor.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
