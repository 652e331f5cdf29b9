"""The catalogue's pages cost a fixed number of queries, whatever the size of the catalogue, the
page, or a product's photos, certifications and neighbours (no N+1)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import selectors
from tests.pages import page_queries
from tests.factories import ProducerFactory, ProductFactory, add_photo, minutes_ago

MAX_QUERIES = 10
THREE_FILTERS = "?category=textiles-garments&country=TH&in_stock=1"
CERTIFICATIONS = [
    {"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022},
    {"kind": "gi", "name": "Surin silk", "number": "GI 1", "year": 2010},
    {"kind": "organic", "name": "", "number": "ORG-7", "year": 2021},
    {"kind": "halal", "name": "", "number": "H-3", "year": 2023},
]


@pytest.fixture
def add_products(categories, group_a, group_b, django_capture_on_commit_callbacks):
    """Add `count` published products, starred and certified, from two Thai producers (with their
    search documents, written on commit)."""

    def add(count: int):
        with django_capture_on_commit_callbacks(execute=True):
            _add(count)

    def _add(count: int):
        for n in range(count):
            ProductFactory(
                producer=group_a if n % 2 else group_b,
                category=categories["silk" if n % 3 else "cotton"],
                name_en=f"Woven piece {n}",
                price=Decimal(100 + n),
                stock=1 + n % 4,
                star_scheme="otop",
                star_rating=1 + n % 5,
                star_year=2022,
                certifications=CERTIFICATIONS[: 1 + n % 4],
                status="published",
                published_at=minutes_ago(n),
            )

    return add


@pytest.mark.parametrize("query", ["", THREE_FILTERS, "?q=woven&sort=price&stars=2"])
def test_product_list_queries_do_not_grow_with_the_catalogue(client, add_products, query):
    add_products(5)
    few = page_queries(client, "/products/" + query)
    add_products(55)
    many = page_queries(client, "/products/" + query)
    assert client.get("/products/" + query).context["paginator"].count > 24, "more than a page of results"
    assert few == many
    assert many <= MAX_QUERIES


@pytest.mark.parametrize("query", ["", THREE_FILTERS])
def test_product_list_queries_do_not_grow_with_the_page_size(client, add_products, monkeypatch, query):
    add_products(30)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 6)
    small = page_queries(client, "/products/" + query)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 24)
    large = page_queries(client, "/products/" + query)
    assert small == large
    assert large <= MAX_QUERIES


def test_the_last_page_costs_the_same_as_the_first(client, add_products):
    add_products(30)
    assert page_queries(client, "/products/?page=2") == page_queries(client, "/products/")


def test_the_results_fragment_costs_no_more_than_the_page(client, add_products):
    add_products(10)
    client.get("/products/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/products/", HTTP_X_PARTIAL="results").status_code == 200
    assert len(captured.captured_queries) <= page_queries(client, "/products/")


# --- the product page -----------------------------------------------------------------------------


@pytest.fixture
def detail_queries(client):
    def count(product) -> int:
        return page_queries(client, f"/products/{product.slug}/")

    return count


def test_product_page_queries_do_not_grow_with_photos(make_product, detail_queries):
    product = make_product(status="published")
    one = detail_queries(product)
    for _ in range(4):
        add_photo(product)
    assert product.photos.count() == 5
    assert detail_queries(product) == one <= MAX_QUERIES


def test_product_page_queries_do_not_grow_with_certifications(make_product, detail_queries):
    one_certified = make_product(status="published", certifications=CERTIFICATIONS[:1])
    four_certified = make_product(status="published", certifications=CERTIFICATIONS)
    assert detail_queries(one_certified) == detail_queries(four_certified) <= MAX_QUERIES


def test_product_page_queries_do_not_grow_with_the_producers_other_products(make_product, detail_queries, group_a):
    product = make_product(status="published")
    make_product(status="published")
    one_other = detail_queries(product)
    for _ in range(7):
        make_product(status="published", certifications=CERTIFICATIONS[:2])
    assert detail_queries(product) == one_other <= MAX_QUERIES


def test_product_page_queries_do_not_grow_with_the_villages_products(make_product, detail_queries, group_a):
    product = make_product(status="published")
    neighbour = ProducerFactory(place=group_a.place)
    make_product(producer=neighbour, status="published")
    one_neighbour = detail_queries(product)
    for _ in range(7):
        make_product(producer=ProducerFactory(place=group_a.place), status="published")
    assert detail_queries(product) == one_neighbour <= MAX_QUERIES


def test_home_page_queries_do_not_grow_with_the_catalogue(client, add_products):
    add_products(2)
    few = page_queries(client, "/")
    add_products(20)
    assert page_queries(client, "/") == few <= MAX_QUERIES


def test_producer_profile_queries_do_not_grow_with_its_products(client, add_products, group_a):
    add_products(4)
    few = page_queries(client, f"/producers/{group_a.slug}/")
    add_products(20)
    assert page_queries(client, f"/producers/{group_a.slug}/") == few <= MAX_QUERIES
