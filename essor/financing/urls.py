from django.urls import path

from . import views

app_name = "financing"

urlpatterns = [
    path("", views.index, name="index"),
    path("outils/<int:pk>/", views.tool, name="tool"),
    path("outils/<int:pk>/suivre/", views.tool_follow, name="tool_follow"),
    path("outils/<int:pk>/modifier/", views.tool_edit, name="tool_edit"),
    path("outils/<int:pk>/publier/", views.tool_publish, name="tool_publish"),
    path("outils/<int:pk>/archiver/", views.tool_archive, name="tool_archive"),
    path("structure/<int:organisation_pk>/nouvel-outil/", views.tool_create, name="tool_create"),
    path("mes-outils/", views.my_tools, name="my_tools"),
    path("moderation/", views.tool_moderation, name="tool_moderation"),
    path(
        "moderation/<int:pk>/modifications/publier/",
        views.tool_accept_changes,
        name="tool_accept_changes",
    ),
    path(
        "moderation/<int:pk>/modifications/refuser/",
        views.tool_refuse_changes,
        name="tool_refuse_changes",
    ),
    path("mes-financements-possibles/", views.matching, name="matching"),
    path("calendrier/", views.calendar, name="calendar"),
    path("calendrier.ics", views.calendar_ics, name="calendar_ics"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/recherches/", views.search_save, name="search_save"),
    path("alertes/recherches/<int:pk>/supprimer/", views.search_delete, name="search_delete"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path(
        "structure/<int:organisation_pk>/nouveau-dossier/",
        views.dossier_create,
        name="dossier_create",
    ),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/modifier/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/budget/<str:scope>/", views.dossier_budget, name="dossier_budget"),
    path("dossiers/<int:pk>/tour-de-table/", views.dossier_funding, name="dossier_funding"),
    path("dossiers/<int:pk>/deposer/", views.dossier_submit, name="dossier_submit"),
    path(
        "dossiers/<int:pk>/complement/<int:request_pk>/",
        views.dossier_answer,
        name="dossier_answer",
    ),
    path("dossiers/<int:pk>/pieces/", views.dossier_attachments, name="dossier_attachments"),
    path("structure/<int:organisation_pk>/pieces/", views.documents, name="documents"),
    path("pieces/<int:pk>/", views.document_download, name="document_download"),
    path("versions/<int:pk>/", views.version, name="version"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("instruction/", views.requests, name="requests"),
    path("instruction/export.csv", views.requests_csv, name="requests_csv"),
    path("instruction/<int:pk>/", views.request_detail, name="request"),
    path("instruction/<int:pk>/etape/", views.request_transition, name="request_transition"),
]
