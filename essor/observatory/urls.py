from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.index, name="index"),
    path("methode/", views.method, name="method"),
    path("departement/<str:code>/", views.portrait, {"level": "departement"}, name="departement"),
    path("epci/<str:code>/", views.portrait, {"level": "epci"}, name="epci"),
    path(
        "donnees/<str:level>/<str:code>/<slug:slug>.<str:fmt>",
        views.download,
        name="download",
    ),
]
