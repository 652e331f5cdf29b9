"""A producer registers their group on a phone; staff verify it; visitors find it."""

from accounts.models import User
from producers.models import Producer
from tests.e2e.browser import screenshot
from tests.factories import TEST_PASSWORD, ProducerFactory, UserFactory


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_producer_registers_on_a_phone_and_appears_once_verified(phone_page, page, places):
    UserFactory(username="somsri", first_name="Somsri")
    UserFactory(username="staffer", is_staff=True)
    log_in(phone_page, "somsri")

    phone_page.goto("/dashboard/register/")
    screenshot(phone_page, "producer-register-step1-phone")
    phone_page.get_by_label("Name in your own language").fill("กลุ่มทอผ้าไหมบ้านท่าสว่าง")
    phone_page.get_by_label("Name in English").fill("Ban Tha Sawang Silk Weavers")
    phone_page.get_by_label("You are").select_option("community_group")
    phone_page.locator("#id_own_language").select_option("th")
    phone_page.get_by_label("Province or prefecture").select_option(label="Surin")
    phone_page.get_by_role("button", name="Next").click()

    phone_page.wait_for_url("**/dashboard/register/place/")
    phone_page.get_by_label("Sub-district (tambon)").select_option(label="Tha Sawang")
    phone_page.get_by_label("Village (optional)").fill("Ban Tha Sawang")
    phone_page.get_by_label("Your story").fill("We weave pha yok silk for the royal court and for you.")
    screenshot(phone_page, "producer-register-step2-phone")
    phone_page.get_by_role("button", name="Register").click()

    phone_page.wait_for_url("**/dashboard/")
    assert "pending verification" in phone_page.content()
    producer = Producer.objects.get(name_en="Ban Tha Sawang Silk Weavers")
    assert producer.state == "pending"
    assert producer.place.level == "village" and producer.province.name_en == "Surin"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    # Not public until verified.
    response = page.goto(f"/producers/{producer.slug}/")
    assert response.status == 404

    log_in(page, "staffer")
    page.goto("/staff/producers/")
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").first.click()
    producer.refresh_from_db()
    assert producer.state == "verified"

    for number in range(30):
        ProducerFactory(place=producer.place, name_en=f"Surin Group {number:02d}")
    phone_page.goto("/producers/?province=surin")
    assert phone_page.get_by_text("Ban Tha Sawang Silk Weavers").is_visible()
    screenshot(phone_page, "producer-directory-phone")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/producers/")
    screenshot(page, "producer-directory-desktop")

    phone_page.goto(f"/producers/{producer.slug}/")
    assert "Tambon Tha Sawang" in phone_page.content()
    assert "Somsri" in phone_page.content()
    screenshot(phone_page, "producer-profile-phone")
    assert User.objects.filter(username="somsri", producer_memberships__role="manager").exists()
