"""The days of the fair: exhibitors checking in, stall fees invoiced and paid."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import StallAssignment
from .events import require_organiser


@transaction.atomic
def exhibitor_check_in(*, assignment: StallAssignment, by: User) -> StallAssignment:
    """Record that the stall's producer has arrived (the first check-in counts; again is a no-op)."""
    require_organiser(event=assignment.event, user=by)
    if assignment.checked_in_at is None:
        assignment.checked_in_at = timezone.now()
        assignment.save(update_fields=["checked_in_at"])
    return assignment


@transaction.atomic
def stall_fee_set(*, assignment: StallAssignment, by: User, state: str) -> StallAssignment:
    """Record the stall fee as not invoiced, invoiced or paid; ValidationError for any other state."""
    require_organiser(event=assignment.event, user=by)
    if state not in StallAssignment.Fee.values:
        raise ValidationError(_("Unknown fee state."))
    assignment.fee_state = state
    assignment.save(update_fields=["fee_state"])
    return assignment
