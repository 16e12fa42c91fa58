from django.contrib import admin

from essor.core.admin import StaffAdmin
from essor.territories.admin import AreaInline

from .models import (
    Dossier,
    DossierVersion,
    FinancingTool,
    FundingRequest,
    FundingRequestTransition,
    OrganisationDocument,
    SavedSearch,
    SentAlert,
    ToolArea,
)


class ToolAreaInline(AreaInline):
    model = ToolArea


@admin.register(FinancingTool)
class FinancingToolAdmin(StaffAdmin):
    list_display = ["title", "instrument", "call_kind", "status", "closes_on", "is_illustrative"]
    list_filter = ["status", "instrument", "call_kind", "envelope", "is_illustrative"]
    search_fields = ["title", "summary", "import_id"]
    autocomplete_fields = ["funders", "instructing_body", "unlocks"]
    inlines = [ToolAreaInline]

    def save_model(self, request, obj, form, change):
        obj.refresh_index()
        super().save_model(request, obj, form, change)


@admin.register(Dossier)
class DossierAdmin(StaffAdmin):
    list_display = ["title", "organisation", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "lead_funder", "created_by"]


class FundingRequestTransitionInline(admin.TabularInline):
    model = FundingRequestTransition
    extra = 0
    can_delete = False
    readonly_fields = [
        "transition", "from_status", "to_status", "actor", "comment", "amount", "version",
        "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(StaffAdmin):
    list_display = ["dossier", "funder", "status", "amount_asked", "amount_granted"]
    list_filter = ["status"]
    raw_id_fields = ["dossier", "funder", "tool"]
    inlines = [FundingRequestTransitionInline]


@admin.register(DossierVersion)
class DossierVersionAdmin(StaffAdmin):
    list_display = ["dossier", "number", "reason", "created_at", "pdf_status"]
    readonly_fields = ["dossier", "number", "snapshot", "reason", "created_by", "created_at"]


@admin.register(SavedSearch)
class SavedSearchAdmin(StaffAdmin):
    list_display = ["name", "user", "created_at"]
    raw_id_fields = ["user"]


@admin.register(SentAlert)
class SentAlertAdmin(StaffAdmin):
    list_display = ["kind", "tool", "user", "about", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "tool"]


@admin.register(OrganisationDocument)
class OrganisationDocumentAdmin(StaffAdmin):
    list_display = ["organisation", "kind", "title", "valid_until", "uploaded_at"]
    list_filter = ["kind"]
    raw_id_fields = ["organisation", "uploaded_by"]
