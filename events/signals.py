"""Renew an event's cached floor plan when its layout or assignments change (a loose side effect)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import plan_changed
from .models import Event, Stall, StallAssignment, Zone


@receiver(post_save)
@receiver(post_delete)
def invalidate_plan(sender, instance, **kwargs):
    if sender is Event:
        plan_changed(instance.pk)
    elif sender in (Zone, Stall, StallAssignment):
        plan_changed(instance.event_id)
