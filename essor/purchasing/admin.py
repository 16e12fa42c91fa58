from django.contrib import admin

from .models import (
    NeedTransition,
    PurchaseCategory,
    PurchaseNeed,
    SavedSourcingSearch,
    SupplierArea,
    SupplierProfile,
)


@admin.register(PurchaseCategory)
class PurchaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "cpv_division", "specific_services"]
    list_filter = ["parent"]


class SupplierAreaInline(admin.TabularInline):
    model = SupplierArea
    extra = 0


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "status", "updated_at"]
    list_filter = ["status", "reserved_disability", "reserved_insertion", "reserved_ess"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]
    inlines = [SupplierAreaInline]


class NeedTransitionInline(admin.TabularInline):
    model = NeedTransition
    extra = 0
    readonly_fields = ["transition", "from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False


@admin.register(PurchaseNeed)
class PurchaseNeedAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "status", "answers_deadline"]
    list_filter = ["status", "kind", "reserved"]
    search_fields = ["title", "buyer__name"]
    raw_id_fields = ["buyer", "created_by", "decided_by"]
    readonly_fields = ["status"]
    inlines = [NeedTransitionInline]


@admin.register(SavedSourcingSearch)
class SavedSourcingSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at"]
    search_fields = ["name", "user__email"]
    raw_id_fields = ["user"]
