"""The files a metrics report leaves next to itself: ``kpis.json`` and ``kpis.csv`` (docs/metrics.md §4)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from kit.formatting import kpi_value as format_value
from kit.metrics.evaluate import parse_dimensions
from kit.metrics.table import KpiHistory
from kit.outputs import OutputError, atomic_file, check_output_file

__all__ = ["format_value", "write_kpi_files"]

FORMAT = 1


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _flag(value: Any) -> bool | None:
    return None if value is None or value is pd.NA else bool(value)


def _message(row: Any) -> str:
    title = row["title"] + (f" ({row['dimensions']})" if row["dimensions"] else "")
    value, unit = float(row["value"]), row["unit"]
    low, high = _num(row["threshold_min"]), _num(row["threshold_max"])
    if high is not None and value > high:
        return f"{title} is {format_value(value, unit)}, above the threshold of {format_value(high, unit)}"
    return f"{title} is {format_value(value, unit)}, below the threshold of {format_value(low or 0.0, unit)}"


def write_kpi_files(
    kpi_history: KpiHistory, folder: str | os.PathLike[str] | None = None, workspace: str | None = None
) -> dict[str, Path]:
    """Write ``kpis.json`` and ``kpis.csv`` of the latest date into ``folder`` (default: the environment's
    ``LXKIT_OUTPUT_DIR``, else the current folder), each atomically; returns ``{"json": ..., "csv": ...}``."""
    target = Path(folder if folder is not None else os.environ.get("LXKIT_OUTPUT_DIR") or ".")
    if not target.is_dir():
        raise OutputError(f"{target}: no such folder for the KPI files; create it or pass folder=...")
    json_path = check_output_file(target / "kpis.json", suffixes=[".json"])
    csv_path = check_output_file(target / "kpis.csv", suffixes=[".csv"])
    table = kpi_history.table()
    catalogue = kpi_history.catalogue
    kpis, alerts = [], []
    for _, row in table.iterrows():
        name = str(row["kpi"])
        threshold = (
            None
            if _num(row["threshold_min"]) is None and _num(row["threshold_max"]) is None
            else {"min": _num(row["threshold_min"]), "max": _num(row["threshold_max"])}
        )
        dims = parse_dimensions(str(row["dimensions"]))
        previous = _day(row["previous_date"])
        month_ago = _day(row["month_ago_date"])
        kpis.append(
            {
                "name": name,
                "title": str(row["title"]),
                "description": catalogue[name].description if name in catalogue else "",
                "unit": str(row["unit"]),
                "higherIsBetter": _flag(row["higher_is_better"]),
                "dimensions": dims,
                "value": _num(row["value"]),
                "previous": None
                if previous is None
                else {"date": previous, "value": _num(row["previous"]), "delta": _num(row["delta"])},
                "monthAgo": None
                if month_ago is None
                else {"date": month_ago, "value": _num(row["month_ago"]), "delta": _num(row["delta_month"])},
                "threshold": threshold,
                "breached": bool(row["breached"]),
            }
        )
        if bool(row["breached"]):
            alerts.append(
                {
                    "kpi": name,
                    "title": str(row["title"]),
                    "dimensions": dims,
                    "value": _num(row["value"]),
                    "threshold": threshold,
                    "message": _message(row),
                }
            )
    latest = kpi_history.latest_date
    document = {
        "format": FORMAT,
        "date": latest.isoformat() if latest else None,
        "workspace": workspace if workspace is not None else kpi_history.workspace,
        "kpis": kpis,
        "alerts": alerts,
    }
    with atomic_file(json_path) as work:
        work.write_text(json.dumps(document, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    flat = table.drop(columns="trend")
    for column in ("previous_date", "month_ago_date"):
        flat[column] = flat[column].dt.strftime("%Y-%m-%d")
    with atomic_file(csv_path) as work:
        flat.to_csv(work, index=False)
    return {"json": json_path, "csv": csv_path}
