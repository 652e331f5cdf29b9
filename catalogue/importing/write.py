"""Step 3 of an import: the checked rows saved in one transaction, all of them or none."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Func, Max, Q, Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from producers.models import Producer

from ..cache import products_changed
from ..models import Certification, Product
from ..tasks import search_reindex_later
from ..services import product_derive, product_is_visible
from .check import NEW, UPDATE, ImportRejected, ImportReport, ImportRow, listings_check
from .parse import SourceRow


def listings_import(*, producer: Producer, rows: list[SourceRow]) -> ImportReport:
    """Create and update the producer's listings from checked file rows: all of them, or none.

    The rows are checked again inside the one transaction (the catalogue may have changed since
    the preview), with the products they update locked. New products follow product_create's
    rules (slug from the English name, the producer's currency, position at the end), updates
    product_update's; rows that would change nothing are not written. Raises ImportRejected
    (with the report) when any row has a problem, ValidationError when a concurrent change got
    in the way; in both cases nothing is saved.
    """
    try:
        with transaction.atomic():
            # One import at a time per producer, so new products' positions never collide.
            producer = Producer.objects.select_for_update(of=("self",)).select_related("province").get(pk=producer.pk)
            report = listings_check(producer=producer, rows=rows, lock=True)
            if not report.is_valid:
                raise ImportRejected(report)
            _create_products(producer, [row for row in report.rows if row.action == NEW])
            _update_products(producer, [row for row in report.rows if row.action == UPDATE])
            # Bulk writes send no signals, so the cached public pages are invalidated here, and
            # the search documents of the written products rebuilt after the commit.
            products_changed([row.product.slug for row in report.rows if row.action in (NEW, UPDATE) and row.product.slug])
            search_reindex_later(
                product_ids=[row.product.pk for row in report.rows if row.action in (NEW, UPDATE) and row.product.pk]
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Your products changed while the file was being imported, so nothing was saved. Import it again."),
            code="conflict",
        ) from error
    return report


def _derive(product: Product, producer: Producer, origin_changed: bool) -> None:
    """What the services derive (product_derive), and the visibility rule; the province is kept
    unless the origin changed."""
    product.visible = product_is_visible(status=product.status, producer=producer)
    product_derive(product, producer=producer, origin=product.origin, relocate=origin_changed or product.province_id is None)


def _create_products(producer: Producer, rows: list[ImportRow]) -> None:
    if not rows:
        return
    now = timezone.now()
    position = producer.products.aggregate(top=Max("position"))["top"] or 0
    slugs = _free_slugs([row.product.name_en for row in rows])
    for row, slug in zip(rows, slugs, strict=True):
        position += 1
        product = row.product
        product.slug = slug
        product.position = position
        product.status = row.status
        if row.status == Product.Status.PUBLISHED:
            product.published_at = now
        _derive(product, producer, origin_changed=True)
    Product.objects.bulk_create([row.product for row in rows], batch_size=1000)
    Certification.objects.bulk_create(
        [Certification(product=row.product, **data) for row in rows for data in (row.certifications or [])], batch_size=2000
    )


def _update_products(producer: Producer, rows: list[ImportRow]) -> None:
    if not rows:
        return
    now = timezone.now()
    changed = set().union(*(row.changed for row in rows))
    for row in rows:
        product = row.product
        if row.status == Product.Status.PUBLISHED and product.published_at is None:
            product.published_at = now
        product.status = row.status
        product.updated_at = now
        _derive(product, producer, origin_changed="origin" in row.changed)
    fields = sorted(changed | {"status", "visible", "published_at", "updated_at", "currency", "price_reference", "province", "country"})
    if "star_scheme" in changed:
        fields = sorted(set(fields) | {"star_rating", "star_year"})
    # Small batches: each UPDATE picks its rows' values out of a CASE over the batch.
    Product.objects.bulk_update([row.product for row in rows], fields, batch_size=200)
    replaced = [row for row in rows if row.certifications is not None]
    Certification.objects.filter(product__in=[row.product for row in replaced]).delete()
    Certification.objects.bulk_create(
        [Certification(product=row.product, **data) for row in replaced for data in row.certifications], batch_size=2000
    )


def _free_slugs(names: list[str]) -> list[str]:
    """Slugs for new products as product_create makes them (the English name, then -2, -3…),
    for many names in one query."""
    bases = [slugify(name)[:120] or "product" for name in names]
    distinct = set(bases)
    stem = Func(F("slug"), Value(r"-[0-9]+$"), Value(""), function="regexp_replace", output_field=CharField())
    taken = set(
        Product.objects.annotate(stem=stem).filter(Q(slug__in=distinct) | Q(stem__in=distinct)).values_list("slug", flat=True)
    )
    next_suffix: dict[str, int] = {}
    slugs = []
    for base in bases:
        slug, suffix = base, next_suffix.get(base, 2)
        if base in next_suffix:
            slug = f"{base}-{suffix}"
            suffix += 1
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        next_suffix[base] = suffix
        taken.add(slug)
        slugs.append(slug)
    return slugs
