from django.contrib import admin

from essor.core.admin import StaffAdmin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(StaffAdmin):
    list_display = ["name", "siren"]
    search_fields = ["name", "siren"]
