"""The server-drawn charts (core/charts.py): what they draw, their table, their text in every
language, and that they never carry markup they were given."""

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.template import Context, Template
from django.utils import translation

from core.charts import WIDTH, Chart, Row, Series, fit, format_count, nice_ceiling, text_width

SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ElementTree.Element:
    return ElementTree.fromstring(str(chart.svg()))


def bar_widths(svg: ElementTree.Element) -> list[float]:
    return [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]


def bar_heights(svg: ElementTree.Element) -> list[float]:
    return [float(rect.get("height")) for rect in svg.iter(f"{SVG}rect")]


def weeks_chart(values, **options) -> Chart:
    return Chart(
        title="Sales by week", label_heading="Week", series=[Series("Sales")], kind="columns",
        rows=[Row(label=f"Week {n}", values=(value,), axis_label=f"W{n}") for n, value in enumerate(values, 1)],
        **options,
    )


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, Decimal(1)), (1, Decimal(1)), (3, Decimal(3)), (7, Decimal(8)), (11, Decimal(12)), (12400, Decimal(15000)), (Decimal("850.50"), Decimal(1000))],
)
def test_the_value_axis_ends_at_a_round_number_at_least_the_largest_value(value, top):
    assert nice_ceiling(value) == top


def test_columns_are_as_tall_as_their_values_and_scale_to_their_box():
    svg = parsed(weeks_chart([Decimal(0), Decimal(500), Decimal(1000)]))
    assert svg.get("viewBox").startswith(f"0 0 {WIDTH} ") and svg.get("width") == "100%"
    assert svg.get("role") == "img" and svg.get("aria-label") == "Sales by week"
    low, high = bar_heights(svg)  # the empty week draws nothing
    assert high == pytest.approx(2 * low, abs=0.2)


def test_each_column_has_its_label_and_value_as_a_tooltip():
    svg = parsed(weeks_chart([3, 5], format_value=lambda v: f"{v} pcs"))
    titles = [title.text for title in svg.iter(f"{SVG}title")]
    assert titles == ["Sales by week", "Week 1: 3 pcs", "Week 2: 5 pcs"]


def test_axis_labels_thin_out_so_they_never_overlap_and_the_last_is_always_shown():
    svg = parsed(weeks_chart(range(1, 13)))
    labels = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart__label"]
    assert "W12" in labels and len(labels) < 12
    xs = sorted(float(text.get("x")) for text in svg.iter(f"{SVG}text") if text.get("class") == "chart__label")
    assert all(b - a >= text_width("W12") for a, b in zip(xs, xs[1:], strict=False))


def test_a_half_way_line_only_where_it_is_a_whole_number():
    ticks = lambda values: [t.text for t in parsed(weeks_chart(values)).iter(f"{SVG}text") if t.get("class") == "chart__tick"]  # noqa: E731
    assert ticks([1, 3]) == ["0", "3"]
    assert ticks([1, 4]) == ["0", "2", "4"]


def test_horizontal_bars_are_as_long_as_their_values_with_the_value_written_after():
    chart = Chart(
        title="Applications", label_heading="State", series=[Series("Applications")],
        rows=[Row(label="Submitted", values=(10,)), Row(label="Accepted", values=(5,)), Row(label="Rejected", values=(0,))],
    )
    svg = parsed(chart)
    long, short = bar_widths(svg)
    assert long == pytest.approx(2 * short, abs=0.2)
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__value"] == ["10", "5", "0"]
    assert max(float(t.get("x")) + text_width(t.text) for t in svg.iter(f"{SVG}text")) <= WIDTH


def test_stacked_bars_draw_each_series_end_to_end_and_the_table_has_a_total():
    chart = Chart(
        title="Fees", label_heading="Zone", series=[Series("Paid", "success"), Series("Due", "accent")], total_heading="All",
        rows=[Row(label="A · Silk", values=(Decimal(3000), Decimal(1000)), key="A")],
        format_value=lambda v: f"฿{v:,.0f}",
    )
    svg = parsed(chart)
    paid, due = svg.iter(f"{SVG}rect")
    assert float(due.get("x")) == pytest.approx(float(paid.get("x")) + float(paid.get("width")), abs=0.2)
    assert paid.get("class") == "chart__fill chart__fill--success"
    assert chart.table_headings == ["Zone", "Paid", "Due", "All"]
    ((row, cells),) = chart.table_rows
    assert row.key == "A" and cells == ["฿3,000", "฿1,000", "฿4,000"]


def test_a_chart_of_noughts_is_empty_and_draws_nothing():
    chart = weeks_chart([0, 0, 0], empty_text="No sales yet.")
    assert chart.is_empty and str(chart.svg()) == ""
    html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))
    assert "No sales yet." in html and "<svg" not in html and "<table" not in html


def test_the_chart_tag_shows_the_chart_with_its_figures_as_a_table():
    chart = Chart(
        title="Applications", label_heading="State", series=[Series("Applications")],
        rows=[Row(label="Accepted", values=(3,), key="accepted", link="/organiser/fair/applications/?state=accepted")],
    )
    html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))
    assert '<figure class="chart chart--bars" data-chart="chart">' in html
    assert "<summary>The figures as a table</summary>" in html
    assert '<tr data-row="accepted"><th scope="row"><a href="/organiser/fair/applications/?state=accepted">Accepted</a></th><td>3</td></tr>' in html


def test_names_are_escaped_in_the_drawing_and_the_table():
    chart = Chart(title="<b>Top</b>", label_heading="Product", series=[Series("Revenue")], rows=[Row(label='<script>x</script>"', values=(1,))])
    svg = str(chart.svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))
    assert "<script>" not in html


def test_long_names_are_cut_to_fit_the_drawing_but_whole_in_the_tooltip_and_table():
    name = "Hand-woven Mudmee silk scarf from Tha Sawang, natural indigo and lac dyes, two metres"
    chart = Chart(title="Top", label_heading="Product", series=[Series("Revenue")], rows=[Row(label=name, values=(1,))])
    svg = parsed(chart)
    label = next(t for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__label")
    assert label.text.endswith("…") and text_width(label.text) <= WIDTH
    assert any(title.text == f"{name}: 1" for title in svg.iter(f"{SVG}title"))
    assert chart.table_rows[0][0].label == name


def test_thai_and_japanese_text_is_measured_by_how_wide_it_draws():
    assert text_width("ผ้าไหม") < text_width("ผ้าไหมมัดหมี่")
    assert text_width("ไ้") == text_width("ไ")  # a tone mark takes no room
    assert text_width("織物") == pytest.approx(2 * text_width("ab") / 1.2)
    assert text_width(fit("大分県のかぼす農家のジュース、はちみつ入り" * 3, 200)) <= 200


def test_counts_are_grouped_in_the_active_language():
    for language in ("en", "th", "ja"):
        with translation.override(language):
            assert format_count(12345) == "12,345"


def test_a_row_needs_one_value_per_series():
    with pytest.raises(ValueError, match="2 series"):
        Chart(title="x", label_heading="x", series=[Series("a"), Series("b")], rows=[Row(label="r", values=(1,))])
