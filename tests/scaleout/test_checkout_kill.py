"""A web worker killed in the middle of a checkout leaves no half order and loses no stock; the
same checkout then places its order once, however often it is sent again.

gunicorn runs the production settings with one worker. The test holds a row lock on the buyer's
saved address, which the checkout's transaction updates after it has made the order and reserved
the stock; so the checkout waits at that known statement, inside its transaction, until the test
has killed the worker with SIGKILL. No hook in the site's code is needed.
"""

import os
import signal
import threading
import time

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from orders.models import BuyerAddress, CartItem, Order
from tests.factories import UserFactory, listing, make_shop
from tests.factories.orders import ADDRESS
from tests.scaleout import servers
from tests.scaleout.conftest import server_password

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "Surin-silk-buyer-2026"


@pytest.fixture(scope="module")
def server(shared_services, tmp_path_factory):
    log = tmp_path_factory.mktemp("checkout-kill") / "gunicorn.log"
    gunicorn = servers.Gunicorn(port=servers.CHECKOUT_PORT, env=shared_services | {"NODE_NAME": "solo"}, workers=1, log=log)
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def shop(categories, tha_sawang):
    return make_shop(name_en="Tha Sawang Silk Weavers", place=tha_sawang)


@pytest.fixture
def scarf(shop):
    return listing(shop, name_en="Mudmee silk scarf", stock=10)


@pytest.fixture
def buyer(db):
    user = UserFactory(username="naree", email="naree@example.com")
    User.objects.filter(pk=user.pk).update(password=server_password(PASSWORD))
    # The address the checkout saves at its end: the row the test locks.
    BuyerAddress.objects.create(user=user, **ADDRESS)
    return user


def database_connection(*, autocommit: bool = False) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
                           dbname=settings["NAME"], autocommit=autocommit)


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_checkout_leaves_no_order_and_the_checkout_then_places_once(server, shop, scarf, buyer):
    browser = servers.Browser(server.port)
    browser.get("/accounts/login/")
    assert browser.post("/accounts/login/", {"username": "naree", "password": PASSWORD, "next": ""}).status == 302
    assert browser.post("/cart/add/", {"product": str(scarf.pk), "quantity": "2"}).status == 302
    page = browser.get("/checkout/")
    assert page.status == 200
    form = page.form_with("checkout_token") | ADDRESS | {
        f"delivery_{shop.pk}": "shipping", f"payment_{shop.pk}": "bank_transfer",
    }
    (worker,) = server.worker_pids()

    blocker, observer = database_connection(), database_connection(autocommit=True)
    try:
        blocker.execute("SELECT 1 FROM orders_buyeraddress WHERE user_id = %s FOR UPDATE", [buyer.pk])
        answers = []
        request = threading.Thread(target=lambda: answers.append(_post_or_error(browser, form)))
        request.start()
        # The checkout's backend waits on the address row, having reserved the stock already:
        # it holds the row-exclusive lock its UPDATE of the product's stock took.
        # (Read from another connection: within a transaction, pg_stat_activity is a snapshot.)
        checkout_backend = wait_for(lambda: observer.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s AND pid <> pg_backend_pid()",
            ["%orders_buyeraddress%FOR UPDATE%"],
        ).fetchone(), timeout=20, what="the checkout to reach the address")[0]
        assert observer.execute(
            "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation "
            "WHERE pg_locks.pid = %s AND relname IN ('catalogue_product', 'orders_order') AND mode = 'RowExclusiveLock'",
            [checkout_backend],
        ).fetchone()[0] == 2

        os.kill(worker, signal.SIGKILL)
        request.join(30)
        assert not request.is_alive()
        assert answers and answers[0] != 302, answers
    finally:
        blocker.rollback()
        blocker.close()
        observer.close()
    # Let go, the backend finds its client gone and rolls the transaction back.
    wait_for(lambda: not _backend_alive(checkout_backend), timeout=20, what="the checkout's backend to end")

    assert not Order.objects.filter(buyer=buyer).exists()
    scarf.refresh_from_db()
    assert scarf.stock == 10
    assert list(CartItem.objects.filter(cart__user=buyer).values_list("product_id", "quantity")) == [(scarf.pk, 2)]

    # gunicorn has started a new worker; the same checkout (its token) now places its order.
    servers.wait_until_answering(server.port, server.process, server.log)
    assert server.worker_pids() != [worker]
    placed = browser.post("/checkout/", form)
    assert placed.status == 302 and "/orders/" in placed.headers["location"], placed.plain[:1000]
    (order,) = Order.objects.filter(buyer=buyer)
    assert f"Thank you! Your orders: {order.number}." in browser.follow(placed).plain
    for _ in range(2):
        again = browser.post("/checkout/", form)
        assert again.status == 302 and again.headers["location"] == placed.headers["location"]
    assert Order.objects.filter(buyer=buyer).count() == 1
    scarf.refresh_from_db()
    assert scarf.stock == 8
    assert order.lines.get().quantity == 2
    assert not CartItem.objects.filter(cart__user=buyer).exists()


def _post_or_error(browser, form):
    try:
        return browser.post("/checkout/", form).status
    except OSError as error:
        return type(error).__name__


def _backend_alive(pid: int) -> bool:
    with database_connection(autocommit=True) as probe:
        return probe.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is not None
