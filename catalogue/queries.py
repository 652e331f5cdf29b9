"""The reads of the catalogue's busiest pages (a product page, the cards of a listing) as
statements of our own, loaded into model instances.

A product page and a page of /products/ are built from scratch whenever their cached copies are
renewed, and most of their cost was the ORM's, not the database's: compiling joins five places
deep, a prefetch per relation, a model instance per row of every join. Here each page reads in
one statement what its templates show, only those columns, and makes the instances itself
(`Model.from_db`, as the ORM does), so the templates and the models' own properties (names in
the visitor's language, star validity, full place names) work on them unchanged. A column left
out is deferred, as with `only()`: reading it costs a query, which the query-count tests catch.
The statements run on the database the router reads the catalogue from (the replica for a public
page when one is configured, docs/scale-out.md), as the ORM's own reads would.
"""

from django.db import connections, router

from places.models import Place
from producers.models import Producer

from .models import Category, Certification, Product, ProductPhoto
from .querysets import CARD_FIELDS, CARD_PRODUCER_FIELDS

def reading():
    """The connection the catalogue's public reads go to now (the primary, or the replica)."""
    return connections[router.db_for_read(Product)]


# What a place's full name reads, of it and of each of its parents.
PLACE_FIELDS = ("id", "country", "level", "code", "parent_id", "name_en", "name_local", "name_th", "name_ja")


class _Columns:
    """Some columns of `model` as a statement selects them from `alias`, in the order of the
    model's fields (the order `Model.from_db` reads), and how to make an instance of them."""

    def __init__(self, model, alias: str, *, only=None, exclude=()):
        fields = [
            field for field in model._meta.concrete_fields
            if (only is None or field.attname in only or field.name in only) and field.attname not in exclude
        ]
        self.model, self.alias = model, alias
        self.attnames = [field.attname for field in fields]
        self.sql = ", ".join(f'{alias}."{field.column}"' for field in fields)
        self.width = len(fields)

    def make(self, values):
        return self.model.from_db(reading().alias, self.attnames, values)


class _PlaceChain:
    """A place and its parents up to the country, smallest first, as one JSON column: a
    recursive subquery from the place whose id `start` (an SQL expression) holds. Cheaper to plan
    than a join per level, which the planner weighs in every order."""

    def __init__(self, start: str):
        columns = ", ".join(PLACE_FIELDS)
        joined = ", ".join(f"pl.{name}" for name in PLACE_FIELDS)
        # Put together from the model's column names and a column of the statement it is in.
        self.sql = (
            f"(WITH RECURSIVE chain AS (SELECT {columns}, 0 AS depth FROM places_place WHERE id = {start}"  # noqa: S608
            f" UNION ALL SELECT {joined}, chain.depth + 1 FROM places_place pl JOIN chain ON pl.id = chain.parent_id)"
            f" SELECT json_agg(json_build_array({columns}) ORDER BY depth) FROM chain)"
        )

    @staticmethod
    def make(chain: list | None, places: dict[int, Place]) -> Place | None:
        """The first place of `chain` with its parents set, each place made once per statement
        (`places`, by id: the cards of a page share their provinces)."""
        child = first = None
        for values in chain or ():
            place = places.get(values[0])
            known = place is not None
            if not known:
                place = places[values[0]] = Place.from_db(reading().alias, PLACE_FIELDS, values)
            if child is None:
                first = place
            else:
                _PARENT.set_cached_value(child, place)
            if known:
                break  # its parents are set already
            child = place
        return first


_PARENT = Place._meta.get_field("parent")
_PRODUCER = Product._meta.get_field("producer")
_CATEGORY = Product._meta.get_field("category")
_ORIGIN = Product._meta.get_field("origin")
_CATEGORY_PARENT = Category._meta.get_field("parent")
_PRODUCER_PLACE = Producer._meta.get_field("place")


class _Card:
    """What a product card shows (templates/catalogue/partials/product_card.html): the
    product's card columns, its cover photo, its producer and the producer's place."""

    product = _Columns(Product, "p", only=("id", *CARD_FIELDS))
    producer = _Columns(Producer, "pr", only=("id", *CARD_PRODUCER_FIELDS))
    place = _PlaceChain("pr.place_id")
    sql = f"{product.sql}, cover.image, cover.alt_text, {producer.sql}, {place.sql}"
    joins = (
        "JOIN producers_producer pr ON pr.id = p.producer_id "
        "LEFT JOIN LATERAL (SELECT image, alt_text FROM catalogue_productphoto"
        " WHERE product_id = p.id ORDER BY position, id LIMIT 1) cover ON TRUE"
    )

    @classmethod
    def make(cls, values, places: dict[int, Place]) -> Product:
        product = cls.product.make(values[: cls.product.width])
        offset = cls.product.width
        product.cover_image, product.cover_alt_text = values[offset], values[offset + 1]
        offset += 2
        producer = cls.producer.make(values[offset:offset + cls.producer.width])
        offset += cls.producer.width
        _PRODUCER_PLACE.set_cached_value(producer, cls.place.make(values[offset], places))
        _PRODUCER.set_cached_value(product, producer)
        return product


def product_cards(ids: list[int]) -> list[Product]:
    """The products of `ids` with what their cards show, in that order, in one statement (none
    for no ids): the same instances `Product.objects.with_card_data()` gives."""
    if not ids:
        return []
    with reading().cursor() as cursor:
        cursor.execute(f"SELECT {_Card.sql} FROM catalogue_product p {_Card.joins} WHERE p.id = ANY(%s)", [list(ids)])  # noqa: S608
        rows = cursor.fetchall()
    places: dict[int, Place] = {}
    by_id = {card.pk: card for card in (_Card.make(row, places) for row in rows)}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- the product page ----------------------------------------------------------------------------

_PRODUCT = _Columns(Product, "p", exclude=("search_document", "search_names"))
_CATEGORY_COLUMNS = _Columns(Category, "c")
_PARENT_CATEGORY_COLUMNS = _Columns(Category, "cp")
_PRODUCER_COLUMNS = _Columns(Producer, "pr", exclude=("search_document",))
_ORIGIN_CHAIN = _PlaceChain("p.origin_id")
_MAKER_CHAIN = _PlaceChain("pr.place_id")
_PHOTO_FIELDS = [field.attname for field in ProductPhoto._meta.concrete_fields]
_CERTIFICATION_FIELDS = [field.attname for field in Certification._meta.concrete_fields]

PRODUCT_SQL = f"""
    SELECT {_PRODUCT.sql}, {_CATEGORY_COLUMNS.sql}, {_PARENT_CATEGORY_COLUMNS.sql}, {_PRODUCER_COLUMNS.sql},
        (SELECT json_agg(json_build_array({", ".join(_PHOTO_FIELDS)}) ORDER BY position, id)
         FROM catalogue_productphoto WHERE product_id = p.id),
        (SELECT json_agg(json_build_array({", ".join(_CERTIFICATION_FIELDS)}) ORDER BY kind, id)
         FROM catalogue_certification WHERE product_id = p.id),
        {_ORIGIN_CHAIN.sql}, {_MAKER_CHAIN.sql}
    FROM catalogue_product p
    JOIN catalogue_category c ON c.id = p.category_id
    LEFT JOIN catalogue_category cp ON cp.id = c.parent_id
    JOIN producers_producer pr ON pr.id = p.producer_id
    WHERE p.visible AND p.slug = %s
"""  # noqa: S608 - put together from the models' column names; the slug travels as a parameter


def public_product(slug: str) -> tuple[Product, list[ProductPhoto], list[Certification]]:
    """The public product `slug` with its category (and its parent), its producer, its origin and
    the producer's place (each with its parents), its photos and its certifications in their
    order, in one statement. Raises Product.DoesNotExist for a product not shown."""
    with reading().cursor() as cursor:
        cursor.execute(PRODUCT_SQL, [slug])
        row = cursor.fetchone()
    if row is None:
        raise Product.DoesNotExist(f"No public product {slug!r}")
    offset = 0
    made = []
    for columns in (_PRODUCT, _CATEGORY_COLUMNS, _PARENT_CATEGORY_COLUMNS, _PRODUCER_COLUMNS):
        values = row[offset:offset + columns.width]
        made.append(columns.make(values) if values[0] is not None else None)
        offset += columns.width
    product, category, parent_category, producer = made
    photo_rows, certification_rows = row[offset] or [], row[offset + 1] or []
    offset += 2
    places: dict[int, Place] = {}
    origin = _ORIGIN_CHAIN.make(row[offset], places)
    maker_place = _MAKER_CHAIN.make(row[offset + 1], places)
    if category.parent_id is not None:
        _CATEGORY_PARENT.set_cached_value(category, parent_category)
    _CATEGORY.set_cached_value(product, category)
    _PRODUCER_PLACE.set_cached_value(producer, maker_place)
    _PRODUCER.set_cached_value(product, producer)
    if product.origin_id is not None:
        _ORIGIN.set_cached_value(product, origin)
    photos = [ProductPhoto.from_db(reading().alias, _PHOTO_FIELDS, values) for values in photo_rows]
    certifications = [Certification.from_db(reading().alias, _CERTIFICATION_FIELDS, values) for values in certification_rows]
    return product, photos, certifications


# The "more from" lists' candidates and their cards in one statement, each list read off an
# index: the producer's others in its own order; the newest few made in the village and the
# newest few by the village's other producers (each producer's few from
# catalogue_product_maker_newest, so a place with hundreds of producers reads hundreds of index
# entries, not their thousands of products), the newest of those make the list; and only when
# the village has none, the newest few of the province's other producers. NULLS LAST keeps the
# planner off the newest-first index, which it would walk far to find one village's few.
MORE_FROM_SQL = f"""
    WITH by_producer AS (
        SELECT id FROM catalogue_product
        WHERE visible AND producer_id = %(producer)s AND id <> %(product)s
        ORDER BY position, published_at DESC LIMIT %(limit)s
    ), in_village AS (
        (SELECT id FROM catalogue_product
         WHERE visible AND producer_id <> %(producer)s AND origin_id = %(village)s
         ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %(limit)s)
        UNION ALL
        (SELECT recent.id FROM producers_producer neighbour
         CROSS JOIN LATERAL (
             SELECT id, published_at FROM catalogue_product
             WHERE visible AND producer_id = neighbour.id
             ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %(limit)s) recent
         WHERE neighbour.place_id = %(village)s AND neighbour.id <> %(producer)s
         ORDER BY recent.published_at DESC NULLS LAST, recent.id DESC LIMIT %(limit)s)
    ), in_province AS (
        SELECT id FROM catalogue_product
        WHERE visible AND province_id = %(province)s AND producer_id <> %(producer)s
            AND NOT EXISTS (SELECT FROM in_village)
        ORDER BY published_at DESC, id DESC LIMIT %(limit)s
    ), candidates (kind, id) AS (
        SELECT 'producer', id FROM by_producer
        UNION SELECT 'place', id FROM in_village
        UNION ALL SELECT 'province', id FROM in_province
    )
    SELECT candidates.kind, {_Card.sql}
    FROM candidates JOIN catalogue_product p ON p.id = candidates.id {_Card.joins}
"""  # noqa: S608 - put together from the models' column names; every value travels as a parameter


def more_from(product: Product, *, village: Place, limit: int) -> tuple[list[Product], list[Product]]:
    """The cards of "more from the producer" (its other products in its order) and "more from
    the village and nearby" (the newest of the village's, else of the province's, other
    producers), at most `limit` each, in one statement. Returns (from_producer, from_place)."""
    with reading().cursor() as cursor:
        cursor.execute(
            MORE_FROM_SQL,
            {"producer": product.producer_id, "product": product.pk, "village": village.pk,
             "province": product.province_id, "limit": limit},
        )
        rows = cursor.fetchall()
    places: dict[int, Place] = {}
    cards = {kind: [] for kind in ("producer", "place", "province")}
    for kind, *values in rows:
        cards[kind].append(_Card.make(values, places))
    # Each list in the order its statement gives (published_at DESC puts the unpublished first).
    from_producer = sorted(_newest_first(cards["producer"], unpublished_last=False), key=lambda card: card.position)
    newest_first = _newest_first(cards["place"], unpublished_last=True)[:limit]
    return from_producer, newest_first or _newest_first(cards["province"], unpublished_last=False)


def _newest_first(cards: list[Product], *, unpublished_last: bool) -> list[Product]:
    published = sorted((card for card in cards if card.published_at is not None), key=lambda card: (card.published_at, card.pk), reverse=True)
    unpublished = sorted((card for card in cards if card.published_at is None), key=lambda card: card.pk, reverse=True)
    return published + unpublished if unpublished_last else unpublished + published
