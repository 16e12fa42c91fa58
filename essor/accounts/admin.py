from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from essor.core.admin import StaffAdmin

from .models import User


@admin.register(User)
class UserAdmin(StaffAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "platform_role", "email_confirmed_at"]
    list_filter = ["platform_role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôle", {"fields": ["platform_role", "is_active", "is_staff", "email_confirmed_at"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
