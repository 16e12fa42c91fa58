from django.contrib import admin

from essor.core.admin import StaffAdmin

from .models import Commune, Departement, Epci, Region


class ReadOnlyTerritoryAdmin(StaffAdmin):
    """Geography comes from the shipped extract (load_territories); not hand-edited."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["name", "code"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyTerritoryAdmin):
    list_display = ["code", "name", "departement", "epci", "population"]
    list_filter = ["kind", "coordinate_precision"]
    search_fields = ["name", "code", "search_name"]


class AreaInline(admin.TabularInline):
    """An owner's served territory, shown to the CRESS team. Edited through the owner's
    form on the site, whose picker fills a radius's centre; never by hand here."""

    extra = 0
    fields = readonly_fields = ["level", "code", "label", "radius_km"]

    # Inlines do not inherit StaffAdmin: its rule, borrowed.
    has_view_permission = StaffAdmin.has_view_permission

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
