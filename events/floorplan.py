"""The floor plan of an event as data for an inline SVG: zones coloured, stalls placed at their
positions, each assigned stall linking to its exhibitor."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from producers.models import Producer

from .models import Event, Stall, StallAssignment

SCALE = 10  # SVG units per metre
MARGIN = Decimal(2)


STALL_SIZE = 30  # a 3 m × 3 m stall; other sizes carry their own width and height


@dataclass(frozen=True)
class PlanStall:
    code: str
    x: int
    y: int
    width: int
    height: int
    holder: str
    url: str
    features: str

    @property
    def size_attributes(self):
        # Most stalls are the standard size, which the stylesheet gives; a 3,000-stall plan stays small.
        from django.utils.safestring import mark_safe

        if self.width == STALL_SIZE and self.height == STALL_SIZE:
            return ""
        return mark_safe(f' width="{self.width}" height="{self.height}"')  # noqa: S308 - integers

    @property
    def label_x(self) -> int:
        return self.x + self.width // 2

    @property
    def label_y(self) -> int:
        return self.y + self.height // 2 + 3


@dataclass(frozen=True)
class PlanZone:
    code: str
    name: str
    colour: str
    stalls: list
    x: int
    y: int


def _u(metres) -> int:
    return int((Decimal(metres) + MARGIN) * SCALE)


def floor_plan(event: Event) -> dict:
    """Everything the SVG needs, in three queries however many stalls there are.

    Who holds which stall is public only once the organisers publish the plan, and only for
    verified producers.
    """
    published = event.status in (Event.Status.PUBLISHED, Event.Status.FINISHED)
    holders = {} if not published else {
        a.stall_id: a.producer
        # Only producers visitors may see: a suspended one's stall shows as free.
        for a in StallAssignment.objects.filter(event=event, producer__state=Producer.State.VERIFIED).select_related("producer").only(
            "stall_id", "producer__name", "producer__name_en", "producer__name_ja", "producer__slug", "producer__own_language"
        )
    }
    stalls_by_zone: dict[int, list[PlanStall]] = {}
    max_x = max_y = Decimal(0)
    for stall in Stall.objects.filter(event=event).order_by("zone_id", "y", "x"):
        producer = holders.get(stall.pk)
        features = " ".join(stall.features)
        stalls_by_zone.setdefault(stall.zone_id, []).append(
            PlanStall(
                code=stall.code, x=_u(stall.x), y=_u(stall.y), width=int(stall.width * SCALE), height=int(stall.depth * SCALE),
                holder=producer.display_name if producer else "",
                url=reverse("producers:producer_detail", args=[producer.slug]) if producer else "",
                features=features,
            )
        )
        max_x, max_y = max(max_x, stall.x + stall.width), max(max_y, stall.y + stall.depth)
    zones = []
    for zone in event.zones.all().order_by("code"):
        stalls = stalls_by_zone.get(zone.pk, [])
        zones.append(
            PlanZone(
                code=zone.code, name=zone.display_name, colour=zone.colour, stalls=stalls,
                x=min((s.x for s in stalls), default=0), y=min((s.y for s in stalls), default=0) - 8,
            )
        )
    return {
        "zones": zones,
        "width": _u(max_x + MARGIN),
        "height": _u(max_y + MARGIN),
        "stall_count": sum(len(z.stalls) for z in zones),
        "assigned_count": len(holders),
    }
