from django.contrib import admin

from essor.core.admin import StaffAdmin
from essor.territories.admin import AreaInline

from .models import OfferArea, OfferTransition, SupportOffer


class OfferAreaInline(AreaInline):
    model = OfferArea


class OfferTransitionInline(admin.TabularInline):
    model = OfferTransition
    extra = 0
    readonly_fields = ["transition", "from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.is_cress_staff if request.user.is_authenticated else False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SupportOffer)
class SupportOfferAdmin(StaffAdmin):
    list_display = ["title", "provider", "provider_kind", "status", "is_illustrative", "updated_at"]
    list_filter = ["status", "provider_kind", "is_illustrative", "cost", "format"]
    search_fields = ["title", "provider__name", "territory_summary"]
    raw_id_fields = ["provider", "created_by"]
    readonly_fields = ["territory_summary", "created_at", "updated_at"]
    inlines = [OfferAreaInline, OfferTransitionInline]


# Requests are deliberately not in the admin: they hold personal data shared with their
# addressees only, and the CRESS team is not one of them.
