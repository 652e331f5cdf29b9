"""Stock under real concurrency against PostgreSQL: whatever the number of buyers
checking out at once, stock never goes below zero and exactly what was in stock is sold; a
checkout submitted twice at once places one order set.

These tests commit (each thread has its own connection), so the database is flushed after them;
`reference_data_restored` loads the place tree and the categories again for the tests that follow.
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from catalogue.models import Product
from catalogue.services import categories_load
from orders import services
from orders.models import Cart, DeliveryMethod, Order, OrderLine, PaymentMethod
from orders.services import ProducerChoice, SoldOut
from places.services import places_load
from tests.factories import ADDRESS, UserFactory, checkout_post, fill_cart, listing, log_in

BUYERS = 30
IN_STOCK = 10


@pytest.fixture(scope="module", autouse=True)
def reference_data_restored(django_db_blocker):
    """After this module's transactional tests have flushed the database, put back what the
    session set up (the place tree) and what a data migration made (the categories)."""
    yield
    with django_db_blocker.unblock():
        places_load()
        categories_load()


def run_at_once(count: int, work) -> list:
    """Run `work(index)` in `count` threads released together by a barrier; return each
    thread's result or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def thread_main(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_main, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout thread hung"
    return results


@pytest.mark.django_db(transaction=True)
def test_thirty_buyers_racing_for_ten_in_stock_buy_exactly_ten(places, categories, shop):
    scarf = listing(shop, name_en="Last mudmee scarves", price=Decimal("850.00"), stock=IN_STOCK)
    buyers = [UserFactory(username=f"racer{index}") for index in range(BUYERS)]
    carts = [fill_cart(buyer, (scarf, 1)) for buyer in buyers]
    choice = {shop.pk: ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=PaymentMethod.BANK_TRANSFER)}

    def check_out(index: int) -> list[Order]:
        return services.order_place(
            buyer=buyers[index], cart=carts[index], checkout_token=f"race-{index}", address=ADDRESS, choices=choice
        )

    results = run_at_once(BUYERS, check_out)

    placed = [result for result in results if isinstance(result, list)]
    sold_out = [result for result in results if isinstance(result, SoldOut)]
    unexpected = [result for result in results if not isinstance(result, (list, SoldOut))]
    assert unexpected == []
    assert len(placed) == IN_STOCK
    assert len(sold_out) == BUYERS - IN_STOCK
    for error in sold_out:
        assert error.messages == ["Sold out, or fewer left than you asked for: Last mudmee scarves."]

    scarf.refresh_from_db()
    assert scarf.stock == 0
    assert not Product.objects.filter(stock__lt=0).exists()
    assert Order.objects.count() == IN_STOCK
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == IN_STOCK
    assert {order.buyer_id for order in Order.objects.all()} == {orders[0].buyer_id for orders in placed}
    # The losers keep their cart and nothing of theirs was saved; the winners' carts are empty.
    winners = {orders[0].buyer_id for orders in placed}
    for buyer, cart in zip(buyers, carts, strict=True):
        assert cart.items.exists() is (buyer.pk not in winners)


@pytest.mark.django_db(transaction=True)
def test_the_same_checkout_submitted_twice_at_once_places_one_order_set(places, categories, shop, other_shop, buyer):
    scarf = listing(shop, name_en="Mudmee silk scarf", stock=IN_STOCK)
    pillow = listing(other_shop, name_en="Triangle pillow", price=Decimal("320.00"), stock=5)
    cart = fill_cart(buyer, (scarf, 2), (pillow, 1))
    choices = {
        producer.pk: ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=PaymentMethod.BANK_TRANSFER)
        for producer in (shop, other_shop)
    }

    def check_out(_index: int) -> list[int]:
        orders = services.order_place(
            buyer=buyer, cart=Cart.objects.get(pk=cart.pk), checkout_token="one-click-too-many", address=ADDRESS, choices=choices
        )
        return sorted(order.pk for order in orders)

    first, second = run_at_once(2, check_out)

    assert isinstance(first, list) and isinstance(second, list), (first, second)
    assert first == second
    assert len(first) == 2
    assert Order.objects.count() == 2
    assert Product.objects.get(pk=scarf.pk).stock == IN_STOCK - 2
    assert Product.objects.get(pk=pillow.pk).stock == 4


@pytest.mark.usefixtures("unpaid_limits_raised")
@pytest.mark.django_db(transaction=True)
def test_two_checkout_pages_posting_the_same_token_at_once_place_one_order(places, categories, shop, buyer):
    """Two tabs (two sessions of one buyer) posting the same checkout form together."""
    scarf = listing(shop, name_en="Mudmee silk scarf", stock=IN_STOCK)
    fill_cart(buyer, (scarf, 3))
    tabs = [log_in(Client(), buyer) for _ in range(2)]
    data = checkout_post({shop.pk: {}}, token="double-click")

    responses = run_at_once(2, lambda index: tabs[index].post("/checkout/", data))

    order = Order.objects.get()
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    assert Product.objects.get(pk=scarf.pk).stock == IN_STOCK - 3
    assert list(order.lines.values_list("quantity", flat=True)) == [3]


def carts_of_one_account(buyer, *products) -> list[Cart]:
    """One cart per product, each holding one unit, all to be checked out by `buyer` at once (as
    tabs of several sessions would): the account's own cart and anonymous sessions' carts."""
    carts = [fill_cart(buyer, (products[0], 1))]
    for product in products[1:]:
        cart = Cart.objects.create()
        services.cart_add_item(cart=cart, product=product, quantity=1)
        carts.append(cart)
    return carts


def check_out_all_at_once(buyer, carts, producer) -> tuple[list, list]:
    choice = {producer.pk: ProducerChoice(delivery=DeliveryMethod.SHIPPING, payment=PaymentMethod.BANK_TRANSFER)}
    results = run_at_once(
        len(carts),
        lambda index: services.order_place(
            buyer=buyer, cart=carts[index], checkout_token=f"tab-{index}", address=ADDRESS, choices=choice
        ),
    )
    placed = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if isinstance(result, ValidationError) and not isinstance(result, SoldOut)]
    assert len(placed) + len(refused) == len(carts), results
    return placed, refused


@pytest.mark.django_db(transaction=True)
def test_one_accounts_checkouts_at_once_hold_no_more_than_its_share_of_a_product(places, categories, shop, buyer):
    """Four checkouts of one unit each, at once: only the two units one account may hold unpaid
    of ten are placed; the account's row lock counts each checkout after the one before."""
    scarf = listing(shop, name_en="Mudmee silk scarf", stock=IN_STOCK)
    placed, refused = check_out_all_at_once(buyer, carts_of_one_account(buyer, scarf, scarf, scarf, scarf), shop)
    assert (len(placed), len(refused)) == (2, 2)
    for error in refused:
        assert "Mudmee silk scarf: one account may hold at most 2 units unpaid" in error.messages[0]
    assert Product.objects.get(pk=scarf.pk).stock == IN_STOCK - 2
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == 2


@pytest.mark.django_db(transaction=True)
def test_one_accounts_checkouts_at_once_place_no_more_unpaid_orders_than_allowed(places, categories, settings, shop, buyer):
    settings.ORDERS_UNPAID_ORDERS_PER_ACCOUNT = 2
    products = [listing(shop, name_en=f"Mudmee scarf {n}", stock=IN_STOCK) for n in range(4)]
    placed, refused = check_out_all_at_once(buyer, carts_of_one_account(buyer, *products), shop)
    assert (len(placed), len(refused)) == (2, 2)
    for error in refused:
        assert "at most 2 at once" in error.messages[0]
    assert Order.objects.filter(buyer=buyer).count() == 2
    assert sum(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("stock", flat=True)) == 4 * IN_STOCK - 2
