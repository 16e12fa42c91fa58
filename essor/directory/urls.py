from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("structure/<int:pk>/", views.organisation, name="organisation"),
]
