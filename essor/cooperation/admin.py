from django.contrib import admin

from .models import Listing, ListingTransition


class TransitionInline(admin.TabularInline):
    model = ListingTransition
    extra = 0
    readonly_fields = ["transition", "from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "direction", "kind", "status", "created_at"]
    list_filter = ["status", "kind", "direction"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "commune", "created_by", "decided_by"]
    readonly_fields = ["status"]
    inlines = [TransitionInline]
