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

The steps are the modules `parse`, `check` and `write`; `export` writes the same columns out.
A saved row derives its currency, reference price, province and visibility as every listing
does (catalogue.services.product_derive, product_is_visible).

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

from django.core.exceptions import ValidationError

from .check import (
    NEW,
    UNCHANGED,
    UPDATE,
    ImportRejected,
    ImportReport,
    ImportRow,
    RowProblem,
    listings_check,
)
from .export import listings_export
from .parse import (
    COLUMNS,
    CSV_CONTENT_TYPE,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    XLSX_CONTENT_TYPE,
    SourceRow,
    SourceTable,
    import_categories,
    import_file_delete,
    import_file_read,
    import_file_store,
    listings_parse,
    upload_read,
)
from .write import listings_import

__all__ = [
    "COLUMNS", "CSV_CONTENT_TYPE", "MAX_FILE_BYTES", "MAX_ROWS", "NEW", "REQUIRED_COLUMNS", "UNCHANGED", "UPDATE",
    "XLSX_CONTENT_TYPE", "ImportRejected", "ImportReport", "ImportRow", "RowProblem", "SourceRow", "SourceTable",
    "ValidationError", "import_categories", "import_file_delete", "import_file_read", "import_file_store",
    "listings_check", "listings_export", "listings_import", "listings_parse", "upload_read",
]
