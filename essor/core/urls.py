from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("mentions-legales/", views.legal_page("mentions_legales"), name="legal_notice"),
    path("donnees-personnelles/", views.legal_page("donnees_personnelles"), name="privacy"),
    path("accessibilite/", views.legal_page("accessibilite"), name="accessibility"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/fichier/", views.export_file, name="export_file"),
]
