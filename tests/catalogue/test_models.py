"""The catalogue's models against the real database: the constraints the database enforces by
itself, how long star ratings stand, and names in the visitor's language."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from catalogue.models import Category, Certification, Product

TCPS = {"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022}


# --- constraints the database enforces, whatever the code above it does ---------------------------


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_database_refuses_a_negative_price(make_product):
    product = make_product()
    _violates(lambda: Product.objects.filter(pk=product.pk).update(price=Decimal("-0.01")))
    product.refresh_from_db()
    assert product.price == Decimal("850.00")


def test_database_refuses_negative_stock(make_product):
    product = make_product()
    _violates(lambda: Product.objects.filter(pk=product.pk).update(stock=-1))
    Product.objects.filter(pk=product.pk).update(stock=0)  # zero is fine
    product.refresh_from_db()
    assert product.stock == 0


def test_database_refuses_a_negative_price_in_bulk_create(make_product):
    product = make_product()
    copy = Product.objects.get(pk=product.pk)
    copy.pk, copy.slug, copy.price = None, "negative-price", Decimal("-5")
    _violates(lambda: Product.objects.bulk_create([copy]))
    assert not Product.objects.filter(slug="negative-price").exists()


@pytest.mark.parametrize(
    "scheme, stars, allowed",
    [
        ("otop", 0, False),
        ("otop", 1, True),
        ("otop", 5, True),
        ("otop", 6, False),
        ("ocop", 2, False),
        ("ocop", 3, True),
        ("ocop", 5, True),
        ("ocop", 6, False),
        ("", 3, False),  # stars without a scheme
        ("otop", None, False),  # a scheme without stars
        ("", None, True),
    ],
)
def test_database_enforces_the_star_range_of_each_scheme(make_product, scheme, stars, allowed):
    product = make_product()
    update = lambda: Product.objects.filter(pk=product.pk).update(star_scheme=scheme, star_rating=stars)  # noqa: E731
    if allowed:
        update()
        product.refresh_from_db()
        assert (product.star_scheme, product.star_rating) == (scheme, stars)
    else:
        _violates(update)


def test_database_enforces_the_star_range_in_bulk_create(make_product):
    product = make_product()
    copy = Product.objects.get(pk=product.pk)
    copy.pk, copy.slug, copy.star_scheme, copy.star_rating = None, "two-ocop-stars", "ocop", 2
    _violates(lambda: Product.objects.bulk_create([copy]))


def test_database_refuses_a_second_product_with_the_same_slug(make_product):
    first, second = make_product(), make_product()
    _violates(lambda: Product.objects.filter(pk=second.pk).update(slug=first.slug))
    copy = Product.objects.get(pk=first.pk)
    copy.pk = None
    _violates(lambda: Product.objects.bulk_create([copy]))


def test_database_refuses_the_same_certification_twice(make_product):
    product = make_product(certifications=[TCPS])
    _violates(lambda: Certification.objects.create(product=product, kind="tcps", number="another"))


# --- star validity --------------------------------------------------------------------------------


def test_otop_stars_stand_for_two_years(make_product):
    product = make_product(star_scheme="otop", star_rating=4, star_year=2022)
    assert product.star_valid_until == 2024


def test_ocop_stars_stand_for_thirty_six_months(make_product, vietnam_group):
    product = make_product(producer=vietnam_group, star_scheme="ocop", star_rating=4, star_year=2022, price=Decimal(1000))
    assert product.star_valid_until == 2025


def test_stars_are_current_until_they_lapse(make_product):
    this_year = date.today().year
    recent = make_product(star_scheme="otop", star_rating=3, star_year=this_year - 1)
    old = make_product(star_scheme="otop", star_rating=3, star_year=this_year - 5)
    assert recent.star_current
    assert not old.star_current


def test_no_star_validity_without_stars(make_product):
    product = make_product()
    assert product.star_valid_until is None and not product.star_current


# --- names in the visitor's language --------------------------------------------------------------


def test_name_and_description_follow_the_language_with_fallback(make_product):
    product = make_product(
        name_en="Mudmee silk scarf", name_th="ผ้าพันคอไหมมัดหมี่", name_ja="", name_local="",
        description_en="", description_th="", description_ja="", description_local="ทอมือในบ้านท่าสว่าง",
    )
    with translation.override("th"):
        assert product.name == "ผ้าพันคอไหมมัดหมี่"
        assert product.description == "ทอมือในบ้านท่าสว่าง"
    with translation.override("ja"):
        assert product.name == "Mudmee silk scarf", "no Japanese name: English"
        assert product.description == "ทอมือในบ้านท่าสว่าง", "only the producer's own language"
    with translation.override("en"):
        assert product.name == "Mudmee silk scarf"

    product.name_ja, product.description_en = "ムドミーシルクのスカーフ", "Hand-woven in Ban Tha Sawang."
    with translation.override("ja"):
        assert product.name == "ムドミーシルクのスカーフ"
        assert product.description == "Hand-woven in Ban Tha Sawang.", "English before the producer's own"
    with translation.override("th"):
        assert product.description == "Hand-woven in Ban Tha Sawang."


def test_category_names_follow_the_language(categories):
    silk = categories["silk"]
    with translation.override("th"):
        assert silk.name == "ผ้าไหม"
    with translation.override("ja"):
        assert silk.name == "シルク"
    with translation.override("en"):
        assert silk.name == "Silk"
    assert silk.top == categories["textiles-garments"]
    assert Category.objects.filter(parent__isnull=True).count() == 5
