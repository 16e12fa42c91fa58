from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "essor.directory"
    label = "directory"
    verbose_name = "Annuaire"
