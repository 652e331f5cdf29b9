"""An organiser lays out a fair, assigns on the floor plan without JavaScript, reviews the
automatic proposal and prints the stall signs."""

import re

from events import services
from events.models import Event, StallApplication, StallAssignment
from tests.e2e.browser import screenshot
from tests.factories import TEST_PASSWORD, EventFactory, OrganiserFactory, ProducerFactory, UserFactory


def log_in(page, username: str) -> None:
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_organiser_assigns_stalls_on_the_plan_and_prints_the_signs(page, places):
    event = EventFactory(name="OTOP Fair Khon Kaen", slug="otop-fair-khon-kaen", status=Event.Status.CLOSED)
    organiser = OrganiserFactory(event=event, user=UserFactory(username="malee", first_name="Malee")).user
    zone = services.zone_save(event=event, by=organiser, code="A", name="Silk hall", colour="#7a2e8e")
    services.zone_save(event=event, by=organiser, code="B", name="Food hall", colour="#1e6b3a")
    rice, silk, lamps = (
        StallApplication.objects.create(event=event, producer=ProducerFactory(name_en=name), state="accepted", needs_power=power)
        for name, power in (("Mae Jo Rice", False), ("Tha Sawang Silk", False), ("Lamphun Lamps", True))
    )

    page.goto(f"/organiser/{event.slug}/layout/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    log_in(page, "malee")
    page.wait_for_url(re.compile(r"/organiser/otop-fair-khon-kaen/layout/"))
    grid = page.locator("#grid-form")
    grid.get_by_label("Zone").select_option(label=str(zone))
    grid.get_by_role("spinbutton", name="Rows", exact=True).fill("2")
    grid.get_by_label("Stalls per row").fill("6")
    grid.get_by_label("Power at every n-th stall").fill("3")
    grid.get_by_role("button", name="Make the stalls").click()
    page.get_by_text("12 stalls made in zone A: A-1 to A-12.").wait_for()
    screenshot(page, "organiser-layout")

    page.goto(f"/organiser/{event.slug}/plan/")
    a1 = page.get_by_role("button", name=re.compile(r"^A-1 · corner · free"))
    a7 = page.get_by_role("button", name=re.compile(r"^A-7 · corner · free"))
    first, second = a1.bounding_box(), a7.bounding_box()
    # Positions from the nonce'd style block: 3 m stalls at 12 px a metre, the second row 3 m further down.
    assert round(first["width"]) == 34 and round(second["y"] - first["y"]) == 36
    page.get_by_label(re.compile("Mae Jo Rice")).check()
    a1.click()
    page.get_by_text("Stall A-1 given to Mae Jo Rice.").wait_for()
    assert page.get_by_role("button", name="A-1 · corner · held by Mae Jo Rice").is_disabled()
    page.get_by_label(re.compile("Lamphun Lamps")).check()
    page.get_by_role("button", name=re.compile(r"^A-2 · free")).click()
    page.get_by_text("Stall A-2 lacks something this producer needs.").wait_for()
    assert page.get_by_label(re.compile("Lamphun Lamps")).is_checked(), "the choice stays after a refusal"

    page.get_by_role("button", name="Propose an automatic assignment").click()
    page.get_by_text("Proposal ready: 2 of 2 applications get a stall").wait_for()
    assert page.locator(".plan-stall--proposed").count() == 2
    screenshot(page, "organiser-plan-proposal")
    page.get_by_role("button", name="Accept the proposal").click()
    page.get_by_text("Proposal accepted: 2 stalls assigned.").wait_for()
    assert StallAssignment.objects.filter(event=event).count() == 3
    assert StallAssignment.objects.get(application=lamps).stall.has_power
    assert StallAssignment.objects.filter(application=silk).exists() and StallAssignment.objects.filter(application=rice).exists()

    page.goto(f"/organiser/{event.slug}/signs/")
    assert page.locator(".sign svg").count() == 3
    screenshot(page, "organiser-signs")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".sign").first.evaluate("e => getComputedStyle(e).breakAfter") == "page"
    page.emulate_media(media="screen")

    page.goto(f"/organiser/{event.slug}/")
    page.get_by_role("button", name="Publish the floor plan").click()
    page.get_by_text("The event is now published.").wait_for()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
