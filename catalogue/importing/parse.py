"""Step 1 of an import: the file as a whole. Reading the bytes of an upload (CSV or XLSX, told
apart by their content) into rows, the column list the import and export share, and keeping an
uploaded file between its preview and its confirmation."""

import csv
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import spreadsheet_unescape
from producers.models import Producer

from ..models import Category

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

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

IMPORT_FOLDER = "imports"
IMPORT_FILE_LIFETIME = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
            yield line, [normalise_text(spreadsheet_unescape(value)) for value in record]
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
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
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
        except Exception:  # noqa: BLE001 - the same, met while reading the rows
            raise _not_a_table(_("This Excel file cannot be read; save it again as an Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()


def normalise_text(value: str) -> str:
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
    return normalise_text(spreadsheet_unescape(str(value)))


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
