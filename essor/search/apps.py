from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "essor.search"
    label = "search"
    verbose_name = "Recherche"

    def ready(self):
        from .kinds import OrganisationKind, PlaceKind
        from .registry import register

        register(OrganisationKind())
        register(PlaceKind())
