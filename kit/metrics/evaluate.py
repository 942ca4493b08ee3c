"""KPI values as one long frame: :func:`evaluate` (docs/metrics.md §2)."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from kit.client import LeanIXError
from kit.frame import as_frame
from kit.metrics.inventory import Inventory
from kit.metrics.kpi import Kpi, KpiError
from kit.snapshot import SnapshotError

__all__ = ["COLUMNS", "dimension_text", "evaluate", "kpi_rows", "parse_dimensions", "values_frame"]

COLUMNS = [
    "date",
    "kpi",
    "title",
    "unit",
    "dimensions",
    "value",
    "higher_is_better",
    "threshold_min",
    "threshold_max",
    "breached",
]

Row = tuple[str, float]
"""One value of a KPI: its dimensions as text (``""`` for the total) and the value (NaN if none)."""


def dimension_text(names: Sequence[str], key: Sequence[Any]) -> str:
    """``"type=Application; lifecycle=active"`` in declared order; a level holding ``""`` is left out."""
    parts = []
    for name, value in zip(names, key, strict=True):
        text = "none" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        if value is pd.NA:
            text = "none"
        if text != "":
            parts.append(f"{name}={text}")
    return "; ".join(parts)


def parse_dimensions(text: str) -> dict[str, str]:
    """The mapping a dimensions text stands for (``""`` -> ``{}``)."""
    if not text:
        return {}
    return dict(part.partition("=")[::2] for part in text.split("; "))


def _number(kpi: Kpi, value: Any) -> float:
    if value is None or value is pd.NA:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise KpiError(
            f"KPI {kpi.name!r} ({kpi.where}) returned {value!r}; compute must return a number or a "
            "pd.Series of numbers."
        )
    return float(value)


def kpi_rows(kpi: Kpi, inv: Inventory) -> list[Row]:
    """Compute ``kpi`` over ``inv``: its rows, the total first. Anything compute raises becomes a
    :class:`KpiError` naming the KPI, except the source's own errors (SnapshotError, LeanIXError)."""
    try:
        result = kpi.compute(inv)
    except (SnapshotError, LeanIXError):  # the source failed, not the KPI: its own error says what to do
        raise
    except Exception as exc:
        raise KpiError(
            f"KPI {kpi.name!r} ({kpi.where}) failed on {inv.today.isoformat()}: {type(exc).__name__}: {exc}. "
            "Fix its compute function, or leave it out with catalogue.select([...])."
        ) from exc
    if not isinstance(result, pd.Series):
        return [("", _number(kpi, result))]
    if not kpi.dimensions:
        raise KpiError(
            f"KPI {kpi.name!r} ({kpi.where}) returned a pd.Series but declares no dimensions; declare "
            "dimensions=(...) naming the index levels, or return one number."
        )
    if result.index.nlevels != len(kpi.dimensions):
        raise KpiError(
            f"KPI {kpi.name!r} ({kpi.where}) returned a Series with {result.index.nlevels} index level(s), "
            f"but declares {len(kpi.dimensions)} dimension(s) {kpi.dimensions}; make them agree."
        )
    rows: dict[str, float] = {}
    for key, value in result.items():
        parts = key if isinstance(key, tuple) else (key,)
        text = dimension_text(kpi.dimensions, parts)
        if text in rows:
            raise KpiError(
                f"KPI {kpi.name!r} ({kpi.where}) returned {text or 'the total'!r} twice; each dimension "
                "value may appear once."
            )
        rows[text] = _number(kpi, value)
    total = [("", rows.pop(""))] if "" in rows else []
    return total + list(rows.items())


def values_frame(rows: Iterable[tuple[dt.date, Kpi, str, float]]) -> pd.DataFrame:
    """The long frame of docs/metrics.md §2 from (date, kpi, dimensions, value) rows, in their order."""
    records = []
    for day, kpi, dims, value in rows:
        threshold = kpi.threshold
        records.append(
            {
                "date": pd.Timestamp(day),
                "kpi": kpi.name,
                "title": kpi.title,
                "unit": kpi.unit,
                "dimensions": dims,
                "value": value,
                "higher_is_better": kpi.higher_is_better,
                "threshold_min": None if threshold is None else threshold.min,
                "threshold_max": None if threshold is None else threshold.max,
                "breached": False if threshold is None else threshold.breached(value),
            }
        )
    frame = pd.DataFrame(records, columns=COLUMNS)
    return as_frame(frame).astype(
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


def evaluate(catalogue: Iterable[Kpi], source: Any, today: dt.date | str | None = None) -> pd.DataFrame:
    """Every KPI of ``catalogue`` over ``source`` (a Snapshot, its folder, a Workspace or an
    :class:`Inventory`): one row per KPI and dimension value (docs/metrics.md §2)."""
    if isinstance(catalogue, Kpi):
        catalogue = [catalogue]
    if isinstance(source, Inventory):
        inv = source
        if today is not None:
            inv = Inventory(source.source, today)
    else:
        inv = Inventory(source, today)
    rows = []
    for kpi in catalogue:
        rows += [(inv.today, kpi, dims, value) for dims, value in kpi_rows(kpi, inv)]
    return as_frame(values_frame(rows))
