from django.urls import path

from . import meeting_views, views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("agenda.ics", views.feed, name="feed"),
    path("mois/<int:year>/<int:month>/", views.month, name="month"),
    path("mois-de-l-ess/", views.mois_ess, name="mois_ess"),
    path("proposer/", views.propose, name="propose"),
    path("moderation/", views.moderation, name="moderation"),
    path("mes-evenements/", views.mine, name="mine"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/evenement.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/desinscription/", views.unregister, name="unregister"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/decision/", views.decision, name="decision"),
    path("<slug:slug>/inscrits/", views.registrants, name="registrants"),
    path("<slug:slug>/inscrits.csv", views.registrants_csv, name="registrants_csv"),
]

# Business meetings (« Espresso »)
urlpatterns += [
    path("<slug:slug>/rendez-vous/", meeting_views.home, name="meetings"),
    path("<slug:slug>/rendez-vous/creer/", meeting_views.setup, name="meetings_setup"),
    path(
        "<slug:slug>/rendez-vous/demandes/", meeting_views.add_request, name="meetings_add_request"
    ),
    path(
        "<slug:slug>/rendez-vous/demandes/<int:request_id>/retirer/",
        meeting_views.remove_request,
        name="meetings_remove_request",
    ),
    path(
        "<slug:slug>/rendez-vous/demandes/<int:request_id>/pourquoi/",
        meeting_views.why,
        name="meetings_why",
    ),
    path("<slug:slug>/rendez-vous/annuler/", meeting_views.withdraw, name="meetings_withdraw"),
    path(
        "<slug:slug>/rendez-vous/participants/<int:participant_id>/",
        meeting_views.profile,
        name="meetings_profile",
    ),
    path(
        "<slug:slug>/rendez-vous/<int:meeting_id>/suite/",
        meeting_views.outcome,
        name="meetings_outcome",
    ),
    path(
        "<slug:slug>/rendez-vous/mon-agenda.ics",
        meeting_views.agenda_ics,
        name="meetings_agenda_ics",
    ),
    path(
        "<slug:slug>/rendez-vous/mon-agenda.pdf",
        meeting_views.agenda_pdf,
        name="meetings_agenda_pdf",
    ),
    path(
        "<slug:slug>/rendez-vous/organisation/", meeting_views.dashboard, name="meetings_dashboard"
    ),
    path("<slug:slug>/rendez-vous/organisation/clore/", meeting_views.close, name="meetings_close"),
    path("<slug:slug>/rendez-vous/organisation/planifier/", meeting_views.run, name="meetings_run"),
    path(
        "<slug:slug>/rendez-vous/organisation/progression/",
        meeting_views.progress,
        name="meetings_progress",
    ),
    path(
        "<slug:slug>/rendez-vous/organisation/confirmer/",
        meeting_views.publish,
        name="meetings_publish",
    ),
    path("<slug:slug>/rendez-vous/organisation/ajout/", meeting_views.late, name="meetings_late"),
    path("<slug:slug>/rendez-vous/organisation/grille/", meeting_views.grid, name="meetings_grid"),
]
