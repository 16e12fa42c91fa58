"""The directory search: /annuaire/ itself, its CSV export and the map's endpoints."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="directory"),
    path("export.csv", views.export, name="directory_export"),
    path("carte.json", views.map_json, name="map"),
    path("carte/etablissement/<int:pk>/", views.map_card, name="map_card"),
    path("carte/lieu/", views.map_place, name="map_place"),
    path(
        "structures/suggestions/", views.organisation_suggestions, name="organisation_suggestions"
    ),
]
