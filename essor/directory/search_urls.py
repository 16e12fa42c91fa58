"""The search routes, added to the "directory" namespace by essor/directory/urls.py
(its `# --- search (issue 4) ---` block): /annuaire/ itself, the CSV export, the map."""

from django.urls import path

from . import search_views

urlpatterns = [
    path("", search_views.search, name="search"),
    path("export.csv", search_views.export, name="search_export"),
    path("carte.json", search_views.map_json, name="search_map"),
    path("carte/etablissement/<int:pk>/", search_views.map_card, name="search_map_card"),
    path("carte/lieu/", search_views.map_place, name="search_map_place"),
]
