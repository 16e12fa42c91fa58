from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.index, name="index"),
    path("qu-est-ce-que-l-ess/", views.what_is_ess, name="what_is_ess"),
    path("formes-juridiques/", views.legal_forms_guide, name="legal_forms"),
    path("formes-juridiques/<slug:slug>/", views.legal_form, name="legal_form"),
    # Linked to by the orientation assistant: keep this address stable.
    path("quelle-forme-pour-mon-projet/", views.legal_form_chooser, name="legal_form_chooser"),
    # Linked to, with its anchors, by the purchasing pages (/achats/): keep it stable.
    path("achats-responsables/", views.purchasing_guide_page, name="purchasing_guide"),
    path("formations/", views.trainings, name="trainings"),
    path("formations/publier/", views.training_create, name="training_create"),
    path("formations/<int:pk>/", views.training, name="training"),
    path("formations/<int:pk>/modifier/", views.training_edit, name="training_edit"),
    path("formations/<int:pk>/etape/", views.training_step, name="training_step"),
    # Before guides/<slug>/: services.RESERVED_GUIDE_SLUGS keeps these names from guides.
    path("guides/", views.guides_index, name="guides"),
    path("guides/ecrire/", views.guide_create, name="guide_create"),
    path("guides/mes-guides/", views.my_guides, name="my_guides"),
    path("guides/redaction/<int:pk>/", views.guide_workspace, name="guide_workspace"),
    path("guides/redaction/<int:pk>/modifier/", views.guide_edit, name="guide_edit"),
    path("guides/redaction/<int:pk>/etape/", views.guide_step, name="guide_step"),
    path(
        "guides/redaction/<int:pk>/versions/<int:number>/",
        views.guide_version,
        name="guide_version",
    ),
    path("guides/<slug:slug>/", views.page, name="page"),
    path("guides/<slug:slug>/guide.pdf", views.page_pdf, name="page_pdf"),
    path("kits/", views.kits_index, name="kits"),
    path("kits/<slug:slug>/", views.kit, name="kit"),
    path("kits/<slug:slug>/kit.pdf", views.kit_pdf, name="kit_pdf"),
    path("kits/<slug:slug>/chiffres-cles.csv", views.kit_figures_csv, name="kit_figures_csv"),
    path("etudes/", views.studies, name="studies"),
    path("etudes/deposer/", views.study_create, name="study_create"),
    path("etudes/<slug:slug>/", views.study, name="study"),
    path("etudes/<slug:slug>/document.pdf", views.study_file, name="study_file"),
    path("etudes/<slug:slug>/modifier/", views.study_edit, name="study_edit"),
    path("etudes/<slug:slug>/etape/", views.study_step, name="study_step"),
    path("moderation/", views.moderation, name="moderation"),
]
