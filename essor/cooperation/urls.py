from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.listing, name="listing"),
    path("<int:pk>/modifier/", views.listing_edit, name="listing_edit"),
    path("<int:pk>/clore/", views.listing_close, name="listing_close"),
    path("<int:pk>/ecrire/", views.write, name="write"),
    path("<int:pk>/conclure/", views.conclude, name="conclude"),
    path("publier/", views.publish_start, name="publish_start"),
    path(
        "structure/<int:organisation_pk>/publier/<str:kind>/",
        views.listing_create,
        name="listing_create",
    ),
    path("mes-annonces/", views.my_listings, name="my_listings"),
    path("echanges/<int:pk>/", views.thread, name="thread"),
    path("echanges/<int:pk>/partager/", views.thread_accept, name="thread_accept"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderation_decide, name="moderation_decide"),
    path("emplois-partages/", views.job_proposals, name="job_proposals"),
    path("lieux/", views.places, name="places"),
    path("lieux/<int:pk>/", views.place, name="place"),
    path("territoire/<str:code>/", views.where_to_work, name="where_to_work"),
]
