from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "essor.search"
    label = "search"
    verbose_name = "Recherche"

    def ready(self):
        # Registers the directory's exports (the search's and the API's): the worker that
        # writes large ones knows them.
        from . import api, exports  # noqa: F401
        from .kinds import OrganisationKind, PlaceKind
        from .registry import register

        register(OrganisationKind())
        register(PlaceKind())
