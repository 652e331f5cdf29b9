"""Every write about the catalogue: categories, listings, their photos, stock and status."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import images
from places.models import Place
from producers.models import CURRENCY_BY_COUNTRY, Producer
from producers.onboarding import SalesReadiness, sales_readiness

from .cache import listings_changed, producer_changed, products_changed
from .models import Category, Certification, FacetCount, Product, ProductPhoto
from .taxonomy import load_categories

MAX_PHOTOS = 10
LISTING_FIELDS = [
    "category", "name_en", "name_th", "name_ja", "name_local", "description_en", "description_th",
    "description_ja", "description_local", "price", "unit", "weight_grams", "stock", "origin",
    "local_brand_name", "technique", "materials", "star_scheme", "star_rating", "star_year",
    "story_en", "story_th", "story_ja", "story_local",
]


def categories_load() -> int:
    """Write the fixed category tree (idempotent: matched on slug, names updated)."""
    return load_categories(Category)


def reference_price(price: Decimal, currency: str) -> Decimal:
    """The price in Thai baht at the site's reference rates (for sorting and filtering only)."""
    rate = Decimal(str(settings.CURRENCY_REFERENCE_RATES[currency]))
    return (Decimal(price) * rate).quantize(Decimal("0.01"))


def product_place(*, origin: Place | None, producer: Producer) -> tuple[Place, str]:
    """The province and country a product is listed under: its origin's (a place loaded with its
    ancestors), or its producer's when it has none."""
    if origin is not None:
        province = origin if origin.level == Place.Level.PROVINCE else origin.province
        if province is not None:
            return province, origin.country
    return producer.province, producer.country


def product_is_visible(*, status: str, producer: Producer) -> bool:
    """Whether visitors may see a product (its `visible` flag, Product.objects.public()): it is
    published and its producer verified."""
    return status == Product.Status.PUBLISHED and producer.state == Producer.State.VERIFIED


def product_derive(product: Product, *, producer: Producer, origin: Place | None, relocate: bool = True) -> None:
    """Fill what follows from a listing's other fields: the currency (the producer's), the
    reference price, no star rating or year without a scheme, and unless `relocate` is False
    the province and country (product_place). Every write of a listing derives through here."""
    product.currency = CURRENCY_BY_COUNTRY[producer.country]
    product.price_reference = reference_price(product.price or Decimal(0), product.currency)
    if relocate:
        product.province, product.country = product_place(origin=origin, producer=producer)
    if not product.star_scheme:
        product.star_rating = None
        product.star_year = None


def _unique_slug(name_en: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name_en)[:120] or "product"
    existing = set(
        Product.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, suffix = base, 2
    while slug in existing:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _derive(product: Product) -> None:
    """Fill what follows from other fields (product_derive), refusing a scheme without stars."""
    origin = Place.objects.with_ancestors().get(pk=product.origin_id) if product.origin_id else None
    product_derive(product, producer=product.producer, origin=origin)
    if product.star_scheme and product.star_rating is None:
        # The database's range check lets a NULL rating through (NULL passes a CHECK), so a
        # scheme without its stars is refused here.
        raise ValidationError({"star_rating": _("Give the number of stars of the award.")})


@transaction.atomic
def product_create(*, producer: Producer, certifications: list[dict] | None = None, **fields) -> Product:
    """Create a draft listing for `producer` with its certifications.

    The currency is the producer's; the slug comes from the English name. Raises ValidationError
    (nothing saved) for invalid fields, e.g. a negative price or 6 OCOP stars.
    """
    unknown = set(fields) - set(LISTING_FIELDS)
    if unknown:
        raise ValueError(f"Not listing fields: {sorted(unknown)}")
    product = Product(producer=producer, status=Product.Status.DRAFT, **fields)
    product.slug = _unique_slug(product.name_en)
    _derive(product)
    product.position = (producer.products.aggregate(top=Max("position"))["top"] or 0) + 1
    product.full_clean()
    product.save()
    _replace_certifications(product, certifications or [])
    return product


@transaction.atomic
def product_update(*, product: Product, certifications: list[dict] | None = None, **fields) -> Product:
    """Change a listing's fields (and, when given, replace its certifications). ValidationError."""
    unknown = set(fields) - set(LISTING_FIELDS)
    if unknown:
        raise ValueError(f"Not listing fields: {sorted(unknown)}")
    product = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
    for name, value in fields.items():
        setattr(product, name, value)
    _derive(product)
    product.full_clean()
    product.save()
    if certifications is not None:
        _replace_certifications(product, certifications)
    return product


def _replace_certifications(product: Product, certifications: list[dict]) -> None:
    product.certifications.all().delete()
    rows = []
    kinds = set()
    for data in certifications:
        certification = Certification(product=product, **data)
        certification.full_clean(exclude=["product"])
        if certification.kind in kinds:
            raise ValidationError(_("Each certification can be listed once."))
        kinds.add(certification.kind)
        rows.append(certification)
    Certification.objects.bulk_create(rows)
    products_changed([product.slug])


@transaction.atomic
def product_duplicate(*, product: Product) -> Product:
    """A draft copy of a listing with its certifications (photos are not copied), stock 0."""
    fields = {name: getattr(product, name) for name in LISTING_FIELDS}
    # The name is shortened when needed, so the copy of a name of the longest length still fits.
    copy_name = _("%(name)s (copy)")
    room = Product._meta.get_field("name_en").max_length - len(copy_name % {"name": ""})
    fields["name_en"] = copy_name % {"name": product.name_en[:room].rstrip()}
    fields["stock"] = 0
    certifications = [
        {"kind": c.kind, "name": c.name, "number": c.number, "year": c.year} for c in product.certifications.all()
    ]
    return product_create(producer=product.producer, certifications=certifications, **fields)


def unpayable_message(*, readiness: SalesReadiness, name: str) -> str:
    """Why `name` cannot be published while nobody could pay its producer, and what would do."""
    return _(
        "%(name)s cannot be published yet: buyers could not pay you for it with any way of delivery. "
        "Any one of these would do: %(remedies)s."
    ) % {"name": name, "remedies": "; ".join(remedy.text for remedy in readiness.remedies)}


def product_publish_refusal(*, producer: Producer, name: str) -> ValidationError | None:
    """The error publishing a product of `producer` meets because buyers could not pay the
    producer with any way of delivery (producers.onboarding.sales_readiness), or None."""
    readiness = sales_readiness(producer)
    if readiness.can_sell:
        return None
    return ValidationError(unpayable_message(readiness=readiness, name=name), code="cannot_be_paid")


@transaction.atomic
def product_set_status(*, product: Product, status: str) -> Product:
    """Publish, archive or return a listing to draft.

    Publishing needs a price and at least one photo, so visitors never see an empty card, and a
    producer buyers can pay with at least one way of delivery (a delivery together with a
    payment method it can take: see product_publish_refusal), so nobody meets a product they
    cannot buy. Raises ValidationError otherwise (code "cannot_be_paid" for the latter).
    """
    if status not in Product.Status.values:
        raise ValidationError(_("Unknown status."))
    product = Product.objects.select_for_update().select_related("producer").get(pk=product.pk)
    if status == Product.Status.PUBLISHED and not product.photos.exists():
        raise ValidationError(_("Add at least one photo before you publish."))
    if status == Product.Status.PUBLISHED and product.status != Product.Status.PUBLISHED:
        refusal = product_publish_refusal(producer=product.producer, name=product.name)
        if refusal is not None:
            raise refusal
    product.status = status
    product.visible = product_is_visible(status=status, producer=product.producer)
    if status == Product.Status.PUBLISHED and product.published_at is None:
        product.published_at = timezone.now()
    product.save(update_fields=["status", "visible", "published_at", "updated_at"])
    return product


def product_visibility_sync(*, producer: Producer) -> int:
    """Show or hide all of a producer's published products after its verification state changed.

    Returns how many products changed.
    """
    public = producer.state == Producer.State.VERIFIED
    changed = Product.objects.filter(producer=producer, status=Product.Status.PUBLISHED).exclude(visible=public).update(
        visible=public
    )
    changed += Product.objects.filter(producer=producer, visible=True).exclude(status=Product.Status.PUBLISHED).update(
        visible=False
    )
    producer_changed(producer.pk)
    return changed


@transaction.atomic
def product_set_stock(*, product: Product, stock: int) -> Product:
    """Set the stock count (0 or more; ValidationError otherwise)."""
    if stock is None or stock < 0:
        raise ValidationError({"stock": _("Stock cannot be negative.")})
    Product.objects.filter(pk=product.pk).update(stock=stock, updated_at=timezone.now())
    products_changed([product.slug])
    product.refresh_from_db(fields=["stock", "updated_at"])
    return product


def product_add_photo(*, product: Product, upload, alt_text: str = "") -> ProductPhoto:
    """Add a checked, re-encoded photo at the end of the listing's photos (at most MAX_PHOTOS)."""
    return images.gallery_append(
        product.photos, upload=upload, folder="products", limit=MAX_PHOTOS,
        full_message=_("A listing holds at most %(count)s photos; delete one first.") % {"count": MAX_PHOTOS},
        alt_text=alt_text.strip(),
    )


def _swap_with_neighbour(rows: list, index: int, direction: int) -> bool:
    """Swap rows[index] with the row `direction` away (-1 earlier, +1 later) and number them all
    1, 2, … in `position`; False, changing nothing, when there is no row there."""
    other = index + direction
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        row.position = position
    return True


@transaction.atomic
def product_move_photo(*, product: Product, photo_id: int, direction: int) -> None:
    """Swap a photo with its neighbour (direction -1: earlier, +1: later); the first is the cover."""
    photos = list(product.photos.select_for_update().order_by("position", "pk"))
    index = next((i for i, p in enumerate(photos) if p.pk == photo_id), None)
    if index is None:
        raise ValidationError(_("That photo is not in this listing."))
    if not _swap_with_neighbour(photos, index, direction):
        return
    ProductPhoto.objects.bulk_update(photos, ["position"])
    products_changed([product.slug])


def product_delete_photo(*, product: Product, photo_id: int) -> None:
    photo = product.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError(_("That photo is not in this listing."))
    name = photo.image.name
    with transaction.atomic():
        photo.delete()
        if not product.photos.exists() and product.status == Product.Status.PUBLISHED:
            Product.objects.filter(pk=product.pk).update(status=Product.Status.DRAFT, visible=False)
            products_changed([product.slug])
    images.delete_image(name)


@transaction.atomic
def product_move(*, product: Product, direction: int) -> None:
    """Move a listing earlier or later in the producer's own order."""
    siblings = list(Product.objects.filter(producer_id=product.producer_id).order_by("position", "-created_at"))
    index = next(i for i, p in enumerate(siblings) if p.pk == product.pk)
    if not _swap_with_neighbour(siblings, index, direction):
        return
    Product.objects.bulk_update(siblings, ["position"])
    listings_changed()  # the producer's own order: its page and "more from" lists


def facet_counts_compact() -> None:
    """Fold each combination's rows of FacetCount into one (the triggers that keep the counts
    only ever add rows), dropping those that add up to nothing. Safe beside writers and another
    compaction: rows added meanwhile are not touched, and a row is folded by one of them only."""
    from django.db import connection

    columns = "category_id, country, province_id, star_rating, in_stock, certification"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH folded AS (DELETE FROM {FacetCount._meta.db_table} RETURNING {columns}, products) "  # noqa: S608
            f"INSERT INTO {FacetCount._meta.db_table} ({columns}, products, folded) "
            f"SELECT {columns}, sum(products), true FROM folded GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(products) <> 0"
        )
