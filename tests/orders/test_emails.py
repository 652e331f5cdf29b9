"""E-mails about orders: on placement, payment, shipping and cancellation, to the
buyer and to the producer, each in the recipient's own language, only once the change is
committed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from catalogue import services as catalogue_services

from orders import services
from orders.models import DeliveryMethod, Order, PaymentMethod
from orders.services import SoldOut
from tests.factories import ADDRESS, fill_cart, place_one
from tests.producers import imagefiles

State = Order.State
BUYER = "buyer@example.com"  # the buying account's confirmed address (the `buyer` fixture's)
CHECKOUT_CONTACT = "naree@example.com"  # typed at checkout: a contact for the delivery, never mailed
PRODUCER_CONTACT = "orders@tha-sawang.example"  # written to in the producer's own language, Thai
MANAGER = "somsri@example.com"  # reads English


def by_recipient() -> dict[str, mail.EmailMessage]:
    messages = {}
    for message in mail.outbox:
        (address,) = message.to
        assert address not in messages, f"two e-mails to {address}"
        messages[address] = message
    return messages


def html_of(message) -> str:
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def thai_buyer(buyer):
    buyer.language = "th"
    buyer.save(update_fields=["language"])
    return buyer


def test_placing_an_order_tells_the_buyer_and_the_producer(buyer, manager, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_one(buyer, scarf, 2)
    messages = by_recipient()
    assert set(messages) == {BUYER, PRODUCER_CONTACT, MANAGER}
    assert messages[BUYER].subject == f"Thank you! Your order {order.number} is placed."
    assert messages[MANAGER].subject == f"New order {order.number}"
    for message in messages.values():
        assert order.number in message.body and "Mudmee silk scarf" in message.body
        assert "1,750" in message.body
        assert order.number in html_of(message)
    assert f"/orders/{order.number}/" in messages[BUYER].body
    assert f"/dashboard/orders/{order.number}/" in messages[MANAGER].body


def test_a_plain_member_is_not_written_to_but_managers_are(buyer, manager, member, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place_one(buyer, scarf)
    assert "malee@example.com" not in by_recipient()


def test_e_mails_are_in_each_recipients_language(thai_buyer, manager, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_one(thai_buyer, scarf)
    messages = by_recipient()
    assert messages[BUYER].subject == f"ขอบคุณ! คำสั่งซื้อ {order.number} ของคุณได้รับเรียบร้อยแล้ว"
    assert "ยอดรวม" in messages[BUYER].body  # "Total"
    assert "ยอดรวม" in html_of(messages[BUYER])
    assert messages[PRODUCER_CONTACT].subject == f"คำสั่งซื้อใหม่ {order.number}"  # the producer's own language
    assert messages[MANAGER].subject == f"New order {order.number}"
    assert "Total" in messages[MANAGER].body and "ยอดรวม" not in messages[MANAGER].body


def test_a_japanese_buyer_is_written_to_in_japanese(other_buyer, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_one(other_buyer, scarf, address=ADDRESS | {"email": "kenji@example.com"})
    assert by_recipient()["kenji@example.com"].subject == f"ありがとうございます！ご注文 {order.number} を承りました。"


def test_payment_tells_the_buyer_and_the_producer(thai_buyer, manager, scarf, django_capture_on_commit_callbacks):
    order = place_one(thai_buyer, scarf)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_state=State.PAID, by=manager)
    messages = by_recipient()
    assert messages[BUYER].subject == f"ยืนยันการชำระเงินสำหรับคำสั่งซื้อ {order.number} ของคุณแล้ว"
    assert messages[MANAGER].subject == f"Order {order.number} is paid: please pack it."
    assert messages[PRODUCER_CONTACT].subject == f"คำสั่งซื้อ {order.number} ชำระเงินแล้ว กรุณาแพ็กสินค้า"


def test_an_accepted_slip_tells_the_buyer_it_is_paid(buyer, manager, scarf, django_capture_on_commit_callbacks):
    order = place_one(buyer, scarf)
    with django_capture_on_commit_callbacks(execute=True):
        slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg())
    assert by_recipient()[MANAGER].subject == f"A transfer slip for order {order.number} is waiting for you."
    assert BUYER not in by_recipient()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slip_review(slip=slip, by=manager, accept=True)
    assert by_recipient()[BUYER].subject == f"Your payment for order {order.number} is confirmed."


def test_shipping_tells_the_buyer_with_carrier_and_tracking_number(thai_buyer, manager, scarf, django_capture_on_commit_callbacks):
    order = services.order_transition(order=place_one(thai_buyer, scarf), to_state=State.PAID, by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_state=State.SHIPPED, by=manager, carrier="Thailand Post", tracking_number="EMS123456789TH")
    message = by_recipient()[BUYER]
    assert message.subject == f"คำสั่งซื้อ {order.number} ของคุณอยู่ระหว่างการจัดส่ง"
    assert "Thailand Post" in message.body and "EMS123456789TH" in message.body
    assert "หมายเลขพัสดุ" in message.body  # "Tracking number"


def test_cancelling_tells_the_buyer_and_the_producer_with_the_reason(thai_buyer, manager, scarf, django_capture_on_commit_callbacks):
    order = place_one(thai_buyer, scarf)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_state=State.CANCELLED, by=manager, note="The indigo vat spoiled")
    messages = by_recipient()
    assert set(messages) == {BUYER, PRODUCER_CONTACT, MANAGER}
    assert messages[BUYER].subject == f"คำสั่งซื้อ {order.number} ของคุณถูกยกเลิกแล้ว"
    assert "The indigo vat spoiled" in messages[BUYER].body and "เหตุผล" in messages[BUYER].body
    assert messages[MANAGER].subject == f"Order {order.number} is cancelled."


def test_expiry_tells_the_buyer_the_order_is_cancelled(buyer, manager, scarf, django_capture_on_commit_callbacks):
    order = place_one(buyer, scarf)
    with django_capture_on_commit_callbacks(execute=True):
        services.orders_expire(now=timezone.now() + timedelta(days=3))
    messages = by_recipient()
    assert messages[BUYER].subject == f"Your order {order.number} is cancelled."
    assert "Not paid in time." in messages[BUYER].body


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_nothing_is_sent_when_placing_fails(buyer, manager, shop, scarf, django_capture_on_commit_callbacks):
    cart = fill_cart(buyer, (scarf, 5))
    catalogue_services.product_set_stock(product=scarf, stock=4)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(SoldOut):
        services.order_place(
            buyer=buyer, cart=cart, checkout_token="t", address=ADDRESS,
            choices={shop.pk: services.ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=PaymentMethod.BANK_TRANSFER)},
        )
    assert mail.outbox == []
    assert not any("notify" in getattr(callback, "__qualname__", "") for callback in callbacks)


def test_e_mails_wait_for_the_commit(buyer, manager, scarf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place_one(buyer, scarf)
    assert mail.outbox == []
    assert callbacks


def test_the_address_typed_at_checkout_is_never_mailed(buyer, scarf, django_capture_on_commit_callbacks):
    """Only a confirmed address gets mail: the checkout's contact address is typed by the buyer and
    unconfirmed, so mailing it would let anyone have the site send mail to any address."""
    with django_capture_on_commit_callbacks(execute=True):
        place_one(buyer, scarf, 1)

    recipients = {address for message in mail.outbox for address in message.to}
    assert BUYER in recipients
    assert CHECKOUT_CONTACT not in recipients
