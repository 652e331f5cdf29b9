"""Bad input never yields a 500 (SPEC §4): malformed quantities, products, order numbers and
actions get a clear message or a 404."""

import pytest

from orders.models import Order
from tests.orders.factories import log_in, place_one


@pytest.mark.parametrize("number", ["garbage", "OT000000-AAAAAA", "x" * 300, "'; DROP TABLE orders_order; --", "%E0%B8%81", "..%2F..%2Fetc"])
def test_a_garbage_order_number_is_a_404_for_the_buyer(buyer_client, number):
    assert buyer_client.get(f"/orders/{number}/").status_code == 404
    assert buyer_client.post(f"/orders/{number}/", {"action": "cancel", "reason": "x"}).status_code == 404


def test_a_nul_byte_in_an_order_number_is_not_a_500(buyer_client):
    assert buyer_client.get("/orders/OT%00/").status_code in (400, 404)


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "launch"}, {"action": "cancel"}, {"action": "cancel", "reason": ""}, {"action": "slip"}, {"action": "review"}],
)
def test_bad_buyer_actions_on_an_order_answer_without_a_500(buyer_client, buyer, scarf, data):
    order = place_one(buyer, scarf)
    response = buyer_client.post(f"/orders/{order.number}/", data, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_PAYMENT


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "launch"},
        {"action": "shipped"},
        {"action": "cancelled"},
        {"action": "cancelled", "reason": "x" * 5000},
        {"action": "delivered"},
        {"action": "shipped", "carrier": "x" * 500, "tracking_number": "y" * 500},
    ],
)
def test_bad_producer_actions_on_an_order_answer_without_a_500(client, buyer, manager, scarf, data):
    order = place_one(buyer, scarf)
    response = log_in(client, manager).post(f"/dashboard/orders/{order.number}/", data, follow=True)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_PAYMENT


def test_a_page_that_does_not_exist_in_the_orders_area_is_a_styled_404(buyer_client):
    response = buyer_client.get("/orders/nothing/here/")
    assert response.status_code == 404
    assert "<html" in response.content.decode().lower()
