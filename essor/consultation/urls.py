from django.urls import path

from . import team_views, views

app_name = "consultation"

urlpatterns = [
    path("", views.index, name="index"),
    path("suivi/", views.dashboard, name="dashboard"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/avancement/", views.action_update, name="action_update"),
    path("actions/<int:pk>/liens/", views.action_links, name="action_links"),
    path("actions/<int:pk>/porteurs/", views.action_carriers, name="action_carriers"),
    path("fiches/<int:pk>/", views.proposal_detail, name="proposal"),
    path("fiches/<int:pk>/etape/", views.proposal_transition, name="proposal_transition"),
    path("fiches/<int:pk>/soutenir/", views.proposal_support, name="proposal_support"),
    path("fiches/<int:pk>/commenter/", views.proposal_comment, name="proposal_comment"),
    path("fiches/<int:pk>/signaler/", views.proposal_report, name="proposal_report"),
    path("fiches/<int:pk>/suivre/", views.proposal_follow, name="proposal_follow"),
    path("commentaires/<int:pk>/moderer/", views.comment_moderate, name="comment_moderate"),
    path("moderation/", views.moderation, name="moderation"),
    path("suivre/<str:kind>/<int:pk>/", views.follow, name="follow"),
    # The team's pages (team_views.py)
    path("nouvelle/", team_views.process_create, name="process_create"),
    path("<slug:slug>/gerer/", team_views.manage, name="manage"),
    path("<slug:slug>/modifier/", team_views.process_edit, name="process_edit"),
    path("<slug:slug>/publication/", team_views.process_publish, name="process_publish"),
    path("<slug:slug>/etapes/nouvelle/", team_views.phase_edit, name="phase_create"),
    path("<slug:slug>/etapes/<int:pk>/", team_views.phase_edit, name="phase_edit"),
    path("<slug:slug>/etapes/<int:pk>/ouverture/", team_views.phase_toggle, name="phase_toggle"),
    path(
        "<slug:slug>/questionnaires/nouveau/",
        team_views.questionnaire_edit,
        name="questionnaire_create",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/gerer/",
        team_views.questionnaire_manage,
        name="questionnaire_manage",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/modifier/",
        team_views.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/sections/",
        team_views.section_create,
        name="section_create",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/sections/<int:section_pk>/",
        team_views.section_edit,
        name="section_edit",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/sections/<int:section_pk>/suppression/",
        team_views.section_delete,
        name="section_delete",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/questions/nouvelle/",
        team_views.question_edit,
        name="question_create",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/questions/<int:question_pk>/",
        team_views.question_edit,
        name="question_edit",
    ),
    path(
        "<slug:slug>/questionnaires/<int:pk>/questions/<int:question_pk>/suppression/",
        team_views.question_delete,
        name="question_delete",
    ),
    path("<slug:slug>/equipe/", team_views.team_add, name="team_add"),
    path("<slug:slug>/equipe/<int:user_pk>/retrait/", team_views.team_remove, name="team_remove"),
    path("<slug:slug>/ateliers/", team_views.workshop_link, name="workshop_link"),
    path(
        "<slug:slug>/ateliers/<int:event_pk>/retrait/",
        team_views.workshop_unlink,
        name="workshop_unlink",
    ),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/fiches/", views.proposals, name="proposals"),
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
