"""The threshold breaches of a KPI history, each with the fact sheets behind it (linked to the workspace).

``breaches_view(result, inventory)`` takes a ``KpiHistory`` and the ``Inventory`` of its latest snapshot and
returns an object that notebooks display as HTML; ``.sections`` holds the same content as data for tests and
for people who want the frames.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.tables import Links, table
from kit.viz.kpi_charts import _threshold_text, dimension_label, format_value

__all__ = ["BreachSection", "BreachesView", "breaches_view"]


@dataclass
class BreachSection:
    """One breached KPI: its lines (breakdown, value, threshold) and the fact sheets behind it."""

    kpi: str
    title: str
    lines: list[str]
    behind: pd.DataFrame | None
    total_behind: int = 0
    note: str = ""


@dataclass
class BreachesView:
    sections: list[BreachSection] = field(default_factory=list)
    date: str = ""
    links: Links | None = None  # where names link to (the snapshot's workspace), when known

    def __repr__(self) -> str:
        if not self.sections:
            return f"No KPI is outside its threshold on {self.date}."
        return "\n".join(f"{s.title}: " + "; ".join(s.lines) for s in self.sections)

    def _repr_html_(self) -> str:
        if not self.sections:
            return f"<p>No KPI is outside its threshold on {html.escape(self.date)}.</p>"
        parts = []
        for section in self.sections:
            parts.append(f"<h3>⚠ {html.escape(section.title)}</h3><ul>")
            parts += [f"<li>{html.escape(line)}</li>" for line in section.lines]
            parts.append("</ul>")
            if section.behind is not None and len(section.behind):
                shown = section.behind.drop(columns=["link"], errors="ignore")
                parts.append(table(shown, links=self.links).to_html())
                more = section.total_behind - len(section.behind)
                if more > 0:
                    parts.append(f"<p><em>and {more:,} more</em></p>")
            if section.note:
                parts.append(f"<p><em>{html.escape(section.note)}</em></p>")
        return "\n".join(parts)


def breaches_view(result: Any, inventory: Any, limit: int = 15) -> BreachesView:
    """Each KPI outside its threshold on the latest date, with at most ``limit`` fact sheets behind it (those
    of the breached breakdown when the breakdown is by type), names linked where the workspace is known."""
    breaches = result.breaches()
    latest = result.latest_date
    view = BreachesView(date=f"{latest:%Y-%m-%d}" if latest is not None else "", links=_links(inventory))
    for kpi, rows in breaches.groupby("kpi", sort=False):
        lines = []
        types = set()
        for row in rows.itertuples(index=False):
            where = dimension_label(row.dimensions)
            value = format_value(row.value, row.unit)
            limit_text = _threshold_text(row.threshold_min, row.threshold_max, row.unit)
            lines.append(f"{where + ': ' if where else ''}{value}, threshold {limit_text}")
            if str(row.dimensions).startswith("type="):
                types.add(str(row.dimensions).partition("=")[2].split("; ")[0])
        section = BreachSection(str(kpi), str(rows["title"].iloc[0]), lines, None)
        try:
            behind = result.behind(str(kpi), inventory)
        except Exception as exc:  # a KPI without a behind function still shows its breach
            section.note = str(exc)
        else:
            if types and "type" in behind.columns:
                behind = behind[behind["type"].astype(str).isin(types)]
            section.total_behind = len(behind)
            section.behind = _linked(behind.head(limit).reset_index(drop=True), inventory)
        view.sections.append(section)
    return view


def _linked(frame: pd.DataFrame, inventory: Any) -> pd.DataFrame:
    """``frame`` with a ``link`` column (the fact sheet's address in the workspace, or None)."""
    if "id" not in frame.columns:
        return frame
    return frame.assign(link=[inventory.link(str(i)) for i in frame["id"]])


def _links(inventory: Any) -> Links | None:
    """Links to the workspace the inventory's snapshot was taken from, when it knows its host and name."""
    source = getattr(inventory, "source", None)
    host, name = getattr(source, "host", None), getattr(source, "name", None)
    return Links(str(host), str(name)) if host and name else None
