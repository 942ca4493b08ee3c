"""KPI table and charts from hand-made frames in the shapes of docs/metrics.md; expected values by hand."""

from __future__ import annotations

import html
import math
import re

import pandas as pd
import pytest

from kit.errors import LxkitError
from kit.viz import kpi_table, movers_chart, trend_chart, trend_grid
from tests.viz.kpi_frames import DATES, KPIS, table_frame, values_frame

CELL = re.compile(r'<td id="[^"]+" class="([^"]*)" >(.*?)</td>', re.DOTALL)
COLUMNS = ["kpi", "breakdown", "value", "previous", "month", "trend", "threshold"]

# the type labels of the LeanIX web app, by hand
LABELS = {
    "BusinessCapability": "Business Capability",
    "ITComponent": "IT Component",
    "DataObject": "Data Object",
    "TechnicalStack": "Tech Category",
    "UserGroup": "User Group",
}


def rows_of(page: str) -> list[dict[str, tuple[str, str]]]:
    """Each body row as {column: (classes, inner html)}, in the table's order."""
    body = page.split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        cells = CELL.findall(row)
        assert len(cells) == len(COLUMNS), row
        rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def text(cell: tuple[str, str]) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell[1])).strip()


def classes(cell: tuple[str, str]) -> set[str]:
    return set(cell[0].split())


@pytest.fixture(scope="module")
def table_rows():
    return rows_of(kpi_table(table_frame()).to_html())


def test_totals_come_first_then_readable_breakdowns(table_rows):
    names = [(text(r["kpi"]), text(r["breakdown"])) for r in table_rows]
    assert names[:5] == [
        ("Applications past end of life", ""),
        ("Fact sheets", ""),
        ("Average completion", ""),
        ("Interfaces per application", ""),
        ("Days since the last update", ""),
    ]
    # then each KPI's breakdown, its values without "type=", rows by their dimension string
    types = sorted(d.removeprefix("type=") for d in KPIS["fact_sheets"][5] if d)
    assert names[5:15] == [("Fact sheets", LABELS.get(t, t)) for t in types]  # as LeanIX labels types
    assert names[15] == ("Average completion", "Application · Active")
    assert len(names) == 16
    assert "kpi-total" in classes(table_rows[0]["kpi"]) and "kpi-sub" in classes(table_rows[5]["kpi"])


def test_values_and_changes_are_formatted_per_unit(table_rows):
    shown = {(text(r["kpi"]), text(r["breakdown"])): r for r in table_rows}
    eol = shown["Applications past end of life", ""]
    # 0.123 share; 0.123 - 0.113 = 0.010 -> +1.0 pp; 0.123 - 0.100 -> +2.3 pp
    assert [text(eol[c]) for c in ("value", "previous", "month")] == ["12.3%", "▲ +1.0 pp", "▲ +2.3 pp"]
    counts = shown["Fact sheets", ""]  # 2012; 2012 - 2000 = 12; 2012 - 1990 = 22
    assert [text(counts[c]) for c in ("value", "previous", "month")] == ["2,012", "▲ +12", "▲ +22"]
    score = shown["Average completion", ""]  # 0.77; -0.01 -> -1.0 pp; 0.77 - 0.75 -> +2.0 pp
    assert [text(score[c]) for c in ("value", "previous", "month")] == ["77.0%", "▼ -1.0 pp", "▲ +2.0 pp"]
    ratio = shown["Interfaces per application", ""]  # 1.3; no value on 2026-10-31; 1.3 - 1.2 = 0.10
    assert [text(ratio[c]) for c in ("value", "previous", "month")] == ["1.30", "–", "▲ +0.10"]
    days = shown["Days since the last update", ""]  # 44.6 -> 45; 44.6 - 45 = -0.4 -> 0; 44.6 - 41 -> +4
    assert [text(days[c]) for c in ("value", "previous", "month")] == ["45 days", "= 0 days", "▲ +4 days"]
    assert text(shown["Fact sheets", "Application"]["previous"]) == "▲ +1"


def test_headers_name_the_comparison_dates():
    page = kpi_table(table_frame()).to_html()
    headers = [
        html.unescape(h) for h in re.findall(r'<th id="[^"]+" class="col_heading[^"]*" >(.*?)</th>', page)
    ]
    assert headers == [
        "KPI",
        "Breakdown",
        "Value",
        "vs previous (2026-10-31)",
        "vs month ago (2026-10-01)",
        "Trend",
        "Threshold",
    ]


def test_better_worse_and_neutral_follow_higher_is_better(table_rows):
    shown = {(text(r["kpi"]), text(r["breakdown"])): r for r in table_rows}

    def judged(key: tuple[str, str]) -> tuple[str, str]:
        row = shown[key]
        marks = [{"kpi-better", "kpi-worse", "kpi-neutral"} & classes(row[c]) for c in ("previous", "month")]
        assert all(len(m) == 1 for m in marks), marks
        return marks[0].pop(), marks[1].pop()

    assert judged(("Applications past end of life", "")) == ("kpi-worse", "kpi-worse")  # up, lower is better
    assert judged(("Average completion", "")) == ("kpi-worse", "kpi-better")  # down then up, higher is better
    assert judged(("Fact sheets", "")) == ("kpi-neutral", "kpi-neutral")  # no judgement declared
    assert judged(("Interfaces per application", "")) == ("kpi-neutral", "kpi-better")  # no previous value
    assert judged(("Days since the last update", "")) == ("kpi-neutral", "kpi-worse")  # 0 as shown, then up
    page = kpi_table(table_frame()).to_html()
    assert "td.kpi-better {\n  color: #2ca02c" in page and "td.kpi-worse {\n  color: #d62728" in page


def test_breached_rows_are_marked(table_rows):
    marked = [
        (text(r["kpi"]), text(r["breakdown"])) for r in table_rows if "kpi-breached" in classes(r["value"])
    ]
    # 0.123 > max 0.05; 0.77 < min 0.8; the active applications' 0.85 and the days (44.6 <= 60) are inside
    assert marked == [("Applications past end of life", ""), ("Average completion", "")]
    shown = {(text(r["kpi"]), text(r["breakdown"])): r for r in table_rows}
    assert all("kpi-breached" in classes(cell) for cell in shown["Average completion", ""].values())
    assert text(shown["Applications past end of life", ""]["threshold"]) == "⚠ ≤ 5.0%"
    assert text(shown["Average completion", ""]["threshold"]) == "⚠ ≥ 80.0%"
    assert text(shown["Average completion", "Application · Active"]["threshold"]) == "≥ 80.0%"
    assert text(shown["Days since the last update", ""]["threshold"]) == "≤ 60 days"
    assert text(shown["Fact sheets", ""]["threshold"]) == "–"  # none set
    assert "2 breached" in kpi_table(table_frame()).to_html()


def points(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(n) for n in p.split(",")) for p in line.split()]  # type: ignore[misc]
        for line in re.findall(r'<polyline points="([^"]+)"', svg)
    ]


def test_sparklines_are_inline_svg_following_the_trend(table_rows):
    shown = {(text(r["kpi"]), text(r["breakdown"])): r for r in table_rows}
    svg = shown["Applications past end of life", ""]["trend"][1]
    assert svg.startswith('<svg class="kpi-spark"') and 'stroke="currentColor"' in svg and "http" not in svg
    (line,) = points(svg)
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    assert len(line) == 5 and xs == sorted(xs) and ys == sorted(ys, reverse=True)  # rising values, SVG y down
    assert "8.0%, 9.0%, 10.0%, 11.3%, 12.3%" in svg  # the title spells the values out
    # a missing value leaves a gap: three points, a lone point, and the latest value's dot
    gap = shown["Interfaces per application", ""]["trend"][1]
    assert [len(seg) for seg in points(gap)] == [3] and gap.count("<circle") == 2
    assert "1.10, 1.15, 1.20, –, 1.30" in gap


def test_titles_are_escaped_and_a_wrong_frame_is_refused():
    table = table_frame()
    table.loc[0, "title"] = "R&D <apps>"
    page = kpi_table(table).to_html()
    assert "R&amp;D &lt;apps&gt;" in page and "<apps>" not in page
    with pytest.raises(LxkitError) as refused:
        kpi_table(table.drop(columns=["trend", "delta"]))
    assert "delta, trend" in str(refused.value) and "KpiHistory.table()" in str(refused.value)


def test_trend_chart_of_a_total_with_its_threshold():
    figure = trend_chart(values_frame(), "applications_past_end_of_life")
    line, threshold = figure.data
    assert list(line.x) == DATES and list(line.y) == [0.08, 0.09, 0.10, 0.113, 0.123]
    assert line.name == "Applications past end of life"
    assert list(threshold.x) == [DATES[0], DATES[-1]] and list(threshold.y) == [0.05, 0.05]
    assert threshold.line.dash == "dash" and threshold.name == "threshold max 5.0%"
    assert figure.layout.title.text == "Applications past end of life: 8.0% in Aug 2026, 12.3% in Nov 2026"
    assert figure.layout.yaxis.tickformat == ".1~%" and figure.layout.xaxis.type == "date"


def test_trend_chart_breakdown_keeps_the_eight_largest_lines():
    figure = trend_chart(values_frame(), "fact_sheets", "type")
    sizes = {"Application": 600, "ITComponent": 500, "Interface": 300, "BusinessCapability": 200}
    sizes |= {
        "Project": 150,
        "DataObject": 100,
        "Provider": 60,
        "UserGroup": 50,
    }  # not Process, TechnicalStack
    assert [t.name for t in figure.data] == [LABELS.get(t, t) for t in sizes]
    for trace in figure.data:
        size = sizes[{label: t for t, label in LABELS.items()}.get(trace.name, trace.name)]
        assert list(trace.x) == DATES and list(trace.y) == [size - 4, size - 3, size - 2, size - 1, size]
    assert figure.layout.title.text == "Fact sheets: Application the largest (600); the 8 largest of 10 drawn"
    assert figure.layout.yaxis.tickformat == ","


def test_trend_chart_gap_and_refusals():
    gap = trend_chart(values_frame(), "interfaces_per_application").data[0]
    assert gap.y[:3] == (1.1, 1.15, 1.2) and math.isnan(gap.y[3]) and gap.y[4] == 1.3
    with pytest.raises(LxkitError) as unknown:
        trend_chart(values_frame(), "no_such_kpi")
    assert "no_such_kpi" in str(unknown.value) and "fact_sheets" in str(unknown.value)
    with pytest.raises(LxkitError) as wrong:
        trend_chart(values_frame(), "completion", "lifecycle")
    assert "type, lifecycle" in str(wrong.value)
    both = trend_chart(values_frame(), "completion", ("type", "lifecycle"))
    assert [t.name for t in both.data] == ["Application · Active", "threshold min 80.0%"]
    assert list(both.data[0].y) == [0.8, 0.81, 0.82, 0.83, 0.85]


def test_trend_grid_one_panel_per_total():
    figure = trend_grid(values_frame())
    titles = [a.text for a in figure.layout.annotations]
    assert titles == [KPIS[name][0] for name in sorted(KPIS)]  # the values frame is sorted by kpi
    lines = [t for t in figure.data if t.line.dash != "dash"]
    assert [t.name for t in lines] == titles
    assert [len({t.xaxis for t in lines}), len({t.yaxis for t in lines})] == [5, 5]  # each on its own axes
    # thresholds: end of life (max), completion (min), days (max), each on its KPI's panel
    dashed = [(t.yaxis, t.y[0]) for t in figure.data if t.line.dash == "dash"]
    assert dashed == [("y", 0.05), ("y2", 0.8), ("y3", 60.0)]
    assert figure.layout.yaxis2.tickformat == ".1~%" and figure.layout.yaxis4.tickformat == ","
    picked = trend_grid(values_frame(), ["completion"])
    assert [t.name for t in picked.data] == ["Average completion", "threshold min 80.0%"]
    # the finding: on 2026-11-01 end of life (12.3% > 5%) and completion (77% < 80%) are outside
    assert figure.layout.title.text == "5 KPIs, Aug 2026 to Nov 2026: 2 outside their threshold"


def mover(title: str, unit: str, hib: bool | None, month_ago: float, value: float) -> dict:
    return {
        "kpi": title.lower(),
        "title": title,
        "unit": unit,
        "dimensions": "",
        "value": value,
        "previous_date": pd.Timestamp("2026-10-31"),
        "previous": value,
        "delta": 0.0,
        "month_ago_date": pd.Timestamp("2026-10-01"),
        "month_ago": month_ago,
        "delta_month": value - month_ago,
        "higher_is_better": hib,
        "threshold_min": None,
        "threshold_max": None,
        "breached": False,
        "improved": None,
        "trend": [month_ago, value],
    }


def test_movers_sorted_by_magnitude_and_coloured_by_direction():
    movers = pd.DataFrame(
        [
            mover("Past end of life", "share", False, 0.10, 0.123),  # +2.3 pp, worse
            mover("Fact sheets", "count", None, 100, 90),  # -10%, no judgement
            mover("Completion", "score", True, 0.75, 0.77),  # +2.0 pp, better
            mover("Interfaces per app", "ratio", True, 1.2, 1.5),  # +25%, better
            mover("Age", "days", False, 40, 41),  # +2.5%, worse
        ]
    ).astype({"higher_is_better": "boolean", "value": "Float64", "month_ago": "Float64"})
    figure = movers_chart(movers)
    order = ["Interfaces per app", "Fact sheets", "Age", "Past end of life", "Completion"]
    assert list(figure.layout.yaxis.categoryarray) == order and figure.layout.yaxis.autorange == "reversed"
    traces = {t.name: t for t in figure.data}
    assert list(traces["improved"].y) == ["Interfaces per app", "Completion"]
    assert traces["improved"].marker.color == "#2ca02c"
    assert list(traces["worsened"].y) == ["Age", "Past end of life"]
    assert traces["worsened"].marker.color == "#d62728"
    assert list(traces["no judgement"].y) == ["Fact sheets"]
    assert [round(x, 6) for x in traces["improved"].x] == [25.0, 2.0]
    assert [round(x, 6) for x in traces["worsened"].x] == [2.5, 2.3]
    assert list(traces["improved"].text) == ["+0.30 (+25.0%)", "+2.0 pp"]
    assert list(traces["no judgement"].text) == ["-10 (-10.0%)"]
    assert (
        figure.layout.title.text
        == "Biggest move since a month ago: Interfaces per app, +0.30 (+25.0%) (improved)"
    )


def test_kpi_matrix_one_row_per_type_one_column_per_kpi():
    from kit.viz import kpi_matrix

    styler = kpi_matrix(table_frame())
    page = styler.to_html()
    shown = styler.data
    # only "fact_sheets" has a one-level type breakdown; types as LeanIX labels them, by key
    assert list(shown.columns) == ["Type", "Fact sheets"]
    assert list(shown["Type"])[:4] == ["Application", "Business Capability", "Data Object", "Interface"]
    # Application: 600 now, 598 a month ago (kpi_frames: size - 2 on 2026-10-01) -> up
    assert shown.set_index("Type").loc["Application", "Fact sheets"] == "600 ▲"
    assert "1 KPI by type; arrows: change since a month ago (2026-10-01)" in page
    body = page.split("<tbody>", 1)[1]
    assert "kpi-neutral" in body and "kpi-better" not in body  # counts carry no judgement
    empty = kpi_matrix(table_frame(), "tag_group")
    assert list(empty.data.columns) == ["Tag group"] and empty.data.empty
