"""The producer's and the organiser's overviews on a 360 px phone and a desktop: the charts are
drawn, their tables open, and nothing scrolls sideways."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events import services as events_services
from events.models import Event, StallApplication, StallAssignment
from orders import services
from orders.models import Order
from tests.e2e.browser import DESKTOP, PHONE, screenshot
from tests.factories import TEST_PASSWORD, EventFactory, OrganiserFactory, ProducerFactory, UserFactory, listing, make_shop, member_of, place_one, thai_tambon

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def window(request, browser, live_server):
    """A browser window of the size the test is parametrised with."""
    size = VIEWPORTS[request.param]
    context = browser.new_context(viewport=size, base_url=live_server.url, is_mobile=size is PHONE, has_touch=size is PHONE)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def assert_fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    for box in page.locator(".figures").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
        assert box <= width + 0.5, "the figures stick out of the window"


def assert_charts_and_tables_shown(page, charts: list[str]) -> None:
    for name in charts:
        figure = page.locator(f'[data-chart="{name}"]')
        svg = figure.locator("svg")
        svg.wait_for()
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 30, f"the {name} chart is drawn"
        assert box["x"] + box["width"] <= page.viewport_size["width"]
        figure.get_by_text("The figures as a table").click()
        assert figure.locator("table").is_visible(), f"the {name} table opens"
        table = figure.locator(".chart__table-box")
        assert table.evaluate("e => e.getBoundingClientRect().right") <= page.viewport_size["width"] + 0.5


@pytest.fixture
def shop_with_sales(places, categories):
    shop = make_shop(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=thai_tambon())
    manager = member_of(shop, username="somsri")
    buyer = UserFactory(username="naree")
    products = [
        listing(shop, name_en="Hand-woven Mudmee silk scarf with natural indigo", price=Decimal("850.00"), stock=60),
        listing(shop, name_en="Triangle pillow", price=Decimal("320.00"), stock=60),
        listing(shop, name_en="Silk bag", price=Decimal("1500.00"), stock=60),
    ]
    listing(shop, name_en="Last lotus-silk shawl", price=Decimal("4200.00"), stock=1)
    for n in range(14):  # one in four left unpaid: four, within the fair-stock limits
        order = place_one(buyer, products[n % 3], 1 + n % 2)
        if n % 4:
            order = services.order_transition(order=order, to_state=Order.State.PAID, by=manager)
        Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=n * 5))
    return shop


@pytest.mark.parametrize("window", ["phone", "desktop"], indirect=True)
def test_the_producer_sees_sales_orders_to_act_on_best_sellers_and_low_stock(window, shop_with_sales):
    log_in(window, "somsri")
    window.goto("/dashboard/")
    window.get_by_role("heading", name="Your sales at a glance").wait_for()
    assert_charts_and_tables_shown(window, ["sales-by-week", "top-products"])
    assert window.locator('[data-figures="orders-to-act"] a[href^="/dashboard/orders/OT"]').first.is_visible()
    assert window.locator('[data-figures="low-stock"]').get_by_text("Last lotus-silk shawl").is_visible()
    assert "฿" in window.locator('[data-chart="sales-by-week"] table').inner_text()
    assert_fits(window)
    screenshot(window, f"dashboard-producer-{window.size_name}")


@pytest.fixture
def running_fair(places):
    today = timezone.localdate()
    fair = EventFactory(name="OTOP City 2026", slug="otop-city-2026", status=Event.Status.PUBLISHED, starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=5))
    organiser = OrganiserFactory(event=fair, user=UserFactory(username="malee")).user
    silk = events_services.zone_save(event=fair, by=organiser, code="A", name="Silk and textiles from the North-East", colour="#7a2e8e")
    food = events_services.zone_save(event=fair, by=organiser, code="B", name="Food hall", colour="#1e6b3a")
    stalls = events_services.stall_grid_create(event=fair, by=organiser, zone=silk, rows=1, columns=6, fee=Decimal("1500"))
    stalls += events_services.stall_grid_create(event=fair, by=organiser, zone=food, rows=1, columns=4, origin_y=Decimal(10), fee=Decimal("1200"))
    states = ["accepted"] * 7 + ["submitted"] * 3 + ["waitlisted", "rejected"]
    applications = [StallApplication.objects.create(event=fair, producer=ProducerFactory(), state=state) for state in states]
    for n, (application, stall) in enumerate(zip(applications[:7], stalls[:3] + stalls[6:10], strict=True)):
        assignment = events_services.stall_assign(application=application, stall=stall, by=organiser)
        events_services.stall_fee_set(assignment=assignment, by=organiser, state=("paid", "invoiced", "none")[n % 3])
        if n < 5:
            day = fair.starts_on + timedelta(days=n % 3)
            at = timezone.make_aware(datetime.combine(day, time(8 + n)))
            StallAssignment.objects.filter(pk=assignment.pk).update(checked_in_at=at)
    return fair


@pytest.mark.parametrize("window", ["phone", "desktop"], indirect=True)
def test_the_organiser_sees_applications_stalls_fees_and_check_ins(window, running_fair):
    log_in(window, "malee")
    window.goto(f"/organiser/{running_fair.slug}/")
    window.get_by_role("heading", name="The event in figures").wait_for()
    assert_charts_and_tables_shown(window, ["applications", "occupancy", "fees", "check-ins"])
    assert "฿" in window.locator('[data-figures="fees"] dl').inner_text()
    assert_fits(window)
    screenshot(window, f"dashboard-organiser-event-{window.size_name}")

    window.goto("/organiser/")
    assert_charts_and_tables_shown(window, ["events-occupancy"])
    assert_fits(window)
    screenshot(window, f"dashboard-organiser-home-{window.size_name}")

