from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("E-mail confirmation"), {"fields": ("email_verified_at", "pending_email")}),
        (_("Preferences"), {"fields": ("language",)}),
    )
    list_display = ("username", "email", "email_verified_at", "first_name", "last_name", "language", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language", ("email_verified_at", admin.EmptyFieldListFilter))
