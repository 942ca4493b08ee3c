"""Plotly figures for inventory frames (``kit.inventory``): plain ``go.Figure``, no widgets, no data fetching."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

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
    ordered = overview["fact_sheets"].sort_values()
    figure = go.Figure(
        go.Bar(x=ordered.to_list(), y=ordered.index.to_list(), orientation="h", marker_color=BAR_COLOUR)
    )
    figure.update_layout(height=max(250, 40 * len(ordered) + 120))
    return _layout(figure, "Fact sheets per type", "fact sheets", "")


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
    """Distribution of the completion score (0..1) per type, as box plots."""
    figure = go.Figure()
    for type_name, frame in frames.items():
        if "completion" in frame.columns and len(frame):
            values = frame["completion"].astype("float64").dropna()
            figure.add_trace(go.Box(y=values.to_list(), name=type_name, boxmean=True))
    figure.update_yaxes(range=[0, 1])
    return _layout(figure, "Completion per type", "", "completion")


def fill_rates_chart(rates: pd.DataFrame, title: str = "Fields filled") -> go.Figure:
    """Horizontal bars of ``kit.inventory.fill_rates``: least filled field at the top."""
    ordered = rates.iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=(ordered["fill_rate"].astype("float64") * 100).round(1).to_list(),
            y=ordered["column"].to_list(),
            orientation="h",
            marker_color=BAR_COLOUR,
            customdata=ordered[["filled", "missing"]].to_numpy().tolist(),
            hovertemplate="%{y}: %{x}% filled (%{customdata[0]} filled, %{customdata[1]} missing)<extra></extra>",
        )
    )
    figure.update_xaxes(range=[0, 100])
    figure.update_layout(height=max(300, 22 * len(rates) + 120))
    return _layout(figure, title, "% of fact sheets with a value", "")
