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
]
