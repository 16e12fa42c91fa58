from django.contrib import admin

from essor.accounts.perms import is_cress_staff

from .models import DemoDataset


class StaffAdmin(admin.ModelAdmin):
    """The admin is the CRESS team's back office: staff may do everything there,
    nobody else anything (Django's per-model permissions are not used)."""

    def has_module_permission(self, request):
        return is_cress_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_add_permission(self, request, *args):
        return is_cress_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_cress_staff(request.user)


@admin.register(DemoDataset)
class DemoDatasetAdmin(StaffAdmin):
    list_display = ["name", "loaded_at"]
