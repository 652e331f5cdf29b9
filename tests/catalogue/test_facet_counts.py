"""The facet counts the database keeps (catalogue.models.FacetCount) agree with the products after
every kind of change, whoever makes it; /products/ adds them up to the same numbers as counting the
products; the listing and the product page read few, cheap queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.http import QueryDict

from catalogue import selectors, services
from catalogue.filters import ProductFilter
from catalogue.models import Certification, FacetCount, Product
from producers.services import producer_suspend, producer_verify
from tests.factories import ProductFactory
from tests.pages import page_queries

GI = {"kind": "gi", "name": "Surin silk", "number": "GI 1", "year": 2010}
ORGANIC = {"kind": "organic", "name": "", "number": "ORG-7", "year": 2021}


def recounted() -> dict:
    """Every combination's number of visible products, counted over the products."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT category_id, country, province_id, coalesce(star_rating, 0), stock > 0, '', count(*)"
            " FROM catalogue_product WHERE visible GROUP BY 1, 2, 3, 4, 5"
            " UNION ALL SELECT p.category_id, p.country, p.province_id, coalesce(p.star_rating, 0), p.stock > 0,"
            " k.kind, count(*) FROM catalogue_product p JOIN catalogue_certification k ON k.product_id = p.id"
            " WHERE p.visible GROUP BY 1, 2, 3, 4, 5, 6"
        )
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def kept() -> dict:
    """The same numbers as FacetCount keeps them (the sum of each combination's rows)."""
    added: dict = {}
    for row in FacetCount.objects.values_list(
        "category_id", "country", "province_id", "star_rating", "in_stock", "certification", "products"
    ):
        added[row[:-1]] = added.get(row[:-1], 0) + row[-1]
    return {key: n for key, n in added.items() if n}


def assert_in_step():
    assert kept() == recounted()


@pytest.fixture
def published(make_product):
    def make(**fields):
        fields.setdefault("status", "published")
        return make_product(**fields)

    return make


def test_facet_counts_follow_publishing_and_archiving(published, make_product):
    draft = make_product(certifications=[GI], photos=1)
    assert kept() == {}
    product = published(certifications=[GI, ORGANIC], star_scheme="otop", star_rating=4, star_year=2024)
    assert_in_step()
    services.product_set_status(product=draft, status="published")
    assert_in_step()
    services.product_set_status(product=product, status="archived")
    assert_in_step()
    assert sum(kept().values()) == 2  # the draft now published, and its GI


def test_facet_counts_follow_edits_of_category_stars_origin_and_certifications(published, categories, surin):
    product = published(certifications=[GI])
    services.product_update(
        product=product, category=categories["cotton"], star_scheme="ocop", star_rating=5, star_year=2025,
        certifications=[ORGANIC],
    )
    assert_in_step()
    services.product_update(product=product, origin=surin, certifications=[])
    assert_in_step()


def test_facet_counts_follow_the_stock_whoever_sets_it(published):
    product = published(stock=2)
    # As a checkout takes the last units: a plain conditional UPDATE, no service of the catalogue.
    Product.objects.filter(pk=product.pk).update(stock=F("stock") - 2)
    assert_in_step()
    services.product_set_stock(product=product, stock=5)
    assert_in_step()


def test_facet_counts_follow_the_producers_verification(published, group_a, staff_user, django_capture_on_commit_callbacks):
    published(certifications=[GI])
    published()
    with django_capture_on_commit_callbacks(execute=True):
        producer_suspend(producer=group_a, by=staff_user, reason="Checking the GI claim")
    assert kept() == {} == recounted()
    with django_capture_on_commit_callbacks(execute=True):
        producer_verify(producer=group_a, by=staff_user)
    assert_in_step()
    assert sum(kept().values()) == 3


def test_facet_counts_follow_deletions_and_bulk_writes(published):
    products = [published(certifications=[GI]) for _ in range(3)]
    Certification.objects.filter(product=products[0]).delete()
    products[1].delete()
    assert_in_step()
    Product.objects.update(star_scheme="otop", star_rating=2)
    assert_in_step()


def test_facet_counts_compact_folds_rows_without_changing_a_number(published):
    product = published(certifications=[GI])
    for stock in (0, 3, 0, 4):
        services.product_set_stock(product=product, stock=stock)
    assert FacetCount.objects.count() > len(kept())
    services.facet_counts_compact()
    assert FacetCount.objects.count() == len(kept())
    assert FacetCount.objects.filter(folded=False).count() == 0
    assert_in_step()


QUERIES = [
    "", "in_stock=1", "category=textiles-garments", "category=silk&country=TH", "country=JP", "stars=3",
    "certification=gi", "certification=organic&in_stock=1&stars=2", "province=surin", "country=TH&province=surin",
    "category=cotton&certification=gi&country=TH&in_stock=1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_added_up_facet_counts_equal_counting_the_products(query, make_product, categories, group_a, oita_group, surin):
    for n in range(12):
        make_product(
            producer=group_a if n % 3 else oita_group,
            category=categories["silk" if n % 2 else "cotton"],
            origin=surin if n % 4 == 1 else None,
            stock=n % 3,
            star_scheme="otop" if n % 5 else "",
            star_rating=1 + n % 5 if n % 5 else None,
            star_year=2024 if n % 5 else None,
            price=Decimal(100 + n),
            certifications=[GI, ORGANIC][: n % 3],
            status="published" if n != 7 else "draft",
        )
    filterset = ProductFilter(QueryDict(query), queryset=Product.objects.public())
    assert filterset.is_valid()
    total, counts = selectors._combination_counts(filterset)
    assert counts == selectors._facet_counts(filterset)
    assert total == selectors._apply_filters(filterset, Product.objects.public()).count()


def test_a_price_filter_is_counted_over_the_products(published):
    published()
    filterset = ProductFilter(QueryDict("min_price=10"), queryset=Product.objects.public())
    filterset.is_valid()
    assert selectors._combination_counts(filterset) is None


# --- what the pages cost ---------------------------------------------------------------------------


def test_a_filtered_listing_reads_six_queries_at_most(client, published):
    for _ in range(3):
        published(certifications=[GI])
    # The counts, a category looked up and its sub-categories, the page's ids, the cards, the
    # categories and provinces beside the counts.
    assert page_queries(client, "/products/?category=textiles-garments&country=TH&in_stock=1") <= 7
    assert page_queries(client, "/products/?in_stock=1&page=1") <= 5


def test_a_product_page_reads_four_queries_at_most(client, published, group_a, make_product):
    product = published(certifications=[GI, ORGANIC])
    for _ in range(5):
        published()
    # The product (with its category, producer, places, photos and certifications), the cards
    # of more from the producer and from the village, the reviews, where the producer exhibits today.
    assert page_queries(client, f"/products/{product.slug}/") <= 4


def test_cards_show_the_first_photo_of_each_product(client, published):
    product = published()
    first = product.photos.get()
    ProductFactory(producer=product.producer, status="published")
    html = client.get("/products/").content.decode()
    assert first.image.name.rsplit(".", 1)[0] + "__card.jpg" in html


def test_a_facet_the_combinations_do_not_hold_is_counted_over_the_products(published):
    from tests.catalogue.test_facets import WithUnit

    published()
    filterset = WithUnit(QueryDict("country=TH"), queryset=Product.objects.public())
    filterset.is_valid()
    assert selectors._combination_counts(filterset) is None
