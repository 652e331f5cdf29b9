"""A newly registered group, on a phone (360 px) and on a desktop (1280 px): the overview's
checklist says what it still lacks; publishing its first product is refused with what is missing
and a link; it adds its payment details, which wait for staff; once approved the step is ticked
and the product is published."""

import pytest

from catalogue.models import Category, Product
from producers.models import PayoutChange, Producer
from producers.services import payout_change_review
from tests.e2e.browser import DESKTOP, PHONE, screenshot
from tests.factories import TEST_PASSWORD, UserFactory
from tests.producers import imagefiles


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} scrolls sideways at {width} px"


def step_state(page, key: str) -> str:
    return page.locator(f"#onboarding-{key} .onboarding-step__state").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_a_new_group_follows_its_checklist_to_its_first_published_product(browser, live_server, places, categories, tmp_path, viewport):
    width = viewport["width"]
    UserFactory(username="nok", first_name="Nok")
    staff = UserFactory(username="reviewer", is_staff=True)
    context = browser.new_context(viewport=viewport, base_url=live_server.url, is_mobile=width < 400, has_touch=width < 400)
    page = context.new_page()
    log_in(page, "nok")

    # Registration, then the overview with its checklist.
    page.goto("/dashboard/register/")
    page.get_by_label("Name in your own language").fill("กลุ่มจักสานบ้านใหม่")
    page.get_by_label("Name in English").fill("Ban Mai Basket Weavers")
    page.get_by_label("You are").select_option("community_group")
    page.locator("#id_own_language").select_option("th")
    page.get_by_label("Province or prefecture").select_option(label="Surin")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/dashboard/register/place/")
    page.get_by_label("Sub-district (tambon)").select_option(label="Tha Sawang")
    page.get_by_label("Your story").fill("We weave bamboo baskets the way our grandmothers did.")
    page.get_by_label("Phone", exact=True).fill("081 234 5678")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/dashboard/")
    group = Producer.objects.get(name_en="Ban Mai Basket Weavers")

    checklist = page.locator(".onboarding")
    assert checklist.is_visible()
    assert "1 of 6 steps done" in checklist.inner_text()
    assert step_state(page, "profile") == "Done"
    assert step_state(page, "payment") == "To do"
    assert step_state(page, "verification") == "Waiting for our staff"
    assert "Needed before your products can be published" in checklist.inner_text()
    screenshot(page, f"onboarding-checklist-new-{width}")
    fits(page, width)

    # A first product, with a photo: publishing it is refused, saying what is missing.
    page.locator("#onboarding-first_product").get_by_role("link", name="Add a product").click()
    page.wait_for_url("**/dashboard/products/new/")
    page.locator("#id_category").select_option(str(Category.objects.get(slug="basketry").pk))
    page.locator("#id_name_en").fill("Bamboo rice basket")
    page.locator("#id_price").fill("250")
    page.locator("#id_stock").fill("5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/photos/")
    photo = tmp_path / "basket.jpg"
    photo.write_bytes(imagefiles.jpeg_bytes())
    page.locator("#id_image").set_input_files(str(photo))
    page.get_by_role("button", name="Add photo").click()
    page.get_by_text("Photo added.").wait_for()
    page.goto("/dashboard/products/")
    assert page.locator("#publish-blocked").is_visible()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/dashboard/products/")
    message = page.locator(".message--error")
    assert "cannot be published yet" in message.inner_text()
    screenshot(page, f"onboarding-publish-refused-{width}")
    fits(page, width)
    assert Product.objects.get(producer=group).status == "draft"

    # The message's link leads to the payment details; the change waits for staff.
    message.get_by_role("link", name="Payment details").click()
    page.wait_for_url("**/dashboard/payment/")
    page.get_by_label("Bank", exact=True).fill("Bank for Agriculture and Agricultural Cooperatives")
    page.get_by_label("Account name").fill("Ban Mai Basket Weavers")
    page.get_by_label("Account number").fill("020-1-23456-7")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/dashboard/")
    assert step_state(page, "payment") == "Waiting for our staff"
    screenshot(page, f"onboarding-payment-held-{width}")

    # Staff approve it: the step is ticked, and the product can be published.
    payout_change_review(change=PayoutChange.objects.get(producer=group), by=staff, approve=True)
    page.reload()
    assert step_state(page, "payment") == "Done"
    assert page.locator("#onboarding-payment .onboarding-step__mark").inner_text() == "✓"
    assert "••••56-7" in page.locator("#onboarding-payment").inner_text()
    screenshot(page, f"onboarding-payment-done-{width}")

    page.goto("/dashboard/products/")
    assert page.locator("#publish-blocked").count() == 0
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/dashboard/products/")
    assert "is now published" in page.locator(".message--success").inner_text()
    assert Product.objects.get(producer=group).status == "published"

    page.goto("/dashboard/")
    assert step_state(page, "first_product") == "Done"
    screenshot(page, f"onboarding-checklist-progress-{width}")
    fits(page, width)
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_checkout_offers_each_producer_only_the_pairs_it_can_take(browser, live_server, places, categories, viewport):
    from decimal import Decimal

    from places.models import Place
    from tests.factories import fill_cart, listing, make_shop, published_event, stall_at, tambon_of

    width = viewport["width"]
    fair = published_event(name="OTOP City")
    everything = make_shop(name_en="Tha Sawang Silk Weavers", slug="tha-sawang")
    stall_at(fair, everything)
    stall_only = make_shop(
        name_en="Ban Mai Basket Weavers", slug="ban-mai", place=tambon_of(Place.objects.get(slug="khon-kaen", level="province")),
        bank_name="", bank_account_name="", bank_account_number="", promptpay_id="",
        terms={"accepts_promptpay": False, "accepts_cash_on_delivery": False},
    )
    stall_at(fair, stall_only, code="A-02")
    buyer = UserFactory(username="naree")
    fill_cart(buyer, (listing(everything, name_en="Silk scarf"), 1), (listing(stall_only, name_en="Rice basket", price=Decimal("250")), 1))

    context = browser.new_context(viewport=viewport, base_url=live_server.url, is_mobile=width < 400, has_touch=width < 400)
    page = context.new_page()
    log_in(page, "naree")
    page.goto("/checkout/")

    # The group without payout details: pick-up only, already chosen; no shipping at all.
    assert page.locator(f'input[name="delivery_{stall_only.pk}"]').count() == 1
    assert page.locator(f'input[name="delivery_{stall_only.pk}"][value="pickup"]').is_checked()
    assert page.locator(f'input[name="payment_{stall_only.pk}"][value="stall"]').is_checked()

    # The group taking everything: shipping first; paying at the stall only once pick-up is chosen.
    stall = page.locator(f'input[name="payment_{everything.pk}"][value="stall"]')
    cod = page.locator(f'input[name="payment_{everything.pk}"][value="cod"]')
    assert page.locator(f'input[name="delivery_{everything.pk}"][value="shipping"]').is_checked()
    assert stall.is_disabled() and cod.is_enabled()
    page.locator(f'input[name="delivery_{everything.pk}"][value="pickup"]').check()
    assert stall.is_enabled() and cod.is_disabled()
    stall.check()
    page.locator(f'input[name="delivery_{everything.pk}"][value="shipping"]').check()
    assert not stall.is_checked() and page.locator(f'input[name="payment_{everything.pk}"][value="bank_transfer"]').is_checked()
    screenshot(page, f"onboarding-checkout-pairs-{width}")
    fits(page, width)
    context.close()
