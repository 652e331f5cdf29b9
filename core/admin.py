"""What the apps' admin pages share: rows staff look at but never write by hand (the services
write them, with their checks and their history), and the state history inline."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdminMixin:
    """Look, don't touch: no adding, changing or deleting (the change page shows the fields)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Related rows listed under their parent, every field shown read only."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class StateChangeInline(ReadOnlyInline):
    """A lifecycle's history rows (core.models.StateChange): written by its moves, never here."""

    fields = ("at", "from_state", "to_state", "by", "note")
    verbose_name = _("change")
    verbose_name_plural = _("history")
