"""What events add to other apps' pages: where a producer exhibits today, the events to come."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("events/partials/stall_notes.html")
def stall_notes(producer_id: int) -> dict:
    """`{% stall_notes producer.pk %}`: "At OTOP City now: stall B-26", for each event where the
    producer exhibits today; nothing when none. One query."""
    return {"stall_notes": selectors.current_stalls_for(producer_id=producer_id)}


@register.simple_tag
def upcoming_events(limit: int = 3) -> list:
    """`{% upcoming_events 3 as events %}`: the next events to come. One query."""
    return selectors.upcoming_events(limit=limit)
