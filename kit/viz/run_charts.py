"""Plotly figures for run health (``kit.health``): plain ``go.Figure``, no widgets, no data fetching."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit import health
from kit.viz import theme
from kit.viz.theme import STATUS_COLOURS

__all__ = ["STATUS_COLOURS", "durations_by_connector", "status_per_day", "top_warnings"]

_UNITS = ((3600.0, "hours"), (60.0, "minutes"), (1.0, "seconds"))


def status_per_day(daily: pd.DataFrame) -> go.Figure:
    """Stacked bars of synchronizations per day, one trace per status, from ``kit.health.daily_status``.

    The title counts the synchronizations of the window and how many ended in ERROR.
    """
    figure = go.Figure()
    days = daily.index.to_list()
    labels = [f"{pd.Timestamp(day):%Y-%m-%d}" for day in days]
    for status, colour in STATUS_COLOURS.items():
        counts = daily[status] if status in daily.columns else pd.Series(0, index=daily.index)
        values = counts.astype("int64").to_list()
        figure.add_trace(
            go.Bar(
                x=days,
                y=values,
                name=status,
                marker_color=colour,
                text=[f"{day}: {n:,} {status}" for day, n in zip(labels, values, strict=True)],
                textposition="none",
                hovertemplate="%{text}<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", legend_title_text="status")
    figure.update_xaxes(tickformat="%b %d")
    total = int(sum(sum(trace.y) for trace in figure.data))
    failed = int(daily["ERROR"].sum()) if "ERROR" in daily.columns else 0
    title = f"{total:,} synchronizations in {len(days)} days, {failed:,} failed"
    return theme.apply(figure, title, "day (UTC)", "synchronizations")


def durations_by_connector(synclog: pd.DataFrame) -> go.Figure:
    """Box plot of run durations, one box per connector (``name``), connectors by name.

    The unit (seconds, minutes or hours) follows the longest run, so axis ticks stay readable; hover
    shows each run's duration in words. Synchronizations without a duration (not finished) or without
    a connector name are left out. The title names the connector with the slowest median.
    """
    figure = go.Figure()
    seconds = pd.Series(dtype="float64")
    frame = pd.DataFrame({"name": pd.Series(dtype=object), "seconds": seconds})
    if len(synclog):
        seconds = pd.to_timedelta(synclog["duration"]).dt.total_seconds().astype("float64")
        frame = pd.DataFrame({"name": synclog["name"].astype(object), "seconds": seconds}).dropna()
    longest = float(frame["seconds"].max()) if len(frame) else 0.0
    scale, unit = next(((s, u) for s, u in _UNITS if longest >= 2 * s), _UNITS[-1])
    medians: dict[str, float] = {}
    for name, group in frame.groupby("name", sort=True):
        medians[str(name)] = float(group["seconds"].median())
        figure.add_trace(
            go.Box(
                y=(group["seconds"] / scale).round(3).to_list(),
                name=str(name),
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker_color=theme.BAR_COLOUR,
                text=[f"{name}: {theme.duration(s)}" for s in group["seconds"]],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    figure.update_layout(showlegend=False)
    if medians:
        slowest = max(medians, key=lambda n: (medians[n], n))
        title = f"Slowest connector: {slowest} (median {theme.duration(medians[slowest])} per run)"
    else:
        title = "No finished runs to time"
    return theme.apply(figure, title, "connector", f"duration ({unit})")


def top_warnings(warnings: pd.DataFrame, n: int = 10) -> go.Figure:
    """The warnings that matter of a run (``Workspace.run_warnings``): the ``n`` most frequent kinds
    (:func:`kit.health.top_warnings`), errors first, as horizontal bars coloured by status; hover shows
    the processor and an example message."""
    kinds = health.top_warnings(warnings, n)
    figure = go.Figure()
    labels = [
        f"{category or '(no category)'} · {processor or '(no processor)'}"
        for category, processor in zip(kinds["category"], kinds["processorName"], strict=True)
    ]
    kinds = kinds.assign(label=labels)
    for status in ("ERROR", "WARNING"):
        group = kinds[(kinds["status"] == status).to_numpy(dtype=bool)]
        if group.empty:
            continue
        hover = [
            f"<b>{label}</b><br>{count:,} × {status}<br>e.g. {str(example)[:200]}"
            for label, count, example in zip(group["label"], group["count"], group["example"], strict=True)
        ]
        figure.add_trace(
            go.Bar(
                x=group["count"].to_list(),
                y=group["label"].to_list(),
                orientation="h",
                name=status,
                marker_color=STATUS_COLOURS[status],
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    figure.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    figure.update_layout(height=max(260, 30 * len(labels) + 140), legend_title_text="status")
    total = len(warnings)
    errors = int((warnings["status"].astype(object) == "ERROR").sum()) if total else 0
    title = f"{total:,} warnings, {errors:,} of them errors" if total else "No warnings"
    if len(kinds):
        title += (
            f"; most frequent: {labels[kinds['count'].to_numpy().argmax()]} ({int(kinds['count'].max()):,})"
        )
    return theme.apply(figure, title, "occurrences", "")
