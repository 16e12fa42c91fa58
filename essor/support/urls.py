from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.index, name="index"),
    path("orientation/", views.OrientationWizard.as_view(), name="orientation"),
    path("orientation/comprendre/", views.understand, name="understand"),
    path("orientation/resultats/", views.results, name="results"),
    path("parcours/", views.parcours_create, name="parcours_create"),
    path("parcours/<str:token>/", views.parcours, name="parcours"),
    path("parcours/<str:token>/pdf/", views.parcours_pdf, name="parcours_pdf"),
    path("offres/", views.offers, name="offers"),
    path("offres/<int:pk>/", views.offer, name="offer"),
    path("offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:pk>/archiver/", views.offer_archive, name="offer_archive"),
    path(
        "structure/<int:organisation_pk>/nouvelle-offre/", views.offer_create, name="offer_create"
    ),
    path("mes-offres/", views.my_offers, name="my_offers"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/publier/", views.offer_publish, name="offer_publish"),
    path("moderation/<int:pk>/refuser/", views.offer_reject, name="offer_reject"),
    path(
        "moderation/<int:pk>/modifications/publier/",
        views.offer_accept_changes,
        name="offer_accept_changes",
    ),
    path(
        "moderation/<int:pk>/modifications/refuser/",
        views.offer_refuse_changes,
        name="offer_refuse_changes",
    ),
    path("demande/", views.request_new, name="request_new"),
    path("mes-demandes/", views.my_requests, name="my_requests"),
    path("mes-demandes/<int:pk>/", views.my_request, name="my_request"),
    path("demandes-recues/", views.inbox, name="inbox"),
    path("demandes-recues/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("couverture/", views.coverage, name="coverage"),
    path("couverture/export.csv", views.coverage_csv, name="coverage_csv"),
]
