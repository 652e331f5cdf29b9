"""A whole purchase on a phone: cart as a visitor, log in at checkout, PromptPay, a transfer slip,
and the producer confirming the money."""

import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from catalogue import services as catalogue
from catalogue.models import Category, Product
from catalogue.services import categories_load
from orders.models import Order, PaymentSlip, SalesTerms
from tests.e2e.browser import PHONE, screenshot
from tests.factories import TEST_PASSWORD, ProducerFactory, ProducerMembershipFactory, UserFactory

QUANTITY = 2
STOCK = 10


def jpeg_bytes(width: int = 480, height: int = 360, colour=(180, 40, 60), text: str = "") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    if text:
        ImageDraw.Draw(image).text((20, 20), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def published_thai_product() -> Product:
    """A published listing by a verified Thai producer who takes PromptPay and bank transfers."""
    if not Category.objects.filter(slug="silk").exists():
        categories_load()
    producer = ProducerFactory(
        name_en="Ban Tha Sawang Silk Weavers",
        slug="ban-tha-sawang-silk",
        state="verified",
        bank_name="Krungthai Bank",
        bank_account_name="Ban Tha Sawang Silk Weavers",
        bank_account_number="123-4-56789-0",
        promptpay_id="0812345678",
    )
    assert producer.country == "TH" and producer.currency == "THB"
    SalesTerms.objects.create(
        producer=producer,
        accepts_bank_transfer=True,
        accepts_promptpay=True,
        accepts_cash_on_delivery=False,
        accepts_pay_at_stall=False,
        flat_shipping_rate=Decimal("50.00"),
    )
    ProducerMembershipFactory(producer=producer, user=UserFactory(username="somsri", first_name="Somsri"), role="manager")
    product = catalogue.product_create(
        producer=producer,
        category=Category.objects.get(slug="silk"),
        name_en="Hand-woven mudmee silk scarf, lac and indigo dyed",
        name_th="ผ้าพันคอไหมมัดหมี่ย้อมครั่งและคราม",
        description_en="Mudmee silk woven on a wooden loom in Ban Tha Sawang.",
        price=Decimal("350.00"),
        unit="1 piece",
        weight_grams=200,
        stock=STOCK,
    )
    photo = SimpleUploadedFile("scarf.jpg", jpeg_bytes(text="silk"), content_type="image/jpeg")
    catalogue.product_add_photo(product=product, upload=photo, alt_text="The scarf folded on a loom")
    return catalogue.product_set_status(product=product, status=Product.Status.PUBLISHED)


def log_in(page, username: str) -> None:
    page.get_by_label("User name or e-mail").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide at {PHONE['width']}px"


def test_a_visitor_buys_on_a_phone_pays_by_promptpay_and_the_producer_confirms(phone_page, page, places):
    product = published_thai_product()
    UserFactory(username="nok", first_name="Nok", last_name="Srisuk", email="nok@example.com")
    buyer_page, producer_page = phone_page, page

    # A visitor (not logged in) puts two scarves in the cart from the product page.
    buyer_page.goto(f"/products/{product.slug}/")
    no_sideways_scroll(buyer_page)
    buyer_page.locator(".buy-box__form").get_by_label("Quantity").fill(str(QUANTITY))
    buyer_page.get_by_role("button", name="Add to cart").click()
    buyer_page.wait_for_url("**/cart/")
    cart = buyer_page.locator(".cart-group")
    assert "Hand-woven mudmee silk scarf" in cart.inner_text()
    assert "฿700" in cart.inner_text()
    screenshot(buyer_page, "purchase-cart-phone")
    no_sideways_scroll(buyer_page)

    # Checking out needs an account: the login page comes back to the checkout, cart intact.
    buyer_page.get_by_role("link", name="Check out").click()
    buyer_page.wait_for_url(re.compile(r"/accounts/login/\?next=(/|%2F)checkout(/|%2F)"))
    log_in(buyer_page, "nok")
    buyer_page.wait_for_url("**/checkout/")
    assert f"{QUANTITY} × Hand-woven mudmee silk scarf" in buyer_page.locator(".checkout-producer").inner_text()

    buyer_page.get_by_label("Full name").fill("Nok Srisuk")
    buyer_page.get_by_label("Phone").fill("081 234 5678")
    buyer_page.get_by_label("E-mail").fill("nok@example.com")
    buyer_page.get_by_label("House number, street, building").fill("99/1 Moo 4, Soi Ratchadamnoen 12")
    buyer_page.get_by_label("Sub-district").fill("Nai Mueang")
    buyer_page.get_by_label("District", exact=True).fill("Mueang Khon Kaen")
    buyer_page.get_by_label("Province").fill("Khon Kaen")
    buyer_page.get_by_label("Postcode").fill("40000")
    buyer_page.get_by_label("Country").select_option("TH")
    buyer_page.get_by_label(re.compile(r"^\s*Shipping")).check()
    buyer_page.get_by_label("PromptPay QR").check()
    screenshot(buyer_page, "purchase-checkout-phone")
    no_sideways_scroll(buyer_page)
    buyer_page.get_by_role("button", name="Place order").click()

    # The order page: a PromptPay QR code for the total (2 × ฿350 + ฿50 shipping).
    buyer_page.wait_for_url(re.compile(r"/orders/OT\d{6}-[A-Z2-9]{6}/$"))
    order = Order.objects.get(buyer__username="nok")
    assert order.state == Order.State.PENDING_PAYMENT and order.payment_method == "promptpay"
    assert order.total == Decimal("750.00")
    qr = buyer_page.locator(".promptpay__qr svg")
    assert qr.is_visible()
    assert "฿750" in buyer_page.locator(".promptpay figcaption").inner_text()
    assert "฿750" in buyer_page.locator("table.table tfoot").inner_text()
    product.refresh_from_db()
    assert product.stock == STOCK - QUANTITY
    screenshot(buyer_page, "purchase-order-phone")
    no_sideways_scroll(buyer_page)

    # The buyer sends a screenshot of the transfer.
    buyer_page.get_by_label("Transfer slip (photo or screenshot)").set_input_files(
        {"name": "slip.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(360, 640, (20, 120, 80), "PAID 750.00")}
    )
    buyer_page.get_by_role("button", name="Send the slip").click()
    buyer_page.wait_for_url(f"**/orders/{order.number}/")
    assert "Slip received" in buyer_page.content()
    slip = PaymentSlip.objects.get(order=order)
    assert slip.state == PaymentSlip.State.WAITING

    # The producer, in another browser, sees the slip and accepts it.
    producer_page.goto("/accounts/login/")
    log_in(producer_page, "somsri")
    producer_page.wait_for_url(lambda url: "/accounts/login/" not in url)
    producer_page.goto(f"/dashboard/orders/{order.number}/")
    assert producer_page.locator(".slip img").is_visible()
    # The image came through the slip view (private storage), not a public media URL.
    producer_page.wait_for_function("() => document.querySelector('.slip img').naturalWidth > 0")
    assert "/media/" not in producer_page.locator(".slip img").get_attribute("src")
    producer_page.get_by_role("button", name="Money received: accept").click()
    producer_page.wait_for_url(f"**/dashboard/orders/{order.number}/")
    order.refresh_from_db()
    slip.refresh_from_db()
    assert order.state == Order.State.PAID and slip.state == PaymentSlip.State.ACCEPTED

    # The buyer's order page now says it is paid; no more payment instructions.
    buyer_page.reload()
    state = buyer_page.locator("p.state")
    assert "state--paid" in state.get_attribute("class")
    assert state.inner_text().startswith("Paid")
    assert buyer_page.locator(".promptpay__qr").count() == 0
    no_sideways_scroll(buyer_page)
    product.refresh_from_db()
    assert product.stock == STOCK - QUANTITY
