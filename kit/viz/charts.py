"""Plotly figures for inventory frames (``kit.inventory``): plain ``go.Figure``, no widgets, no data fetching."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kit.formatting import field_label
from kit.inventory import NOT_SET
from kit.inventory import value_counts as _value_counts
from kit.viz import theme
from kit.viz.theme import BAR_COLOUR, NOT_SET_COLOUR

__all__ = [
    "BAR_COLOUR",
    "NOT_SET_COLOUR",
    "completion_by_type",
    "fill_rates_chart",
    "type_counts",
    "value_counts",
]


def _layout(figure: go.Figure, title: str, x: str, y: str) -> go.Figure:
    """The kit's figure style: :func:`kit.viz.theme.apply` (kept for callers of the old name)."""
    return theme.apply(figure, title, x, y)


def type_counts(overview: pd.DataFrame) -> go.Figure:
    """Fact sheets per type (horizontal bars), from ``kit.inventory.overview``."""
    ordered = overview["fact_sheets"].sort_values(kind="stable")
    labels = [theme.type_label(t) for t in ordered.index]
    figure = go.Figure(
        go.Bar(
            x=ordered.to_list(),
            y=labels,
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[f"{n:,}" for n in ordered],
            textposition="auto",
            hovertemplate="%{y}: %{x:,} fact sheets<extra></extra>",
        )
    )
    figure.update_layout(height=max(250, 40 * len(ordered) + 120))
    total = int(ordered.sum())
    title = f"{total:,} fact sheets of {len(ordered)} types"
    if len(ordered):
        title += f"; most are {labels[-1]} ({ordered.iloc[-1]:,})"
    return _layout(figure, title, "Fact sheets", "")


def value_counts(frame: pd.DataFrame, column: str, title: str | None = None) -> go.Figure:
    """How often each value of ``column`` occurs, in the field's declared order; missing values in grey."""
    counts = _value_counts(frame, column)
    lifecycle = set(counts.index) <= set(theme.PHASES)
    colours = [
        theme.PHASE_COLOURS[name] if lifecycle else NOT_SET_COLOUR if name == NOT_SET else BAR_COLOUR
        for name in counts.index
    ]
    figure = go.Figure(go.Bar(x=counts.index.to_list(), y=counts.to_list(), marker_color=colours))
    kind = frame["type"].iloc[0] if "type" in frame.columns and len(frame) else "fact sheets"
    return _layout(figure, title or f"{kind}: {column}", column, "fact sheets")


def completion_by_type(frames: Mapping[str, pd.DataFrame]) -> go.Figure:
    """Distribution of the completion score (0..1) per type, as box plots; the title names the type with the
    lowest median."""
    figure = go.Figure()
    medians: dict[str, float] = {}
    for type_name, frame in frames.items():
        if "completion" in frame.columns and len(frame):
            values = frame["completion"].astype("float64").dropna()
            label = theme.type_label(type_name)
            medians[label] = float(values.median()) if len(values) else float("nan")
            figure.add_trace(
                go.Box(y=values.to_list(), name=label, boxmean=True, hovertemplate="%{y:.0%}<extra></extra>")
            )
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%")
    known = {k: v for k, v in medians.items() if v == v}
    title = "Completion per type"
    if known:
        lowest = min(known, key=lambda k: known[k])
        title = f"Completion per type: lowest median {theme.share(known[lowest])} ({lowest})"
    return _layout(figure, title, "", "Completion")


def fill_rates_chart(rates: pd.DataFrame, title: str = "Fields filled") -> go.Figure:
    """Horizontal bars of ``kit.inventory.fill_rates``: least filled field at the top, fields by their labels.

    ``title`` starts the figure's title; how many fields are filled on fewer than half the fact sheets
    follows it."""
    ordered = rates.iloc[::-1]
    labels = [field_label(c) for c in ordered["column"]]
    figure = go.Figure(
        go.Bar(
            x=(ordered["fill_rate"].astype("float64") * 100).round(1).to_list(),
            y=labels,
            orientation="h",
            marker_color=BAR_COLOUR,
            customdata=ordered[["filled", "missing"]].to_numpy().tolist(),
            hovertemplate="%{y}: %{x}% filled (%{customdata[0]} filled, %{customdata[1]} missing)<extra></extra>",
        )
    )
    figure.update_xaxes(range=[0, 100], ticksuffix="%")
    figure.update_layout(height=max(300, 22 * len(rates) + 120))
    sparse = int((rates["fill_rate"].astype("float64") < 0.5).sum())
    if len(rates):
        title += f": {sparse} of {len(rates)} fields filled on fewer than half"
    return _layout(figure, title, "Fact sheets with a value", "")
