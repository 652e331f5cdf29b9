"""The catalogue's services against the real database: every service that writes a listing, its
photos, stock and status, and the category tree's loading."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalogue import services
from catalogue.models import Category, Certification, Product, ProductPhoto
from places.models import Place
from tests.factories import accept_cash_on_delivery, add_photo, tambon_of
from tests.producers import imagefiles

TCPS = {"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022}
GI = {"kind": "gi", "name": "Surin silk (ผ้าไหมสุรินทร์)", "number": "GI 52100034", "year": 2010}


def stored(media_root) -> set[str]:
    return {str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()}


# --- product_create -------------------------------------------------------------------------------


def test_product_create_makes_a_draft_in_the_thai_producers_currency_and_province(make_product, group_a, surin):
    product = make_product(name_en="Mudmee silk scarf", price=Decimal("1250.50"), certifications=[TCPS, GI])

    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT and product.published_at is None
    assert product.slug == "mudmee-silk-scarf"
    assert product.currency == "THB"
    assert product.price_reference == Decimal("1250.50")
    assert product.province == surin and product.country == "TH"
    assert {(c.kind, c.number, c.year) for c in product.certifications.all()} == {
        ("tcps", "มผช. 57/2565", 2022),
        ("gi", "GI 52100034", 2010),
    }


def test_product_create_prices_a_japanese_producers_listing_in_yen(make_product, oita_group, oita, settings):
    product = make_product(producer=oita_group, category="juices-and-syrups", name_en="Kabosu juice", price=Decimal("1500"))

    product.refresh_from_db()
    assert product.currency == "JPY"
    rate = Decimal(str(settings.CURRENCY_REFERENCE_RATES["JPY"]))
    assert product.price_reference == (Decimal("1500") * rate).quantize(Decimal("0.01")) == Decimal("345.00")
    assert product.province == oita and product.country == "JP"


def test_product_create_prices_a_vietnamese_producers_listing_in_dong(make_product, vietnamese_product):
    assert vietnamese_product.currency == "VND"
    assert vietnamese_product.country == "VN"
    assert vietnamese_product.price_reference == Decimal("156.00")  # 120,000 ₫ at 0.0013


@pytest.fixture
def vietnamese_product(make_product, vietnam_group):
    return make_product(
        producer=vietnam_group, category="seasonings-and-condiments", name_en="Palm sugar", price=Decimal("120000"),
        star_scheme="ocop", star_rating=4, star_year=2023,
    )


def test_product_create_takes_province_and_country_from_the_origin(make_product, group_a, khon_kaen):
    origin = tambon_of(khon_kaen, 3)
    product = make_product(origin=origin)

    product.refresh_from_db()
    assert group_a.province != khon_kaen
    assert product.origin == origin
    assert product.province == khon_kaen and product.country == "TH"
    assert product.currency == "THB"


def test_product_create_gives_each_listing_its_own_slug(make_product):
    slugs = [make_product(name_en="Silk scarf").slug for _ in range(3)]
    assert slugs == ["silk-scarf", "silk-scarf-2", "silk-scarf-3"]


def test_product_create_puts_new_listings_after_the_producers_others(make_product):
    first, second = make_product(), make_product()
    assert second.position == first.position + 1


def test_product_create_drops_stars_without_a_scheme(make_product):
    product = make_product(star_scheme="", star_rating=4, star_year=2022)
    product.refresh_from_db()
    assert (product.star_rating, product.star_year) == (None, None)


@pytest.mark.parametrize(
    "fields",
    [
        {"price": Decimal("-1")},
        {"stock": -3},
        {"star_scheme": "ocop", "star_rating": 6},
        {"star_scheme": "ocop", "star_rating": 2},
        {"star_scheme": "otop", "star_rating": 0},
        {"star_scheme": "otop", "star_rating": None},
        {"star_year": 1990, "star_scheme": "otop", "star_rating": 3},
    ],
)
def test_product_create_refuses_invalid_fields_and_saves_nothing(make_product, fields):
    with pytest.raises(ValidationError):
        make_product(**fields)
    assert not Product.objects.exists()


def test_product_create_refuses_the_same_certification_twice_and_saves_nothing(make_product):
    with pytest.raises(ValidationError):
        make_product(certifications=[TCPS, TCPS | {"number": "2"}])
    assert not Product.objects.exists()
    assert not Certification.objects.exists()


def test_product_create_refuses_a_field_that_is_not_a_listing_field(categories, group_a):
    with pytest.raises(ValueError):
        services.product_create(
            producer=group_a, category=categories["silk"], name_en="x", price=Decimal(1), status="published"
        )


# --- product_update -------------------------------------------------------------------------------


def test_product_update_recomputes_the_reference_price_and_province(make_product, khon_kaen, surin):
    product = make_product(name_en="Mudmee silk scarf", certifications=[TCPS])
    origin = tambon_of(khon_kaen)

    updated = services.product_update(product=product, price=Decimal("2000"), origin=origin, name_en="Renamed scarf")

    updated.refresh_from_db()
    assert updated.price == updated.price_reference == Decimal("2000")
    assert updated.province == khon_kaen
    assert updated.slug == "mudmee-silk-scarf", "the URL stays the same when the name changes"
    assert updated.certifications.count() == 1, "certifications are kept when not given"

    services.product_update(product=updated, origin=None)
    updated.refresh_from_db()
    assert updated.province == surin


def test_product_update_replaces_the_certifications_when_given(make_product):
    product = make_product(certifications=[TCPS])
    services.product_update(product=product, certifications=[GI])
    assert list(product.certifications.values_list("kind", flat=True)) == ["gi"]
    services.product_update(product=product, certifications=[])
    assert not product.certifications.exists()


def test_product_update_refuses_invalid_fields_and_changes_nothing(make_product):
    product = make_product(price=Decimal("100"), certifications=[TCPS])
    with pytest.raises(ValidationError):
        services.product_update(product=product, price=Decimal("-1"), certifications=[GI])
    with pytest.raises(ValidationError):
        services.product_update(product=product, star_scheme="ocop", star_rating=2, star_year=2022)
    product.refresh_from_db()
    assert product.price == Decimal("100") and product.star_scheme == ""
    assert list(product.certifications.values_list("kind", flat=True)) == ["tcps"]


# --- product_duplicate ----------------------------------------------------------------------------


def test_product_duplicate_makes_a_draft_copy_without_stock_or_photos(make_product, khon_kaen):
    original = make_product(
        name_en="Mudmee silk scarf", stock=7, origin=tambon_of(khon_kaen), technique="Mudmee ikat",
        star_scheme="otop", star_rating=5, star_year=2022, certifications=[TCPS, GI], status="published",
    )

    copy = services.product_duplicate(product=original)

    copy.refresh_from_db()
    assert copy.pk != original.pk and copy.slug != original.slug
    assert copy.status == Product.Status.DRAFT and copy.published_at is None
    assert copy.stock == 0
    assert copy.name_en == "Mudmee silk scarf (copy)"
    assert (copy.price, copy.currency, copy.province, copy.origin) == (
        original.price, original.currency, original.province, original.origin,
    )
    assert (copy.technique, copy.star_scheme, copy.star_rating, copy.star_year) == ("Mudmee ikat", "otop", 5, 2022)
    assert sorted(copy.certifications.values_list("kind", "number", "year")) == sorted(
        original.certifications.values_list("kind", "number", "year")
    )
    assert not copy.photos.exists()
    original.refresh_from_db()
    assert original.status == Product.Status.PUBLISHED and original.stock == 7
    assert original.certifications.count() == 2


# --- product_set_status ---------------------------------------------------------------------------


def test_publishing_without_a_photo_is_refused(make_product):
    product = make_product()
    with pytest.raises(ValidationError, match="photo"):
        services.product_set_status(product=product, status=Product.Status.PUBLISHED)
    product.refresh_from_db()
    assert product.status == Product.Status.DRAFT and product.published_at is None


def test_publish_archive_and_back_to_draft(make_product, group_a):
    accept_cash_on_delivery(group_a)
    product = make_product(photos=1)

    published = services.product_set_status(product=product, status="published")
    published.refresh_from_db()
    assert published.status == "published" and published.published_at is not None
    first_published = published.published_at

    assert services.product_set_status(product=product, status="archived").status == "archived"
    assert services.product_set_status(product=product, status="draft").status == "draft"
    again = services.product_set_status(product=product, status="published")
    assert again.published_at == first_published, "re-publishing keeps the first publication date"


def test_an_unknown_status_is_refused(make_product):
    product = make_product(photos=1)
    with pytest.raises(ValidationError):
        services.product_set_status(product=product, status="deleted")
    product.refresh_from_db()
    assert product.status == "draft"


# --- product_set_stock ----------------------------------------------------------------------------


def test_product_set_stock_sets_the_count(make_product):
    product = make_product(stock=3)
    assert services.product_set_stock(product=product, stock=0).stock == 0
    assert services.product_set_stock(product=product, stock=42).stock == 42
    product.refresh_from_db()
    assert product.stock == 42


@pytest.mark.parametrize("stock", [-1, -100, None])
def test_product_set_stock_refuses_a_negative_count(make_product, stock):
    product = make_product(stock=3)
    with pytest.raises(ValidationError):
        services.product_set_stock(product=product, stock=stock)
    product.refresh_from_db()
    assert product.stock == 3


# --- photos ---------------------------------------------------------------------------------------


def test_photos_are_added_in_order_as_re_encoded_files(make_product, media_root):
    product = make_product()
    photos = [add_photo(product, alt_text=f"Photo {n}") for n in range(3)]

    assert [p.position for p in product.photos.all()] == [1, 2, 3]
    assert [p.alt_text for p in product.photos.all()] == ["Photo 0", "Photo 1", "Photo 2"]
    for photo in photos:
        assert photo.image.name.startswith("products/") and photo.image.name.endswith(".jpg")
        assert photo.image.name in stored(media_root)


def test_a_photo_that_is_not_an_image_is_refused(make_product):
    product = make_product()
    with pytest.raises(ValidationError):
        services.product_add_photo(product=product, upload=imagefiles.text_named_jpg())
    assert not product.photos.exists()


def test_a_listing_holds_at_most_ten_photos(make_product):
    product = make_product()
    for _ in range(services.MAX_PHOTOS):
        add_photo(product)
    with pytest.raises(ValidationError):
        add_photo(product)
    assert product.photos.count() == services.MAX_PHOTOS


def test_moving_a_photo_swaps_it_with_its_neighbour(make_product):
    product = make_product()
    first, second, third = (add_photo(product) for _ in range(3))

    services.product_move_photo(product=product, photo_id=third.pk, direction=-1)
    assert list(product.photos.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]

    services.product_move_photo(product=product, photo_id=third.pk, direction=-1)
    assert list(product.photos.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk], "the cover"

    services.product_move_photo(product=product, photo_id=third.pk, direction=-1)  # already first
    services.product_move_photo(product=product, photo_id=second.pk, direction=1)  # already last
    assert list(product.photos.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


def test_photos_of_another_listing_cannot_be_moved_or_deleted(make_product):
    mine, theirs = make_product(), make_product()
    add_photo(mine)
    other = add_photo(theirs)
    with pytest.raises(ValidationError):
        services.product_move_photo(product=mine, photo_id=other.pk, direction=-1)
    with pytest.raises(ValidationError):
        services.product_delete_photo(product=mine, photo_id=other.pk)
    assert ProductPhoto.objects.filter(pk=other.pk).exists()


def test_deleting_a_photo_removes_its_files(make_product, media_root):
    product = make_product()
    keep, remove = add_photo(product), add_photo(product)
    name = remove.image.name

    services.product_delete_photo(product=product, photo_id=remove.pk)

    assert list(product.photos.all()) == [keep]
    assert not any(path.startswith(name.rsplit(".", 1)[0]) for path in stored(media_root))
    assert keep.image.name in stored(media_root)


def test_deleting_the_last_photo_of_a_published_listing_returns_it_to_draft(make_product):
    product = make_product(status="published")
    second = add_photo(product)

    services.product_delete_photo(product=product, photo_id=second.pk)
    product.refresh_from_db()
    assert product.status == "published", "a published listing keeps its status while it has a photo"

    last = product.photos.get()
    services.product_delete_photo(product=product, photo_id=last.pk)
    product.refresh_from_db()
    assert product.status == "draft"
    assert not Product.objects.public().filter(pk=product.pk).exists()


def test_deleting_the_last_photo_of_a_draft_keeps_it_a_draft(make_product):
    product = make_product(photos=1)
    services.product_delete_photo(product=product, photo_id=product.photos.get().pk)
    product.refresh_from_db()
    assert product.status == "draft"


# --- product_move ---------------------------------------------------------------------------------


def test_product_move_changes_the_producers_own_order(make_product, group_b):
    first, second, third = make_product(), make_product(), make_product()
    make_product(producer=group_b)  # another producer's listings are not touched

    def order():
        return list(Product.objects.filter(producer=first.producer).order_by("position", "-created_at"))

    services.product_move(product=third, direction=-1)
    assert order() == [first, third, second]
    services.product_move(product=first, direction=1)
    assert order() == [third, first, second]
    services.product_move(product=third, direction=-1)  # already first
    assert order() == [third, first, second]


def test_categories_load_is_idempotent(categories):
    count = Category.objects.count()
    assert services.categories_load() == count
    assert Category.objects.count() == count


def test_origin_may_be_a_province_outside_thailand(make_product, oita_group, places):
    kumamoto = Place.objects.get(country="JP", level="province", name_en="Kumamoto")
    product = make_product(producer=oita_group, origin=kumamoto, price=Decimal(900))
    assert product.province == kumamoto and product.country == "JP" and product.currency == "JPY"


def test_product_duplicate_of_a_name_of_the_longest_length_still_fits(make_product):
    original = make_product(name_en="Handwoven mudmee silk " + "x" * 178)
    assert len(original.name_en) == 200

    copy = services.product_duplicate(product=original)

    assert len(copy.name_en) <= 200
    assert copy.name_en.endswith(" (copy)") and copy.name_en.startswith("Handwoven mudmee silk xxx")
