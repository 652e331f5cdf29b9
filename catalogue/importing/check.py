"""Step 2 of an import: every row checked against the catalogue, with what importing it would do
(new, update, unchanged) or its problems, each naming its line and column. Reads only."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from places.models import Place
from producers.models import CURRENCY_BY_COUNTRY, Producer

from ..models import Category, CertificationType, Product, ProductPhoto, StarScheme
from ..services import product_publish_refusal
from .parse import (
    CERTIFICATION_PART_SEPARATOR,
    CERTIFICATION_SEPARATOR,
    STAR_COLUMNS,
    TEXT_COLUMNS,
    SourceRow,
    normalise_text,
)

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_INTEGER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str  # "" when the problem is the row as a whole
    message: str


@dataclass
class ImportRow:
    """A checked row: what it would do (`action`) or why it cannot (`problems`)."""

    line: int
    cells: dict[str, str]
    problems: list[RowProblem] = field(default_factory=list)
    action: str = ""
    # The product with the row's values applied (unsaved), for the write step.
    product: Product | None = None
    changed: set[str] = field(default_factory=set)
    status: str = ""
    certifications: list[dict] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def status_label(self) -> str:
        return Product.Status(self.status).label if self.status in Product.Status.values else self.status

    def add_problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, str(message)))


@dataclass
class ImportReport:
    rows: list[ImportRow]

    @property
    def problems(self) -> list[RowProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.ok and row.action == action)

    @property
    def new_count(self) -> int:
        return self._count(NEW)

    @property
    def updated_count(self) -> int:
        return self._count(UPDATE)

    @property
    def unchanged_count(self) -> int:
        return self._count(UNCHANGED)

    @property
    def rows_with_problems(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


class ImportRejected(ValidationError):
    """Some rows have problems, so nothing was saved; `report` lists them."""

    def __init__(self, report: ImportReport):
        count = report.rows_with_problems
        super().__init__(
            ngettext(
                "%(count)s row has problems, so nothing was saved.",
                "%(count)s rows have problems, so nothing was saved.",
                count,
            )
            % {"count": count}
        )
        self.report = report




class _CellError(Exception):
    pass


class _Catalogue:
    """What the rows are checked against, read in a fixed number of queries for any file."""

    def __init__(self, *, producer: Producer, rows: list[SourceRow], lock: bool):
        self.producer = producer
        self.currency = CURRENCY_BY_COUNTRY[producer.country]
        self.categories = {category.slug: category for category in Category.objects.all()}
        slugs = {row.cells.get("slug", "").lower() for row in rows} - {""}
        own = Product.objects.filter(producer=producer, slug__in=slugs).prefetch_related("certifications")
        if lock:
            own = own.select_for_update()
        self.own_products = {product.slug: product for product in own}
        self.foreign_slugs = set(
            Product.objects.filter(slug__in=slugs - set(self.own_products)).values_list("slug", flat=True)
        )
        self.with_photos = set(
            ProductPhoto.objects.filter(product__in=self.own_products.values()).values_list("product_id", flat=True)
        )
        origins = {row.cells.get("origin", "").lower() for row in rows} - {""}
        self.places = {place.slug: place for place in Place.objects.with_ancestors().filter(slug__in=origins)}

    @cached_property
    def publish_refusal(self) -> ValidationError | None:
        """Why no product of the producer may be published now (nobody could pay it), read
        only when a row publishes one."""
        return product_publish_refusal(producer=self.producer, name=_("This product"))

    def origin_allowed(self, place: Place) -> bool:
        """The places the listing form offers: tambons of the producer's province in Thailand,
        provinces of the producer's country elsewhere."""
        if self.producer.country == "TH":
            return place.level == Place.Level.SUBDISTRICT and place.parent.parent_id == self.producer.province_id
        return place.level == Place.Level.PROVINCE and place.country == self.producer.country


def listings_check(*, producer: Producer, rows: list[SourceRow], lock: bool = False) -> ImportReport:
    """Check every row of an import for `producer` and say what importing it would do.

    Reads only; with `lock` (inside a transaction) the producer's products named in the file
    are locked until it ends. Each problem names its line and column.
    """
    catalogue = _Catalogue(producer=producer, rows=rows, lock=lock)
    report = ImportReport(rows=[])
    claimed: dict[str, int] = {}
    for source in rows:
        row = _check_row(catalogue, source)
        slug = source.cells.get("slug", "").lower()
        if slug and slug in claimed:
            row.add_problem(
                "slug", _("Line %(line)s already changes this product; each product can be in the file once.") % {"line": claimed[slug]}
            )
        elif slug:
            claimed[slug] = source.line
        report.rows.append(row)
    return report


def _check_row(catalogue: _Catalogue, source: SourceRow) -> ImportRow:
    row = ImportRow(line=source.line, cells=source.cells)
    cells = source.cells
    if source.overflow:
        row.add_problem(
            "",
            _(
                "This row has cells beyond the last named column: name that column in the first row or empty "
                "those cells. (In a CSV file, a cell with a comma or a line break in it must be in double quotes.)"
            ),
        )

    product = None
    slug = cells.get("slug", "").lower()
    if slug:
        product = catalogue.own_products.get(slug)
        if product is None:
            if slug in catalogue.foreign_slugs:
                row.add_problem("slug", _("“%(slug)s” is another producer's product; you can only change your own.") % {"slug": slug})
            else:
                row.add_problem(
                    "slug", _("None of your products has the slug “%(slug)s”. Leave the slug empty to add a new product.") % {"slug": slug}
                )

    fields: dict = {}
    for column, text in cells.items():
        if column in ("slug", "status", "certifications", "currency"):
            continue
        try:
            fields[column] = _parse_cell(catalogue, column, text, product)
        except _CellError as error:
            row.add_problem(column, str(error))

    if "currency" in cells and cells["currency"] and cells["currency"].upper() != catalogue.currency:
        row.add_problem(
            "currency",
            _("Your prices are in %(currency)s; leave the currency empty or write %(currency)s.") % {"currency": catalogue.currency},
        )
    if "status" in cells:
        status = cells["status"].lower()
        if status and status not in Product.Status.values:
            row.add_problem("status", _("Write draft, published or archived."))
        else:
            row.status = status
    if "certifications" in cells:
        try:
            row.certifications = _parse_certifications(cells["certifications"])
        except _CellError as error:
            row.add_problem("certifications", str(error))

    if "star_scheme" in fields and not any(problem.column in STAR_COLUMNS for problem in row.problems):
        _check_stars(row, fields)

    status_before = product.status if product else ""
    if product is None:
        product = Product(producer=catalogue.producer, **fields)
        row.action = NEW
        row.changed = set(fields)
    else:
        row.changed = {name for name, value in fields.items() if _differs(product, name, value)}
        for name in row.changed:
            setattr(product, name, fields[name])
    row.product = product

    model_checked = [name for name in fields if name not in ("category", "origin")]
    flagged = {problem.column for problem in row.problems}
    try:
        product.clean_fields(
            exclude=[f.name for f in Product._meta.fields if f.name not in model_checked or f.name in flagged]
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.add_problem(name, message)

    new_status = row.status or (status_before or Product.Status.DRAFT)
    row.status = new_status
    if (
        new_status == Product.Status.PUBLISHED
        and new_status != status_before
        and (product.pk is None or product.pk not in catalogue.with_photos)
    ):
        row.add_problem(
            "status",
            _("A product needs a photo before it is published: import it as draft, add photos, then publish it."),
        )
    elif new_status == Product.Status.PUBLISHED and new_status != status_before and catalogue.publish_refusal is not None:
        for message in catalogue.publish_refusal.messages:
            row.add_problem("status", message)

    if row.action != NEW:
        certifications_changed = row.certifications is not None and _certification_key(row.certifications) != _certification_key(
            certification_rows(product)
        )
        if not certifications_changed:
            row.certifications = None
        row.action = UPDATE if (row.changed or certifications_changed or new_status != status_before) else UNCHANGED
    if row.problems:
        row.action = ""
    return row


def _parse_cell(catalogue: _Catalogue, column: str, text: str, product: Product | None):
    if column in TEXT_COLUMNS:
        if column == "name_en" and not text:
            raise _CellError(_("Every product needs an English name."))
        return text
    if column == "category":
        if not text:
            raise _CellError(_("Every product needs a category."))
        category = catalogue.categories.get(text.lower())
        if category is None:
            raise _CellError(_("There is no category “%(value)s”; use a category slug such as silk or tea.") % {"value": text})
        return category
    if column == "price":
        if not text:
            raise _CellError(_("Every product needs a price."))
        return _parse_decimal(text)
    if column == "stock":
        return _parse_integer(text) if text else 0
    if column in ("weight_grams", "star_rating", "star_year"):
        return _parse_integer(text) if text else None
    if column == "star_scheme":
        scheme = text.lower()
        if scheme and scheme not in StarScheme.values:
            raise _CellError(_("Write otop or ocop, or leave it empty."))
        return scheme
    if column == "origin":
        if not text:
            return None
        place = catalogue.places.get(text.lower())
        if place is None:
            raise _CellError(_("There is no place with the slug “%(value)s”.") % {"value": text})
        if product is not None and product.origin_id == place.pk:
            return place  # the product's own origin stays acceptable, whatever the rule
        if not catalogue.origin_allowed(place):
            if catalogue.producer.country == "TH":
                raise _CellError(
                    _("“%(value)s” is not a tambon of %(province)s.") % {"value": text, "province": catalogue.producer.province.name}
                )
            raise _CellError(_("“%(value)s” is not a province of your country.") % {"value": text})
        return place
    raise AssertionError(f"no parser for column {column}")


def _parse_decimal(text: str) -> Decimal:
    if text.startswith("-"):
        raise _CellError(_("A price cannot be negative."))
    if not _DECIMAL.fullmatch(text):
        raise _CellError(_("Write the price as a number such as 1200 or 1200.50, without a currency or thousands separator."))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise _CellError(_("Write the price as a number such as 1200 or 1200.50.")) from None


def _parse_integer(text: str) -> int:
    if text.startswith("-"):
        raise _CellError(_("This cannot be negative."))
    if not _INTEGER.fullmatch(text):
        raise _CellError(_("Write a whole number such as 12."))
    if len(text) > 12:  # also keeps int() clear of Python's limit on digits
        raise _CellError(_("This number is too large."))
    return int(text)


def _check_stars(row: ImportRow, fields: dict) -> None:
    scheme, rating, year = fields["star_scheme"], fields["star_rating"], fields["star_year"]
    if not scheme:
        if rating is not None or year is not None:
            row.add_problem("star_scheme", _("Write the scheme of this star rating (otop or ocop), or leave the stars empty."))
    elif rating is None:
        row.add_problem("star_rating", _("Write the number of stars."))
    elif scheme == StarScheme.OTOP and not 1 <= rating <= 5:
        row.add_problem("star_rating", _("OTOP stars run from 1 to 5."))
    elif scheme == StarScheme.OCOP and not 3 <= rating <= 5:
        row.add_problem("star_rating", _("OCOP stars run from 3 to 5."))


def _parse_certifications(text: str) -> list[dict]:
    """`tcps:1234/2566:2023; halal; gi:GI 123:2015:Sakon Nakhon Indigo` as certification rows."""
    certifications = []
    kinds = set()
    for item in text.split(CERTIFICATION_SEPARATOR):
        item = item.strip()
        if not item:
            continue
        kind, number, year, name = (item.split(CERTIFICATION_PART_SEPARATOR, 3) + ["", "", ""])[:4]
        kind, number, year, name = kind.strip().lower(), number.strip(), year.strip(), name.strip()
        if kind not in CertificationType.values:
            raise _CellError(
                _("Unknown certification “%(kind)s”; the kinds are %(kinds)s. Write each as kind:number:year:name, separated by “;”.")
                % {"kind": kind, "kinds": ", ".join(CertificationType.values)}
            )
        if kind in kinds:
            raise _CellError(_("%(kind)s is listed twice; each certification can be listed once.") % {"kind": kind})
        kinds.add(kind)
        if year and not (_INTEGER.fullmatch(year) and len(year) == 4 and 1950 <= int(year) <= 2100):
            raise _CellError(_("The year of %(kind)s must be a year such as 2023.") % {"kind": kind})
        if len(number) > 80 or len(name) > 200:
            raise _CellError(_("The number or name of %(kind)s is too long.") % {"kind": kind})
        certifications.append({"kind": kind, "name": name, "number": number, "year": int(year) if year else None})
    return certifications


def certification_rows(product: Product) -> list[dict]:
    return [{"kind": c.kind, "name": c.name, "number": c.number, "year": c.year} for c in product.certifications.all()]


def _certification_key(certifications: list[dict]) -> list[tuple]:
    return sorted((c["kind"], c["name"], c["number"], c["year"]) for c in certifications)


def _differs(product: Product, name: str, value) -> bool:
    if name == "category":
        return product.category_id != value.pk
    if name == "origin":
        return product.origin_id != (value.pk if value else None)
    current = getattr(product, name)
    if isinstance(value, str):
        return normalise_text(current or "") != value
    return current != value
