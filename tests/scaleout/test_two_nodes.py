"""Two web machines, one site: two gunicorn servers (production settings, two workers each) on
the same PostgreSQL database and Redis, nginx in front balancing requests between them in turn,
with the configuration in deploy/nginx.conf.template. Every request goes through nginx on a new
connection, and each answer names its node (X-Served-By)."""

import re
from decimal import Decimal

import pytest

from accounts.models import User
from accounts.tokens import email_confirmation_token
from catalogue.models import Product
from orders.models import Order
from tests.factories import NEW_PASSWORD, listing, make_shop, member_of
from tests.factories.orders import ADDRESS
from tests.scaleout import servers
from tests.scaleout.conftest import server_password

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NODES = {"node-a", "node-b"}
MANAGER_PASSWORD = "Tha-Sawang-loom-2026"


@pytest.fixture(scope="module")
def site(shared_services, tmp_path_factory):
    """nginx on 8840 in front of node-a (8841) and node-b (8842)."""
    logs = tmp_path_factory.mktemp("two-nodes")
    started = []
    try:
        for name, port in zip(sorted(NODES), servers.NODE_PORTS, strict=True):
            env = shared_services | {"NODE_NAME": name}
            started.append(servers.Gunicorn(port=port, env=env, workers=2, log=logs / f"{name}.log"))
        started.append(servers.Nginx(port=servers.NGINX_PORT, upstream_ports=list(servers.NODE_PORTS)))
        yield servers.NGINX_PORT
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture
def shop(categories, tha_sawang):
    return make_shop(name_en="Tha Sawang Silk Weavers", slug="tha-sawang-silk", place=tha_sawang)


@pytest.fixture
def scarf(shop):
    return listing(shop, name_en="Mudmee silk scarf", price=Decimal("850.00"), stock=10)


@pytest.fixture
def manager(shop):
    user = member_of(shop, username="somsri", email="somsri@example.com", language="en")
    User.objects.filter(pk=user.pk).update(password=server_password(MANAGER_PASSWORD))
    return user


def product_page_on_both_nodes(browser, path: str) -> set[tuple[str, str]]:
    """Ask for the product page at least six times, and until both nodes have answered (at
    most twenty); returns the (price, stock) pairs the pages showed."""
    browser.served_by.clear()
    shown = set()
    for count in range(20):
        page = browser.get(path)
        assert page.status == 200
        shown.add(price_and_stock(page) + (page.headers.get("x-served-by"),))
        if count >= 5 and browser.nodes() == NODES:
            break
    assert browser.nodes() == NODES, browser.served_by
    return {(price, stock) for price, stock, _node in shown}


def price_and_stock(page) -> tuple[str, str]:
    """The product page's price (its meta tag) and stock (the quantity field's maximum)."""
    price = re.search(r'property="product:price:amount" content="([^"]+)"', page.text)
    stock = re.search(r'name="quantity" value="1" min="1" max="(\d+)"', page.text)
    assert price and stock, page.text[:2000]
    return price.group(1), stock.group(1)


def test_a_visitor_signs_up_shops_and_checks_out_whichever_node_answers(site, scarf, shop):
    visitor = servers.Browser(site)
    assert visitor.get("/accounts/signup/").status == 200
    page = visitor.post("/accounts/signup/", {
        "username": "naree", "email": "naree@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "language": "en",
    })
    page = visitor.follow(page)
    assert "naree@example.com" in page.plain

    # The link the confirmation e-mail carries, opened in the browser that signed up.
    user = User.objects.get(username="naree")
    confirm = f"/accounts/email/confirm/{email_confirmation_token(user=user, address=user.email)}/"
    assert visitor.get(confirm).status == 200
    page = visitor.follow(visitor.post(confirm, {}))
    assert "Thank you, naree@example.com is confirmed. You are logged in." in page.plain

    page = visitor.follow(visitor.post("/cart/add/", {"product": str(scarf.pk), "quantity": "2"}))
    assert "Mudmee silk scarf is in your cart." in page.plain
    page = visitor.get("/cart/")
    assert "Mudmee silk scarf" in page.plain

    page = visitor.get("/checkout/")
    assert page.status == 200
    form = page.form_with("checkout_token") | ADDRESS | {
        "email": "naree@example.com", f"delivery_{shop.pk}": "shipping", f"payment_{shop.pk}": "bank_transfer",
    }
    placed = visitor.post("/checkout/", form)
    assert placed.status == 302 and "/orders/" in placed.headers["location"], placed.plain[:1000]
    page = visitor.follow(placed)
    (order,) = Order.objects.filter(buyer=user)
    assert f"Thank you! Your orders: {order.number}." in page.plain
    assert order.lines.get().quantity == 2
    scarf.refresh_from_db()
    assert scarf.stock == 8
    # The cart was emptied by the checkout, whichever node reads it now.
    for _ in range(2):
        assert "Your cart is empty" in visitor.get("/cart/").plain

    assert visitor.nodes() == NODES, visitor.served_by
    # Some page after a form was answered by the other node than the form's: the session, the
    # cart and the flash messages came through the shared services.
    steps = visitor.served_by
    crossings = [(steps[i], steps[i + 1]) for i in range(len(steps) - 1)
                 if steps[i][0] == "POST" and steps[i][2] != steps[i + 1][2]]
    assert crossings, steps


def test_a_product_edited_on_one_node_shows_at_once_on_both(site, scarf, manager):
    path = f"/products/{scarf.slug}/"
    visitor = servers.Browser(site)
    # Both nodes have the page cached (in Redis and in their workers' own memory).
    assert product_page_on_both_nodes(visitor, path) == {("850.00", "10")}

    producer = servers.Browser(site)
    assert producer.get("/accounts/login/").status == 200
    page = producer.post("/accounts/login/", {"username": "somsri", "password": MANAGER_PASSWORD, "next": ""})
    assert page.status == 302, page.plain[:1000]
    edit = f"/dashboard/products/{scarf.pk}/"
    form = producer.get(edit).form_with("price") | {"price": "990.00", "stock": "7"}
    page = producer.post(edit, form)
    assert page.status == 302, page.plain[:2000]
    producer.follow(page)
    assert Product.objects.values_list("price", "stock").get(pk=scarf.pk) == (Decimal("990.00"), 7)

    assert product_page_on_both_nodes(visitor, path) == {("990.00", "7")}
    # A visitor new to the site too.
    assert product_page_on_both_nodes(servers.Browser(site), path) == {("990.00", "7")}


def test_static_files_are_hashed_and_compressed_through_the_load_balancer(site, scarf):
    page = servers.Browser(site).get("/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, page.text[:1000]
    answer = servers.Browser(site).get(stylesheet.group(1))
    assert answer.status == 200
    assert answer.headers.get("content-encoding") == "gzip"
    assert "max-age=315360000" in answer.headers.get("cache-control", "")
