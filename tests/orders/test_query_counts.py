"""The marketplace pages make a fixed number of queries, however many items or orders they show
(STYLE.md: views tested for query counts)."""

import pytest

from orders import services
from orders.models import Order
from tests.pages import page_queries
from tests.factories import fill_cart, listing, log_in, place_one


def test_the_cart_page_queries_do_not_grow_with_its_items(buyer_client, buyer, shop, scarf, django_assert_max_num_queries):
    fill_cart(buyer, (scarf, 1))
    one = page_queries(buyer_client, "/cart/", warm=False)
    fill_cart(buyer, *[(listing(shop, name_en=f"Scarf {n}"), 1) for n in range(5)])
    assert page_queries(buyer_client, "/cart/", warm=False) == one
    with django_assert_max_num_queries(12):
        buyer_client.get("/cart/")


@pytest.mark.usefixtures("unpaid_limits_raised")
def test_the_buyers_order_list_queries_do_not_grow_with_the_orders(buyer_client, buyer, scarf):
    place_one(buyer, scarf)
    one = page_queries(buyer_client, "/orders/", warm=False)
    for _ in range(5):
        place_one(buyer, scarf)
    assert page_queries(buyer_client, "/orders/", warm=False) == one


@pytest.mark.usefixtures("unpaid_limits_raised")
@pytest.mark.parametrize("url", ["/dashboard/orders/", "/dashboard/orders/export.csv"])
def test_the_producers_order_list_and_csv_queries_do_not_grow_with_the_orders(client, buyer, manager, scarf, url):
    log_in(client, manager)
    services.order_transition(order=place_one(buyer, scarf), to_state=Order.State.PAID, by=manager)
    one = page_queries(client, url, warm=False)
    for _ in range(5):
        place_one(buyer, scarf)
    assert page_queries(client, url, warm=False) == one
