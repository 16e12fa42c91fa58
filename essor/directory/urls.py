from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("structure/<int:pk>/", views.organisation, name="organisation"),
    path("structure/<int:pk>/revendiquer/", views.claim, name="claim"),
    path("structure/<int:pk>/modifier/", views.edit, name="edit"),
    path("structure/<int:pk>/historique/", views.history, name="history"),
    path("structure/<int:pk>/historique/<int:change_pk>/annuler/", views.revert, name="revert"),
    path("structure/<int:pk>/suggerer/", views.suggest, name="suggest"),
    path("structure/<int:pk>/membres/", views.members, name="members"),
    path(
        "structure/<int:pk>/membres/<int:membership_pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "structure/<int:pk>/membres/<int:membership_pk>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "structure/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "structure/<int:pk>/revendications/<int:claim_pk>/annuler/",
        views.claim_revoke,
        name="claim_revoke",
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("mes-demandes/", views.my_requests, name="my_requests"),
    path("mes-demandes/revendication/<int:pk>/", views.my_claim, name="my_claim"),
    path("mes-demandes/suggestion/<int:pk>/", views.my_suggestion, name="my_suggestion"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/revendication/<int:pk>/", views.moderation_claim, name="moderation_claim"),
    path(
        "moderation/suggestion/<int:pk>/",
        views.moderation_suggestion,
        name="moderation_suggestion",
    ),
]
