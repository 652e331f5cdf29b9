"""The search documents (catalogue/search_index.py): kana spelled either way, kanji found by their
reading, certification words whatever the language of whoever saved, cached results renewed once
the documents are rewritten, and a full reindex that never overwrites a newer document."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalogue import search_index, services
from catalogue.models import Certification, Product
from tests.catalogue.search_data import results


@pytest.mark.parametrize(
    "q, expected",
    [
        ("カボス", {"kabosu"}),  # katakana for the hiragana name 大分のかぼす果汁
        ("かぼす", {"kabosu"}),
        ("しるく", {"mudmee", "surin"}),  # hiragana for the category's シルク
        ("ゆずこしょう", {"yuzu"}),  # the reading of 柚子胡椒
        ("こしょう", {"yuzu"}),  # the reading of 胡椒, the second word of 柚子胡椒
        ("椎茸", set()),
    ],
)
def test_japanese_is_found_however_it_is_spelt(client, search_catalogue, q, expected):
    assert set(results(client, search_catalogue, q)) == expected


def test_a_katakana_query_highlights_the_hiragana_name(client, search_catalogue):
    page = client.get("/ja/products/", {"q": "カボス"}).content.decode()
    assert "<mark>かぼす</mark>" in page


def test_certification_words_do_not_depend_on_the_language_of_whoever_saved(
    client, search_catalogue, django_capture_on_commit_callbacks
):
    surin = search_catalogue.products["surin"]
    with translation.override("th"), django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=surin, price=Decimal("2600"))
    assert "surin" in results(client, search_catalogue, "geographical indication")
    assert "surin" in results(client, search_catalogue, "สิ่งบ่งชี้ทางภูมิศาสตร์")




def test_a_search_cached_between_the_commit_and_the_reindex_is_renewed(
    client, page_cache, search_catalogue, make_listing, django_capture_on_commit_callbacks
):
    assert results(client, search_catalogue, "lotus") == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_listing(search_catalogue.producers["boonmee"], "Lotus seed snack", category="snacks-and-sweets")
    # The callbacks in their order: the page version moves on, then the document is written. A
    # search in between caches its result under the new version, without the new product...
    callbacks[0]()
    assert "Lotus seed snack" not in client.get("/products/", {"q": "lotus"}).content.decode()
    for callback in callbacks[1:]:
        callback()
    # ...and the rewrite moves the version on again, so the next search sees the product.
    assert "Lotus seed snack" in client.get("/products/", {"q": "lotus"}).content.decode()


def test_a_full_reindex_leaves_a_document_changed_since_it_was_read(search_catalogue, django_capture_on_commit_callbacks):
    product = search_catalogue.products["kabosu"]
    read_at = Product.objects.get(pk=product.pk).updated_at
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=product, name_en="Oita kabosu juice, new harvest")
    stale = "'stale':1A"
    search_index._write("catalogue_product", [(product.pk, stale, stale, read_at)], ("search_document", "search_names"),
                        guard="updated_at")
    assert not _has_word(product, "stale")
    assert _has_word(product, "harvest")
    current = Product.objects.get(pk=product.pk).updated_at
    search_index._write("catalogue_product", [(product.pk, stale, stale, current)], ("search_document", "search_names"),
                        guard="updated_at")
    assert _has_word(product, "stale")


def _has_word(product, word: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document @@ %s::tsquery FROM catalogue_product WHERE id = %s", [f"'{word}'", product.pk])
        return cursor.fetchone()[0]


def test_a_certification_saved_in_thai_keeps_every_label(search_catalogue):
    certification = Certification.objects.get(product=search_catalogue.products["surin"], kind="gi")
    with translation.override("th"):
        words = search_index._certification_words(certification)
    assert "Geographical Indication (GI)" in words and "สิ่งบ่งชี้ทางภูมิศาสตร์" in words and "地理的表示" in words
    assert "GI-55100032" in words
