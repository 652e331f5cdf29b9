"""Cells of every file the site exports for a spreadsheet (CSV and XLSX): written so that a
spreadsheet program shows them as text and never runs them as a formula.

A buyer's name, a product name or a tracking number is typed by someone else than the person
who opens the export. Excel, LibreOffice and Google Sheets take a cell that begins with `=`,
`+`, `-` or `@` (also after a leading tab or carriage return) as a formula, and a formula such
as `=HYPERLINK(…)` or `=cmd|…` acts on the machine of whoever opens the file ("CSV injection").
OWASP's advice is followed: such a cell is written with a single quote in front, which the
spreadsheet reads as "this is text". The NUL character (ASVS lists it too) and the full-width
forms of the four signs, which a Japanese or Thai input method types, are treated the same way.

`spreadsheet_unescape` undoes exactly what `spreadsheet_cell` did, so a file the site exported
reads back as the values it was made from (the listings import relies on it). To keep that
exact, a text that already begins with quotes followed by a formula sign gets one more quote.
"""

from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r\x00＝＋－＠")
TEXT_MARK = "'"


def _looks_like_formula(text: str) -> bool:
    return text.lstrip(TEXT_MARK)[:1] in FORMULA_STARTS if text else False


def spreadsheet_cell(value):
    """`value` as it may be written into an exported cell: text that a spreadsheet would run
    as a formula gets a leading single quote; numbers, dates and empty cells are unchanged."""
    if isinstance(value, str) and _looks_like_formula(value):
        return TEXT_MARK + value
    return value


def spreadsheet_row(values: Iterable) -> list:
    """Every cell of a row through `spreadsheet_cell`."""
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_unescape(text: str) -> str:
    """The text of a cell read back from a file: the quote `spreadsheet_cell` put in front of a
    formula sign is taken away; any other text is returned as it is."""
    if text.startswith(TEXT_MARK) and _looks_like_formula(text):
        return text[1:]
    return text
