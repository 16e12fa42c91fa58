from django.contrib import admin
from django.db import models

from essor.accounts.admin import UserAdmin
from essor.accounts.models import User
from essor.accounts.perms import is_cress_staff
from essor.core.admin import StaffAdmin

from .enums import Source
from .models import Establishment, Label, Membership, Organisation
from .services import PROFILE_FIELDS


class StaffInlineMixin:
    """Inlines do not inherit StaffAdmin: give them the same rule."""

    def has_view_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_cress_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_cress_staff(request.user)


@admin.register(Label)
class LabelAdmin(StaffAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class EstablishmentInline(StaffInlineMixin, admin.TabularInline):
    model = Establishment
    fields = ["siret", "name", "address", "postal_code", "commune", "status", "is_head_office"]
    autocomplete_fields = ["commune"]
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # The establishments of a registry organisation are refreshed by the imports.
        return self.fields if obj is not None and obj.is_from_registry else []

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.is_from_registry)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_from_registry)


@admin.register(Organisation)
class OrganisationAdmin(StaffAdmin):
    list_display = ["name", "siren", "rna", "ess_family", "status", "source"]
    list_filter = ["ess_family", "status", "source", "is_esus", "is_synthetic", "labels"]
    search_fields = ["name", "acronym", "siren", "rna"]
    autocomplete_fields = ["networks"]
    filter_horizontal = ["labels"]
    inlines = [EstablishmentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        ("Identité", {"fields": Organisation.REGISTRY_FIELDS + ["is_esus"]}),
        (
            "Profil",
            {"fields": PROFILE_FIELDS},
        ),
        (
            "Provenance",
            {"fields": ["source", "source_updated_at", "is_synthetic", "created_at", "updated_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["source", "source_updated_at", "created_at", "updated_at"]
        if obj is not None and obj.is_from_registry:
            # SIRENE or the RNA is the reference: the next import would undo an edit.
            fields += Organisation.REGISTRY_FIELDS
        return fields

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)


SIRENE_ESTABLISHMENT_FIELDS = [
    "siret", "organisation", "name", "address", "postal_code", "commune", "latitude",
    "longitude", "coordinate_precision", "naf", "headcount_band", "is_employer",
    "is_head_office", "status", "diffusion", "created_on", "closed_on",
]  # fmt: skip


@admin.register(Establishment)
class EstablishmentAdmin(StaffAdmin):
    list_display = ["__str__", "siret", "organisation", "commune", "status", "source"]
    list_filter = ["status", "is_employer", "is_head_office", "coordinate_precision", "source"]
    list_select_related = ["organisation", "commune"]
    search_fields = ["siret", "name", "organisation__name", "organisation__siren"]
    autocomplete_fields = ["organisation", "commune"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["source", "source_updated_at"]
        if obj is not None and obj.source in {Source.SIRENE, Source.RNA}:
            fields += SIRENE_ESTABLISHMENT_FIELDS
        return fields


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_cress_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


# The user page of the admin shows the person's memberships: the accounts app cannot
# know the directory (it sits below it), so the directory extends its admin.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(StaffAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
