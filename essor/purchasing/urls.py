from django.urls import path

from . import views

app_name = "purchasing"

urlpatterns = [
    path("", views.index, name="index"),
    path("fournisseurs/", views.sourcing_page, name="sourcing"),
    path("fournisseurs/<int:pk>/", views.supplier, name="supplier"),
    path("recherches/", views.searches, name="searches"),
    path("recherches/enregistrer/", views.search_save, name="search_save"),
    path("recherches/<int:pk>/supprimer/", views.search_delete, name="search_delete"),
    path(
        "recherches/desabonnement/<str:token>/",
        views.search_unsubscribe,
        name="search_unsubscribe",
    ),
    path(
        "structure/<int:organisation_pk>/fiche-fournisseur/",
        views.supplier_edit,
        name="supplier_edit",
    ),
    path(
        "structure/<int:organisation_pk>/fiche-fournisseur/documents/",
        views.supplier_documents,
        name="supplier_documents",
    ),
    path(
        "fournisseurs/<int:pk>/documents/<int:document_pk>/",
        views.supplier_document,
        name="supplier_document",
    ),
    path(
        "documents/<int:pk>/supprimer/",
        views.supplier_document_delete,
        name="supplier_document_delete",
    ),
]

urlpatterns += [
    path("besoins/", views.needs, name="needs"),
    path("besoins/nouveau/", views.need_create, name="need_create"),
    path("besoins/<int:pk>/", views.need, name="need"),
    path("besoins/<int:pk>/modifier/", views.need_edit, name="need_edit"),
    path("besoins/<int:pk>/etape/", views.need_step, name="need_step"),
    path("besoins/<int:pk>/repondre/", views.need_answer, name="need_answer"),
    path(
        "besoins/<int:pk>/pieces/<int:attachment_pk>/",
        views.need_attachment,
        name="need_attachment",
    ),
    path("reponses/<int:pk>/devis/", views.answer_quote, name="answer_quote"),
    path("reponses/<int:pk>/decision/", views.answer_decision, name="answer_decision"),
    path("groupements/<int:pk>/", views.invitation, name="invitation"),
    path("mes-besoins/", views.my_needs, name="my_needs"),
    path("boite/", views.inbox, name="inbox"),
    path("moderation/", views.moderation, name="moderation"),
    path("indicateurs/", views.figures_page, name="figures"),
    path("indicateurs/export.csv", views.figures_export, name="figures_export"),
]
