from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "essor.territories"
    label = "territories"
    verbose_name = "Territoires"
