"""KPI values over time and what a review reads from them: :class:`KpiHistory` (docs/metrics.md §3)."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.frame import as_frame
from kit.metrics.catalogue import Catalogue
from kit.metrics.defaults import add_months
from kit.metrics.evaluate import COLUMNS
from kit.metrics.kpi import KpiError

if TYPE_CHECKING:
    from kit.metrics.inventory import Inventory

__all__ = ["TABLE_COLUMNS", "KpiHistory"]

TABLE_COLUMNS = [
    "kpi",
    "title",
    "unit",
    "dimensions",
    "value",
    "previous_date",
    "previous",
    "delta",
    "month_ago_date",
    "month_ago",
    "delta_month",
    "higher_is_better",
    "threshold_min",
    "threshold_max",
    "breached",
    "improved",
    "trend",
]


class KpiHistory:
    """The values of a catalogue's KPIs on every date of a history (or on one date of one source).

    ``values`` is the long frame of docs/metrics.md §2 over all dates, sorted by date, kpi and dimensions;
    ``workspace`` the workspace's name when known.
    """

    def __init__(self, values: pd.DataFrame, catalogue: Catalogue, workspace: str | None = None) -> None:
        missing = [c for c in COLUMNS if c not in values.columns]
        if missing:
            raise KpiError(
                f"KpiHistory needs the frame metrics.evaluate returns; it lacks {', '.join(missing)}."
            )
        self.values = values.sort_values(["date", "kpi", "dimensions"], kind="stable").reset_index(drop=True)
        self.catalogue = catalogue
        self.workspace = workspace

    def __repr__(self) -> str:
        dates = self.dates
        span = f"{dates[0].date()} .. {dates[-1].date()}" if dates else "no dates"
        return f"KpiHistory({len(self.catalogue)} KPIs, {len(dates)} dates: {span})"

    @property
    def dates(self) -> list[pd.Timestamp]:
        return [pd.Timestamp(d) for d in sorted(self.values["date"].unique())]

    @property
    def latest_date(self) -> dt.date | None:
        dates = self.dates
        return dates[-1].date() if dates else None

    def table(self) -> pd.DataFrame:
        """One row per KPI and dimension on the latest date, beside the previous date and a month ago."""
        dates = self.dates
        if not dates:
            return as_frame(pd.DataFrame({c: [] for c in TABLE_COLUMNS}))
        latest = dates[-1]
        previous_date = dates[-2] if len(dates) > 1 else pd.NaT
        target = pd.Timestamp(add_months(latest.date(), -1))
        earlier = [d for d in dates if d <= target]
        month_ago_date = earlier[-1] if earlier else pd.NaT
        by_key = self.values.set_index(["kpi", "dimensions", "date"])["value"]
        lookup: dict[Any, Any] = by_key.to_dict()
        current = self.values[self.values["date"] == latest]
        order = {name: i for i, name in enumerate(self.catalogue.names)}
        current = current.assign(_order=current["kpi"].map(lambda k: order.get(k, len(order))))
        current = current.sort_values(["_order", "kpi", "dimensions"], kind="stable")
        rows = []
        for row in current.itertuples(index=False):
            key = (row.kpi, row.dimensions)
            value = _float(row.value)
            previous = _float(lookup.get((*key, previous_date))) if previous_date is not pd.NaT else math.nan
            month_ago = (
                _float(lookup.get((*key, month_ago_date))) if month_ago_date is not pd.NaT else math.nan
            )
            delta = value - previous
            hib = row.higher_is_better
            improved = None if hib is pd.NA or math.isnan(delta) else (delta > 0 if hib else delta < 0)
            rows.append(
                {
                    "kpi": row.kpi,
                    "title": row.title,
                    "unit": row.unit,
                    "dimensions": row.dimensions,
                    "value": value,
                    "previous_date": previous_date,
                    "previous": previous,
                    "delta": delta,
                    "month_ago_date": month_ago_date,
                    "month_ago": month_ago,
                    "delta_month": value - month_ago,
                    "higher_is_better": hib,
                    "threshold_min": row.threshold_min,
                    "threshold_max": row.threshold_max,
                    "breached": row.breached,
                    "improved": improved,
                    "trend": [_float(lookup.get((*key, d))) for d in dates],
                }
            )
        table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
        floats = ("value", "previous", "delta", "month_ago", "delta_month", "threshold_min", "threshold_max")
        table = table.astype(
            {c: "Float64" for c in floats}
            | {c: "string" for c in ("kpi", "title", "unit", "dimensions")}
            | {"previous_date": "datetime64[ns]", "month_ago_date": "datetime64[ns]"}
            | {c: "boolean" for c in ("higher_is_better", "breached", "improved")}
        )
        return as_frame(table.reset_index(drop=True))

    def series(self, kpi: str, dimensions: str = "") -> pd.Series:
        """One KPI's values over the dates, indexed by date (``dimensions`` as in the table)."""
        if kpi not in set(self.values["kpi"]):
            raise KpiError(
                f"There is no KPI {kpi!r} in this history; it has {', '.join(self.catalogue.names)}."
            )
        rows = self.values[(self.values["kpi"] == kpi) & (self.values["dimensions"] == dimensions)]
        if rows.empty:
            known = sorted(set(self.values.loc[self.values["kpi"] == kpi, "dimensions"]))
            raise KpiError(f"KPI {kpi!r} has no values for dimensions {dimensions!r}; it has: {known}.")
        return pd.Series(
            rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"], name="date"), name=kpi
        )

    def movers(self, n: int = 10) -> pd.DataFrame:
        """The table's rows that moved most since a month ago: share and score KPIs by absolute change,
        the others by change relative to the month-ago value; totals and one-dimension rows only."""
        table = self.table()
        if table.empty:
            return table
        first_level = ~table["dimensions"].str.contains("; ", regex=False).fillna(False)
        moved = table[first_level & table["delta_month"].notna() & (table["delta_month"] != 0)].copy()
        absolute = moved["unit"].isin(["share", "score"])
        change = moved["delta_month"].astype(float).abs()
        base = moved["month_ago"].astype(float).abs()
        relative = (change / base).where(base > 0, math.inf)
        moved["_size"] = change.where(absolute, relative)
        moved = moved.sort_values("_size", ascending=False, kind="stable").head(n)
        return moved.drop(columns="_size").reset_index(drop=True)

    def breaches(self) -> pd.DataFrame:
        """The table's rows whose value is outside the KPI's threshold."""
        table = self.table()
        return table[table["breached"].fillna(False).astype(bool)].reset_index(drop=True)

    def behind(self, kpi: str, inventory: Inventory) -> pd.DataFrame:
        """The fact sheets behind a KPI in ``inventory`` (the latest snapshot's, or a live workspace's)."""
        declared = self.catalogue[kpi]
        if declared.behind is None:
            raise KpiError(
                f"KPI {kpi!r} declares no behind function; there is no list of fact sheets for it."
            )
        try:
            return declared.behind(inventory)
        except KpiError:
            raise
        except Exception as exc:
            raise KpiError(f"KPI {kpi!r}: its behind function failed: {type(exc).__name__}: {exc}") from exc


def _float(value: Any) -> float:
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    return float(value)
