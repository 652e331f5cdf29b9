"""Listings in and out of a spreadsheet: the CSV / Excel (XLSX) file format of the dashboard.

Export and import share one column list, `COLUMNS`, so a file exported and imported unchanged
creates nothing and changes nothing. Importing goes in three steps, each usable on its own:

1. `listings_parse(data)` reads the bytes of an upload: CSV in UTF-8 (with or without a BOM,
   separated by commas, semicolons or tabs) or an Excel workbook (its first sheet), told apart
   by their content, never by the file name. Anything else, a file over `MAX_FILE_BYTES`, more
   than `MAX_ROWS` products, or a header row with missing or unknown columns is refused as a
   whole with a ValidationError a producer can act on.
2. `listings_check(producer=…, rows=…)` checks every row against the catalogue and returns an
   `ImportReport`: each row with its line number, what would happen to it (new, update,
   unchanged) and its problems, each naming its column.
3. `listings_import(producer=…, rows=…)` checks again inside one transaction and saves all the
   rows, or, when any row has a problem, nothing at all (`ImportRejected`).

The rules of the file (also shown on the upload page):

- The first row names the columns, in any order; case and surrounding spaces do not matter.
  `category`, `name_en` and `price` must be there; every other column may be left out. A
  left-out column leaves an existing product's value as it is and gives a new product the
  default (empty, stock 0, draft).
- `slug` empty: a new product. `slug` of one of the producer's own products: that product is
  updated. Any other slug is an error (a typo must not become a duplicate product, and
  another producer's product is never touched).
- An empty cell clears the field. Two exceptions: an empty `stock` is 0, and an empty `status`
  is draft for a new product and leaves an existing product's status as it is.
- `status` published needs a photo (as in the listing tools), and a file cannot add photos:
  a row that would publish a product without photos is an error, never silently imported
  as a draft. Import such products as draft, add photos, then publish them.
- `star_scheme`, `star_rating` and `star_year` come together: otop with 1–5 stars, ocop with
  3–5 stars, or all three empty.
- `certifications` holds all of a product's certifications in one cell, separated by `;`, each
  written `kind:number:year:name` with the trailing parts optional, e.g.
  `tcps:1234/2566:2023; halal; gi:GI 123:2015:Sakon Nakhon Indigo`. The kinds are those of
  `CertificationType` (tcps, thai-fda, halal, organic, gi, gap, jas).
- `origin` is the slug of a place as the listing form offers it: a tambon of the producer's
  province in Thailand, a province of the producer's country elsewhere.
- `currency` is for reading only: empty or the producer's own currency.
- A cell that begins with a single quote before `=`, `+`, `-`, `@` (or a tab) is read without
  that quote: the export writes such text so (core/exports.py), lest a spreadsheet
  run it as a formula (a text that really begins with such a quote is written with one quote
  more, so every exported value reads back as it was).
"""

import csv
import io
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Func, Max, Q, Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exports import spreadsheet_row, spreadsheet_unescape
from places.models import Place
from producers.models import CURRENCY_BY_COUNTRY, Producer

from .cache import catalogue_changed
from .search_index import reindex_later
from .models import Category, Certification, CertificationType, Product, ProductPhoto, StarScheme
from .services import reference_price

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Blank rows are skipped, but a sheet of a million blank rows still costs time to walk.
MAX_LINES = 5 * MAX_ROWS
# An XLSX file is a ZIP archive: refuse one that unpacks to far more than any real price list.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024

COLUMNS = [
    "slug", "category", "name_en", "name_th", "name_ja", "name_local",
    "price", "currency", "unit", "weight_grams", "stock", "status",
    "description_en", "description_th", "description_ja", "description_local",
    "origin", "local_brand_name", "technique", "materials",
    "star_scheme", "star_rating", "star_year", "certifications",
    "story_en", "story_th", "story_ja", "story_local",
]
REQUIRED_COLUMNS = ["category", "name_en", "price"]
STAR_COLUMNS = ["star_scheme", "star_rating", "star_year"]
TEXT_COLUMNS = [
    "name_en", "name_th", "name_ja", "name_local",
    "description_en", "description_th", "description_ja", "description_local",
    "unit", "local_brand_name", "technique", "materials",
    "story_en", "story_th", "story_ja", "story_local",
]
CERTIFICATION_SEPARATOR = ";"
CERTIFICATION_PART_SEPARATOR = ":"

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

IMPORT_FOLDER = "imports"
IMPORT_FILE_LIFETIME = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
_INTEGER = re.compile(r"[0-9]+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- What the steps hand each other ---------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One row of the file as written: its line (the spreadsheet's row number, the header
    being line 1) and its cells by column, for the columns the file has."""

    line: int
    cells: dict[str, str]
    overflow: bool = False  # more cells than the header has columns


@dataclass(frozen=True)
class SourceTable:
    columns: list[str]
    rows: list[SourceRow]
    file_format: str  # "csv" or "xlsx"


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


# --- 1. Reading the file ----------------------------------------------------------------------


def upload_read(upload) -> bytes:
    """The bytes of an uploaded file, refused (ValidationError) past MAX_FILE_BYTES."""
    too_large = ValidationError(
        _("This file is too large: an import file can be at most %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        code="too_large",
    )
    if getattr(upload, "size", 0) and upload.size > MAX_FILE_BYTES:
        raise too_large
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    return data


def listings_parse(data: bytes) -> SourceTable:
    """Read a CSV or XLSX file into rows, checking what concerns the file as a whole.

    Raises ValidationError (one message per problem) when the file is not CSV in UTF-8 or an
    Excel workbook, is empty, has more than MAX_ROWS products, or its header row lacks a
    required column, names an unknown one or names one twice.
    """
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            _("This file is too large: an import file can be at most %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            code="too_large",
        )
    file_format = _file_format(data)
    records = _xlsx_records(data) if file_format == "xlsx" else _csv_records(data)
    header = next(records, None)
    if header is None or not any(header[1]):
        raise ValidationError(_("The file is empty: its first row must name the columns."), code="empty")
    columns = _check_header(header[1])
    rows = []
    for line, values in records:
        if line > MAX_LINES:
            raise ValidationError(
                _("The file has more than %(count)s rows; split it into smaller files.") % {"count": f"{MAX_LINES:,}"},
                code="too_many_rows",
            )
        if not any(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(count)s products; split it into files of at most %(count)s.")
                % {"count": f"{MAX_ROWS:,}"},
                code="too_many_rows",
            )
        cells = {column: values[index] if index < len(values) else "" for index, column in enumerate(columns)}
        overflow = any(values[len(columns):])
        rows.append(SourceRow(line=line, cells=cells, overflow=overflow))
    if not rows:
        raise ValidationError(_("The file has no products below its header row."), code="no_rows")
    return SourceTable(columns=columns, rows=rows, file_format=file_format)


def _not_a_table(message: str | None = None) -> ValidationError:
    return ValidationError(
        message
        or _(
            "This is not a file we can import: send a CSV file (saved as “CSV UTF-8”) or an "
            "Excel workbook (.xlsx)."
        ),
        code="format",
    )


def _file_format(data: bytes) -> str:
    """'xlsx' or 'csv', from the content; ValidationError for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _not_a_table() from None
        if "xl/workbook.xml" not in names:
            if "mimetype" in names or "content.xml" in names:
                raise _not_a_table(
                    _("This is an OpenDocument spreadsheet: save it as an Excel workbook (.xlsx) or as CSV UTF-8.")
                )
            raise _not_a_table()
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ValidationError(_("This workbook is too large once unpacked; split it into smaller files."), code="too_large")
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _not_a_table(_("This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or as CSV UTF-8."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_a_table(_("This text file is in UTF-16: save it as CSV UTF-8."))
    return "csv"


def _csv_records(data: bytes):
    """(line, cells) for each record of a UTF-8 CSV file, the header first."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in data[:8192]:
            raise _not_a_table() from None
        raise _not_a_table(
            _(
                "This file is not in UTF-8, so Thai and Japanese letters would be garbled: in your "
                "spreadsheet choose “Save as” and the type “CSV UTF-8”, or save an Excel workbook (.xlsx)."
            )
        ) from None
    if _CONTROL_CHARACTERS.search(text[:65536]):
        raise _not_a_table()
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for line, record in enumerate(reader, start=1):
            yield line, [_normalise_text(spreadsheet_unescape(value)) for value in record]
    except csv.Error as error:
        raise ValidationError(
            _("The CSV file cannot be read near line %(line)s (%(error)s).") % {"line": reader.line_num, "error": error},
            code="csv",
        ) from None


def _xlsx_records(data: bytes):
    """(line, cells) for each row of the workbook's first sheet, the header first.

    openpyxl in read-only mode streams the sheet, so a huge sheet is refused at the row
    limit without being loaded (tablib's reader loads it whole, so it is used for export only).
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _not_a_table(_("This Excel file cannot be read; save it again as an Excel workbook (.xlsx).")) from None
    try:
        if not workbook.worksheets:
            raise _not_a_table(_("This Excel file has no sheet to import."))
        sheet = workbook.worksheets[0]
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [_cell_text(value) for value in values]
        except ValidationError:
            raise
        except Exception:
            raise _not_a_table(_("This Excel file cannot be read; save it again as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()


def _normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel keeps 15 significant digits; beyond them are binary rounding, not the price.
        return format(value, ".15g") if not value.is_integer() else str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return _normalise_text(spreadsheet_unescape(str(value)))


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    while names and not names[-1]:
        names.pop()
    problems = []
    unnamed = [str(index) for index, name in enumerate(names, start=1) if not name]
    if unnamed:
        problems.append(
            _("Column %(numbers)s has no name in the first row.") % {"numbers": ", ".join(unnamed)}
        )
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        problems.append(_("These columns appear more than once: %(columns)s.") % {"columns": ", ".join(twice)})
    unknown = [name for name in names if name and name not in COLUMNS]
    if unknown:
        problems.append(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    stars = [name for name in STAR_COLUMNS if name in names]
    if stars and len(stars) != len(STAR_COLUMNS):
        problems.append(
            _("The columns %(columns)s go together: add the missing ones or leave all of them out.")
            % {"columns": ", ".join(STAR_COLUMNS)}
        )
    if problems:
        raise ValidationError(problems, code="columns")
    return names


# --- 2. Checking the rows ---------------------------------------------------------------------


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
        self.places = {place.slug: place for place in Place.objects.select_related("parent").filter(slug__in=origins)}

    def origin_allowed(self, place: Place) -> bool:
        """The places the listing form offers: tambons of the producer's province in Thailand,
        provinces of the producer's country elsewhere."""
        if self.producer.country == "TH":
            return place.level == Place.Level.SUBDISTRICT and place.parent.parent_id == self.producer.province_id
        return place.level == Place.Level.PROVINCE and place.country == self.producer.country

    def province_and_country(self, place: Place | None) -> tuple[int, str]:
        if place is None:
            return self.producer.province_id, self.producer.country
        if place.level == Place.Level.PROVINCE:
            return place.pk, place.country
        return place.parent.parent_id, place.country


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

    if row.action != NEW:
        certifications_changed = row.certifications is not None and _certification_key(row.certifications) != _certification_key(
            _certification_rows(product)
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


def _certification_rows(product: Product) -> list[dict]:
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
        return _normalise_text(current or "") != value
    return current != value


# --- 3. Saving --------------------------------------------------------------------------------


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
            catalogue_changed()
            reindex_later(
                product_ids=[row.product.pk for row in report.rows if row.action in (NEW, UPDATE) and row.product.pk]
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Your products changed while the file was being imported, so nothing was saved. Import it again."),
            code="conflict",
        ) from error
    return report


def _derive(product: Product, producer: Producer, origin_changed: bool) -> None:
    """What the services derive: currency, reference price, province, visibility."""
    product.visible = product.status == Product.Status.PUBLISHED and producer.state == Producer.State.VERIFIED
    product.currency = CURRENCY_BY_COUNTRY[producer.country]
    product.price_reference = reference_price(product.price or Decimal(0), product.currency)
    if origin_changed or product.province_id is None:
        origin = product.origin
        if origin is None:
            product.province_id, product.country = producer.province_id, producer.country
        elif origin.level == Place.Level.PROVINCE:
            product.province_id, product.country = origin.pk, origin.country
        else:
            product.province_id, product.country = origin.parent.parent_id, origin.country
    if not product.star_scheme:
        product.star_rating = None
        product.star_year = None


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


# --- Export -----------------------------------------------------------------------------------


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
        return f"{CERTIFICATION_SEPARATOR} ".join(_certification_text(c) for c in _certification_rows(product))
    value = getattr(product, column)
    return "" if value is None else value


def _certification_text(certification: dict) -> str:
    parts = [certification["kind"], certification["number"], str(certification["year"] or ""), certification["name"]]
    while parts and not parts[-1]:
        parts.pop()
    return CERTIFICATION_PART_SEPARATOR.join(parts)


def import_categories() -> list[Category]:
    """The top categories with their sub-categories prefetched: the slugs a file may use."""
    return list(Category.objects.filter(parent=None).prefetch_related("children").order_by("position", "slug"))


# --- Uploaded files between preview and confirmation -------------------------------------------
def _private_storage():
    """Uploaded spreadsheets wait where no URL reaches them (STORAGES["private"])."""
    return storages["private"]


# The file waits in the private storage (shared by every web process, unlike the session) under
# the producer's own folder, so a token is only found by members of the producer that uploaded it.


def _import_path(producer: Producer, token: str) -> str:
    return f"{IMPORT_FOLDER}/{producer.pk}/{token}"


def import_file_store(*, producer: Producer, data: bytes) -> str:
    """Keep an uploaded import file until it is confirmed or cancelled; returns its token."""
    _import_files_purge(producer)
    token = secrets.token_urlsafe(24)
    _private_storage().save(_import_path(producer, token), ContentFile(data))
    return token


def import_file_read(*, producer: Producer, token: str) -> bytes | None:
    """The producer's stored import file, or None (unknown token, or another producer's)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _import_path(producer, token)
    try:
        with _private_storage().open(path, "rb") as stored:
            return stored.read()
    except (FileNotFoundError, OSError):
        return None


def import_file_delete(*, producer: Producer, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        _private_storage().delete(_import_path(producer, token))


def _import_files_purge(producer: Producer) -> None:
    """Delete the producer's import files left neither confirmed nor cancelled for a day."""
    folder = f"{IMPORT_FOLDER}/{producer.pk}"
    try:
        _folders, names = _private_storage().listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    cutoff = timezone.now() - IMPORT_FILE_LIFETIME
    for name in names:
        path = f"{folder}/{name}"
        try:
            if _private_storage().get_modified_time(path) < cutoff:
                _private_storage().delete(path)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue

