"""Staff find a group waiting for verification on a phone and reach its managers; a disabled
button looks disabled, and the plan's list of waiting applications keeps its heading inside."""

import re

from events.models import Event
from places.models import Place
from producers.models import ProducerMembership
from tests.e2e.browser import DESKTOP, PHONE, screenshot
from tests.factories import TEST_PASSWORD, EventFactory, OrganiserFactory, ProducerFactory, ProducerMembershipFactory, UserFactory


def log_in(page, username: str) -> None:
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def no_sideways_scroll(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_staff_find_a_waiting_group_and_its_managers_on_a_phone(phone_page, page, places):
    tha_sawang = Place.objects.get(level="subdistrict", slug="tha-sawang", parent__parent__slug="surin")
    silk = ProducerFactory(
        name_en="Tha Sawang Silk Weavers", name="กลุ่มทอผ้าไหมท่าสว่าง", place=tha_sawang, state="pending",
        contact_phone="081 234 5678", contact_email="silk.weavers.of.tha.sawang@example.com",
    )
    manager = UserFactory(username="somsri", first_name="Somsri", last_name="Boonma", email="somsri.boonma@example.com")
    ProducerMembershipFactory(producer=silk, user=manager, role=ProducerMembership.Role.MANAGER)
    for n in range(24):
        ProducerFactory(name_en=f"Waiting group {n:02d}", state="pending")
    UserFactory(username="vera", is_staff=True)

    for browser_page, size, name in ((phone_page, PHONE, "phone"), (page, DESKTOP, "desktop")):
        browser_page.goto("/staff/producers/")
        log_in(browser_page, "vera")
        browser_page.wait_for_url(re.compile(r"/staff/producers/"))
        assert browser_page.get_by_text("25 groups").is_visible()
        assert browser_page.get_by_role("link", name=re.compile("Next")).is_visible()
        browser_page.get_by_label("Search", exact=True).fill("surin silk")
        browser_page.get_by_role("button", name="Find", exact=True).click()
        browser_page.wait_for_url(re.compile(r"q=surin"))
        assert browser_page.locator(".results__count").inner_text().startswith("1 group ")
        card = browser_page.locator("article.queue-item")
        assert card.count() == 1
        assert card.get_by_role("link", name="somsri.boonma@example.com").get_attribute("href") == "mailto:somsri.boonma@example.com"
        assert card.get_by_role("link", name="081 234 5678").get_attribute("href") == "tel:0812345678"
        phone_link = card.get_by_role("link", name="081 234 5678").bounding_box()
        assert phone_link["height"] >= 44
        assert no_sideways_scroll(browser_page, size["width"])
        screenshot(browser_page, f"staff-verification-queue-{name}")


def test_a_disabled_button_looks_disabled_and_the_waiting_legend_stays_in_its_box(phone_page, page, places):
    event = EventFactory(name="OTOP Fair Khon Kaen", slug="otop-fair-khon-kaen", status=Event.Status.CLOSED)
    OrganiserFactory(event=event, user=UserFactory(username="malee"))

    for browser_page, name in ((phone_page, "phone"), (page, "desktop")):
        browser_page.goto(f"/organiser/{event.slug}/plan/?mode=assign")
        log_in(browser_page, "malee")
        browser_page.wait_for_url(re.compile(r"/plan/"))
        propose = browser_page.get_by_role("button", name="Propose an automatic assignment")
        assert propose.is_disabled()
        assert propose.get_attribute("aria-disabled") == "true"
        background = propose.evaluate("button => getComputedStyle(button).backgroundColor")
        assert background != "rgb(122, 46, 142)", "not the brand purple of an active button"
        assert propose.evaluate("button => getComputedStyle(button).cursor") == "not-allowed"
        legend = browser_page.locator(".plan__waiting legend").bounding_box()
        box = browser_page.locator(".plan__waiting").bounding_box()
        assert legend["y"] >= box["y"] and legend["x"] >= box["x"]
        assert legend["x"] + legend["width"] <= box["x"] + box["width"] + 0.5
        screenshot(browser_page, f"organiser-plan-waiting-{name}")
