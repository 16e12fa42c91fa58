from django.contrib import admin

from .models import (
    Action,
    ActionLink,
    ActionUpdate,
    Phase,
    Process,
    Proposal,
    Question,
    Questionnaire,
    Section,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "access", "is_demo", "created_at"]
    list_filter = ["status", "access", "is_demo"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["team"]
    raw_id_fields = ["workshops"]
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


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "phase", "anonymous", "one_per", "results_published"]
    list_filter = ["anonymous", "one_per", "results_published"]
    inlines = [SectionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "section", "kind", "required", "order"]
    list_filter = ["kind", "required", "section__questionnaire"]
    raw_id_fields = ["depends_on"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-mostly: moderation and answers go through the workflow on the site."""

    list_display = ["title", "process", "status", "created_at"]
    list_filter = ["status", "process"]
    search_fields = ["title", "description"]
    readonly_fields = ["status", "decided_by", "decided_at", "decision_comment", "merged_into"]
    raw_id_fields = ["author", "organisation"]
