"""Plotly figures for run health (``kit.health``): plain ``go.Figure``, no widgets, no data fetching."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kit.viz.charts import _layout

__all__ = ["STATUS_COLOURS", "durations_by_connector", "status_per_day"]

# Fixed per status, so a colour means the same thing in every report.
STATUS_COLOURS = {"OK": "#2ca02c", "INFO": "#1f77b4", "WARNING": "#ff7f0e", "ERROR": "#d62728"}


def status_per_day(daily: pd.DataFrame) -> go.Figure:
    """Stacked bars of synchronizations per day, one trace per status, from ``kit.health.daily_status``."""
    figure = go.Figure()
    days = daily.index.to_list()
    for status, colour in STATUS_COLOURS.items():
        counts = daily[status] if status in daily.columns else pd.Series(0, index=daily.index)
        figure.add_trace(go.Bar(x=days, y=counts.astype("int64").to_list(), name=status, marker_color=colour))
    figure.update_layout(barmode="stack", legend_title_text="status")
    return _layout(figure, "Synchronizations per day by status", "day (UTC)", "synchronizations")


def durations_by_connector(synclog: pd.DataFrame) -> go.Figure:
    """Box plot of run durations in minutes, one box per connector (``name``), connectors by name.

    Synchronizations without a duration (not finished) or without a connector name are left out.
    """
    figure = go.Figure()
    if len(synclog):
        minutes = pd.to_timedelta(synclog["duration"]).dt.total_seconds() / 60
        frame = pd.DataFrame({"name": synclog["name"].astype(object), "minutes": minutes.astype("float64")})
        frame = frame.dropna()
        for name, group in frame.groupby("name", sort=True):
            figure.add_trace(go.Box(y=group["minutes"].to_list(), name=str(name), boxpoints="outliers"))
    figure.update_layout(showlegend=False)
    return _layout(figure, "Run duration by connector", "connector", "duration (minutes)")
