"""The producer's order page offers one clear next step: a transfer slip waiting for review is
the one way to confirm its payment, and an order with nowhere left to go shows no "Next step"
at all; the packing slip names the sender's address."""

import pytest

from orders import services
from orders.models import Order, PaymentMethod
from tests.factories import log_in, place_one
from tests.producers import imagefiles

State = Order.State

pytestmark = pytest.mark.usefixtures("unpaid_limits_raised")


@pytest.fixture
def manager_client(client, manager):
    return log_in(client, manager)


def order_page(client, order: Order) -> str:
    response = client.get(f"/dashboard/orders/{order.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_waiting_slip_is_the_one_way_to_confirm_the_payment(manager_client, buyer, scarf):
    order = place_one(buyer, scarf)
    services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))

    page = order_page(manager_client, order)

    assert "Money received: accept" in page
    assert "Confirm payment" not in page
    assert 'value="paid"' not in page
    assert "Next step" in page and "Cancel the order" in page


def test_without_a_slip_the_payment_is_confirmed_by_its_own_button(manager_client, buyer, scarf):
    order = place_one(buyer, scarf)

    page = order_page(manager_client, order)

    assert "Confirm payment" in page and "Money received: accept" not in page


def test_a_rejected_slip_leaves_the_payment_to_be_confirmed_by_hand(manager_client, buyer, manager, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))
    services.slip_review(slip=slip, by=manager, accept=False, note="Wrong amount.")

    page = order_page(manager_client, order)

    assert "Confirm payment" in page and "Money received: accept" not in page


def test_accepting_the_slip_pays_the_order(manager_client, buyer, scarf):
    order = place_one(buyer, scarf)
    slip = services.slip_upload(order=order, buyer=buyer, upload=imagefiles.good_jpeg("slip.jpg"))

    manager_client.post(f"/dashboard/orders/{order.number}/", {"action": "slip_accept", "slip": slip.pk, "note": ""})

    order.refresh_from_db()
    assert order.state == State.PAID
    page = order_page(manager_client, order)
    assert "Mark shipped" in page and "Confirm payment" not in page


@pytest.mark.parametrize("end", [State.DELIVERED, State.CANCELLED])
def test_an_order_with_nowhere_left_to_go_shows_no_next_step(manager_client, buyer, manager, scarf, end):
    order = place_one(buyer, scarf)
    if end == State.DELIVERED:
        services.order_transition(order=order, to_state=State.PAID, by=manager)
        services.order_transition(order=order, to_state=State.SHIPPED, by=manager, carrier="Thailand Post", tracking_number="EF123456789TH")
        services.order_transition(order=order, to_state=State.DELIVERED, by=manager)
    else:
        services.order_transition(order=order, to_state=State.CANCELLED, by=manager, note="Out of dye.")

    page = order_page(manager_client, order)

    assert "Next step" not in page
    assert 'class="order-actions"' not in page


def test_cash_on_delivery_ships_before_it_is_paid(manager_client, buyer, scarf):
    order = place_one(buyer, scarf, payment=PaymentMethod.CASH_ON_DELIVERY)

    page = order_page(manager_client, order)

    assert "Mark shipped" in page and "Mark delivered" not in page


def test_the_packing_slip_names_the_senders_address(manager_client, buyer, scarf):
    order = place_one(buyer, scarf)

    page = manager_client.get(f"/dashboard/orders/{order.number}/packing-slip/").content.decode()
    sender = page[page.index('class="sender"'):page.index("</p>", page.index('class="sender"'))]

    assert "Tha Sawang Silk Weavers" in sender
    assert "Tambon Tha Sawang, Mueang Surin, Surin 32000, Thailand" in sender


def test_the_packing_slip_writes_the_address_in_the_managers_language(manager_client, buyer, scarf):
    order = place_one(buyer, scarf)

    page = manager_client.get(f"/th/dashboard/orders/{order.number}/packing-slip/").content.decode()
    sender = page[page.index('class="sender"'):page.index("</p>", page.index('class="sender"'))]

    assert "ต.ท่าสว่าง อ.เมืองสุรินทร์ จ.สุรินทร์ 32000" in sender
