"""KPI views over the frames of ``kit.metrics`` (docs/metrics.md): a styled table and plotly figures.

``kpi_table`` takes ``KpiHistory.table()``; ``movers_chart`` takes ``KpiHistory.movers()`` (the same
columns); ``trend_chart`` and ``trend_grid`` take ``KpiHistory.values`` (the long frame). Shares and scores
(0..1) show as %, their changes in percentage points (pp); counts as whole numbers; ratios with 2 decimals;
days as whole days. Better or worse comes from ``higher_is_better`` (NA: neutral, grey).

The colours are mid-tones readable on JupyterLab's light and dark themes; the table's sparklines are inline
SVG drawn in ``currentColor`` (the theme's text colour) and load nothing, so they survive nbconvert's offline
HTML. No data fetching here.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kit import formatting as fmt
from kit.errors import LxkitError
from kit.formatting import kpi_change as format_delta
from kit.formatting import kpi_value as format_value
from kit.viz.charts import BAR_COLOUR, _layout

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler
    from pandas.io.formats.style_render import CSSDict

__all__ = ["kpi_table", "movers_chart", "trend_chart", "trend_grid"]

BETTER = "#2ca02c"
WORSE = "#d62728"
NEUTRAL = "#8c8c8c"
PERCENT_UNITS = frozenset({"share", "score"})
MAX_LINES = 8

TABLE_COLUMNS = (
    "kpi",
    "title",
    "unit",
    "dimensions",
    "value",
    "previous_date",
    "delta",
    "month_ago_date",
    "month_ago",
    "delta_month",
    "higher_is_better",
    "threshold_min",
    "threshold_max",
    "breached",
    "trend",
)
VALUES_COLUMNS = ("date", "kpi", "title", "unit", "dimensions", "value", "threshold_min", "threshold_max")

_TABLE_CSS: list[CSSDict] = [
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600; padding: 4px 0"},
    {"selector": "th, td", "props": "padding: 3px 10px; white-space: nowrap; vertical-align: middle"},
    {"selector": "th, td.kpi-title, td.kpi-dimension, td.kpi-threshold", "props": "text-align: left"},
    {"selector": "td.kpi-number", "props": "text-align: right; font-variant-numeric: tabular-nums"},
    {"selector": "td.kpi-total", "props": "font-weight: 600"},
    {"selector": "td.kpi-sub", "props": "opacity: 0.75; padding-left: 1.6em"},
    {"selector": "td.kpi-better", "props": f"color: {BETTER}; font-weight: 600"},
    {"selector": "td.kpi-worse", "props": f"color: {WORSE}; font-weight: 600"},
    {"selector": "td.kpi-neutral", "props": f"color: {NEUTRAL}"},
    {"selector": "td.kpi-breached", "props": "background-color: rgba(214, 39, 40, 0.14)"},
    {"selector": "td.kpi-breached.kpi-threshold", "props": f"color: {WORSE}; font-weight: 600"},
    {"selector": "td.kpi-breached.kpi-title", "props": f"box-shadow: inset 3px 0 0 {WORSE}"},
    {"selector": "td.kpi-trend", "props": "min-width: 100px"},
    # JupyterLab's and nbconvert's `svg {max-width: 100%; height: auto}` would shrink it in a narrow page
    {
        "selector": "svg.kpi-spark",
        "props": "display: block; overflow: visible; max-width: none; width: 96px; height: 22px",
    },
]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _number(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _require(frame: pd.DataFrame, columns: Iterable[str], caller: str, source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise LxkitError(f"{caller} needs a DataFrame from {source}, not {type(frame).__name__}")
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        raise LxkitError(
            f"{caller} needs the frame of {source} (docs/metrics.md); this one lacks the column(s) "
            f"{', '.join(lacking)}. Pass the frame kit.metrics returns."
        )


def _display(value: float, unit: str) -> float:
    """``value`` in the units it is shown in, rounded as shown (so a sign is never hidden by rounding)."""
    if unit in PERCENT_UNITS:
        return round(value * 100, 1)
    if unit == "ratio":
        return round(value, 2)
    if unit in ("count", "days"):
        return float(round(value))
    return round(value, 2)


def _direction(delta: Any, unit: str, higher_is_better: Any) -> str:
    """``better``, ``worse`` or ``neutral`` (no judgement, no change as shown, or no previous value)."""
    number = _number(delta)
    if number is None or _missing(higher_is_better):
        return "neutral"
    shown = _display(number, unit)
    if shown == 0:
        return "neutral"
    return "better" if (shown > 0) == bool(higher_is_better) else "worse"


def _arrow(delta: Any, unit: str) -> str:
    number = _number(delta)
    if number is None:
        return ""
    shown = _display(number, unit)
    return "▲ " if shown > 0 else "▼ " if shown < 0 else "= "


def dimension_label(dimensions: str) -> str:
    """``"type=ITComponent; lifecycle=endOfLife"`` -> ``"IT Component · End of life"`` (types and lifecycle
    phases as LeanIX labels them; tags and tag groups as named); the total (``""``) -> ``""``."""
    if not dimensions:
        return ""
    labels = []
    for part in str(dimensions).split("; "):
        name, _, value = part.partition("=")
        if not value:
            labels.append(part)
        elif name == "type":
            labels.append(fmt.type_label(value))
        elif name == "lifecycle":
            labels.append(fmt.value_label(value))
        else:
            labels.append(value)
    return " · ".join(labels)


def _dimension_names(dimensions: str) -> tuple[str, ...]:
    return tuple(part.partition("=")[0] for part in str(dimensions).split("; ")) if dimensions else ()


def _threshold_text(low: Any, high: Any, unit: str) -> str:
    low_n, high_n = _number(low), _number(high)
    if low_n is not None and high_n is not None:
        return f"{format_value(low_n, unit)} – {format_value(high_n, unit)}"
    if high_n is not None:
        return f"≤ {format_value(high_n, unit)}"
    if low_n is not None:
        return f"≥ {format_value(low_n, unit)}"
    return ""


def sparkline(trend: Any, unit: str, width: int = 96, height: int = 22) -> str:
    """An inline SVG line of ``trend`` (oldest first; NaN leaves a gap) in the text colour; last point dotted."""
    values = [_number(v) for v in (list(trend) if trend is not None and not _missing(trend) else [])]
    finite = [v for v in values if v is not None]
    if not finite:
        return '<span class="kpi-spark-none">–</span>'
    low, high = min(finite), max(finite)
    step = (width - 6) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        y = height / 2 if high == low else height - 3 - (value - low) / (high - low) * (height - 6)
        return round(3 + index * step, 1), round(y, 1)

    segments: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
        else:
            segments[-1].append(point(index, value))
    shapes = []
    for segment in segments:
        if len(segment) > 1:
            points = " ".join(f"{x},{y}" for x, y in segment)
            shapes.append(
                f'<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
                'stroke-linejoin="round" stroke-linecap="round"/>'
            )
        elif segment:
            shapes.append(f'<circle cx="{segment[0][0]}" cy="{segment[0][1]}" r="1.2" fill="currentColor"/>')
    last = max(i for i, v in enumerate(values) if v is not None)
    x, y = point(last, values[last])  # type: ignore[arg-type]
    shapes.append(f'<circle cx="{x}" cy="{y}" r="2.4" fill="currentColor"/>')
    described = html.escape("trend, oldest first: " + ", ".join(format_value(v, unit) for v in values))
    return (
        f'<svg class="kpi-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{described}"><title>{described}</title>{"".join(shapes)}</svg>'
    )


def _totals_first(table: pd.DataFrame) -> pd.DataFrame:
    """Totals in the table's order, then each KPI's breakdown rows (KPIs in first-seen order, rows by label)."""
    order = {name: i for i, name in enumerate(dict.fromkeys(table["kpi"].astype(str)))}
    keyed = table.assign(
        _total=(table["dimensions"].astype(str) != "").astype(int),
        _kpi=table["kpi"].astype(str).map(order),
        _position=range(len(table)),
    )
    keyed = keyed.sort_values(["_total", "_kpi", "dimensions", "_position"], kind="stable")
    return keyed.drop(columns=["_total", "_kpi", "_position"])


def _common_date(column: pd.Series) -> str:
    dates = {f"{day:%Y-%m-%d}" for day in pd.to_datetime(column, errors="coerce").dropna()}
    return f" ({dates.pop()})" if len(dates) == 1 else ""


def kpi_table(table: pd.DataFrame, caption: str | None = None, *, breakdowns: bool | None = None) -> Styler:
    """The KPI table of ``KpiHistory.table()`` for people: values, changes, trend, threshold, breaches.

    ``breakdowns=False`` shows the totals only, ``True`` the one-level breakdowns only (``Application``: per
    type, per tag group ...), ``None`` every row: totals first, then each KPI's breakdown (``Application ·
    active``). Changes are green when better,
    red when worse, grey without a judgement; breached rows are shaded red with a ⚠ in the threshold column.
    Classes on the cells (``kpi-better``, ``kpi-worse``, ``kpi-neutral``, ``kpi-breached``) carry the styling.
    """
    _require(table, TABLE_COLUMNS, "kpi_table", "KpiHistory.table()")
    if breakdowns is not None:
        levels = table["dimensions"].astype(str).map(lambda d: d.count("=") if d else 0)
        table = table[levels == 1] if breakdowns else table[levels == 0]
    ordered = _totals_first(table)
    previous = "vs previous" + _common_date(ordered["previous_date"])
    month = "vs month ago" + _common_date(ordered["month_ago_date"])
    headers = ["KPI", "Breakdown", "Value", previous, month, "Trend", "Threshold"]
    with_breakdown = bool((ordered["dimensions"].astype(str) != "").any())
    cells: list[list[str]] = []
    classes: list[list[str]] = []
    for row in ordered.to_dict("records"):
        unit, hib, label = str(row["unit"]), row["higher_is_better"], dimension_label(row["dimensions"])
        breached = not _missing(row["breached"]) and bool(row["breached"])
        threshold = _threshold_text(row["threshold_min"], row["threshold_max"], unit)
        cells.append(
            [
                html.escape(str(row["title"])),
                html.escape(label),
                format_value(row["value"], unit),
                _arrow(row["delta"], unit) + format_delta(row["delta"], unit),
                _arrow(row["delta_month"], unit) + format_delta(row["delta_month"], unit),
                sparkline(row["trend"], unit),
                ("⚠ " + threshold) if breached else threshold or "–",
            ]
        )
        extra = " kpi-breached" if breached else ""
        level = "kpi-sub" if label else "kpi-total"
        classes.append(
            [
                f"kpi-title {level}{extra}",
                f"kpi-dimension{extra}",
                f"kpi-number kpi-value{extra}",
                f"kpi-number kpi-{_direction(row['delta'], unit, hib)}{extra}",
                f"kpi-number kpi-{_direction(row['delta_month'], unit, hib)}{extra}",
                f"kpi-trend{extra}",
                f"kpi-threshold{extra}",
            ]
        )
    shown = pd.DataFrame(cells, columns=headers)
    if caption is None:
        breaches = int(ordered["breached"].fillna(False).astype(bool).sum())
        kpis = ordered["kpi"].nunique() if "kpi" in ordered.columns else len(ordered)
        caption = f"{kpis} KPIs, {breaches} breached row(s)"
        if with_breakdown:
            caption = f"{kpis} KPIs in {len(ordered):,} rows, {breaches} breached"
    styler = shown.style.hide(axis="index").set_caption(html.escape(caption))
    if not with_breakdown:
        styler = styler.hide(subset=["Breakdown"], axis="columns")
    styler = styler.set_td_classes(pd.DataFrame(classes, columns=headers)).set_table_styles(_TABLE_CSS)
    return styler.set_table_attributes('class="lxkit-kpis"')


def kpi_matrix(table: pd.DataFrame, dimension: str = "type", caption: str | None = None) -> Styler:
    """The one-level breakdowns of ``KpiHistory.table()`` by ``dimension`` (``type``, ``tagGroup`` ...) as a
    matrix people can scan: one row per breakdown value (types as LeanIX labels them), one column per KPI,
    each cell the latest value with an arrow for its change since a month ago, green when better, red when
    worse; a cell outside the KPI's threshold is shaded red, and a KPI without that breakdown shows ``–``.
    """
    _require(table, TABLE_COLUMNS, "kpi_matrix", "KpiHistory.table()")
    dims = table["dimensions"].astype(str)
    rows = table[dims.str.fullmatch(rf"{re.escape(dimension)}=[^;]*").to_numpy(dtype=bool)]
    keys = sorted({d.partition("=")[2] for d in rows["dimensions"].astype(str)}, key=str.casefold)
    labels = [dimension_label(f"{dimension}={k}") for k in keys]
    titles = list(dict.fromkeys(rows["title"].astype(str)))
    what = fmt.field_label(dimension)
    cells = pd.DataFrame("–", index=labels, columns=titles, dtype=object)
    classes = pd.DataFrame("kpi-number kpi-neutral", index=labels, columns=titles, dtype=object)
    for row in rows.to_dict("records"):
        title, label = str(row["title"]), dimension_label(str(row["dimensions"]))
        unit = str(row["unit"])
        breached = not _missing(row["breached"]) and bool(row["breached"])
        arrow = _arrow(row["delta_month"], unit).strip()
        cells.loc[label, title] = format_value(row["value"], unit) + (
            f" {arrow}" if arrow not in ("", "=") else ""
        )
        direction = _direction(row["delta_month"], unit, row["higher_is_better"])
        classes.loc[label, title] = f"kpi-number kpi-{direction}" + (" kpi-breached" if breached else "")
    shown = cells.rename_axis(what).reset_index()
    styles = classes.rename_axis(what).reset_index().assign(**{what: "kpi-title"})
    month = _common_date(rows["month_ago_date"])
    styler = shown.style.hide(axis="index").set_caption(
        html.escape(
            caption
            or f"{len(titles)} KPI{'s' if len(titles) != 1 else ''} by {what.lower()}; "
            f"arrows: change since a month ago{month}"
        )
    )
    styler = styler.set_td_classes(styles).set_table_styles(
        [
            *_TABLE_CSS,
            {"selector": "th", "props": "white-space: normal; vertical-align: bottom; max-width: 9em"},
        ]
    )
    return styler.set_table_attributes('class="lxkit-kpis lxkit-kpi-matrix"')


def _kpi_rows(values: pd.DataFrame, kpi: str, caller: str) -> pd.DataFrame:
    _require(values, VALUES_COLUMNS, caller, "KpiHistory.values")
    rows = values[values["kpi"].astype(str) == kpi]
    if rows.empty:
        known = ", ".join(sorted(set(values["kpi"].astype(str)))) or "none"
        raise LxkitError(f"{caller}: no values of KPI {kpi!r}; the KPIs in the frame are: {known}")
    return rows.sort_values("date", kind="stable")


def _floats(column: pd.Series) -> list[float]:
    return [float("nan") if _missing(v) else float(v) for v in column]


def _dates(column: pd.Series) -> list[str]:
    return [f"{pd.Timestamp(v):%Y-%m-%d}" for v in column]


def _latest(column: Any) -> float | None:
    """The last threshold set on a KPI's rows (None when never set)."""
    found = [v for v in column if not _missing(v)]
    return float(found[-1]) if found else None


def _axis_format(unit: str) -> dict[str, Any]:
    """Tick labels in the KPI's unit; shares with a decimal only where needed (``1.5%`` beside ``2%``, so
    a KPI moving within a few percent gets no repeated tick labels)."""
    return (
        {"tickformat": ".1~%"}
        if unit in PERCENT_UNITS
        else {"tickformat": ",.2f" if unit == "ratio" else ","}
    )


def _hover(unit: str) -> str:
    shown = {"ratio": ".2f", "count": ",.0f", "days": ",.0f"}.get(
        unit, ".1%" if unit in PERCENT_UNITS else ",.2f"
    )
    suffix = " days" if unit == "days" else ""
    return f"%{{fullData.name}}<br>%{{x|%Y-%m-%d}}: %{{y:{shown}}}{suffix}<extra></extra>"


def _threshold_traces(rows: pd.DataFrame, unit: str) -> list[go.Scatter]:
    dates = _dates(rows["date"])
    span = [min(dates), max(dates)]
    traces = []
    for column, word in (("threshold_min", "min"), ("threshold_max", "max")):
        level = _latest(rows[column])
        if level is not None:
            traces.append(
                go.Scatter(
                    x=span,
                    y=[level, level],
                    mode="lines",
                    name=f"threshold {word} {format_value(level, unit)}",
                    line={"color": WORSE, "dash": "dash", "width": 1.5},
                    hoverinfo="skip",
                )
            )
    return traces


def _select_breakdown(rows: pd.DataFrame, kpi: str, dimensions: str | Sequence[str] | None) -> pd.DataFrame:
    if dimensions is None:
        totals = rows[rows["dimensions"].astype(str) == ""]
        return totals if not totals.empty else rows
    wanted = (dimensions,) if isinstance(dimensions, str) else tuple(dimensions)
    names = rows["dimensions"].astype(str).map(_dimension_names)
    chosen = rows[names == wanted]
    if chosen.empty:
        known = sorted({", ".join(n) for n in names if n}) or ["none"]
        raise LxkitError(
            f"trend_chart: KPI {kpi!r} has no values broken down by {', '.join(wanted)}; its breakdowns are: "
            f"{'; '.join(known)}. Pass one of those as dimensions=, or None for the total."
        )
    return chosen


def trend_chart(
    values: pd.DataFrame,
    kpi: str,
    dimensions: str | Sequence[str] | None = None,
    *,
    max_lines: int = MAX_LINES,
) -> go.Figure:
    """One KPI over time from ``KpiHistory.values``, its threshold(s) as dashed red lines.

    ``dimensions=None`` draws the total (or, for a KPI without one, its breakdown); ``dimensions="type"``
    (or ``("type", "lifecycle")``) draws one line per value of that breakdown, at most ``max_lines``: those
    with the largest latest values, largest first. Shares and scores are plotted as % of 1.
    """
    rows = _kpi_rows(values, kpi, "trend_chart")
    title, unit = str(rows["title"].iloc[0]), str(rows["unit"].iloc[0])
    chosen = _select_breakdown(rows, kpi, dimensions)
    groups = {str(key): group for key, group in chosen.groupby(chosen["dimensions"].astype(str), sort=False)}

    def size(group: pd.DataFrame) -> tuple[bool, float]:
        """Latest value first; a line whose latest value is missing ranks after, by its largest value."""
        latest = _number(group["value"].iloc[-1])
        finite = [v for v in _floats(group["value"]) if not math.isnan(v)]
        return (latest is not None, latest if latest is not None else max(finite, default=-math.inf))

    ranked = sorted(groups, key=lambda key: size(groups[key]), reverse=True)
    shown = ranked[:max_lines]
    figure = go.Figure()
    for key in shown:
        group = groups[key]
        figure.add_trace(
            go.Scatter(
                x=_dates(group["date"]),
                y=_floats(group["value"]),
                mode="lines+markers",
                name=dimension_label(key) or title,
                line={"width": 2.5, "color": BAR_COLOUR} if key == "" else {"width": 2},
                hovertemplate=_hover(unit),
            )
        )
    for trace in _threshold_traces(rows, unit):
        figure.add_trace(trace)
    heading = _trend_title(title, unit, groups, ranked, max_lines)
    figure.update_xaxes(type="date")
    figure.update_yaxes(rangemode="tozero", **_axis_format(unit))
    figure.update_layout(showlegend=len(figure.data) > 1, height=440)
    return _layout(figure, heading, "", unit)


def _trend_title(
    title: str, unit: str, groups: Mapping[str, pd.DataFrame], ranked: list[str], max_lines: int
) -> str:
    """The finding: one line from its first value to its latest (``Fact sheets: 1,900 in Aug 2026, 2,012 in
    Nov 2026``); a breakdown names its largest line and how many are drawn."""
    if not ranked:
        return title
    if ranked == [""]:
        group = groups[""]
        first, last = group.iloc[0], group.iloc[-1]
        return (
            f"{title}: {format_value(first['value'], unit)} in {pd.Timestamp(first['date']):%b %Y}, "
            f"{format_value(last['value'], unit)} in {pd.Timestamp(last['date']):%b %Y}"
        )
    top = groups[ranked[0]].iloc[-1]
    heading = f"{title}: {dimension_label(ranked[0])} the largest ({format_value(top['value'], unit)})"
    if len(ranked) > max_lines:
        heading += f"; the {max_lines} largest of {len(ranked)} drawn"
    return heading


def trend_grid(values: pd.DataFrame, kpis: Sequence[str] | None = None, *, columns: int = 3) -> go.Figure:
    """Small multiples: the total of each KPI in ``kpis`` (default: every KPI with a total) over time."""
    _require(values, VALUES_COLUMNS, "trend_grid", "KpiHistory.values")
    totals = values[values["dimensions"].astype(str) == ""]
    names = list(dict.fromkeys(totals["kpi"].astype(str))) if kpis is None else [str(k) for k in kpis]
    panels = []
    for name in names:
        rows = _kpi_rows(values, name, "trend_grid")
        total = rows[rows["dimensions"].astype(str) == ""]
        if total.empty:
            raise LxkitError(
                f"trend_grid draws totals, and KPI {name!r} has only breakdowns; draw it with "
                f"trend_chart(values, {name!r}, dimensions=...)"
            )
        panels.append(total)
    across = max(1, min(columns, len(panels)))
    down = max(1, math.ceil(len(panels) / across))
    figure = make_subplots(
        rows=down,
        cols=across,
        subplot_titles=[str(p["title"].iloc[0]) for p in panels],
        horizontal_spacing=0.08,
        vertical_spacing=min(0.2, 0.4 / down) if down > 1 else 0.1,
    )
    for index, rows in enumerate(panels):
        place = {"row": index // across + 1, "col": index % across + 1}
        unit = str(rows["unit"].iloc[0])
        figure.add_trace(
            go.Scatter(
                x=_dates(rows["date"]),
                y=_floats(rows["value"]),
                mode="lines+markers",
                name=str(rows["title"].iloc[0]),
                line={"color": BAR_COLOUR, "width": 2},
                hovertemplate=_hover(unit),
            ),
            **place,
        )
        for trace in _threshold_traces(rows, unit):
            figure.add_trace(trace, **place)
        figure.update_yaxes(rangemode="tozero", **_axis_format(unit), **place)
        figure.update_xaxes(type="date", ticks="outside", ticklen=6, tickcolor="rgba(0,0,0,0)", **place)
    figure.update_annotations(font_size=13)
    figure.update_layout(showlegend=False, height=80 + 260 * down)
    return _layout(figure, _grid_title(panels), "", "")


def _grid_title(panels: list[pd.DataFrame]) -> str:
    """``9 KPIs, Nov 2025 to Nov 2026: 2 outside their threshold`` (on the latest date)."""
    if not panels:
        return "No KPI to draw"
    dates = pd.to_datetime(pd.concat([p["date"] for p in panels]))
    outside = 0
    for rows in panels:
        last = rows.iloc[-1]
        value, low, high = (
            _number(last["value"]),
            _number(last["threshold_min"]),
            _number(last["threshold_max"]),
        )
        if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
            outside += 1
    span = f"{dates.min():%b %Y} to {dates.max():%b %Y}"
    verdict = (
        f"{outside} outside {'its' if outside == 1 else 'their'} threshold"
        if outside
        else "all within their thresholds"
    )
    return f"{len(panels)} KPIs, {span}: {verdict}"


def _movement(row: Mapping[Hashable, Any]) -> float:
    """How far a row moved in a month: pp for shares and scores, % of the month-ago value otherwise."""
    delta, base, unit = _number(row["delta_month"]), _number(row["month_ago"]), str(row["unit"])
    if delta is None:
        return float("nan")
    if unit in PERCENT_UNITS:
        return delta * 100
    return float("nan") if not base else delta / abs(base) * 100


def movers_chart(movers: pd.DataFrame) -> go.Figure:
    """Horizontal bars of ``KpiHistory.movers()``: biggest move on top, green improved, red worsened.

    Bar length is the month's change in percentage points for shares and scores and in % of the month-ago
    value for other units; the label gives the change in the KPI's own unit.
    """
    _require(movers, (*TABLE_COLUMNS, "month_ago"), "movers_chart", "KpiHistory.movers()")
    rows = []
    for row in movers.to_dict("records"):
        unit = str(row["unit"])
        label = str(row["title"]) + (f" · {dimension_label(row['dimensions'])}" if row["dimensions"] else "")
        move = _movement(row)
        text = format_delta(row["delta_month"], unit)
        if unit not in PERCENT_UNITS and not math.isnan(move):
            text += f" ({'+' if move > 0 else ''}{move:.1f}%)"
        rows.append((label, move, text, _direction(row["delta_month"], unit, row["higher_is_better"])))
    rows.sort(key=lambda r: -abs(r[1]) if not math.isnan(r[1]) else math.inf)
    figure = go.Figure()
    names = {"better": "improved", "worse": "worsened", "neutral": "no judgement"}
    colours = {"better": BETTER, "worse": WORSE, "neutral": NEUTRAL}
    for direction, name in names.items():
        mine = [r for r in rows if r[3] == direction]
        if mine:
            figure.add_trace(
                go.Bar(
                    x=[r[1] for r in mine],
                    y=[r[0] for r in mine],
                    text=[r[2] for r in mine],
                    textposition="auto",
                    orientation="h",
                    name=name,
                    marker_color=colours[direction],
                    hovertemplate="%{y}: %{text}<extra></extra>",
                )
            )
    figure.update_yaxes(categoryorder="array", categoryarray=[r[0] for r in rows], autorange="reversed")
    figure.update_layout(height=max(250, 34 * len(rows) + 140), legend_title_text="since a month ago")
    title = "No KPI moved since a month ago"
    if rows and not math.isnan(rows[0][1]):
        label, _move, text, direction = rows[0]
        title = f"Biggest move since a month ago: {label}, {text} ({names[direction]})"
    return _layout(figure, title, "Change (pp for shares and scores, % for other units)", "")
