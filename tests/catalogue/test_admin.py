"""Staff in the Django admin (catalogue/admin.py): listings and categories to look up, read only,
in a fixed number of queries; publishing and archiving through the service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Category, Product
from tests.pages import page_queries
from tests.factories import accept_cash_on_delivery, log_in

PRODUCTS = "/admin/catalogue/product/"
CATEGORIES = "/admin/catalogue/category/"


def add_listings(make_product, group_a, group_b, count: int) -> None:
    for n in range(count):
        make_product(
            producer=group_a if n % 2 else group_b, name_en=f"Woven piece {n}", photos=1, status="published",
            certifications=[{"kind": "tcps", "name": "", "number": f"TCPS-{n}", "year": 2022}],
        )


def test_the_listing_changelist_answers_staff_in_the_same_queries_however_many_listings(staff_client, make_product, group_a, group_b):
    add_listings(make_product, group_a, group_b, 2)
    few = page_queries(staff_client, PRODUCTS)

    add_listings(make_product, group_a, group_b, 8)

    assert page_queries(staff_client, PRODUCTS) == few
    assert few <= 15


@pytest.mark.parametrize("query", ["status__exact=published", "q=woven", "visible__exact=1"])
def test_the_listing_changelist_filters_and_searches(staff_client, make_product, group_a, group_b, query):
    add_listings(make_product, group_a, group_b, 2)
    make_product(name_en="Unfinished draft")

    response = staff_client.get(f"{PRODUCTS}?{query}")

    assert response.status_code == 200
    assert sorted(product.name_en for product in response.context["cl"].result_list) == ["Woven piece 0", "Woven piece 1"]


def test_a_listings_page_shows_it_read_only_with_its_photos_and_certifications(staff_client, make_product, group_a, group_b):
    add_listings(make_product, group_a, group_b, 1)
    product = Product.objects.get()
    url = f"{PRODUCTS}{product.pk}/change/"

    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(url)

    assert response.status_code == 200
    assert len(captured.captured_queries) <= 25
    assert response.context["has_change_permission"] is False
    page = response.content.decode()
    assert 'name="price"' not in page and 'name="stock"' not in page
    assert "TCPS-0" in page and "products/" in page


def test_staff_cannot_add_change_or_delete_a_listing_by_hand(staff_client, make_product):
    product = make_product(price=100, stock=3)

    assert staff_client.get(f"{PRODUCTS}add/").status_code == 403
    assert staff_client.post(f"{PRODUCTS}{product.pk}/change/", {"price": "1", "stock": "999"}).status_code == 403
    assert staff_client.post(f"{PRODUCTS}{product.pk}/delete/", {"post": "yes"}).status_code == 403
    product.refresh_from_db()
    assert (product.price, product.stock) == (100, 3)


def test_staff_publish_listings_through_the_service_which_refuses_one_without_a_photo(staff_client, make_product, group_a):
    accept_cash_on_delivery(group_a)
    with_photo = make_product(name_en="With a photo", photos=1)
    without_photo = make_product(name_en="Without a photo")

    response = staff_client.post(
        PRODUCTS, {"action": "publish_selected", "_selected_action": [with_photo.pk, without_photo.pk]}, follow=True
    )

    assert response.status_code == 200
    with_photo.refresh_from_db()
    without_photo.refresh_from_db()
    assert (with_photo.status, with_photo.visible, with_photo.published_at is not None) == ("published", True, True)
    assert without_photo.status == "draft"
    shown = [str(message) for message in response.context["messages"]]
    assert "1 listing published." in shown
    assert any(message.startswith("Without a photo: ") for message in shown)


def test_staff_archive_listings_and_they_leave_the_catalogue(staff_client, make_product):
    product = make_product(photos=1, status="published")

    staff_client.post(PRODUCTS, {"action": "archive_selected", "_selected_action": [product.pk]})

    product.refresh_from_db()
    assert (product.status, product.visible) == ("archived", False)


def test_the_category_tree_is_read_only(staff_client, categories):
    silk = Category.objects.get(slug="silk")

    assert staff_client.get(CATEGORIES).status_code == 200
    assert staff_client.get(f"{CATEGORIES}{silk.pk}/change/").status_code == 200
    assert staff_client.get(f"{CATEGORIES}add/").status_code == 403
    assert staff_client.post(f"{CATEGORIES}{silk.pk}/change/", {"name_en": "Renamed"}).status_code == 403
    assert Category.objects.get(slug="silk").name_en == silk.name_en


def test_the_catalogue_admin_is_for_staff_only(client, member_a):
    assert client.get(PRODUCTS).status_code == 302
    log_in(client, member_a)
    assert client.get(PRODUCTS).status_code == 302
    assert client.get(CATEGORIES).status_code == 302
