"""Bad input never yields a 500: malformed quantities, products, order numbers and
actions get a clear message or a 404."""

import pytest
from django.test import Client

from orders.models import CartItem, Order
from tests.factories import checkout_post, fill_cart, log_in, place_one


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


# Digits that str.isdigit() accepts but int() refuses, and numbers too long to be an id.
ODD_IDS = ["²", "١٢x", "9" * 30, "9" * 5000]


@pytest.mark.parametrize("ref", ODD_IDS)
def test_an_odd_product_id_in_the_cart_is_refused_not_a_500(buyer_client, scarf, ref):
    response = buyer_client.post("/cart/add/", {"product": ref[:140], "quantity": "1"}, follow=True)
    assert response.status_code == 200
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("ref", ODD_IDS)
@pytest.mark.parametrize("field", ["product", "producer"])
def test_an_odd_favourite_id_is_a_404_not_a_500(buyer_client, ref, field):
    assert buyer_client.post("/favourites/toggle/", {field: ref}).status_code == 404


@pytest.mark.parametrize("ref", ODD_IDS)
def test_an_odd_pickup_event_id_at_checkout_is_refused_not_a_500(buyer_client, buyer, shop, scarf, ref):
    fill_cart(buyer, (scarf, 1))
    data = checkout_post({shop.pk: {"delivery": "pickup", "payment": "stall", "event": ref}}, token="tok")
    response = buyer_client.post("/checkout/", data)
    assert response.status_code == 200
    assert "has no stall at that event" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize("ref", ODD_IDS)
def test_an_odd_slip_id_is_a_404_not_a_500(client, buyer, manager, scarf, ref):
    order = place_one(buyer, scarf)
    response = log_in(client, manager).post(f"/dashboard/orders/{order.number}/", {"action": "slip_accept", "slip": ref})
    assert response.status_code == 404


@pytest.mark.parametrize("ref", ODD_IDS)
def test_an_odd_cart_item_or_review_line_is_not_a_500(buyer_client, buyer, scarf, ref):
    fill_cart(buyer, (scarf, 1))
    assert buyer_client.post("/cart/update/", {"item": ref, "quantity": "1"}, follow=True).status_code == 200
    order = place_one(buyer, scarf)
    response = buyer_client.post(f"/orders/{order.number}/", {"action": "review", "line": ref, "rating": "5", "text": "x"}, follow=True)
    assert response.status_code in (200, 404)  # a message, or no such line on this order


def test_changes_need_the_csrf_token(buyer, scarf):
    client = Client(enforce_csrf_checks=True)
    log_in(client, buyer)
    assert client.post("/cart/add/", {"product": scarf.slug, "quantity": "1"}).status_code == 403
    assert client.post("/favourites/toggle/", {"product": str(scarf.pk)}).status_code == 403
    assert not CartItem.objects.exists()
