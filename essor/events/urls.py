from django.urls import path

from . import views

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
