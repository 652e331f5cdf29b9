"""The reads of the event pages."""

from django.utils import timezone

from .models import Event


def pickup_events_for(producer) -> list[Event]:
    """Published events, running or to come, where the producer has a stall: a buyer may pick up
    their order there."""
    return list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, ends_on__gte=timezone.localdate(), assignments__producer=producer
        ).order_by("starts_on")
    )
