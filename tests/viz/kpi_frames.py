"""Hand-made frames in the shapes of docs/metrics.md §2-3 (``KpiHistory.values`` and ``.table()``).

Written without ``kit.metrics``: the values are literals below, and the table is derived from them by the
rules of §3 in plain pandas (latest, the date before it, the month-ago date fixed by hand).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

DATES = ["2026-08-01", "2026-09-01", "2026-10-01", "2026-10-31", "2026-11-01"]
PREVIOUS, MONTH_AGO, LATEST = "2026-10-31", "2026-10-01", "2026-11-01"

# name: (title, unit, higher_is_better, threshold_min, threshold_max, {dimensions: values per date})
KPIS: dict[str, tuple[str, str, bool | None, float | None, float | None, dict[str, list[float | None]]]] = {
    "applications_past_end_of_life": (
        "Applications past end of life",
        "share",
        False,
        None,
        0.05,
        {"": [0.08, 0.09, 0.10, 0.113, 0.123]},
    ),
    "fact_sheets": (
        "Fact sheets",
        "count",
        None,
        None,
        None,
        {
            "": [1900, 1950, 1990, 2000, 2012],
            **{
                f"type={name}": [size - 4, size - 3, size - 2, size - 1, size]
                for name, size in zip(
                    [
                        "Application",
                        "ITComponent",
                        "Interface",
                        "BusinessCapability",
                        "Project",
                        "DataObject",
                        "Provider",
                        "UserGroup",
                        "Process",
                        "TechnicalStack",
                    ],
                    [600, 500, 300, 200, 150, 100, 60, 50, 30, 22],
                    strict=True,
                )
            },
        },
    ),
    "completion": (
        "Average completion",
        "score",
        True,
        0.8,
        None,
        {
            "": [0.70, 0.72, 0.75, 0.78, 0.77],
            "type=Application; lifecycle=active": [0.8, 0.81, 0.82, 0.83, 0.85],
        },
    ),
    "interfaces_per_application": (
        "Interfaces per application",
        "ratio",
        True,
        None,
        None,
        {"": [1.1, 1.15, 1.2, None, 1.3]},
    ),
    "days_since_update": (
        "Days since the last update",
        "days",
        False,
        None,
        60.0,
        {"": [40.0, 42.0, 41.0, 45.0, 44.6]},
    ),
}


def _breached(value: float | None, low: float | None, high: float | None) -> bool:
    if value is None:
        return False
    return (low is not None and value < low) or (high is not None and value > high)


def values_frame() -> pd.DataFrame:
    """``KpiHistory.values``: one row per date, KPI and dimension value, sorted by date, kpi, dimensions."""
    rows: list[dict[str, Any]] = []
    for name, (title, unit, hib, low, high, series) in KPIS.items():
        for dimensions, values in series.items():
            for date, value in zip(DATES, values, strict=True):
                rows.append(
                    {
                        "date": pd.Timestamp(date),
                        "kpi": name,
                        "title": title,
                        "unit": unit,
                        "dimensions": dimensions,
                        "value": value,
                        "higher_is_better": hib,
                        "threshold_min": low,
                        "threshold_max": high,
                        "breached": _breached(value, low, high),
                    }
                )
    frame = pd.DataFrame(rows)
    frame = frame.astype(
        {
            "date": "datetime64[ns]",
            "kpi": "string",
            "title": "string",
            "unit": "string",
            "dimensions": "string",
            "value": "Float64",
            "higher_is_better": "boolean",
            "threshold_min": "Float64",
            "threshold_max": "Float64",
            "breached": "boolean",
        }
    )
    return frame.sort_values(["date", "kpi", "dimensions"], ignore_index=True)


def table_frame() -> pd.DataFrame:
    """``KpiHistory.table()`` on 2026-11-01 (previous 2026-10-31, a month ago 2026-10-01)."""
    rows: list[dict[str, Any]] = []
    for name, (title, unit, hib, low, high, series) in KPIS.items():
        for dimensions, values in series.items():
            value, previous, month_ago = values[-1], values[-2], values[2]
            delta = None if value is None or previous is None else value - previous
            delta_month = None if value is None or month_ago is None else value - month_ago
            improved = None if hib is None or delta is None or delta == 0 else (delta > 0) == hib
            rows.append(
                {
                    "kpi": name,
                    "title": title,
                    "unit": unit,
                    "dimensions": dimensions,
                    "value": value,
                    "previous_date": pd.Timestamp(PREVIOUS),
                    "previous": previous,
                    "delta": delta,
                    "month_ago_date": pd.Timestamp(MONTH_AGO),
                    "month_ago": month_ago,
                    "delta_month": delta_month,
                    "higher_is_better": hib,
                    "threshold_min": low,
                    "threshold_max": high,
                    "breached": _breached(value, low, high),
                    "improved": improved,
                    "trend": [float("nan") if v is None else float(v) for v in values],
                }
            )
    frame = pd.DataFrame(rows)
    return frame.astype(
        {
            "kpi": "string",
            "title": "string",
            "unit": "string",
            "dimensions": "string",
            "value": "Float64",
            "previous": "Float64",
            "delta": "Float64",
            "month_ago": "Float64",
            "delta_month": "Float64",
            "higher_is_better": "boolean",
            "threshold_min": "Float64",
            "threshold_max": "Float64",
            "breached": "boolean",
            "improved": "boolean",
        }
    )
