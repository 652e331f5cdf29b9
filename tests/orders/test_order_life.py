"""An order's life: the allowed moves and nothing else, who may make them, every change
recorded, cancelled and expired orders returning their stock, and each party reaching only its
own orders."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import Product
from orders import services
from orders.models import DeliveryMethod, Order, OrderEvent, PaymentMethod
from tests.factories import listing, log_in, place_one, place_order, published_event, stall_at
from tests.producers import imagefiles

State = Order.State


def stock_of(product: Product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def move(order: Order, to_state: str, by, **kwargs) -> Order:
    return services.order_transition(order=order, to_state=to_state, by=by, **kwargs)


def ship(order: Order, by) -> Order:
    return move(order, State.SHIPPED, by, carrier="Thailand Post", tracking_number="EMS123456789TH")


def history(order: Order) -> list[tuple[str, str]]:
    return list(OrderEvent.objects.filter(order=order).values_list("from_state", "to_state"))


@pytest.fixture
def stall_event(shop):
    event = published_event()
    stall_at(event, shop)
    return event


@pytest.fixture
def pickup_order(buyer, scarf, stall_event):
    return place_one(buyer, scarf, 1, delivery=DeliveryMethod.PICKUP, payment=PaymentMethod.PAY_AT_STALL, event=stall_event)


# --- Allowed moves ---------------------------------------------------------------------------------


def test_a_bank_transfer_order_goes_paid_shipped_delivered_recording_who_and_when(buyer, manager, scarf):
    order = place_one(buyer, scarf, 2)
    before = timezone.now()
    move(order, State.PAID, manager, note="Money arrived")
    ship(order, manager)
    order = move(order, State.DELIVERED, manager)
    assert order.state == State.DELIVERED
    assert (order.carrier, order.tracking_number) == ("Thailand Post", "EMS123456789TH")
    assert order.expires_at is None
    events = list(order.events.order_by("pk"))
    assert [(e.from_state, e.to_state, e.by_id) for e in events] == [
        ("", "pending_payment", buyer.pk),
        ("pending_payment", "paid", manager.pk),
        ("paid", "shipped", manager.pk),
        ("shipped", "delivered", manager.pk),
    ]
    assert events[1].note == "Money arrived"
    assert all(event.at >= before for event in events[1:])


def test_any_member_of_the_producer_may_act_on_its_orders(buyer, member, scarf):
    order = place_one(buyer, scarf)
    assert move(order, State.PAID, member).state == State.PAID


def test_cash_on_delivery_may_ship_before_it_is_paid(buyer, manager, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    assert ship(order, manager).state == State.SHIPPED
    assert move(order, State.DELIVERED, manager).state == State.DELIVERED


def test_a_pickup_order_goes_from_paid_to_delivered(buyer, manager, pickup_order):
    move(pickup_order, State.PAID, manager, note="Paid in cash at stall A-01")
    assert move(pickup_order, State.DELIVERED, manager).state == State.DELIVERED
    assert history(pickup_order)[-2:] == [("pending_payment", "paid"), ("paid", "delivered")]


# --- Refused moves -------------------------------------------------------------------------------------


def make_delivered(buyer, manager, product) -> Order:
    order = place_one(buyer, product)
    move(order, State.PAID, manager)
    ship(order, manager)
    return move(order, State.DELIVERED, manager)


def make_cancelled(buyer, manager, product) -> Order:
    return move(place_one(buyer, product), State.CANCELLED, manager, note="Out of dye")


def make_shipped(buyer, manager, product) -> Order:
    order = move(place_one(buyer, product), State.PAID, manager)
    return ship(order, manager)


@pytest.mark.parametrize(
    ("make", "to_state"),
    [
        (make_delivered, State.PAID),
        (make_delivered, State.CANCELLED),
        (make_delivered, State.SHIPPED),
        (make_delivered, State.PENDING_PAYMENT),
        (make_cancelled, State.PAID),
        (make_cancelled, State.SHIPPED),
        (make_cancelled, State.DELIVERED),
        (make_cancelled, State.PENDING_PAYMENT),
        (make_shipped, State.PAID),
        (make_shipped, State.CANCELLED),
        (make_shipped, State.PENDING_PAYMENT),
    ],
)
def test_moves_outside_the_allowed_transitions_are_refused_and_change_nothing(buyer, manager, scarf, make, to_state):
    order = make(buyer, manager, scarf)
    before = (order.state, history(order), stock_of(scarf))
    with pytest.raises(ValidationError, match="cannot become"):
        move(order, to_state, manager, note="Trying anyway", carrier="Kerry", tracking_number="KEX1")
    order.refresh_from_db()
    assert (order.state, history(order), stock_of(scarf)) == before


def test_an_unknown_state_is_refused(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    with pytest.raises(ValidationError):
        move(order, "lost", manager)
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_a_pending_order_cannot_jump_to_delivered(buyer, manager, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    with pytest.raises(ValidationError):
        move(order, State.DELIVERED, manager)


@pytest.mark.parametrize(("carrier", "tracking"), [("", ""), ("Thailand Post", ""), ("", "EMS1"), ("  ", "  ")])
def test_shipping_needs_a_carrier_and_a_tracking_number(buyer, manager, scarf, carrier, tracking):
    order = move(place_one(buyer, scarf), State.PAID, manager)
    with pytest.raises(ValidationError, match="carrier and the tracking number"):
        move(order, State.SHIPPED, manager, carrier=carrier, tracking_number=tracking)
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number) == (State.PAID, "", "")


@pytest.mark.parametrize("payment", [PaymentMethod.BANK_TRANSFER, PaymentMethod.PROMPTPAY])
def test_an_unpaid_prepaid_order_cannot_ship(buyer, manager, scarf, payment):
    order = place_one(buyer, scarf, payment=payment)
    with pytest.raises(ValidationError, match="Confirm the payment before shipping"):
        ship(order, manager)
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_a_pickup_order_is_not_shipped(buyer, manager, pickup_order):
    move(pickup_order, State.PAID, manager)
    with pytest.raises(ValidationError, match="picked up at the stall"):
        ship(pickup_order, manager)


def test_a_shipping_order_is_shipped_before_it_is_delivered(buyer, manager, scarf):
    order = move(place_one(buyer, scarf), State.PAID, manager)
    with pytest.raises(ValidationError, match="Ship the order before"):
        move(order, State.DELIVERED, manager)


# --- Who may move an order ----------------------------------------------------------------------------


def test_the_buyer_may_cancel_an_unpaid_order_but_do_nothing_else(buyer, manager, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)
    for to_state in (State.PAID, State.SHIPPED):
        with pytest.raises(PermissionDenied):
            move(order, to_state, buyer, carrier="Me", tracking_number="1")
    assert move(order, State.CANCELLED, buyer, note="Ordered the wrong colour").state == State.CANCELLED


def test_the_buyer_cannot_cancel_a_paid_order(buyer, manager, scarf):
    order = move(place_one(buyer, scarf), State.PAID, manager)
    with pytest.raises(PermissionDenied):
        move(order, State.CANCELLED, buyer, note="Changed my mind")
    order.refresh_from_db()
    assert order.state == State.PAID


def test_another_producer_and_another_buyer_cannot_move_an_order(buyer, other_buyer, other_manager, scarf):
    order = place_one(buyer, scarf)
    with pytest.raises(PermissionDenied):
        move(order, State.PAID, other_manager)
    with pytest.raises(PermissionDenied):
        move(order, State.CANCELLED, other_buyer, note="Not mine")
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT and stock_of(scarf) == 9


# --- Cancelling and expiry return the stock -----------------------------------------------------------


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_cancelling_an_unpaid_order_returns_its_stock(buyer, manager, shop, scarf):
    shawl = listing(shop, name_en="Lotus silk shawl", stock=4)
    (order,) = place_order(buyer, (scarf, 3), (shawl, 4))
    assert (stock_of(scarf), stock_of(shawl)) == (7, 0)
    order = move(order, State.CANCELLED, manager, note="Loom broke")
    assert (stock_of(scarf), stock_of(shawl)) == (10, 4)
    assert order.cancel_reason == "Loom broke"
    assert order.refund_note == ""
    assert history(order)[-1] == ("pending_payment", "cancelled")


def test_cancelling_a_paid_order_returns_its_stock_and_notes_the_refund(buyer, manager, scarf):
    order = move(place_one(buyer, scarf, 2), State.PAID, manager)
    order = move(order, State.CANCELLED, manager, note="Cannot deliver to the island", refund_note="Refunded 1,750 baht by transfer")
    assert stock_of(scarf) == 10
    assert order.refund_note == "Refunded 1,750 baht by transfer"
    other = move(move(place_one(buyer, scarf), State.PAID, manager), State.CANCELLED, manager, note="Damaged")
    assert other.refund_note == "Refund due."


def test_cancelling_needs_a_reason(buyer, manager, scarf):
    order = place_one(buyer, scarf)
    with pytest.raises(ValidationError, match="Say why"):
        move(order, State.CANCELLED, manager, note="   ")
    assert stock_of(scarf) == 9


def test_cancelling_twice_returns_the_stock_once(buyer, manager, scarf):
    order = place_one(buyer, scarf, 2)
    move(order, State.CANCELLED, manager, note="Out of dye")
    with pytest.raises(ValidationError):
        move(order, State.CANCELLED, manager, note="Again")
    assert stock_of(scarf) == 10


def past_due(order: Order, hours: int = 1) -> Order:
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(hours=hours))
    order.refresh_from_db()
    return order


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_orders_expire_cancels_unpaid_orders_past_their_time_and_returns_stock(buyer, manager, scarf, pillow):
    transfer = place_one(buyer, scarf, 3)
    promptpay = place_one(buyer, pillow, 2, payment=PaymentMethod.PROMPTPAY)
    cod = place_one(buyer, scarf, 1, payment=PaymentMethod.CASH_ON_DELIVERY)
    paid = move(place_one(buyer, scarf, 1), State.PAID, manager)
    assert (stock_of(scarf), stock_of(pillow)) == (5, 3)

    assert services.orders_expire(now=timezone.now() + timedelta(hours=1)) == 0  # not due yet
    assert services.orders_expire(now=timezone.now() + timedelta(hours=49)) == 2

    states = dict(Order.objects.values_list("pk", "state"))
    assert states == {transfer.pk: "cancelled", promptpay.pk: "cancelled", cod.pk: "pending_payment", paid.pk: "paid"}
    assert (stock_of(scarf), stock_of(pillow)) == (8, 5)
    event = OrderEvent.objects.get(order=transfer, to_state="cancelled")
    assert event.by is None and event.note == "Not paid in time."
    assert Order.objects.get(pk=transfer.pk).cancel_reason == "Not paid in time."
    assert services.orders_expire(now=timezone.now() + timedelta(hours=49)) == 0
    assert (stock_of(scarf), stock_of(pillow)) == (8, 5)


def test_order_expire_if_due_leaves_an_order_in_time_alone(buyer, scarf):
    order = place_one(buyer, scarf)
    assert services.order_expire_if_due(order).state == State.PENDING_PAYMENT
    assert stock_of(scarf) == 9


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_an_order_past_its_time_expires_when_the_buyer_opens_it(buyer_client, buyer, scarf):
    order = past_due(place_one(buyer, scarf, 4))
    assert stock_of(scarf) == 6
    response = buyer_client.get(f"/orders/{order.number}/")
    assert response.status_code == 200
    assert response.context["order"].state == State.CANCELLED
    assert response.context["payment"] is None
    assert "Not paid in time." in response.content.decode()
    assert stock_of(scarf) == 10
    order.refresh_from_db()
    assert order.state == State.CANCELLED


def test_a_slip_cannot_be_sent_for_an_order_past_its_time(buyer_client, buyer, scarf):

    order = past_due(place_one(buyer, scarf))
    buyer_client.post(f"/orders/{order.number}/", {"action": "slip", "slip": imagefiles.good_jpeg("slip.jpg")})
    assert not order.slips.exists()
    assert stock_of(scarf) == 10


def test_an_order_past_its_time_shows_the_producer_no_payment_to_confirm(client, buyer, manager, scarf):
    order = past_due(place_one(buyer, scarf))
    response = log_in(client, manager).get(f"/dashboard/orders/{order.number}/")
    assert response.status_code == 200
    assert response.context["order"].state == State.CANCELLED
    page = response.content.decode()
    assert 'value="paid"' not in page
    assert "Confirm payment" not in page
    assert stock_of(scarf) == 10


# --- Each party reaches only its own orders -------------------------------------------------------------


def test_the_buyer_sees_their_orders(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf)
    assert order.number in buyer_client.get("/orders/").content.decode()
    assert buyer_client.get(f"/orders/{order.number}/").status_code == 200


def test_orders_need_login(client, buyer, scarf):
    order = place_one(buyer, scarf)
    for url in ("/orders/", f"/orders/{order.number}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_buyer_can_neither_see_nor_act_on_an_order(client, buyer, other_buyer, scarf):
    order = place_one(buyer, scarf)
    log_in(client, other_buyer)
    url = f"/orders/{order.number}/"
    assert order.number not in client.get("/orders/").content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "cancel", "reason": "Not mine"}).status_code == 404
    assert client.post(url, {"action": "review", "line": order.lines.get().pk, "rating": "1", "text": "Bad"}).status_code == 404

    assert client.post(url, {"action": "slip", "slip": imagefiles.good_jpeg("slip.jpg")}).status_code == 404
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT and not order.slips.exists()


def test_the_producer_does_not_see_orders_as_a_buyer(client, buyer, manager, scarf):
    order = place_one(buyer, scarf)
    assert log_in(client, manager).get(f"/orders/{order.number}/").status_code == 404


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_the_buyer_cancels_an_unpaid_order_from_its_page(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf, 3)
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "cancel", "reason": "Ordered twice"}, follow=True)
    assert "Your order is cancelled." in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.CANCELLED and stock_of(scarf) == 10


def test_the_buyer_cannot_cancel_a_paid_order_from_its_page(buyer_client, buyer, manager, scarf):
    order = move(place_one(buyer, scarf), State.PAID, manager)
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "cancel", "reason": "Changed my mind"})
    assert response.status_code in (302, 403)
    order.refresh_from_db()
    assert order.state == State.PAID


def test_the_producer_sees_and_acts_on_its_own_orders(client, buyer, manager, scarf):
    order = place_one(buyer, scarf)
    log_in(client, manager)
    url = f"/dashboard/orders/{order.number}/"
    assert order.number in client.get("/dashboard/orders/").content.decode()
    assert client.get(url).status_code == 200
    client.post(url, {"action": "paid"})
    client.post(url, {"action": "shipped", "carrier": "Kerry Express", "tracking_number": "KEX0001"})
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number) == (State.SHIPPED, "Kerry Express", "KEX0001")
    client.post(url, {"action": "delivered"})
    order.refresh_from_db()
    assert order.state == State.DELIVERED


def test_the_producer_page_refuses_shipping_without_tracking_with_a_message(client, buyer, manager, scarf):
    order = move(place_one(buyer, scarf), State.PAID, manager)
    url = f"/dashboard/orders/{order.number}/"
    response = log_in(client, manager).post(url, {"action": "shipped", "carrier": "Kerry Express"}, follow=True)
    assert "Give the carrier and the tracking number." in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.PAID


def test_the_producer_page_refuses_an_unpaid_bank_transfer_shipping(client, buyer, manager, scarf):
    order = place_one(buyer, scarf)
    url = f"/dashboard/orders/{order.number}/"
    response = log_in(client, manager).post(url, {"action": "shipped", "carrier": "Kerry", "tracking_number": "K1"}, follow=True)
    assert "Confirm the payment before shipping." in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_the_producer_cancels_with_a_reason_from_its_page(client, buyer, manager, scarf):
    order = place_one(buyer, scarf, 2)
    url = f"/dashboard/orders/{order.number}/"
    log_in(client, manager)
    client.post(url, {"action": "cancelled", "reason": ""})
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT
    client.post(url, {"action": "cancelled", "reason": "Sold at the fair before we saw your order"})
    order.refresh_from_db()
    assert order.state == State.CANCELLED and stock_of(scarf) == 10


def test_a_producer_gets_404_on_another_producers_order(client, buyer, other_manager, scarf):
    order = place_one(buyer, scarf)
    log_in(client, other_manager)
    base = f"/dashboard/orders/{order.number}/"
    assert order.number not in client.get("/dashboard/orders/").content.decode()
    assert client.get(base).status_code == 404
    assert client.get(base + "packing-slip/").status_code == 404
    for data in (
        {"action": "paid"},
        {"action": "cancelled", "reason": "Not ours"},
        {"action": "shipped", "carrier": "Kerry", "tracking_number": "K1"},
        {"action": "slip_accept", "slip": "1"},
    ):
        assert client.post(base, data).status_code == 404
    assert "Mudmee" not in client.get("/dashboard/orders/export.csv").content.decode()
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT and stock_of(scarf) == 9


def test_a_buyer_without_a_producer_has_no_order_dashboard(buyer_client, buyer, other_buyer, scarf):
    order = place_one(other_buyer, scarf)
    response = buyer_client.get(f"/dashboard/orders/{order.number}/")
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/dashboard/orders/" not in response["Location"]
    assert buyer_client.post(f"/dashboard/orders/{order.number}/", {"action": "paid"}).status_code in (302, 403, 404)
    order.refresh_from_db()
    assert order.state == State.PENDING_PAYMENT


def test_order_totals_are_shown_in_the_producers_currency(buyer_client, buyer, scarf):
    order = place_one(buyer, scarf, 2)
    assert order.total == Decimal("1750.00")
    page = buyer_client.get(f"/orders/{order.number}/").content.decode()
    assert "1,750" in page


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_the_expire_orders_command_cancels_what_is_due(buyer, scarf):
    due = past_due(place_one(buyer, scarf, 2))
    in_time = place_one(buyer, scarf, 1)
    out = StringIO()
    call_command("expire_orders", stdout=out)
    assert "1 unpaid order(s) expired." in out.getvalue()
    assert dict(Order.objects.values_list("pk", "state")) == {due.pk: "cancelled", in_time.pk: "pending_payment"}
    assert stock_of(scarf) == 9
