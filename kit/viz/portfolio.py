"""Portfolio figures: the TIME view, lifecycle per type, end of life ahead (plain ``go.Figure``, no fetching).

Each takes the frames ``ws.factsheets``/``ws.lifecycles``/``ws.relations`` return and states its finding
in the title, so a reader of a report sees the answer before the chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kit import inventory
from kit.inventory import NOT_SET
from kit.viz import theme

__all__ = ["CRITICALITY_COLOURS", "end_of_life_timeline", "jitter", "lifecycle_stacked", "time_view"]

# Business criticality from least (light) to most critical (dark red); not set is grey.
CRITICALITY_COLOURS = {
    "administrativeService": "#fdd49e",
    "businessOperational": "#fc8d59",
    "businessCritical": "#d7301f",
    "missionCritical": "#7f0000",
    NOT_SET: theme.NOT_SET_COLOUR,
}
_QUADRANT_PLACES = {  # (x, y) in fit levels: low functional left, low technical at the bottom
    "Tolerate": (0, 1),
    "Invest": (1, 1),
    "Migrate": (1, 0),
    "Eliminate": (0, 0),
}
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def jitter(count: int, radius: float = 0.3) -> list[tuple[float, float]]:
    """``count`` distinct offsets within ``radius`` of (0, 0), on a sunflower spiral, so that bubbles of
    equal fit do not hide each other; deterministic, so a report looks the same on every run."""
    if count <= 1:
        return [(0.0, 0.0)] * count
    return [
        (
            radius * math.sqrt((i + 0.5) / count) * math.cos(i * _GOLDEN_ANGLE),
            radius * math.sqrt((i + 0.5) / count) * math.sin(i * _GOLDEN_ANGLE),
        )
        for i in range(count)
    ]


def _levels(frame: pd.DataFrame, column: str, default: tuple[str, ...]) -> list[str]:
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return list(default)


def time_view(applications: pd.DataFrame) -> go.Figure:
    """Functional fit (x) against technical fit (y), one bubble per application, coloured by business
    criticality, the four TIME quadrants named (Gartner: Tolerate, Invest, Migrate, Eliminate).

    Applications without both fits are left out and counted in the title. Bubbles of equal fit are spread
    around their cell's centre (see :func:`jitter`); hover shows the name, both fits and the criticality.
    """
    classes = inventory.time_quadrants(applications)
    functional = _levels(applications, "functionalSuitability", inventory.FUNCTIONAL_FIT)
    technical = _levels(applications, "technicalSuitability", inventory.TECHNICAL_FIT)
    rated = classes[classes["quadrant"].notna().to_numpy(dtype=bool)].copy()
    x = rated["functional_level"].astype("float64").to_numpy().copy()
    y = rated["technical_level"].astype("float64").to_numpy().copy()
    cells = rated.groupby(["functional_level", "technical_level"], sort=False).indices
    for rows in cells.values():
        for row, (dx, dy) in zip(rows, jitter(len(rows)), strict=True):
            x[row] += dx
            y[row] += dy
    rated["x"], rated["y"] = x, y
    if "businessCriticality" in rated.columns:
        criticality = rated["businessCriticality"].astype(object).where(rated["businessCriticality"].notna())
        order = _levels(applications, "businessCriticality", tuple(CRITICALITY_COLOURS)[:-1])
    else:
        criticality, order = pd.Series([None] * len(rated), index=rated.index, dtype=object), []
    rated["criticality"] = criticality.fillna(NOT_SET)
    figure = go.Figure()
    for level in [*order, NOT_SET]:
        group = rated[(rated["criticality"] == level).to_numpy(dtype=bool)]
        if group.empty:
            continue
        hover = [
            f"<b>{name}</b><br>Functional fit: {theme.label(f)}<br>Technical fit: {theme.label(t)}"
            f"<br>Business criticality: {theme.label(level)}<br>TIME: {q}"
            for name, f, t, q in zip(
                group["name"],
                group["functionalSuitability"],
                group["technicalSuitability"],
                group["quadrant"],
                strict=True,
            )
        ]
        figure.add_trace(
            go.Scatter(
                x=group["x"].round(3).to_list(),
                y=group["y"].round(3).to_list(),
                mode="markers",
                name=theme.label(level),
                marker={
                    "size": 14,
                    "color": CRITICALITY_COLOURS.get(level, theme.PALETTE[len(figure.data) % 8]),
                    "line": {"width": 1, "color": "white"},
                    "opacity": 0.9,
                },
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    mid_x, mid_y = len(functional) / 2 - 0.5, len(technical) / 2 - 0.5
    for quadrant, (qx, qy) in _QUADRANT_PLACES.items():
        figure.add_annotation(
            x=-0.45 if qx == 0 else len(functional) - 0.55,
            y=-0.45 if qy == 0 else len(technical) - 0.55,
            xanchor="left" if qx == 0 else "right",
            yanchor="bottom" if qy == 0 else "top",
            text=f"<b>{quadrant}</b>",
            showarrow=False,
            font={"size": 15, "color": "#666"},
        )
    figure.add_vline(x=mid_x, line={"color": "#999", "dash": "dot"})
    figure.add_hline(y=mid_y, line={"color": "#999", "dash": "dot"})
    figure.update_xaxes(
        tickvals=list(range(len(functional))),
        ticktext=[theme.label(v) for v in functional],
        range=[-0.5, len(functional) - 0.5],
        zeroline=False,
        showgrid=False,
    )
    figure.update_yaxes(
        tickvals=list(range(len(technical))),
        ticktext=[theme.label(v) for v in technical],
        range=[-0.5, len(technical) - 0.5],
        zeroline=False,
        showgrid=False,
    )
    figure.update_layout(legend_title_text="Business criticality", height=560)
    eliminate = int((rated["quadrant"] == "Eliminate").sum())
    title = f"{eliminate} of {len(rated)} rated applications to eliminate"
    unrated = len(classes) - len(rated)
    if unrated:
        title += f" ({unrated} without both fit ratings)"
    return theme.apply(figure, title, "Functional fit", "Technical fit")


def lifecycle_stacked(frames: Mapping[str, pd.DataFrame]) -> go.Figure:
    """One bar per type, stacked by current lifecycle phase in LeanIX's order and colours.

    Types without a ``lifecycle`` column are left out. Hover: type, phase, count and share of the type.
    """
    counts: dict[str, pd.Series] = {}
    for type_name, frame in frames.items():
        if "lifecycle" in frame.columns and len(frame):
            counts[type_name] = inventory.value_counts(frame, "lifecycle")
    table = pd.DataFrame(counts).T.reindex(columns=list(theme.PHASES)).fillna(0).astype("int64")
    totals = table.sum(axis=1)
    labels = [theme.type_label(t) for t in table.index]
    figure = go.Figure()
    for phase in theme.PHASES:
        values = table[phase] if len(table) else pd.Series(dtype="int64")
        if not values.any():
            continue
        hover = [
            f"<b>{type_}</b><br>{theme.PHASE_LABELS[phase]}: {n:,} of {total:,} ({theme.share(n / total)})"
            for type_, n, total in zip(labels, values, totals, strict=True)
        ]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=values.to_list(),
                name=theme.PHASE_LABELS[phase],
                marker_color=theme.PHASE_COLOURS[phase],
                # the count inside segments tall enough to hold it; the whole story on hover
                text=[
                    f"{n:,}" if total and n / total >= 0.06 else ""
                    for n, total in zip(values, totals, strict=True)
                ],
                textposition="inside",
                insidetextanchor="middle",
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    figure.update_layout(barmode="stack", legend_title_text="Lifecycle phase", legend_traceorder="normal")
    retiring = int(table[["phaseOut", "endOfLife"]].to_numpy().sum()) if len(table) else 0
    total = int(totals.sum())
    title = f"{retiring} of {total:,} fact sheets are phasing out or at end of life"
    return theme.apply(figure, title, "Fact sheet type", "Fact sheets")


def end_of_life_timeline(
    applications: pd.DataFrame,
    it_components: pd.DataFrame,
    relations: pd.DataFrame,
    lifecycles: pd.DataFrame | Mapping[str, pd.DataFrame],
    months: int = 12,
    now: pd.Timestamp | None = None,
) -> go.Figure:
    """What reaches end of life in the next ``months`` months: applications, and the IT components under
    them, as points on a date axis, one row each, soonest at the top.

    ``relations`` is ``ws.relations("Application", "relApplicationToITComponent")`` (fromId, toId);
    ``lifecycles`` the long lifecycle frames of both types, as one frame or a mapping type → frame
    (``{t: ws.lifecycles(t) for t in ("Application", "ITComponent")}``). IT components count when at least
    one application of ``applications`` uses them; hover names those applications.
    """
    if not isinstance(lifecycles, pd.DataFrame):
        parts = [frame for frame in lifecycles.values() if len(frame)] or list(lifecycles.values())[:1]
        if not parts:
            raise ValueError("end_of_life_timeline: lifecycles is an empty mapping; pass ws.lifecycles(type)")
        lifecycles = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    apps = inventory.end_of_life_ahead(applications, lifecycles, months, now)
    comps = inventory.end_of_life_ahead(it_components, lifecycles, months, now)
    app_names = dict(zip(applications["id"].astype(str), applications["name"].astype(str), strict=True))
    users: dict[str, list[str]] = {}
    if len(relations):
        for app_id, comp_id in zip(
            relations["fromId"].astype(str), relations["toId"].astype(str), strict=True
        ):
            if app_id in app_names:
                users.setdefault(comp_id, []).append(app_names[app_id])
    comps = comps[comps["id"].astype(str).isin(users).to_numpy(dtype=bool)]
    figure = go.Figure()
    rows: list[tuple[pd.Timestamp, str]] = []
    for kind, frame, colour, symbol in (
        ("Application", apps, theme.PALETTE[0], "circle"),
        ("IT Component", comps, theme.PALETTE[1], "diamond"),
    ):
        if frame.empty:
            continue
        hover = []
        for fact_id, name, when, days in zip(
            frame["id"].astype(str), frame["name"], frame["end_of_life"], frame["days_left"], strict=True
        ):
            text = f"<b>{name}</b> ({kind})<br>End of life: {when:%Y-%m-%d} (in {days} days)"
            if kind == "IT Component":
                used = sorted(users[fact_id])
                more = f" and {len(used) - 5} more" if len(used) > 5 else ""
                text += f"<br>Used by {len(used)} application(s): {', '.join(used[:5])}{more}"
            hover.append(text)
        row_names = [f"{name} ({kind})" for name in frame["name"]]
        rows += list(zip(frame["end_of_life"], row_names, strict=True))
        figure.add_trace(
            go.Scatter(
                x=[f"{when:%Y-%m-%d}" for when in frame["end_of_life"]],
                y=row_names,
                mode="markers",
                name=kind,
                marker={"size": 13, "color": colour, "symbol": symbol},
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    order = [name for _, name in sorted(rows, key=lambda r: (r[0], r[1]))]
    until = now + pd.DateOffset(months=months)
    figure.update_yaxes(categoryorder="array", categoryarray=order[::-1], automargin=True)
    figure.update_xaxes(type="date", range=[f"{now:%Y-%m-%d}", f"{until:%Y-%m-%d}"], tickformat="%b %Y")
    figure.update_layout(height=max(320, 26 * len(order) + 160), legend_title_text="")
    title = (
        f"{len(apps)} application(s) and {len(comps)} IT component(s) in use reach end of life "
        f"by {until:%b %Y}"
    )
    return theme.apply(figure, title, "End of life", "")
