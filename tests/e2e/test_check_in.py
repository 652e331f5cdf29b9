"""At the fair's door: an organiser checks exhibitors in one-handed on a phone, on a slow
connection and without JavaScript, then at a desk on a laptop."""

import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, StallApplication, StallAssignment
from tests.e2e.browser import DESKTOP, PHONE, screenshot
from tests.factories import BACKEND, EventFactory, OrganiserFactory, ProducerFactory, UserFactory

# What the check-in page may weigh, everything it loads together (the stylesheet, the header's
# search script, the logo): a page for a hall's crowded mobile network.
PAGE_WEIGHT_BUDGET = 120_000
# A slow 3G connection: 400 ms of latency, 400 kbit/s down.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def a_fair_on_its_first_day():
    """OTOP City, running today: five stalls in zone B (1,500 baht each), four exhibitors."""
    event = EventFactory(
        name="OTOP City 2026", slug="otop-city-2026", status=Event.Status.PUBLISHED,
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=8),
    )
    organiser = OrganiserFactory(event=event, user=UserFactory(username="malee", first_name="Malee")).user
    zone = services.zone_save(event=event, by=organiser, code="B", name="Silk hall", colour="#7a2e8e")
    stalls = services.stall_grid_create(event=event, by=organiser, zone=zone, rows=1, columns=12, fee=Decimal("1500"))
    names = ["Mae Jo Rice", "กลุ่มทอผ้าไหมบ้านท่าสว่าง", "Lamphun Lamps", "Nan Silver"]
    assignments = {}
    for name, stall in zip(names, [stalls[1], stalls[3], stalls[11], stalls[0]], strict=True):
        application = StallApplication.objects.create(event=event, producer=ProducerFactory(name_en=name, name=name), state="accepted")
        assignments[name] = services.stall_assign(application=application, stall=stall, by=organiser)
    services.stall_fee_set(assignment=assignments["Lamphun Lamps"], by=organiser, state="paid")
    services.stall_fee_set(assignment=assignments["Nan Silver"], by=organiser, state="invoiced")
    services.exhibitor_check_in(assignment=assignments["Nan Silver"], by=organiser)
    return event, organiser, assignments


def signed_in(context, user, base_url: str) -> None:
    client = Client()
    client.force_login(user, backend=BACKEND)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])


def page_weight(page) -> int:
    """Bytes the page and everything it loaded took over the wire."""
    return page.evaluate(
        "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".reduce((total, entry) => total + (entry.transferSize || entry.encodedBodySize || 0), 0)"
    )


def test_an_organiser_checks_exhibitors_in_one_handed_on_a_slow_phone(browser, live_server, places):
    event, organiser, assignments = a_fair_on_its_first_day()
    # Plain server-rendered forms: the page works with JavaScript off.
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    signed_in(context, organiser, live_server.url)
    phone = context.new_page()
    network = context.new_cdp_session(phone)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", SLOW_3G)

    phone.goto(f"/organiser/{event.slug}/check-in/")
    phone.get_by_text("1 of 4 exhibitors checked in.").wait_for()
    assert page_weight(phone) < PAGE_WEIGHT_BUDGET
    requested = phone.evaluate("() => performance.getEntriesByType('resource').map((entry) => entry.name)")
    assert all(address.startswith(live_server.url) for address in requested), f"nothing from elsewhere: {requested}"

    # The stall code as typed on a phone: lower case, no dash.
    phone.get_by_label("Stall code or exhibitor's name").fill("b2")
    phone.get_by_role("button", name="Find", exact=True).click()
    phone.wait_for_url(re.compile(r"q=b2"))
    cards = phone.locator(".check-in-card")
    assert cards.first.get_attribute("data-stall") == "B-2", "the stall with exactly that code first"
    card = phone.locator('.check-in-card[data-stall="B-2"]')
    assert "Mae Jo Rice" in card.inner_text()
    assert re.search(r"Fee\s+฿1,500\s+unpaid\s+\(not invoiced\)", card.locator(".check-in-card__fee").inner_text())
    button = card.get_by_role("button", name="Check in B-2")
    box, card_box = button.bounding_box(), card.bounding_box()
    assert box["height"] >= 48 and box["width"] >= card_box["width"] - 40, "a big button, the card's full width"
    screenshot(phone, "check-in-found-phone")

    button.click()
    phone.get_by_text("Mae Jo Rice checked in at stall B-2.").wait_for()
    assert phone.get_by_label("Stall code or exhibitor's name").input_value() == "b2", "the search stays for the next one"
    assert "Checked in" in phone.locator('.check-in-card[data-stall="B-2"]').inner_text()
    phone.get_by_text("2 of 4 exhibitors checked in.").wait_for()
    assert StallAssignment.objects.get(pk=assignments["Mae Jo Rice"].pk).checked_in_at is not None

    # The fee, paid at the door.
    card = phone.locator('.check-in-card[data-stall="B-2"]')
    card.get_by_label("Fee of stall B-2").select_option("paid")
    card.get_by_role("button", name="Set").click()
    phone.get_by_text("Fee of stall B-2: paid.").wait_for()
    assert re.search(r"Fee\s+฿1,500\s+✓ paid", phone.locator('.check-in-card[data-stall="B-2"] .check-in-card__fee').inner_text())

    # By the exhibitor's name, in Thai.
    phone.get_by_label("Stall code or exhibitor's name").fill("ท่าสว่าง")
    phone.get_by_role("button", name="Find", exact=True).click()
    phone.wait_for_url(re.compile(r"q=%E0%B8%97"))
    assert [code for code in cards.evaluate_all("cards => cards.map((card) => card.dataset.stall)")] == ["B-4"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "check-in-by-name-phone")
    phone.get_by_role("button", name="Check in B-4").click()
    phone.get_by_text("checked in at stall B-4.").wait_for()

    # Everyone: the paid and the unpaid side by side.
    phone.get_by_role("link", name="Show all").click()
    phone.wait_for_url(re.compile(r"/check-in/$"))
    phone.wait_for_load_state()
    phone.get_by_text("3 of 4 exhibitors checked in.").wait_for()
    phone.locator('.check-in-card[data-stall="B-12"] .fee-state--paid').wait_for()
    phone.locator('.check-in-card[data-stall="B-1"] .fee-state--unpaid').wait_for()
    assert phone.locator(".check-in-card").count() == 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "check-in-all-phone")
    context.close()


def test_an_organiser_checks_in_at_a_desk(browser, live_server, places):
    event, organiser, assignments = a_fair_on_its_first_day()
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    signed_in(context, organiser, live_server.url)
    desk = context.new_page()

    desk.goto(f"/organiser/{event.slug}/check-in/?q=lamphun")
    card = desk.locator(".check-in-card")
    assert card.count() == 1 and card.get_attribute("data-stall") == "B-12"
    assert re.search(r"Fee\s+฿1,500\s+✓ paid", card.locator(".check-in-card__fee").inner_text())
    card.get_by_role("button", name="Check in B-12").click()
    desk.get_by_text("Lamphun Lamps checked in at stall B-12.").wait_for()
    assert StallAssignment.objects.get(pk=assignments["Lamphun Lamps"].pk).checked_in_at is not None

    desk.get_by_label("Stall code or exhibitor's name").fill("B-1")
    desk.get_by_role("button", name="Find", exact=True).click()
    desk.wait_for_url(re.compile(r"q=B-1$"))
    # B-1 exactly, then the codes that contain it.
    assert card.evaluate_all("cards => cards.map((card) => card.dataset.stall)") == ["B-1", "B-12"]
    screenshot(desk, "check-in-desktop")
    context.close()
