"""Listings out to a spreadsheet, with exactly the columns an import reads back."""

import tablib

from core.exports import spreadsheet_row
from producers.models import Producer

from ..models import Product
from .check import certification_rows
from .parse import CERTIFICATION_PART_SEPARATOR, CERTIFICATION_SEPARATOR, COLUMNS


def listings_export(*, producer: Producer, file_format: str) -> bytes:
    """The producer's listings as a CSV (UTF-8 with a BOM, which Excel needs to show Thai and
    Japanese) or XLSX file with exactly the import's columns, in the producer's own order."""
    products = (
        Product.objects.filter(producer=producer)
        .select_related("category", "origin")
        .prefetch_related("certifications")
        .order_by("position", "-created_at")
    )
    dataset = tablib.Dataset(headers=COLUMNS, title="products")
    for product in products.iterator(chunk_size=2000):
        # A name such as "=1+1" must not become a live formula; the import takes the mark away.
        dataset.append(spreadsheet_row(_export_value(product, column) for column in COLUMNS))
    if file_format == "xlsx":
        return dataset.export("xlsx")
    return dataset.export("csv").encode("utf-8-sig")


def _export_value(product: Product, column: str):
    if column == "category":
        return product.category.slug
    if column == "origin":
        return product.origin.slug if product.origin_id else ""
    if column == "certifications":
        return f"{CERTIFICATION_SEPARATOR} ".join(_certification_text(c) for c in certification_rows(product))
    value = getattr(product, column)
    return "" if value is None else value


def _certification_text(certification: dict) -> str:
    parts = [certification["kind"], certification["number"], str(certification["year"] or ""), certification["name"]]
    while parts and not parts[-1]:
        parts.pop()
    return CERTIFICATION_PART_SEPARATOR.join(parts)
