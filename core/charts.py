"""Charts drawn on the server as inline SVG: no script, nothing fetched.

A chart is a few rows of numbers (weeks, states, zones), each with one value per series (paid,
invoiced, …; one series for a plain bar chart). It is drawn either as columns, one per row in
order (weeks, fair days), or as horizontal bars with each row's label above its bar (states,
products, zones): long names and translations then have the whole width.

The drawing is about a phone's column wide (`WIDTH` units) and scales to its box (a viewBox,
width 100%), so its text stays readable at 360 px; the stylesheet caps its width on a desktop.
The page shows every chart with its figures as a table too (`templates/includes/chart.html`).
The caller formats the numbers (money in its currency, counts in the active language): the
chart only compares them.
"""

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

Number = int | float | Decimal

# About the width of a phone's column inside a card (360 px less the margins): drawn at about
# its own size there, so the text reads as the page's smaller print.
WIDTH = 300
FONT_SIZE = 13
COLUMNS_HEIGHT = 180
BAR_ROW_HEIGHT = 44
BAR_THICKNESS = 16
# The colours a series may take: classes of the stylesheet's chart section (static/css/site.css).
TONES = ("brand", "success", "accent", "muted", "free")


def format_count(value: Number) -> str:
    """A count with the active language's grouping: 1,234."""
    return number_format(int(value), decimal_pos=0, force_grouping=True)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """About how wide `text` is drawn at `size`: Thai and Japanese are not Latin, so a count of
    characters would overflow (wide characters take a full em, combining marks none)."""
    width = 0.0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6
    return width * size


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text` cut with an ellipsis so that it fits `width` (the full text stays in the table)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_ceiling(value: Number) -> Decimal:
    """The smallest round number at least `value` (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a
    power of ten): the top of the value axis."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** math.floor(math.log10(value))
    for step in ("1", "1.2", "1.5", "2", "2.5", "3", "4", "5", "6", "8", "10"):
        top = Decimal(step) * power
        if top >= value:
            return top.normalize() if top == top.to_integral_value() else top
    return 10 * power  # not reached: 10 × power ≥ value


def _joined(parts) -> SafeString:
    """Drawn pieces (each made safe by format_html) one after the other."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zero."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Series:
    """One quantity a chart draws: its name (legend, table heading) and its tone (colour)."""

    name: str
    tone: str = "brand"


@dataclass(frozen=True)
class Row:
    """One column or bar: its label (the table's and the tooltip's), its values (one per
    series, stacked), and a shorter label for the axis when the full one is long (a date)."""

    label: str
    values: tuple[Number, ...]
    axis_label: str = ""
    key: str = ""  # what the row stands for (a state's value), marked on its table row
    link: str = ""  # where its table row's label leads (the applications in that state)

    @property
    def total(self) -> Number:
        return sum(self.values)


@dataclass
class Chart:
    """A chart and its table. `kind` is "columns" (rows in order along the axis: weeks, days)
    or "bars" (horizontal, each labelled above its bar). `format_value` writes a value as the
    page shows it (money in its currency, a count); `empty_text` replaces the chart and the
    table when every value is nought."""

    title: str
    label_heading: str
    series: Sequence[Series]
    rows: Sequence[Row]
    kind: str = "bars"
    format_value: Callable[[Number], str] = format_count
    empty_text: str = ""
    total_heading: str = ""
    slug: str = "chart"
    extra_columns: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)

    def __post_init__(self):
        if self.kind not in ("columns", "bars"):
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for row in self.rows:
            if len(row.values) != len(self.series):
                raise ValueError(f"row {row.label!r} has {len(row.values)} values for {len(self.series)} series")
        for _heading, cells in self.extra_columns:
            if len(cells) != len(self.rows):
                raise ValueError("an extra column needs one cell per row")

    @property
    def is_empty(self) -> bool:
        return not any(value for row in self.rows for value in row.values)

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    @property
    def table_headings(self) -> list[str]:
        headings = [self.label_heading, *(series.name for series in self.series)]
        if self.stacked and self.total_heading:
            headings.append(self.total_heading)
        return headings + [heading for heading, _cells in self.extra_columns]

    @property
    def table_rows(self) -> list[tuple[Row, list[str]]]:
        """Each row with its cells as the page writes them."""
        rows = []
        for index, row in enumerate(self.rows):
            cells = [self.format_value(value) for value in row.values]
            if self.stacked and self.total_heading:
                cells.append(self.format_value(row.total))
            cells += [column[index] for _heading, column in self.extra_columns]
            rows.append((row, cells))
        return rows

    def svg(self) -> SafeString:
        """The chart as an inline SVG element (empty when the chart is)."""
        if self.is_empty:
            return SafeString()
        return self._columns() if self.kind == "columns" else self._bars()

    # --- Drawing --------------------------------------------------------------------------

    def _tooltip(self, row: Row) -> str:
        if not self.stacked:
            return f"{row.label}: {self.format_value(row.values[0])}"
        parts = ", ".join(f"{series.name} {self.format_value(value)}" for series, value in zip(self.series, row.values, strict=True))
        return f"{row.label}: {parts}"

    def _svg(self, height: float, body: SafeString) -> SafeString:
        return format_html(
            '<svg class="chart__svg chart__svg--{}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}"'
            ' font-size="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
            self.kind, WIDTH, _n(height), self.title, FONT_SIZE, self.title, body,
        )

    def _segments(self, row: Row, place: Callable[[float, float], tuple[float, float, float, float]], scale: float):
        """The rectangles of one row's stacked values; `place(start, length)` gives x, y, w, h."""
        start = 0.0
        parts = []
        for series, value in zip(self.series, row.values, strict=True):
            length = float(value) * scale
            if length > 0:
                x, y, w, h = place(start, length)
                parts.append(
                    format_html(
                        '<rect class="chart__fill chart__fill--{}" x="{}" y="{}" width="{}" height="{}"/>',
                        series.tone, _n(x), _n(y), _n(w), _n(h),
                    )
                )
            start += length
        return parts

    def _columns(self) -> SafeString:
        top = nice_ceiling(max(row.total for row in self.rows))
        middle = top / 2
        # A half-way line only where it is a whole number: no "1.5 check-ins".
        ticks = [Decimal(0), middle, top] if middle == middle.to_integral_value() else [Decimal(0), top]
        tick_labels = [self.format_value(tick) for tick in ticks]
        left = max(text_width(label) for label in tick_labels) + 8
        right, head, foot = 6, 10, 26
        plot_width, plot_height = WIDTH - left - right, COLUMNS_HEIGHT - head - foot
        base = head + plot_height
        scale = plot_height / float(top)
        parts = []
        for tick, label in zip(ticks, tick_labels, strict=True):
            y = base - float(tick) * scale
            parts.append(
                format_html(
                    '<line class="chart__grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="chart__tick" x="{}" y="{}" text-anchor="end">{}</text>',
                    _n(left), _n(WIDTH - right), _n(y), _n(y), _n(left - 6), _n(y + 4.5), label,
                )
            )
        slot = plot_width / len(self.rows)
        bar = max(slot * 0.7, 1)
        for index, row in enumerate(self.rows):
            x = left + index * slot + (slot - bar) / 2
            rects = self._segments(row, lambda start, length, x=x: (x, base - start - length, bar, length), scale)
            parts.append(format_html("<g><title>{}</title>{}</g>", self._tooltip(row), _joined(rects)))
        # Axis labels, from the last row back, as far apart as the longest needs.
        axis = [row.axis_label or row.label for row in self.rows]
        every = max(1, math.ceil((max(text_width(label) for label in axis) + 10) / slot))
        for index in range(len(self.rows) - 1, -1, -every):
            half = text_width(axis[index]) / 2
            centre = min(max(left + (index + 0.5) * slot, half), WIDTH - half)
            parts.append(
                format_html(
                    '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}</text>', _n(centre), _n(base + 19), axis[index]
                )
            )
        parts.append(format_html('<line class="chart__axis" x1="{}" x2="{}" y1="{}" y2="{}"/>', _n(left), _n(WIDTH - right), _n(base), _n(base)))
        return self._svg(COLUMNS_HEIGHT, _joined(parts))

    def _bars(self) -> SafeString:
        totals = [self.format_value(row.total) for row in self.rows]
        value_room = max(text_width(label) for label in totals) + 8
        plot_width = WIDTH - value_room
        scale = plot_width / float(max(row.total for row in self.rows))
        parts = []
        for index, (row, total) in enumerate(zip(self.rows, totals, strict=True)):
            y = index * BAR_ROW_HEIGHT
            bar_y = y + 20
            rects = self._segments(row, lambda start, length, bar_y=bar_y: (start, bar_y, length, BAR_THICKNESS), scale)
            end = float(row.total) * scale
            parts.append(
                format_html(
                    '<g><title>{}</title><text class="chart__label" x="0" y="{}">{}</text>{}'
                    '<line class="chart__axis" x1="0" x2="0" y1="{}" y2="{}"/>'
                    '<text class="chart__value" x="{}" y="{}">{}</text></g>',
                    self._tooltip(row), _n(y + 15), fit(row.label, WIDTH), _joined(rects),
                    _n(bar_y - 2), _n(bar_y + BAR_THICKNESS + 2), _n(end + 5), _n(bar_y + BAR_THICKNESS - 3), total,
                )
            )
        return self._svg(len(self.rows) * BAR_ROW_HEIGHT + 4, _joined(parts))


def legend(chart: Chart) -> SafeString:
    """The series' names with their colours, for a stacked chart (HTML, so that it wraps)."""
    if not chart.stacked:
        return SafeString()
    items = format_html_join(
        "", '<li><span class="chart__swatch chart__fill--{}"></span>{}</li>', ((s.tone, s.name) for s in chart.series)
    )
    return format_html('<ul class="chart__legend">{}</ul>', items)
