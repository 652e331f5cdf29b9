"""The one floor-plan geometry both drawings render from (events/geometry.py)."""

from decimal import Decimal

import pytest

from events.floorplan import floor_plan
from events.geometry import ORGANISER_DRAWING, PUBLIC_DRAWING, Drawing, floor_geometry
from events.models import Stall, Zone
from events.selectors import assignment_plan


def test_a_drawing_turns_metres_into_its_units():
    drawing = Drawing(scale=10, margin=Decimal(2), gap=2, min_side=8)

    assert drawing.position(Decimal("3.5")) == 55
    assert drawing.side(Decimal(3)) == 28
    assert drawing.side(Decimal("0.5")) == 8  # never too small to see or click


@pytest.mark.django_db
def test_the_geometry_places_each_stall_zone_by_zone_with_the_bounds_of_the_drawing(event, layout):
    geometry = floor_geometry(event=event, drawing=ORGANISER_DRAWING)

    assert [area.code for area in geometry.zones] == ["A", "B"]
    assert [s.code for s in geometry.zones[0].stalls] == ["A-1", "A-2", "A-3", "A-4"]
    a2 = next(s for s in geometry.stalls if s.code == "A-2")
    assert (a2.x, a2.y, a2.width, a2.height) == (36, 0, 34, 34)
    assert geometry.zones[1].y == 120  # zone B's block starts 10 m down
    # The right-most and lowest stalls' far edges, and a metre of floor beyond them.
    assert geometry.width == max(s.x + s.width for s in geometry.stalls) + 12
    assert geometry.height == max(s.y + s.height for s in geometry.stalls) + 12


@pytest.mark.django_db
def test_the_geometry_reads_the_zones_and_stalls_in_two_queries(event, layout, django_assert_num_queries):
    with django_assert_num_queries(2):
        geometry = floor_geometry(event=event, drawing=PUBLIC_DRAWING)
        [stall.stall.zone.code for stall in geometry.stalls]


@pytest.mark.django_db
def test_the_public_plan_and_the_organisers_plan_draw_the_same_stalls_from_the_one_geometry(event, organiser, layout):
    Stall.objects.filter(pk=layout["stalls"]["B-2"].pk).update(width=Decimal("4.5"), is_double=True)

    public = floor_plan(event)
    organiser_plan = assignment_plan(event=event)

    public_stalls = [stall for zone in public["zones"] for stall in zone.stalls]
    assert [s.code for s in public_stalls] == [s.code for s in organiser_plan.stalls]
    b2_public = next(s for s in public_stalls if s.code == "B-2")
    b2_organiser = next(s for s in organiser_plan.stalls if s.code == "B-2")
    assert (b2_public.x, b2_public.width) == (PUBLIC_DRAWING.position(Decimal(3)), 45)
    assert (b2_organiser.x, b2_organiser.width) == (36, 52)
    assert b2_public.size_attributes == ' width="45" height="30"'  # not the standard size
    assert b2_organiser.label.startswith("B-2 · double stall")


@pytest.mark.django_db
def test_a_zone_colour_that_is_not_a_checked_colour_is_drawn_in_the_default(event, organiser, layout):
    Zone.objects.filter(pk=layout["A"].pk).update(colour="red;}")

    plan = assignment_plan(event=event)

    assert [zone.plan_colour for zone in plan.zones] == ["#7a2e8e", "#1e6b3a"]
