from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "essor.resources"
    label = "resources"
    verbose_name = "Ressources"
