"""What the apps' admin pages share: rows staff look at but never write by hand (the services
write them, with their checks and their history), and the state history inline; and the
background tasks' pages (failed tasks, periodic jobs, e-mails sent)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import EmailDelivery, FailedTask, PeriodicRun
from .tasks import failed_task_run_again


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


# --- Background tasks (core/tasks.py) ------------------------------------------------------------


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tasks that failed on their last attempt, with their error; "Run again" queues them afresh."""

    list_display = ["failed_at", "task_path", "error", "attempts", "retried_at"]
    list_filter = ["task_path"]
    search_fields = ["task_path", "error"]
    fields = ["task_path", "arguments", "attempts", "error", "formatted_traceback", "failed_at", "retried_at"]
    readonly_fields = fields
    actions = ["run_again"]

    def has_delete_permission(self, request, obj=None):
        # Once read and dealt with, staff may clear them.
        return request.user.is_superuser

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback)

    @admin.action(description=_("Run the selected tasks again"))
    def run_again(self, request, queryset):
        for failed in queryset:
            failed_task_run_again(failed)
        self.message_user(request, _("%(count)d task(s) queued again.") % {"count": len(queryset)}, messages.SUCCESS)


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "last_enqueued_at", "next_run_at"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "subject", "recipients"]
    search_fields = ["recipients", "subject"]
