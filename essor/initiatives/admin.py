from django import forms
from django.contrib import admin, messages

from essor.core.admin import StaffAdmin

from . import services
from .models import (
    Carrier,
    ContentReport,
    ImpactIndicator,
    Initiative,
    InitiativeTheme,
    InitiativeTransition,
    SpreadRequest,
)


class StaffInline:
    def has_view_permission(self, request, obj=None):
        return request.user.is_cress_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class CarrierInline(StaffInline, admin.TabularInline):
    model = Carrier
    extra = 0
    autocomplete_fields = ["organisation"]


class ThemeInline(StaffInline, admin.TabularInline):
    model = InitiativeTheme
    extra = 0


class IndicatorInline(StaffInline, admin.TabularInline):
    model = ImpactIndicator
    extra = 0


class TransitionInline(StaffInline, admin.TabularInline):
    """The history is read-only: it records what happened."""

    model = InitiativeTransition
    extra = 0
    can_delete = False
    fields = ["created_at", "transition", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CodesField(forms.CharField):
    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list) else value


@admin.register(Initiative)
class InitiativeAdmin(StaffAdmin):
    """Staff complete and correct initiatives here; publication decisions go through the
    workflow (on the initiative's page, or the moderation queue), never through this form,
    so that they are logged and the four-eyes rule holds."""

    list_display = ["title", "axis", "status", "source", "published_at"]
    list_filter = ["status", "axis", "source", "stage"]
    search_fields = ["title", "summary"]
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at", "source"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CarrierInline, ThemeInline, IndicatorInline, TransitionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "axis", "stage"]}),
        ("Territoire", {"fields": ["territory_label", "departement_codes", "epci_codes"]}),
        ("Porteurs hors annuaire", {"fields": ["other_carriers"]}),
        (
            "Impact et liens",
            {"fields": ["impact", "year", "links", "contact_name", "contact_email"]},
        ),
        ("Source", {"fields": ["source", "source_citation", "report_section"]}),
        (
            "Workflow",
            {"fields": ["status", "published_at", "created_by", "created_at", "updated_at"]},
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"departement_codes", "epci_codes"}:
            # Free codes here (« 87 19 »): the public form offers the region's list.
            return CodesField(
                label=db_field.verbose_name.capitalize(),
                required=False,
                help_text="Codes INSEE séparés par des espaces (départements : 87 ; EPCI : numéro SIREN).",
            )
        if db_field.name == "links":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.refresh_search_text()
        obj.save(update_fields=["search_text", "search_title"])


@admin.register(ContentReport)
class ContentReportAdmin(StaffAdmin):
    list_display = ["initiative", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    readonly_fields = ["initiative", "reason", "message", "reporter", "reporter_email", "created_at",
                       "decided_by", "decided_at"]  # fmt: skip
    actions = ["dismiss"]

    @admin.action(description="Classer sans suite")
    def dismiss(self, request, queryset):
        for report in queryset.filter(status="open"):
            services.content_report_resolve(report=report, actor=request.user, unpublish=False)
        messages.success(request, "Signalements classés.")


@admin.register(SpreadRequest)
class SpreadRequestAdmin(StaffAdmin):
    list_display = ["initiative", "name", "organisation_name", "created_at", "recipient_count"]
    readonly_fields = ["initiative", "name", "email", "organisation_name", "message", "consent_at",
                       "sender", "recipient_count", "created_at"]  # fmt: skip
