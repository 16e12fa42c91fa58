from django.contrib import admin

from .models import Action, ActionLink, ActionUpdate, Phase, Process


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "access", "is_demo", "created_at"]
    list_filter = ["status", "access", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["team"]
    inlines = [PhaseInline]


class UpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    raw_id_fields = ["author"]


class LinkInline(admin.TabularInline):
    model = ActionLink
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "process", "axis", "status", "progress"]
    list_filter = ["process", "axis", "status"]
    search_fields = ["text", "chapter", "theme"]
    raw_id_fields = ["carriers"]
    inlines = [UpdateInline, LinkInline]
