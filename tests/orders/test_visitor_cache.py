"""A signed-in visitor's cart count and favourites are kept between requests (orders/cache.py)
and follow every change at once: adding, changing and removing items, checkout, a product
deleted from under the cart, a favourite toggled; each visitor sees only their own."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders import services
from tests.factories import UserFactory, cart_of, fill_cart, log_in, place_one
from tests.factories.accounts import TEST_PASSWORD

TOGGLE = "/favourites/toggle/"
BADGE = re.compile(r'<span class="badge"[^>]*>(\d+)</span>')


@pytest.fixture
def committed(page_cache, django_capture_on_commit_callbacks):
    """Posts and changes with what they renew once committed, as in a real request."""

    class Committed:
        def post(self, client, url, data):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(url, data)

        def run(self, change):
            with django_capture_on_commit_callbacks(execute=True):
                return change()

    return Committed()


def cart_count(client, url="/") -> int:
    return int(BADGE.search(client.get(url).content.decode()).group(1))


def test_the_header_counts_what_the_cart_holds_after_each_change(committed, buyer_client, buyer, scarf, pillow):
    assert cart_count(buyer_client) == 0
    committed.post(buyer_client, "/cart/add/", {"product": scarf.pk, "quantity": 2})
    assert cart_count(buyer_client) == 2
    committed.post(buyer_client, "/cart/add/", {"product": pillow.pk, "quantity": 1})
    assert cart_count(buyer_client, "/products/") == 3
    item = cart_of(buyer).items.get(product=scarf)
    committed.run(lambda: services.cart_set_quantity(cart=cart_of(buyer), item_id=item.pk, quantity=5))
    assert cart_count(buyer_client) == 6
    committed.run(lambda: services.cart_remove_item(cart=cart_of(buyer), item_id=item.pk))
    assert cart_count(buyer_client) == 1


def test_checkout_empties_the_count(committed, buyer_client, buyer, scarf, unpaid_limits_raised):
    fill_cart(buyer, (scarf, 1))
    assert cart_count(buyer_client) == 1
    committed.run(lambda: place_one(buyer, scarf, 2))
    assert cart_count(buyer_client) == 0


def test_a_product_deleted_from_under_the_cart_leaves_the_count(committed, buyer_client, buyer, scarf, pillow):
    fill_cart(buyer, (scarf, 1), (pillow, 2))
    assert cart_count(buyer_client) == 3
    committed.run(pillow.delete)
    assert cart_count(buyer_client) == 1


def test_the_count_is_read_once_until_the_cart_changes(committed, buyer_client, buyer, scarf):
    fill_cart(buyer, (scarf, 2))
    assert cart_count(buyer_client) == 2
    with CaptureQueriesContext(connection) as queries:
        assert cart_count(buyer_client, "/products/") == 2
    assert not [query for query in queries if "orders_cartitem" in query["sql"]]


def test_each_visitor_counts_their_own_cart(committed, buyer_client, buyer, other_buyer, scarf):
    fill_cart(buyer, (scarf, 4))
    other = log_in(Client(), other_buyer)
    assert (cart_count(buyer_client), cart_count(other)) == (4, 0)


def test_a_favourite_toggled_shows_on_the_next_page_at_once(committed, buyer_client, scarf):
    url = f"/products/{scarf.slug}/"
    assert 'aria-pressed="false"' in buyer_client.get(url).content.decode()
    committed.post(buyer_client, TOGGLE, {"product": str(scarf.pk)})
    assert 'aria-pressed="true"' in buyer_client.get(url).content.decode()
    committed.post(buyer_client, TOGGLE, {"product": str(scarf.pk)})
    assert 'aria-pressed="false"' in buyer_client.get(url).content.decode()


def test_a_favourite_producer_shows_on_its_page(committed, buyer_client, shop):
    url = f"/producers/{shop.slug}/"
    assert 'aria-pressed="false"' in buyer_client.get(url).content.decode()
    committed.post(buyer_client, TOGGLE, {"producer": str(shop.pk)})
    assert 'aria-pressed="true"' in buyer_client.get(url).content.decode()


def test_favourites_are_each_visitors_own(committed, buyer_client, other_buyer, scarf):
    committed.post(buyer_client, TOGGLE, {"product": str(scarf.pk)})
    other = log_in(Client(), UserFactory(username="someone-else"))
    assert 'aria-pressed="false"' in other.get(f"/products/{scarf.slug}/").content.decode()


def test_the_cart_put_together_before_logging_in_is_counted_after(committed, client, buyer, scarf, pillow):
    committed.post(client, "/cart/add/", {"product": scarf.pk, "quantity": 2})
    fill_cart(buyer, (pillow, 1))
    # Logging in through the form adopts the session's cart into the account's.
    committed.post(client, "/accounts/login/", {"username": buyer.username, "password": TEST_PASSWORD})
    assert cart_count(client) == 3
