"""A sale renews exactly what it must (core/cache.py, catalogue/cache.py): the product's page shows
the new stock at once, an unrelated product's kept page and the listings survive it, and when
a product sells out the listings follow within their stated lag, never later."""

import re
import time

import pytest
from django.test import Client

from orders import services
from orders.models import Order
from tests.factories import UserFactory, log_in, place_one


TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def without_token(page: bytes) -> bytes:
    """A page without the visitor's own CSRF token, the one thing that differs between visitors."""
    return TOKEN.sub(b"", page)


@pytest.fixture
def sales(settings, page_cache, django_capture_on_commit_callbacks):
    """Sales with their after-commit work (the renewals) run as it happens; no fair-stock limit."""
    settings.ORDERS_UNPAID_UNITS_PER_PRODUCT = 1000

    def sell(buyer, product, quantity):
        with django_capture_on_commit_callbacks(execute=True):
            return place_one(buyer, product, quantity)

    return sell


def test_a_sale_shows_the_new_stock_on_the_product_page_at_once(sales, scarf, buyer, client):
    url = f"/products/{scarf.slug}/"
    assert "10 in stock" in Client().get(url).content.decode()
    log_in(client, UserFactory(username="browser"))
    assert "10 in stock" in client.get(url).content.decode()
    sales(buyer, scarf, 3)
    assert "7 in stock" in Client().get(url).content.decode()
    signed_in = client.get(url).content.decode()
    assert "7 in stock" in signed_in and 'max="7"' in signed_in


def test_a_sale_keeps_an_unrelated_products_page_and_the_listings(sales, scarf, pillow, buyer, django_assert_num_queries):
    visitor = Client()
    pillow_page, listing = visitor.get(f"/products/{pillow.slug}/").content, visitor.get("/products/").content
    sales(buyer, scarf, 1)
    with django_assert_num_queries(0):
        assert without_token(Client().get(f"/products/{pillow.slug}/").content) == without_token(pillow_page)
        assert without_token(Client().get("/products/").content) == without_token(listing)


def test_a_cancelled_order_gives_the_stock_back_on_the_page_at_once(sales, scarf, buyer, django_capture_on_commit_callbacks):
    order = sales(buyer, scarf, 4)
    url = f"/products/{scarf.slug}/"
    assert "6 in stock" in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_state=Order.State.CANCELLED, by=buyer, note="Changed my mind")
    assert "10 in stock" in Client().get(url).content.decode()


def test_listings_follow_a_sell_out_within_the_stated_lag(settings, sales, scarf, pillow, buyer, django_capture_on_commit_callbacks):
    settings.CACHE_LISTINGS_LAG = 2
    # An edit just renewed the listings: the hold of the lag starts now.
    with django_capture_on_commit_callbacks(execute=True):
        pillow.name_en = "Triangle pillow, kapok"
        pillow.save()
    started = time.monotonic()
    assert "Triangle pillow, kapok" in Client().get("/products/").content.decode()
    sales(buyer, scarf, 10)
    # The product page never lags.
    assert "Sold out" in Client().get(f"/products/{scarf.slug}/").content.decode()
    seen = []
    while time.monotonic() - started < settings.CACHE_LISTINGS_LAG + 1.5:
        body = Client().get("/products/?in_stock=1").content.decode()
        seen.append((time.monotonic() - started, "Mudmee silk scarf" in body))
        time.sleep(0.2)
    stale = [at for at, shown in seen if shown]
    fresh = [at for at, shown in seen if not shown]
    assert fresh, "the listing never caught up"
    assert all(at < settings.CACHE_LISTINGS_LAG + 0.3 for at in stale), f"stale past the lag: {stale}"
    assert min(fresh) > max(stale, default=0), "a stale listing came back after a fresh one"


def test_a_review_renews_its_products_page_but_not_the_listings(
    sales, scarf, buyer, manager, django_capture_on_commit_callbacks, django_assert_num_queries
):
    order = sales(buyer, scarf, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order=order, to_state=Order.State.PAID, by=manager)
        services.order_transition(order=order, to_state=Order.State.SHIPPED, by=manager, carrier="Kerry", tracking_number="K1")
        services.order_transition(order=order, to_state=Order.State.DELIVERED, by=manager)
    listing = Client().get("/products/").content
    url = f"/products/{scarf.slug}/"
    assert "Lovely weave" not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_create(line=order.lines.get(), buyer=buyer, rating=5, text="Lovely weave")
    assert "Lovely weave" in Client().get(url).content.decode()
    with django_assert_num_queries(0):
        assert without_token(Client().get("/products/").content) == without_token(listing)
