from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("", views.index, name="index"),
    path("proposer/", views.create, name="create"),
    path("mes-initiatives/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("signalements/<int:pk>/traiter/", views.resolve_report, name="resolve_report"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/etape/", views.transition, name="transition"),
    path("<slug:slug>/signaler/", views.report_content, name="report"),
    path("<slug:slug>/essaimer/", views.spread, name="spread"),
    path("<slug:slug>/demandes/", views.spread_requests, name="spread_requests"),
]
