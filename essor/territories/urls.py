from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("", views.index, name="index"),
    path("communes/suggestions/", views.commune_suggestions, name="commune_suggestions"),
    path("departement/<str:code>/", views.departement, name="departement"),
    path("epci/<str:code>/", views.epci, name="epci"),
    path("commune/<str:code>/", views.commune, name="commune"),
]
