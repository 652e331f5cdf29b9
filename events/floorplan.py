"""The floor plan of an event as data for the visitors' inline SVG: zones coloured, stalls placed
at their positions (events/geometry.py), each assigned stall linking to its exhibitor."""

from producers.models import Producer

from .geometry import PUBLIC_DRAWING, floor_geometry
from .models import Event, StallAssignment


def floor_plan(event: Event) -> dict:
    """Everything the SVG needs, in three queries however many stalls there are.

    Who holds which stall is public only once the organisers publish the plan, and only for
    verified producers.
    """
    published = event.status in (Event.Status.PUBLISHED, Event.Status.FINISHED)
    holders = {} if not published else {
        a.stall_id: a
        # Only producers visitors may see: a suspended one's stall shows as free.
        for a in StallAssignment.objects.filter(event=event, producer__state=Producer.State.VERIFIED).select_related("producer").only(
            "stall_id", "producer__name", "producer__name_en", "producer__name_ja", "producer__slug", "producer__own_language"
        )
    }
    geometry = floor_geometry(event=event, drawing=PUBLIC_DRAWING, holders=holders)
    return {
        "zones": geometry.zones,
        "width": geometry.width,
        "height": geometry.height,
        "stall_count": len(geometry.stalls),
        "assigned_count": len(holders),
    }
