"""The public floor plan of an event (events/floorplan.py) as visitors see it: a suspended
producer's stall shows as free until they are verified again, a stall of another size carries its
size and a free stall its code, and the stylesheet sizes only the standard stalls."""

import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation

from events import services
from events.models import Event, StallApplication, StallAssignment
from producers.services import producer_set_state
from tests.factories import EventFactory, ProducerFactory

ACCEPTED = StallApplication.State.ACCEPTED
SVG = re.compile(r'<svg class="floor-plan__svg".*?</svg>', re.S)
FREE_GROUP = re.compile(r'<g class="free" aria-hidden="true">(.*?)</g>', re.S)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _svg(body: str) -> str:
    return SVG.search(body).group()


def _free_group(body: str) -> str:
    return "".join(FREE_GROUP.findall(_svg(body)))


def _page(url: str, **headers) -> str:
    """The page as a new visitor without a session sees it (the cached one when the cache is on)."""
    response = Client(**headers).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Suspended producers on the public plan -------------------------------------------------------


@pytest.fixture
def published_fair(places, staff, make_application):
    """A published fair with one row of three stalls; two exhibitors, in A-1 and A-2."""
    event = EventFactory(name="OTOP Fair Khon Kaen", slug="plan-fair", status=Event.Status.OPEN)
    zone = services.zone_save(event=event, by=staff, code="A", name="Silk hall")
    stalls = services.stall_grid_create(event=event, by=staff, zone=zone, rows=1, columns=3)
    exhibitors = []
    for number, name in enumerate(["Tha Sawang Silk Weavers", "Chonnabot Mudmee Group"]):
        producer = ProducerFactory(name_en=name, slug=f"plan-exhibitor-{number}", state="verified")
        application = make_application(event, producer=producer, state=ACCEPTED)
        services.stall_assign(application=application, stall=stalls[number], by=staff)
        exhibitors.append(producer)
    services.event_set_status(event=event, by=staff, status=Event.Status.CLOSED)
    services.event_set_status(event=event, by=staff, status=Event.Status.PUBLISHED)
    return event, exhibitors


def test_a_suspended_producers_stall_shows_as_free_until_they_are_verified_again(
    page_cache, published_fair, staff, django_capture_on_commit_callbacks
):
    event, (suspended, other) = published_fair
    url = f"/events/{event.slug}/"
    body = _page(url)
    assert suspended.display_name in body and f'href="/producers/{suspended.slug}/"' in body
    assert "2 of 3 stalls have an exhibitor." in body

    with django_capture_on_commit_callbacks(execute=True):
        producer_set_state(producer=suspended, to_state="suspended", by=staff, reason="The FDA number does not match.")

    body = _page(url)
    assert suspended.display_name not in body
    assert f"/producers/{suspended.slug}/" not in body
    assert "1 of 3 stalls have an exhibitor." in body
    assert re.search(r"<text [^>]*>A-1</text>", _free_group(body))
    assert other.display_name in body and f'href="/producers/{other.slug}/"' in body
    # The stall is still theirs: only what visitors see changed.
    assert StallAssignment.objects.filter(event=event, producer=suspended, stall__code="A-1").exists()

    with django_capture_on_commit_callbacks(execute=True):
        producer_set_state(producer=suspended, to_state="verified", by=staff)

    body = _page(url)
    assert f'<a href="/producers/{suspended.slug}/" class="stall"><title>A-1 · {suspended.display_name}</title>' in body
    assert "2 of 3 stalls have an exhibitor." in body
    assert not re.search(r"<text [^>]*>A-1</text>", _free_group(body))


# --- Stall sizes and free stalls in the SVG --------------------------------------------------------


def test_a_stall_of_another_size_carries_its_size_and_a_free_stall_its_code(client, places, staff):
    event = EventFactory(slug="sizes-fair", status=Event.Status.OPEN)
    standard = services.zone_save(event=event, by=staff, code="A", name="Silk hall")
    wide = services.zone_save(event=event, by=staff, code="B", name="Food hall")
    services.stall_grid_create(event=event, by=staff, zone=standard, rows=1, columns=1, origin_y=Decimal(10))
    services.stall_grid_create(event=event, by=staff, zone=wide, rows=1, columns=1, width=Decimal(6), depth=Decimal(2))

    free = _free_group(client.get(f"/events/{event.slug}/").content.decode())

    # 6 m × 2 m at the hall's corner (2 m margin, 10 units a metre), its code in the middle.
    assert '<rect x="20" y="20" width="60" height="20"/><text x="50" y="33">B-1</text>' in free
    # The standard 3 m × 3 m stall leaves its size to the stylesheet.
    assert '<rect x="20" y="120"/><text x="35" y="138">A-1</text>' in free


def _css_rules(css: str) -> list[tuple[str, dict]]:
    """(selector, {property: value}) for every rule, those inside @media included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            name, _colon, value = declaration.partition(":")
            if value.strip():
                declarations[name.strip().lower()] = value.strip()
        for selector in selectors.split(","):
            rules.append((" ".join(selector.split()), declarations))
    return rules


def test_the_stylesheet_sizes_only_the_rects_without_a_width_of_their_own():
    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        rules = _css_rules(stylesheet.read())
    # Every rule that reaches the plan's rects: `.floor-plan__svg rect`, `.floor-plan__svg .free rect`, …
    plan_rects = [(selector, declarations) for selector, declarations in rules if re.search(r"\.floor-plan__svg\b.*\brect\S*$", selector)]
    assert plan_rects, "no rule for the plan's stalls"
    for selector, declarations in plan_rects:
        if selector.endswith("rect:not([width])"):
            continue
        assert not {"width", "height"} & set(declarations), f"{selector} forces the size of every stall"
    standard = [declarations for selector, declarations in plan_rects if selector == ".floor-plan__svg rect:not([width])"]
    assert standard and standard[0].get("width") == "30px" and standard[0].get("height") == "30px"
