"""The one escaping of exported spreadsheet cells (core/exports.py) that every export uses."""

import pytest

from core.exports import spreadsheet_cell, spreadsheet_row, spreadsheet_unescape

DANGEROUS = ["=1+1", "+66 81", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", "\x00=1", "＝1+1", "＋1", "－1", "＠SUM(A1)"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_would_be_a_formula_gets_a_leading_quote(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Mudmee silk", "ผ้าไหม", "ゆず胡椒", "", "'quoted", "a=b", 12, -5, None])
def test_other_cells_are_written_as_they_are(value):
    assert spreadsheet_cell(value) == value


@pytest.mark.parametrize("text", [*DANGEROUS, "'=1+1", "''-2", "'plain", "plain", "", "'"])
def test_unescape_gives_back_exactly_what_was_escaped(text):
    assert spreadsheet_unescape(spreadsheet_cell(text)) == text


def test_a_row_is_escaped_cell_by_cell():
    assert spreadsheet_row(["A-1", "=cmd|' /C calc'!A0", 3]) == ["A-1", "'=cmd|' /C calc'!A0", 3]


def test_every_export_of_the_project_escapes_through_the_shared_function():
    """A new CSV or XLSX export must use the one escaping; the old per-view copies are gone."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = [folder for folder in root.iterdir() if (folder / "__init__.py").exists() and folder.name not in ("tests", "bench")]
    exporters = []
    for path in (path for app in apps for path in app.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        if "csv.writer(" in source or '.export("' in source or "openpyxl.Workbook(" in source:
            exporters.append(path)
            assert "spreadsheet_row" in source or "spreadsheet_cell" in source, f"{path} writes a spreadsheet without escaping"
        assert "_spreadsheet_safe" not in source, path
    assert len(exporters) >= 3
