"""The marketplace pages make a fixed number of queries, however many items or orders they show
(STYLE.md: views tested for query counts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.models import Order
from tests.factories import fill_cart, listing, log_in, place_one


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_cart_page_queries_do_not_grow_with_its_items(buyer_client, buyer, shop, scarf, django_assert_max_num_queries):
    fill_cart(buyer, (scarf, 1))
    one = queries_for(buyer_client, "/cart/")
    fill_cart(buyer, *[(listing(shop, name_en=f"Scarf {n}"), 1) for n in range(5)])
    assert queries_for(buyer_client, "/cart/") == one
    with django_assert_max_num_queries(12):
        buyer_client.get("/cart/")


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_the_buyers_order_list_queries_do_not_grow_with_the_orders(buyer_client, buyer, scarf):
    place_one(buyer, scarf)
    one = queries_for(buyer_client, "/orders/")
    for _ in range(5):
        place_one(buyer, scarf)
    assert queries_for(buyer_client, "/orders/") == one


@pytest.mark.usefixtures("unpaid_limits_raised")
@pytest.mark.parametrize("url", ["/dashboard/orders/", "/dashboard/orders/export.csv"])
def test_the_producers_order_list_and_csv_queries_do_not_grow_with_the_orders(client, buyer, manager, scarf, url):
    log_in(client, manager)
    services.order_transition(order=place_one(buyer, scarf), to_state=Order.State.PAID, by=manager)
    one = queries_for(client, url)
    for _ in range(5):
        place_one(buyer, scarf)
    assert queries_for(client, url) == one
