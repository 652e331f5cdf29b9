"""Reads of public pages from a real streaming replica (a second PostgreSQL cluster cloned from the
machine's service by tests/scaleout/replica_cluster.py): an edit reaches the replica-served page,
the editor reads their edit at once from the primary, a visitor who wrote nothing is served by the
replica (shown by pausing its replay), a lagging replica is not read, and a page rendered from a
replica behind the primary is not kept in the page cache. Without DATABASE_REPLICA_URL nothing
changes."""

import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.db import connection, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from accounts.models import User
from catalogue.models import Product
from catalogue.services import product_update
from orders.models import Order
from otop_site.db_router import (
    STICKY_COOKIE,
    ReadRoute,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    _route,
    lsn_value,
    replica_health,
)
from tests.catalogue.test_views_manage import listing_data
from tests.factories import ProducerMembershipFactory, ProductFactory, log_in
from tests.scaleout import replica_cluster as standby

# The standby's fixtures (tests/scaleout/conftest.py is shared by the scale-out tests).
replica_cluster, replica_alias, replica_routing = standby.replica_cluster, standby.replica_alias, standby.replica_routing

# One standby per test process; with `--dist loadgroup` they all run in the same one.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("replica"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def product(categories, group_a):
    return ProductFactory(
        producer=group_a, category=categories["silk"], name_en="Lac-dyed silk sarong", price=Decimal("3500"), stock=4,
        status="published",
    )


@pytest.fixture
def on_replica(replica_routing, replica_cluster):
    """Wait until the standby has replayed everything committed so far; resume its replay at the end."""
    database = replica_routing

    def caught_up():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (lsn,) = cursor.fetchone()
        replica_cluster.wait_for(database, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,), expected=True)

    caught_up()
    yield caught_up
    replica_cluster.resume_replay(database)


def page_of(product) -> str:
    return f"/products/{product.slug}/"


def shows(response, name: str) -> bool:
    assert response.status_code == 200
    return name in response.content.decode()


def test_an_edit_in_the_dashboard_reaches_the_replica_and_the_editor_reads_it_at_once(
    product, group_a, on_replica, replica_cluster, replica_routing
):
    editor = log_in(Client(), ProducerMembershipFactory(producer=group_a).user)
    visitor = Client()
    on_replica()
    assert shows(visitor.get(page_of(product)), "Lac-dyed silk sarong")

    # The replica stops replaying: from now on it shows the product as it was.
    replica_cluster.pause_replay(replica_routing)
    response = editor.post(
        f"/dashboard/products/{product.pk}/", listing_data({"silk": product.category}, name_en="Indigo silk sarong")
    )
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).name_en == "Indigo silk sarong"
    assert STICKY_COOKIE in response.cookies

    # The editor's next page comes from the primary: their edit at once.
    assert shows(editor.get(page_of(product)), "Indigo silk sarong")
    # A visitor who wrote nothing is served by the replica, which has not replayed the edit.
    assert shows(visitor.get(page_of(product)), "Lac-dyed silk sarong")

    # Once the replica replays, the visitor sees the edit (a bounded wait).
    replica_cluster.resume_replay(replica_routing)
    deadline = time.monotonic() + 15
    while not shows(visitor.get(page_of(product)), "Indigo silk sarong"):
        assert time.monotonic() < deadline, "the edit never reached the replica-served page"
        time.sleep(0.1)


def test_listings_and_search_read_the_replica_too(product, on_replica, replica_cluster, replica_routing):
    """The catalogue's own statements (the cards, the facet counts, the search) go where the
    router sends the catalogue's reads, as the ORM's do."""
    visitor = Client()
    on_replica()
    replica_cluster.pause_replay(replica_routing)
    product_update(product=product, name_en="Indigo silk sarong")

    # Addresses asked for the first time: rendered now, from the paused replica.
    for path in ("/products/?sort=newest&country=TH", "/products/?q=sarong&sort=newest"):
        page = visitor.get(path)
        assert page.wsgi_request.read_route.replica is True
        assert shows(page, "Lac-dyed silk sarong") and "Indigo silk sarong" not in page.content.decode(), path


def test_the_editor_reads_the_primary_until_the_replica_has_replayed_their_write(
    product, group_a, on_replica, replica_cluster, replica_routing
):
    editor = log_in(Client(), ProducerMembershipFactory(producer=group_a).user)
    on_replica()
    replica_cluster.pause_replay(replica_routing)
    saved = editor.post(f"/dashboard/products/{product.pk}/", listing_data({"silk": product.category}, name_en="Indigo silk sarong"))
    assert lsn_value(saved.cookies[STICKY_COOKIE].value) is not None, "the cookie holds the write's WAL position"

    # However long the replica lags (here: paused for seconds), the editor reads their edit.
    for _ in range(3):
        page = editor.get(page_of(product))
        assert shows(page, "Indigo silk sarong")
        assert page.wsgi_request.read_route.replica is False
        time.sleep(0.6)

    # Once the replica has replayed the edit, the editor's pages come from the replica again.
    replica_cluster.resume_replay(replica_routing)
    deadline = time.monotonic() + 15
    while True:
        replica_health.forget()
        page = editor.get(page_of(product))
        assert shows(page, "Indigo silk sarong")
        if page.wsgi_request.read_route.replica:
            break
        assert time.monotonic() < deadline, "the editor never went back to the replica"
        time.sleep(0.1)


def test_a_replica_further_behind_than_the_bound_is_not_read(product, on_replica, replica_cluster, replica_routing, settings):
    on_replica()
    replica_cluster.pause_replay(replica_routing)
    product_update(product=product, name_en="Indigo silk sarong")
    visitor = Client()
    settings.DATABASE_REPLICA_MAX_LAG = 600
    replica_health.forget()
    assert shows(visitor.get(page_of(product)), "Lac-dyed silk sarong")

    settings.DATABASE_REPLICA_MAX_LAG = 0.5
    time.sleep(1)
    replica_health.forget()
    assert shows(visitor.get(page_of(product)), "Indigo silk sarong")


def test_a_page_rendered_from_a_replica_behind_the_primary_is_not_kept(
    product, on_replica, replica_cluster, replica_routing, page_cache
):
    visitor = Client()
    on_replica()
    assert shows(visitor.get(page_of(product)), "Lac-dyed silk sarong")  # kept: the replica was current

    replica_cluster.pause_replay(replica_routing)
    # The edit renews the product's version on commit: the next page is asked under a new token.
    product_update(product=product, name_en="Indigo silk sarong")
    assert shows(visitor.get(page_of(product)), "Lac-dyed silk sarong")  # the paused replica's page...

    replica_cluster.resume_replay(replica_routing)
    on_replica()
    # ...was not kept under the new token: once the replica has replayed, the page is current.
    assert shows(visitor.get(page_of(product)), "Indigo silk sarong")
    assert shows(visitor.get(page_of(product)), "Indigo silk sarong")


def test_personal_areas_writes_and_transactions_read_the_primary(product, group_a, on_replica, replica_routing):
    rules = ReplicaRouter()
    token = _route.set(ReadRoute(replica=True))
    try:
        assert rules.db_for_read(Product) == "replica"
        with transaction.atomic():
            assert rules.db_for_read(Product) == "default"
        assert rules.db_for_read(User) == "default"
        assert rules.db_for_read(Order) == "default"
        assert rules.db_for_write(Product) == "default"
        # After the request wrote, it reads its write from the primary.
        assert rules.db_for_read(Product) == "default"
    finally:
        _route.reset(token)
    assert rules.db_for_read(Product) == "default"  # outside a request

    seen = []

    def view(request):
        seen.append(request.read_route.replica)
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(view)
    requests = RequestFactory()
    for request in (
        requests.get("/products/"),
        requests.get("/th/products/x/"),
        requests.get("/cart/"),
        requests.get("/th/dashboard/products/"),
        requests.get("/accounts/login/"),
        requests.post("/products/"),
    ):
        middleware(request)
    assert seen == [True, True, False, False, False, False]
    # A write the replica has not replayed yet (a position far ahead), one it has, a cookie that
    # holds no position.
    for position, replica in (("FFFFFFFF/FFFFFFFF", False), ("0/0", True), ("1712345678.5", False)):
        sticky = requests.get("/products/")
        sticky.COOKIES[STICKY_COOKIE] = position
        middleware(sticky)
        assert seen[-1] is replica, position


def settings_with(**environment) -> dict:
    """DATABASES' aliases, the routers and whether the middleware is on, as a fresh process sees them."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS,"
        " 'middleware': 'otop_site.db_router.ReplicaReadsMiddleware' in settings.MIDDLEWARE,"
        " 'read': __import__('django.db', fromlist=['router']).router.db_for_read(__import__('catalogue.models', fromlist=['Product']).Product)}))"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "otop_site.settings.test", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/settings_only"}
    env |= environment
    output = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=False)
def test_without_a_replica_url_nothing_changes():
    assert settings_with() == {"aliases": ["default"], "routers": [], "middleware": False, "read": "default"}
    assert router.db_for_read(Product) == "default"
    configured = settings_with(DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5441/settings_only")
    assert configured == {
        "aliases": ["default", "replica"],
        "routers": ["otop_site.db_router.ReplicaRouter"],
        "middleware": True,
        "read": "default",  # outside a request that may read the replica
    }
