"""Abstract models every app may build on; core itself has no tables."""

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
