"""The product page's and the cards' own statements (catalogue/queries.py): they give what the
ORM gave, in the order the page lists it, and what the templates read costs no further query."""

import pytest
from django.utils import translation

from catalogue import queries
from catalogue.models import Product
from catalogue.selectors import product_page
from tests.factories import ProducerFactory, minutes_ago, tambon_of

GI = {"kind": "gi", "name": "Surin silk", "number": "GI 1", "year": 2010}
TCPS = {"kind": "tcps", "name": "", "number": "มผช. 57/2565", "year": 2022}


@pytest.fixture
def published(make_product):
    def make(**fields):
        fields.setdefault("status", "published")
        return make_product(**fields)

    return make


def test_product_cards_equal_the_orm_cards_in_the_order_asked(published, group_b, django_assert_num_queries):
    products = [published(published_at=minutes_ago(n)) for n in range(3)] + [published(producer=group_b)]
    ids = [products[2].pk, products[0].pk, products[3].pk, products[1].pk]
    orm = {card.pk: card for card in Product.objects.filter(pk__in=ids).with_card_data()}

    with django_assert_num_queries(1):
        cards = queries.product_cards(ids)
    with django_assert_num_queries(0):
        for language in ("en", "th", "ja"):
            with translation.override(language):
                for card in cards:
                    expected = orm[card.pk]
                    shown = (card.name, card.price, card.currency, card.in_stock, card.star_lapsed, card.cover_image,
                             card.cover_alt_text, card.producer.display_name, card.producer.place.full_name)
                    assert shown == (expected.name, expected.price, expected.currency, expected.in_stock,
                                     expected.star_lapsed, expected.cover_image, expected.cover_alt_text,
                                     expected.producer.display_name, expected.producer.place.full_name)
    assert [card.pk for card in cards] == ids
    assert queries.product_cards([]) == []


def test_public_product_reads_everything_its_page_shows_in_one_statement(published, khon_kaen, django_assert_num_queries):
    product = published(origin=tambon_of(khon_kaen, 1), certifications=[TCPS, GI], photos=2)
    product = Product.objects.select_related("category__parent", "producer__place", "origin").get(pk=product.pk)
    expected = (
        product.category.top.name, product.producer.display_name, product.origin.full_name,
        product.producer.place.full_name, [photo.image.name for photo in product.photos.order_by("position", "pk")],
        [certification.get_kind_display() for certification in product.certifications.all()],
    )

    with django_assert_num_queries(1):
        loaded, photos, certifications = queries.public_product(product.slug)
    with django_assert_num_queries(0):
        shown = (
            loaded.category.top.name, loaded.producer.display_name, loaded.origin.full_name,
            loaded.producer.place.full_name, [photo.image.name for photo in photos],
            [certification.get_kind_display() for certification in certifications],
        )
    assert shown == expected
    assert len(photos) == 2 and len(certifications) == 2


def test_public_product_refuses_a_draft(make_product):
    draft = make_product()
    with pytest.raises(Product.DoesNotExist):
        queries.public_product(draft.slug)


def test_more_from_the_village_is_the_newest_of_its_producers_and_of_what_was_made_there(
    published, group_a, tha_sawang, khon_kaen
):
    product = published()
    neighbours = [ProducerFactory(place=tha_sawang) for _ in range(3)]
    # Made elsewhere by the village's producers; the first has many: only its newest may show.
    away = tambon_of(khon_kaen, 2)
    old = [published(producer=neighbours[0], origin=away, published_at=minutes_ago(100 + n)) for n in range(6)]
    newest = [published(producer=neighbour, origin=away, published_at=minutes_ago(n)) for n, neighbour in enumerate(neighbours)]
    made_here = published(producer=ProducerFactory(), origin=tha_sawang, published_at=minutes_ago(5))

    data = product_page(slug=product.slug)

    assert [card.pk for card in data["more_from_place"]] == [*(card.pk for card in newest), made_here.pk]
    assert old[0].pk not in {card.pk for card in data["more_from_place"]}


def test_more_from_the_place_falls_back_to_the_province(published, group_a, group_b, surin):
    product = published()
    elsewhere = ProducerFactory(place=tambon_of(surin, 3))
    assert elsewhere.place_id != group_a.place_id and elsewhere.province_id == product.province_id
    older, newer = (published(producer=elsewhere, published_at=minutes_ago(n)) for n in (20, 10))
    published(producer=group_b)  # another province: not nearby
    sibling = published(published_at=minutes_ago(1))  # the producer's own: in its own list

    data = product_page(slug=product.slug)

    assert [card.pk for card in data["more_from_place"]] == [newer.pk, older.pk]
    assert [card.pk for card in data["more_from_producer"]] == [sibling.pk]
