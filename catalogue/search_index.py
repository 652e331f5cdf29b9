"""Writing the search documents of products and producers (see catalogue/search.py).

A product's document holds its names and descriptions in every language, its producer's names,
the place names of its origin or producer (village, tambon, district, province, in Thai and
English), its local brand, technique and materials, its category in every language and its
certifications. Rebuilt in batches, each its own short transaction, so a full reindex never
locks the catalogue against writes.
"""

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import translation

from places.querysets import ANCESTOR_PATH
from producers.models import Producer

from .models import Product
from .search import document

BATCH_SIZE = 1000
LANGUAGES = ("en", "th", "ja")


def _place_names(place) -> list[str]:
    names = []
    for level in place.ancestors() if place else []:
        names.extend([level.name_en, level.name_th, level.name_ja, level.name_local])
    return [n for n in names if n]


def _certification_words(certification) -> str:
    """A certification's kind in every language (not the language of whoever saved last), its
    code, name and number."""
    labels = []
    for language in LANGUAGES:
        with translation.override(language):
            labels.append(str(certification.get_kind_display()))
    return " ".join([*labels, *(str(value or "") for value in (certification.kind, certification.name, certification.number))])


def product_names(product: Product) -> str:
    return document({"A": [product.name_en, product.name_th, product.name_ja, product.name_local, product.local_brand_name]})


def product_document(product: Product) -> str:
    producer = product.producer
    category = product.category
    return document(
        {
            "A": [product.name_en, product.name_th, product.name_ja, product.name_local, product.local_brand_name],
            "B": [
                producer.name, producer.name_en, producer.name_ja, product.technique, product.materials,
                category.name_en, category.name_th, category.name_ja,
                *( [category.parent.name_en, category.parent.name_th, category.parent.name_ja] if category.parent_id else []),
                *_place_names(product.origin or producer.place),
                *[_certification_words(c) for c in product.certifications.all()],
            ],
            "C": [product.description_en, product.description_th, product.description_ja, product.description_local,
                  product.story_en, product.story_th, product.story_ja, product.story_local],
        }
    )


def producer_document(producer: Producer) -> str:
    return document(
        {
            "A": [producer.name, producer.name_en, producer.name_ja],
            "B": _place_names(producer.place),
            "C": [producer.story, producer.story_en, producer.story_ja],
        }
    )


def _write(table: str, rows: list[tuple], columns: tuple[str, ...] = ("search_document",), guard: str = "") -> None:
    """One UPDATE … FROM (VALUES …) for a batch of (id, vector, …[, guard value]) rows. With
    `guard` (a timestamp column), a row changed since it was read is left alone: its own reindex,
    after its change committed, writes the newer document."""
    if not rows:
        return
    row_values = "(%s, " + ", ".join(["%s::tsvector"] * len(columns)) + (", %s::timestamptz" if guard else "") + ")"
    values = ", ".join([row_values] * len(rows))
    params = [value for row in rows for value in row]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    names = ", ".join(["id", *columns, *(["read_at"] if guard else [])])
    condition = "t.id = v.id" + (f" AND t.{guard} = v.read_at" if guard else "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES {values}) AS v({names}) WHERE {condition}",  # noqa: S608
            params,
        )


def products_reindex(ids: Iterable[int] | None = None, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the documents of the given products (all when None); return how many."""
    queryset = Product.objects.all() if ids is None else Product.objects.filter(pk__in=list(ids))
    all_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(all_ids), BATCH_SIZE):
        batch = all_ids[start : start + BATCH_SIZE]
        products = (
            Product.objects.filter(pk__in=batch)
            .select_related("category__parent", f"origin__{ANCESTOR_PATH}", f"producer__place__{ANCESTOR_PATH}")
            .prefetch_related("certifications")
        )
        rows = [(product.pk, product_document(product), product_names(product), product.updated_at) for product in products]
        with transaction.atomic():
            _write("catalogue_product", rows, ("search_document", "search_names"), guard="updated_at")
        done += len(rows)
        if progress:
            progress(done, len(all_ids))
    return done


def producers_reindex(ids: Iterable[int] | None = None) -> int:
    queryset = Producer.objects.all() if ids is None else Producer.objects.filter(pk__in=list(ids))
    rows = [(p.pk, producer_document(p)) for p in queryset.select_related(f"place__{ANCESTOR_PATH}")]
    for start in range(0, len(rows), BATCH_SIZE):
        with transaction.atomic():
            _write("producers_producer", rows[start : start + BATCH_SIZE])
    return len(rows)

