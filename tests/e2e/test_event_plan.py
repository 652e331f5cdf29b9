"""A fair-goer finds an exhibitor on the published floor plan of an event: the inline SVG plan, a
stall named on hover and keyboard focus, its link to the producer, and on a phone the zoom
buttons, panning and the list of exhibitors as the plan's text alternative."""

import re
import time

import pytest
from playwright.sync_api import expect

from events import services
from events.models import Event
from places.models import Place
from tests.e2e.browser import PHONE, screenshot
from tests.factories import EventFactory, OrganiserFactory, ProducerFactory, ProducerMembershipFactory, UserFactory

COLUMNS = 14  # 42 m of 3 m stalls: wider than a phone at the plan's natural size


@pytest.fixture
def fair(places):
    """A published fair with two zones of 2 × 14 stalls and three exhibitors, A-1, A-2 and B-1."""
    event = EventFactory(name="OTOP City 2026", slug="otop-city-2026", status=Event.Status.OPEN)
    organiser = OrganiserFactory(event=event, user=UserFactory(username="malee")).user
    silk = services.zone_save(event=event, by=organiser, code="A", name="Silk and textiles", colour="#7a2e8e")
    food = services.zone_save(event=event, by=organiser, code="B", name="Food", colour="#1e6b3a")
    services.stall_grid_create(event=event, by=organiser, zone=silk, rows=2, columns=COLUMNS)
    services.stall_grid_create(event=event, by=organiser, zone=food, rows=2, columns=COLUMNS, origin_y=9)
    surin = Place.objects.get(level="subdistrict", slug="tha-sawang", parent__parent__slug="surin")
    exhibitors = {}
    for code, name, slug in (
        ("A-1", "Tha Sawang Silk Weavers", "tha-sawang-silk"),
        ("A-2", "Chonnabot Mudmee Group", "chonnabot-mudmee"),
        ("B-1", "Mae Boonmee Kitchen", "mae-boonmee-kitchen"),
    ):
        producer = ProducerFactory(name_en=name, slug=slug, place=surin)
        manager = ProducerMembershipFactory(producer=producer, role="manager").user
        application = services.application_submit(event=event, producer=producer, by=manager)
        application = services.application_transition(application=application, to_state="accepted", by=organiser)
        services.stall_assign(application=application, stall=event.stalls.get(code=code), by=organiser)
        exhibitors[code] = producer
    services.event_set_status(event=event, by=organiser, status=Event.Status.CLOSED)
    services.event_set_status(event=event, by=organiser, status=Event.Status.PUBLISHED)
    return event, exhibitors


def focused_stall_title(page) -> str:
    return page.evaluate(
        "() => { const a = document.activeElement; return a && a.matches('a.stall') ? a.querySelector('title').textContent : ''; }"
    )


def wait_until(page, check, what: str, timeout: float = 5.0) -> None:
    """Poll `check` until it holds (the page's CSP refuses Playwright's wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still not so after {timeout}s: {what}"
        page.wait_for_timeout(50)


def drag_left(page, x: float, y: float, *, distance: int) -> None:
    """A finger on the screen at (x, y) moving `distance` pixels to the left, then lifted."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x - distance * step / 10, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_plan_names_a_stall_on_focus_and_hover_and_links_to_its_exhibitor(page, fair):
    event, exhibitors = fair
    page.goto(f"/events/{event.slug}/")
    plan = page.locator("section.floor-plan svg.floor-plan__svg")
    expect(plan).to_be_visible()
    expect(plan.locator("rect")).to_have_count(4 * COLUMNS)
    expect(plan.locator("a.stall")).to_have_count(3)
    expect(page.get_by_role("group", name="Zone A: Silk and textiles")).to_be_attached()
    expect(page.locator(".floor-plan .help")).to_contain_text("3 of 56 stalls have an exhibitor.")
    caption = page.locator("[data-plan-caption]")
    expect(caption).to_have_attribute("aria-live", "polite")
    expect(caption).to_have_text("")

    # From the plan's scrollable area, Tab goes from stall to stall and the caption names each.
    # (Chromium stops once on the <svg> itself on the way in.)
    page.locator(".floor-plan__viewport").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if focused_stall_title(page):
            break
    a1 = page.get_by_role("link", name="A-1 · Tha Sawang Silk Weavers")
    expect(a1).to_be_focused()
    expect(caption).to_have_text("A-1 · Tha Sawang Silk Weavers")
    # The focused stall is outlined, not only named.
    assert a1.locator("rect").evaluate("r => getComputedStyle(r).strokeWidth") == "3px"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="A-2 · Chonnabot Mudmee Group")).to_be_focused()
    expect(caption).to_have_text("A-2 · Chonnabot Mudmee Group")
    assert focused_stall_title(page) == "A-2 · Chonnabot Mudmee Group"

    # The pointer over a stall names it too.
    page.get_by_role("link", name="B-1 · Mae Boonmee Kitchen").hover()
    expect(caption).to_have_text("B-1 · Mae Boonmee Kitchen")
    screenshot(page, "event-plan-desktop")

    # Enter on the focused stall opens its exhibitor's page.
    page.keyboard.press("Shift+Tab")
    expect(a1).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/producers/{exhibitors['A-1'].slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tha Sawang Silk Weavers")


def test_on_a_phone_the_plan_zooms_pans_and_has_a_list_of_exhibitors(phone_page, fair):
    event, exhibitors = fair
    page = phone_page
    page.goto(f"/events/{event.slug}/")
    viewport = page.locator(".floor-plan__viewport")
    plan = page.locator("svg.floor-plan__svg")
    expect(plan).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"

    def plan_width() -> float:
        return plan.bounding_box()["width"]

    def room() -> int:
        return viewport.evaluate("e => e.clientWidth")

    # At first the whole plan fits the phone's width.
    fitted = plan_width()
    assert fitted <= room() + 1
    screenshot(page, "event-plan-phone")

    zoom_in = page.get_by_role("button", name="Zoom in")
    zoom_out = page.get_by_role("button", name="Zoom out")
    expect(zoom_in).to_be_visible()
    expect(zoom_out).to_be_visible()
    zoom_in.click()
    wait_until(page, lambda: plan_width() > fitted * 1.4, "zoomed in once")
    zoom_in.click()
    wait_until(page, lambda: plan_width() > fitted * 2.2, "zoomed in twice")
    assert viewport.evaluate("e => e.scrollWidth") > room(), "a zoomed plan scrolls inside its frame"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "only the plan scrolls, not the page"

    # A finger drags the zoomed plan sideways.
    viewport.scroll_into_view_if_needed()
    assert viewport.evaluate("e => e.scrollLeft") == 0
    box = viewport.bounding_box()
    drag_left(page, box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2, distance=150)
    wait_until(page, lambda: viewport.evaluate("e => e.scrollLeft") > 50, "the plan panned sideways")
    assert page.evaluate("scrollX") == 0, "the finger moved the plan, not the page"

    zoom_out.click()
    zoom_out.click()
    wait_until(page, lambda: plan_width() < fitted * 1.1, "zoomed out again")

    # Tapping a stall opens its exhibitor.
    page.get_by_role("link", name="B-1 · Mae Boonmee Kitchen").tap()
    page.wait_for_url(f"**/producers/{exhibitors['B-1'].slug}/")
    page.go_back()

    # The plan's text alternative: every exhibitor with its stall, as a list.
    page.get_by_role("link", name="The exhibitors and their stalls as a list").click()
    page.wait_for_url(f"**/events/{event.slug}/exhibitors/")
    rows = page.locator(".exhibitor-list li")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(re.compile(r"A-1\s+Tha Sawang Silk Weavers"))
    expect(rows.nth(2)).to_contain_text(re.compile(r"B-1\s+Mae Boonmee Kitchen"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
