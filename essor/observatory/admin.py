from django.contrib import admin, messages

from essor.core.admin import ReadOnlyAdmin, StaffAdmin

from .models import FlowCell, IndicatorCell, IndicatorRefresh, ReferenceEmployment
from .services import refresh_after_import


@admin.register(IndicatorCell)
class IndicatorCellAdmin(ReadOnlyAdmin):
    list_display = [
        "level",
        "code",
        "breakdown",
        "category",
        "establishments",
        "employees",
        "secrecy",
    ]
    list_filter = ["level", "breakdown", "secrecy", "has_synthetic"]
    search_fields = ["code", "category"]


@admin.register(FlowCell)
class FlowCellAdmin(ReadOnlyAdmin):
    list_display = [
        "level",
        "code",
        "breakdown",
        "category",
        "year",
        "month",
        "creations",
        "closures",
    ]
    list_filter = ["level", "breakdown", "year"]
    search_fields = ["code"]


@admin.register(IndicatorRefresh)
class IndicatorRefreshAdmin(ReadOnlyAdmin):
    list_display = [
        "finished_at",
        "duration",
        "establishments",
        "synthetic_establishments",
        "cells",
        "secret_cells",
    ]
    actions = ["refresh"]

    @admin.action(description="Recalculer les indicateurs de l'observatoire")
    def refresh(self, request, queryset):
        refresh_after_import()
        messages.success(
            request, "Le recalcul des indicateurs est lancé ; il s'exécute en arrière-plan."
        )


@admin.register(ReferenceEmployment)
class ReferenceEmploymentAdmin(StaffAdmin):
    list_display = ["level", "code", "year", "employees", "source", "imported_at"]
    list_filter = ["level", "year"]
    search_fields = ["code", "source"]
