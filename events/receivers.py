"""Renew an event's cached floor plan when its layout or assignments change (a loose side effect)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import plan_changed
from .models import Event, FeeTariff, Stall, StallAssignment, Zone


# What an assignment may change without changing any page a visitor sees (the day's check-in,
# the fee): not worth throwing away every cached event and product page.
PRIVATE_ASSIGNMENT_FIELDS = frozenset({"checked_in_at", "fee_state"})


@receiver(post_save)
@receiver(post_delete)
def invalidate_plan(sender, instance, update_fields=None, **kwargs):
    if sender is StallAssignment and update_fields and set(update_fields) <= PRIVATE_ASSIGNMENT_FIELDS:
        return
    if sender is Event:
        plan_changed(instance.pk)
    elif sender in (Zone, Stall, StallAssignment, FeeTariff):
        plan_changed(instance.event_id)
