"""A new group's manager changes the payout details on a phone; the change waits for staff, who
approve it on a desktop; the history shows it masked."""

from producers.models import PayoutChange, Producer, ProducerMembership
from tests.e2e.browser import screenshot
from tests.factories import TEST_PASSWORD, ProducerFactory, UserFactory

PHONE_390 = {"width": 390, "height": 844}


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_new_groups_payout_change_waits_for_staff_and_shows_masked(browser, live_server, page, places):
    group = ProducerFactory(name_en="Tha Sawang Silk Weavers", bank_name="Krungthai", bank_account_number="123-4-56789-0")
    manager = UserFactory(username="somsri", first_name="Somsri")
    ProducerMembership.objects.create(producer=group, user=manager, role=ProducerMembership.Role.MANAGER)
    UserFactory(username="staffer", is_staff=True)
    phone = browser.new_context(viewport=PHONE_390, base_url=live_server.url, is_mobile=True, has_touch=True).new_page()
    log_in(phone, "somsri")

    phone.goto("/dashboard/payment/")
    phone.get_by_label("Account number").fill("987-6-54321-0")
    phone.get_by_label("PromptPay ID").fill("0899998888")
    phone.get_by_label("Your password").fill("not my password")
    phone.get_by_role("button", name="Save").click()
    assert "That is not your password" in phone.content()
    screenshot(phone, "payout-wrong-password-390")
    phone.get_by_label("Your password").fill(TEST_PASSWORD)
    phone.get_by_role("button", name="Save").click()

    phone.wait_for_url("**/dashboard/")
    group.refresh_from_db()
    assert group.bank_account_number == "123-4-56789-0", "held: the old account stays in force"
    phone.goto("/dashboard/payment/")
    assert phone.get_by_text("A change waits for review by our staff.").is_visible()
    screenshot(phone, "payout-held-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"], "the page scrolls sideways"

    log_in(page, "staffer")
    page.goto("/staff/payout-changes/")
    screenshot(page, "payout-review-queue-1280")
    page.get_by_label("Note to the group's managers").fill("Checked by phone with the group.")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    assert PayoutChange.objects.get().state == PayoutChange.State.APPROVED
    assert Producer.objects.get(pk=group.pk).bank_account_number == "987-6-54321-0"

    phone.goto("/dashboard/")
    history = phone.locator(".payout-history").inner_text()
    assert "Approved by staff" in history and "••••21-0" in history and "987-6-54321-0" not in history
    screenshot(phone, "payout-history-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    phone.context.close()

    page.context.clear_cookies()
    log_in(page, "somsri")
    page.goto("/dashboard/payment/")
    screenshot(page, "payout-form-1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
