"""Abstract models every app may build on, and the tables of the background tasks' bookkeeping
(core/tasks.py): e-mails delivered, periodic jobs' next runs, tasks that gave up."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StateChange(models.Model):
    """One move of a row along its lifecycle: from, to, who, why and when (see core.lifecycle).

    A concrete history adds the foreign key to the row that moved and redeclares `from_state`
    and `to_state` with its states' choices. `from_state` is empty for the row's first state.
    `by` is None for the system (an expiry, say) or a person since deleted.
    """

    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class EmailDelivery(models.Model):
    """An e-mail handed to the mail server, by the key its task was given when it was enqueued.

    Written in the same transaction that sends it, so a task run again (its worker was killed
    before the result was saved) finds the key and sends nothing twice.
    """

    key = models.CharField(_("delivery key"), max_length=64, primary_key=True)
    recipients = models.TextField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"


class PeriodicRun(models.Model):
    """When a periodic job (settings.TASKS_SCHEDULE) is next due. Workers take a due row with a
    row lock, skipping rows another worker holds, so one job is enqueued once however many
    workers tick."""

    name = models.CharField(_("job"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FailedTask(models.Model):
    """A background task that failed on its last attempt, kept for staff to read and run again."""

    task_path = models.CharField(_("task"), max_length=300)
    arguments = models.JSONField(_("arguments"), default=dict)
    attempts = models.PositiveIntegerField(_("attempts"))
    error = models.TextField(_("error"))
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    retried_at = models.DateTimeField(_("run again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task_path}: {self.error[:80]}"
