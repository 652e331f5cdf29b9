"""The floor plan of an event as geometry, one for both drawings of it: the visitors' SVG plan
(events/floorplan.py) and the organiser's plan to assign on (selectors.assignment_plan).

A stall is a rectangle in metres from the hall's top-left corner. A ``Drawing`` says how metres
become the units of one drawing (SVG units, CSS pixels): its scale, the floor left round the
stalls, and the gap that keeps neighbouring stalls apart. ``floor_geometry`` places every stall
of an event, zone by zone, and gives the bounds of the drawing.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import Event, Stall, StallApplication, StallAssignment, StallFeature, Zone

DEFAULT_ZONE_COLOUR = "#7a2e8e"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
STANDARD_SIDE = Decimal(3)  # metres: most stalls are 3 m × 3 m


@dataclass(frozen=True)
class Drawing:
    """How metres become one drawing's units."""

    scale: int  # units per metre
    margin: Decimal = Decimal(0)  # metres of floor drawn left of and above x = 0, y = 0
    padding: Decimal = Decimal(0)  # metres of floor drawn right of and below the last stall
    gap: int = 0  # units taken off each stall's width and depth, so that neighbours show apart
    min_side: int = 0  # units: the smallest stall still drawn large enough to click

    def position(self, metres) -> int:
        return int((Decimal(metres) + self.margin) * self.scale)

    def side(self, metres) -> int:
        return max(int(metres * self.scale) - self.gap, self.min_side)


# The visitors' plan: an SVG, 10 units a metre, 2 m of floor round the stalls.
PUBLIC_DRAWING = Drawing(scale=10, margin=Decimal(2), padding=Decimal(2))
# The organiser's plan: buttons placed in CSS pixels, 12 a metre, 2 px between stalls.
ORGANISER_DRAWING = Drawing(scale=12, padding=Decimal(1), gap=2, min_side=8)


def zone_colour(zone: Zone) -> str:
    """The zone's colour as a checked #rrggbb (it goes into a <style> block), else the default."""
    return zone.colour if _COLOUR.match(zone.colour or "") else DEFAULT_ZONE_COLOUR


@dataclass
class PlanStall:
    """A stall on a drawing: its rectangle in the drawing's units, and who holds it (the
    organiser's plan adds the application the proposal under review gives it to)."""

    stall: Stall
    x: int
    y: int
    width: int
    height: int
    standard: bool = False  # the standard size, which the public plan's stylesheet gives
    assignment: StallAssignment | None = None
    proposed: StallApplication | None = None

    @property
    def code(self) -> str:
        return self.stall.code

    @property
    def features(self) -> list[StallFeature]:
        return self.stall.features

    @property
    def holder(self) -> str:
        return self.assignment.producer.display_name if self.assignment is not None else ""

    @cached_property
    def url(self) -> str:
        """The holder's page, or "" for a free stall."""
        return reverse("producers:producer_detail", args=[self.assignment.producer.slug]) if self.assignment is not None else ""

    @property
    def size_attributes(self):
        # The standard size is the stylesheet's: a 3,000-stall SVG plan stays small.
        if self.standard:
            return ""
        return mark_safe(f' width="{self.width}" height="{self.height}"')  # noqa: S308 - integers

    @property
    def label_x(self) -> int:
        return self.x + self.width // 2

    @property
    def label_y(self) -> int:
        return self.y + self.height // 2 + 3

    @cached_property
    def label(self) -> str:
        """What a screen reader says and a tooltip shows: code, features, holder, proposal."""
        parts = [self.stall.code, *(str(feature.label) for feature in self.features)]
        if self.assignment is not None:
            parts.append(gettext("held by %(name)s") % {"name": self.holder})
        else:
            parts.append(gettext("free"))
        if self.proposed is not None:
            parts.append(gettext("proposed for %(name)s") % {"name": self.proposed.producer.display_name})
        return " · ".join(parts)


@dataclass
class ZoneArea:
    """A zone on a drawing: the zone and its stalls, drawn in its colour."""

    zone: Zone
    stalls: list[PlanStall] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.zone.code

    @property
    def name(self) -> str:
        return self.zone.display_name

    @property
    def colour(self) -> str:
        return zone_colour(self.zone)

    @property
    def x(self) -> int:
        """The left edge of the zone's stalls."""
        return min((s.x for s in self.stalls), default=0)

    @property
    def y(self) -> int:
        """The top edge of the zone's stalls."""
        return min((s.y for s in self.stalls), default=0)

    @property
    def label_y(self) -> int:
        """Where the zone's name stands: just above its stalls."""
        return self.y - 8


@dataclass
class FloorGeometry:
    drawing: Drawing
    zones: list[ZoneArea]
    width: int
    height: int

    @property
    def stalls(self) -> list[PlanStall]:
        """Every stall, zone by zone (in code order), then top to bottom and left to right."""
        return [stall for zone in self.zones for stall in zone.stalls]


def floor_geometry(*, event: Event, drawing: Drawing, holders: dict | None = None, proposed: dict | None = None) -> FloorGeometry:
    """Every stall of the event placed on the drawing, in two queries however many stalls there
    are. `holders` and `proposed` (by stall id) put an assignment and a proposed application on
    the stalls they name."""
    holders, proposed = holders or {}, proposed or {}
    areas = {zone.pk: ZoneArea(zone=zone) for zone in Zone.objects.filter(event=event).order_by("code")}
    standard = drawing.side(STANDARD_SIDE)
    for stall in Stall.objects.filter(event=event).order_by("zone__code", "y", "x", "pk"):
        area = areas[stall.zone_id]
        stall.zone = area.zone  # the zone read already: no query per stall
        width, height = drawing.side(stall.width), drawing.side(stall.depth)
        area.stalls.append(
            PlanStall(
                stall=stall, x=drawing.position(stall.x), y=drawing.position(stall.y), width=width, height=height,
                standard=width == standard and height == standard,
                assignment=holders.get(stall.pk), proposed=proposed.get(stall.pk),
            )
        )
    zones = list(areas.values())
    stalls = [stall for zone in zones for stall in zone.stalls]
    padding = int(drawing.padding * drawing.scale)
    return FloorGeometry(
        drawing=drawing,
        zones=zones,
        width=max((s.x + s.width for s in stalls), default=drawing.position(0)) + padding,
        height=max((s.y + s.height for s in stalls), default=drawing.position(0)) + padding,
    )
