from django.contrib import admin

from .models import DemoDataset


def is_staff_request(request):
    # Who is CRESS staff is the accounts app's rule (accounts.perms.is_cress_staff), a
    # layer above core: the user model answers it, as Django's admin asks it `is_staff`.
    return getattr(request.user, "is_cress_staff", False)


class StaffAdmin(admin.ModelAdmin):
    """The admin is the CRESS team's back office: staff may do everything there,
    nobody else anything (Django's per-model permissions are not used)."""

    def has_module_permission(self, request):
        return is_staff_request(request)

    def has_view_permission(self, request, obj=None):
        return is_staff_request(request)

    def has_add_permission(self, request, *args):
        return is_staff_request(request)

    def has_change_permission(self, request, obj=None):
        return is_staff_request(request)

    def has_delete_permission(self, request, obj=None):
        return is_staff_request(request)


@admin.register(DemoDataset)
class DemoDatasetAdmin(StaffAdmin):
    list_display = ["name", "loaded_at"]
