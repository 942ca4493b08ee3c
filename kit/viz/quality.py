"""Data quality figures: completeness heat map, ownership coverage, relation gaps (plain ``go.Figure``).

The numbers come from :mod:`kit.quality`; these builders only draw them, with the finding in the title.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kit import quality
from kit.formatting import field_label
from kit.viz import theme

__all__ = ["data_quality_heatmap", "ownership_coverage", "relation_gaps"]

# Red (nothing filled) over yellow to green (all filled), as share in percent.
_COMPLETENESS_SCALE = [[0.0, "#d73027"], [0.5, "#fee08b"], [1.0, "#1a9850"]]


def data_quality_heatmap(frames: Mapping[str, pd.DataFrame], fields: list[str] | None = None) -> go.Figure:
    """Share of fact sheets with each field filled, type (rows) x field (columns), and a last column
    ``fully documented`` (every measured field filled). A field a type lacks is an empty cell ("not a
    field of this type" on hover)."""
    table = quality.completeness(frames, fields)
    columns = [field_label(c) if c != quality.FULLY_DOCUMENTED else "Fully documented" for c in table.columns]
    rows = [theme.type_label(t) for t in table.index]
    z, text, hover = [], [], []
    for type_name, label in zip(table.index, rows, strict=True):
        values = table.loc[type_name]
        z.append([None if pd.isna(v) else round(float(v) * 100, 1) for v in values])
        text.append(["" if pd.isna(v) else theme.share(v) for v in values])
        hover.append(
            [
                f"<b>{label}</b><br>{column}: "
                + ("not a field of this type" if pd.isna(v) else f"{theme.share(v)} filled")
                for column, v in zip(columns, values, strict=True)
            ]
        )
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=_COMPLETENESS_SCALE,
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "% filled"}, "ticksuffix": "%"},
            xgap=2,
            ygap=2,
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=max(300, 45 * len(rows) + 160))
    total = sum(len(frame) for frame in frames.values())
    documented = sum(
        round(float(share) * len(frames[str(t)]))
        for t, share in table[quality.FULLY_DOCUMENTED].items()
        if not pd.isna(share)
    )
    title = f"{documented:,} of {total:,} fact sheets fully documented"
    cells = [
        (float(v), str(t), str(f))
        for t, row in table.drop(columns=quality.FULLY_DOCUMENTED).iterrows()
        for f, v in row.items()
        if not pd.isna(v)
    ]
    if cells:
        value, type_name, field = min(cells, key=lambda c: c[0])
        title += f"; least filled: {theme.type_label(type_name)} {field_label(field).lower()} ({theme.share(value)})"
    return theme.apply(figure, title, "Field", "Fact sheet type")


def ownership_coverage(
    frames: Mapping[str, pd.DataFrame], subscriptions: Mapping[str, pd.DataFrame], role: str = "RESPONSIBLE"
) -> go.Figure:
    """Per type, the share of fact sheets with a subscriber of type ``role`` (RESPONSIBLE: an owner), as
    horizontal bars with owned/total on hover; types without a subscriptions frame are left out."""
    table = quality.ownership(frames, subscriptions, role)
    table = table[table["share"].notna().to_numpy(dtype=bool)].sort_values("share", kind="stable")
    labels = [theme.type_label(t) for t in table.index]
    hover = [
        f"<b>{label}</b><br>{owned:,} of {n:,} with a {role.lower()} subscriber ({theme.share(s)})"
        for label, owned, n, s in zip(
            labels, table["owned"], table["fact_sheets"], table["share"], strict=True
        )
    ]
    figure = go.Figure(
        go.Bar(
            x=[round(float(s) * 100, 1) for s in table["share"]],
            y=labels,
            orientation="h",
            marker_color=theme.BAR_COLOUR,
            text=[theme.share(s) for s in table["share"]],
            textposition="auto",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.update_xaxes(range=[0, 100], ticksuffix="%")
    figure.update_layout(height=max(260, 40 * len(labels) + 140))
    owned, total = int(table["owned"].sum()), int(table["fact_sheets"].sum())
    title = f"{owned:,} of {total:,} fact sheets have a {role.lower()} subscriber"
    if total:
        title += f" ({theme.share(owned / total)})"
    return theme.apply(figure, title, f"Share with a {role.lower()} subscriber", "")


def relation_gaps(
    applications: pd.DataFrame,
    relations: Mapping[str, pd.DataFrame] | pd.DataFrame,
    checks: Mapping[str, str] | None = None,
) -> go.Figure:
    """How many applications lack each expected relation (default: a business capability, an IT
    component), as horizontal bars; hover names up to 10 of them."""
    gaps = quality.relation_gaps(applications, relations, checks)
    labels = [f"Applications {gap}" for gap in gaps["gap"]]
    hover = []
    for label, count, share, names in zip(
        labels, gaps["applications"], gaps["share"], gaps["names"], strict=True
    ):
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        hover.append(f"<b>{label}</b>: {count:,} ({theme.share(share)})" + (f"<br>{listed}" if names else ""))
    figure = go.Figure(
        go.Bar(
            x=gaps["applications"].to_list(),
            y=labels,
            orientation="h",
            marker_color=theme.PALETTE[5],
            text=[
                f"{n:,} ({theme.share(s)})" for n, s in zip(gaps["applications"], gaps["share"], strict=True)
            ],
            textposition="auto",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    figure.update_xaxes(range=[0, max(1, len(applications))])
    figure.update_layout(height=max(240, 50 * len(labels) + 140))
    if len(gaps):
        parts = [f"{n:,} {gap}" for n, gap in zip(gaps["applications"], gaps["gap"], strict=True)]
        title = f"Of {len(applications):,} applications, " + " and ".join(parts)
    else:
        title = "No relations measured"
    return theme.apply(figure, title, "Applications", "")
