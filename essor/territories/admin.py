from django.contrib import admin

from essor.core.admin import ReadOnlyAdmin, StaffAdmin

from .models import Commune, Departement, Epci, Region

# Geography comes from the shipped extract (load_territories): not edited by hand.


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["name", "code"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
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
