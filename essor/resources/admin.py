from django.contrib import admin
from django.db import models

from essor.core.admin import StaffAdmin

from .models import AuthoredGuide, GuideVersion, Page, Training


@admin.register(Page)
class PageAdmin(StaffAdmin):
    list_display = ["title", "slug", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Training)
class TrainingAdmin(StaffAdmin):
    list_display = ["title", "organiser_label", "format", "is_illustrative", "status"]
    list_filter = ["format", "status", "is_illustrative", "opco_fundable", "is_free"]
    search_fields = ["title", "organiser_name", "organiser__name"]
    autocomplete_fields = ["organiser"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    raw_id_fields = ["epci"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "organiser", "organiser_name", "description", "theme", "url"]},
        ),
        ("Pour qui, comment", {"fields": ["audiences", "format", "duration"]}),
        (
            "Session",
            {"fields": ["next_session", "session_ends_on", "places", "registration_url"]},
        ),
        ("Où", {"fields": ["region", "departement", "epci"]}),
        ("Coût", {"fields": ["cost", "is_free", "opco_fundable"]}),
        ("Publication", {"fields": ["status", "is_illustrative"]}),
    ]

    @admin.display(description="organisme")
    def organiser_label(self, obj):
        return obj.organiser_label

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


class GuideVersionInline(admin.TabularInline):
    model = GuideVersion
    fields = ["number", "title", "status", "created_by", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AuthoredGuide)
class AuthoredGuideAdmin(StaffAdmin):
    """Read-only: a written guide changes through its versions' workflow, on the portal
    (/ressources/moderation/), which logs each step and tells the writer."""

    list_display = ["__str__", "organisation", "published_version", "created_at"]
    list_select_related = ["organisation", "published_version"]
    search_fields = ["slug", "versions__title", "organisation__name"]
    readonly_fields = ["slug", "organisation", "published_version", "created_by", "created_at"]
    fields = readonly_fields
    inlines = [GuideVersionInline]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
