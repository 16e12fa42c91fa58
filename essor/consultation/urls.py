from django.urls import path

from . import views

app_name = "consultation"

urlpatterns = [
    path("", views.index, name="index"),
    path("suivi/", views.dashboard, name="dashboard"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/avancement/", views.action_update, name="action_update"),
    path("actions/<int:pk>/liens/", views.action_links, name="action_links"),
    path("actions/<int:pk>/porteurs/", views.action_carriers, name="action_carriers"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path(
        "<slug:slug>/questionnaires/<int:pk>/resultats/",
        views.questionnaire_results,
        name="questionnaire_results",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/reponses.<str:extension>",
        views.questionnaire_export,
        name="questionnaire_export",
    ),
]
