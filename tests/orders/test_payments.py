"""Payments: the PromptPay payload against reference payloads, the QR on the order
page, and the bank-transfer slip the buyer uploads and the producer accepts or rejects."""

import binascii
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image
from promptpay_qr import generate_payload

from orders import services
from orders.models import Order, PaymentMethod, PaymentSlip
from orders.payments import PromptPay, promptpay_payload, provider_for
from tests.factories import listing, log_in, make_shop, place_one
from tests.producers import imagefiles

State = Order.State


def crc_ok(payload: str) -> bool:
    """The EMVCo CRC: CRC-16/CCITT-FALSE over everything before the checksum's four hex digits."""
    return payload[-8:-4] == "6304" and payload[-4:] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"


# --- PromptPay -----------------------------------------------------------------------------------


def test_promptpay_payload_for_a_phone_number_and_amount_matches_the_reference():
    payload = promptpay_payload("000-000-0000", Decimal("4.22"))
    assert payload == "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469"
    assert crc_ok(payload)


def test_promptpay_payload_for_a_national_id_without_amount_matches_the_reference():
    payload = generate_payload("1111111111111")
    assert payload == "00020101021129370016A000000677010111021311111111111115802TH530376463047B5A"
    assert crc_ok(payload)


@pytest.mark.parametrize(
    ("amount", "field"),
    [(Decimal("1750"), "54071750.00"), (Decimal("0.5"), "54040.50"), (Decimal("12345.678"), "540812345.68")],
)
def test_promptpay_payload_carries_the_amount_with_two_decimals_and_a_valid_crc(amount, field):
    payload = promptpay_payload("0812345678", amount)
    assert field in payload
    assert "0113006681234567" in payload  # the mobile number as 0066 + the number without its 0
    assert "5303764" in payload and "5802TH" in payload  # baht, Thailand
    assert payload.startswith("000201010212")  # a one-time (dynamic) QR: it carries an amount
    assert crc_ok(payload)


def test_the_order_page_shows_a_promptpay_qr_for_the_orders_total(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf, 2, payment=PaymentMethod.PROMPTPAY)
    response = buyer_client.get(f"/orders/{order.number}/")
    payment = response.context["payment"]
    assert payment.promptpay_payload == promptpay_payload("0812345678", Decimal("1750.00"))
    assert "54071750.00" in payment.promptpay_payload and crc_ok(payment.promptpay_payload)
    page = response.content.decode()
    assert "<svg" in page and "PromptPay QR code for" in page


def test_promptpay_is_only_for_baht_and_needs_a_promptpay_id(categories, places, shop):
    from places.models import Place

    oita = Place.objects.get(country="JP", level="province", name_en="Oita")
    japanese = make_shop(name_en="Oita Kabosu Farmers", slug="oita-kabosu", place=oita, own_language="ja")
    assert japanese.currency == "JPY"
    assert not PromptPay().available_for(japanese)
    assert PaymentMethod.PROMPTPAY not in services.payment_methods_for(japanese)
    assert PaymentMethod.PROMPTPAY in services.payment_methods_for(shop)


def test_a_bank_transfer_order_page_shows_the_producers_account_and_amount(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf, 1)
    page = buyer_client.get(f"/orders/{order.number}/").content.decode()
    assert "Krungthai Bank" in page and "123-4-56789-0" in page and "900" in page
    assert 'name="slip"' in page


def test_a_cash_on_delivery_order_asks_for_no_slip(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    page = buyer_client.get(f"/orders/{order.number}/").content.decode()
    assert "Pay the carrier in cash when the parcel arrives." in page
    assert 'name="slip"' not in page
    assert not provider_for(PaymentMethod.CASH_ON_DELIVERY).accepts_slip


# --- Transfer slips --------------------------------------------------------------------------------


def test_the_buyer_uploads_a_real_image_as_slip(buyer, scarf, private_root):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("slip.png", imagefiles.png_bytes(), "image/png"))
    assert slip.state == PaymentSlip.State.WAITING
    assert slip.image.name.startswith("slips/") and slip.image.name.endswith(".jpg")
    with Image.open(private_root / slip.image.name) as stored:
        assert stored.format == "JPEG"  # re-encoded, not kept as sent


def test_a_slip_with_gps_is_stored_without_it(buyer, scarf, private_root):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.upload("slip.jpg", imagefiles.jpeg_with_gps()))
    with Image.open(private_root / slip.image.name) as stored:
        assert not stored.getexif().get_ifd(imagefiles.GPS_IFD)


@pytest.mark.parametrize("name", ["text renamed .jpg", "truncated JPEG", "20000x20000 image"])
def test_a_slip_that_is_not_a_real_image_is_refused(buyer, scarf, name):
    make, _reason = imagefiles.BAD_UPLOADS[name]
    order = place_one(buyer, scarf)
    with pytest.raises(ValidationError):
        services.slip_upload(order=order, buyer=buyer, upload=make())
    assert not PaymentSlip.objects.exists()


def test_only_the_buyer_uploads_a_slip(buyer, other_buyer, manager, scarf):
    order = place_one(buyer, scarf)
    for someone in (other_buyer, manager):
        with pytest.raises(PermissionDenied):
            services.slip_upload(order=order, buyer=someone, upload=imagefiles.good_jpeg())
    assert not PaymentSlip.objects.exists()


def test_a_slip_is_taken_only_while_the_order_waits_for_payment(buyer, manager, scarf):
    paid = services.order_transition(order=place_one(buyer, scarf), to_state=State.PAID, by=manager)
    cancelled = services.order_transition(order=place_one(buyer, scarf), to_state=State.CANCELLED, by=buyer, note="Oops")
    cod = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    for order in (paid, cancelled, cod):
        with pytest.raises(ValidationError, match="does not wait for a transfer slip"):
            services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    assert not PaymentSlip.objects.exists()


def test_a_promptpay_order_takes_a_slip_too(buyer, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.PROMPTPAY)
    assert services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg()).order == order


def test_the_producer_accepts_a_slip_and_the_order_is_paid(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    slip = services.slip_review(slip=slip, by=manager, accept=True)
    assert slip.state == PaymentSlip.State.ACCEPTED and slip.reviewed_at is not None
    order.refresh_from_db()
    assert order.state == State.PAID and order.expires_at is None
    assert order.events.last().by == manager


def test_rejecting_a_slip_needs_a_note_and_leaves_the_order_unpaid(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    with pytest.raises(ValidationError, match="why the slip is rejected"):
        services.slip_review(slip=slip, by=manager, accept=False, note="  ")
    slip.refresh_from_db()
    assert slip.state == PaymentSlip.State.WAITING
    slip = services.slip_review(slip=slip, by=manager, accept=False, note="The amount is 800, not 900")
    assert (slip.state, slip.note) == (PaymentSlip.State.REJECTED, "The amount is 800, not 900")
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_a_slip_is_reviewed_once(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_review(slip=services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg()), by=manager, accept=False, note="Blurry")
    with pytest.raises(ValidationError, match="reviewed already"):
        services.slip_review(slip=slip, by=manager, accept=True)
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_a_slip_of_an_order_cancelled_meanwhile_cannot_be_accepted(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    services.order_transition(order=order, to_state=State.CANCELLED, by=buyer, note="Bought it at the fair")
    with pytest.raises(ValidationError):
        services.slip_review(slip=slip, by=manager, accept=True)
    order.refresh_from_db()
    assert order.state == State.CANCELLED
    assert not PaymentSlip.objects.filter(pk=slip.pk).exists(), "an order cancelled unpaid keeps no slip"


def test_only_the_producers_members_review_its_slips(buyer, other_manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    for someone in (buyer, other_manager):
        with pytest.raises(PermissionDenied):
            services.slip_review(slip=slip, by=someone, accept=True)
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_slip_upload_and_acceptance_through_the_pages(client, buyer, manager, scarf):
    order = place_one(buyer, scarf)
    log_in(client, buyer)
    response = client.post(f"/orders/{order.number}/", {"action": "slip", "slip": imagefiles.good_jpeg("slip.jpg")}, follow=True)
    assert "Slip received." in response.content.decode()
    slip = order.slips.get()

    log_in(client, manager)
    page = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert f'name="slip" value="{slip.pk}"' in page
    client.post(f"/dashboard/orders/{order.number}/", {"action": "slip_reject", "slip": str(slip.pk), "note": ""})
    slip.refresh_from_db()
    assert slip.state == PaymentSlip.State.WAITING
    client.post(f"/dashboard/orders/{order.number}/", {"action": "slip_accept", "slip": str(slip.pk)})
    slip.refresh_from_db()
    order.refresh_from_db()
    assert slip.state == PaymentSlip.State.ACCEPTED and order.state == State.PAID


def test_a_non_image_slip_is_refused_on_the_page(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf)
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "slip", "slip": imagefiles.text_named_jpg()})
    assert response.status_code == 200
    assert response.context["slip_form"].errors["slip"]
    assert not order.slips.exists()


@pytest.mark.parametrize("slip", ["", "abc", "999999"])
def test_reviewing_a_missing_slip_is_a_404_not_a_500(client, buyer, manager, scarf, slip):
    order = place_one(buyer, scarf)
    response = log_in(client, manager).post(f"/dashboard/orders/{order.number}/", {"action": "slip_accept", "slip": slip})
    assert response.status_code == 404


def test_a_producer_cannot_accept_a_slip_of_another_producers_order_through_its_own(client, buyer, other_manager, scarf, other_shop):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    own = place_one(buyer, listing(other_shop, name_en="Triangle pillow"))
    log_in(client, other_manager)
    assert client.post(f"/dashboard/orders/{own.number}/", {"action": "slip_accept", "slip": str(slip.pk)}).status_code == 404
    slip.refresh_from_db()
    assert slip.state == PaymentSlip.State.WAITING
