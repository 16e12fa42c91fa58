from django.contrib import admin
from django.db import models

from .models import Event, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "organiser"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]
    raw_id_fields = ["organiser", "commune", "created_by", "decided_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["event", "user"]
