from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "essor.search"
    label = "search"
    verbose_name = "Recherche"
