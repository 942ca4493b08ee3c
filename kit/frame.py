"""The kit's DataFrame: pandas' own, plus a ``to_excel`` that Excel accepts.

Kit frames keep timestamps UTC-aware, because the analysis compares them with "now" and across workspaces;
Excel has no time zones, so ``DataFrame.to_excel`` refuses them ("Excel does not support datetimes with
timezones"). :class:`Frame` is a thin subclass (pandas' "Subclassing pandas data structures") whose
``to_excel`` writes zoned timestamps as UTC wall time with `` (UTC)`` appended to the header, so the zone is
still on the sheet. Everything else is pandas': operations on a Frame return Frames (``_constructor``), and
:func:`excel_ready` gives the converted copy to writers that build the workbook themselves
(:mod:`kit.exports`).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["UTC_SUFFIX", "Frame", "as_frame", "excel_ready", "utc_label"]

UTC_SUFFIX = " (UTC)"
"""Appended to the header of a column whose zoned timestamps were written as UTC wall time."""


class Frame(pd.DataFrame):
    """A pandas DataFrame whose :meth:`to_excel` writes UTC-aware timestamps (which Excel refuses) as
    UTC-naive ones, headed ``<name> (UTC)``. No extra attributes (``_metadata`` is empty): a Frame is
    exactly the DataFrame it holds, and pandas operations on it return Frames."""

    _metadata: list[str] = []

    @property
    def _constructor(self) -> type[Frame]:
        return Frame

    def to_excel(self, excel_writer: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[misc]
        """As :meth:`pandas.DataFrame.to_excel`, with zoned timestamps (columns, index, or cells of object
        columns) converted to UTC and written without the zone, the header saying `` (UTC)``; lists, sets,
        arrays and dicts in cells (which Excel cannot hold) are written as text."""
        pd.DataFrame.to_excel(excel_ready(self), excel_writer, *args, **kwargs)


def as_frame(frame: pd.DataFrame) -> Frame:
    """``frame`` as a :class:`Frame` (the same data, no copy); a Frame is returned as it is."""
    return frame if isinstance(frame, Frame) else Frame(frame)


def utc_label(label: Hashable) -> Hashable:
    """A header with `` (UTC)`` appended (to the last level of a tuple header)."""
    if isinstance(label, tuple) and label:
        return (*label[:-1], f"{label[-1]}{UTC_SUFFIX}")
    return f"{label}{UTC_SUFFIX}"


def excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A plain DataFrame copy of ``frame`` that Excel (openpyxl) accepts: zoned timestamps as UTC wall time
    with `` (UTC)`` in their header, lists/sets/dicts in cells as text. Columns needing neither are shared,
    not copied."""
    data: dict[Hashable, Any] = {}
    labels: list[Hashable] = []
    for position, label in enumerate(frame.columns):
        values, zoned = _excel_values(frame.iloc[:, position])
        labels.append(utc_label(label) if zoned else label)
        data[position] = values
    out = pd.DataFrame(data, index=frame.index)
    out.index = _excel_index(frame.index)
    out.columns = pd.Index(labels, tupleize_cols=isinstance(frame.columns, pd.MultiIndex))
    return out


def _excel_values(column: pd.Series) -> tuple[Any, bool]:
    """The column's values for Excel and whether they were zoned timestamps."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC").dt.tz_localize(None), True
    if column.dtype == object and len(column):
        kinds = {type(v) for v in column if _present(v)}
        if any(issubclass(k, pd.Timestamp) for k in kinds) and _all_zoned(column):
            return column.map(_naive_utc), True
        if any(issubclass(k, list | tuple | set | frozenset | dict | np.ndarray) for k in kinds):
            return column.map(_as_text), False
    return column, False


def _all_zoned(column: pd.Series) -> bool:
    return all(isinstance(v, pd.Timestamp) and v.tzinfo is not None for v in column if _present(v))


def _present(value: Any) -> bool:
    """Not a missing-value marker (None, NaN, NaT, NA); compares nothing, so any cell value is safe."""
    if value is None or value is pd.NaT or value is pd.NA:
        return False
    return not (isinstance(value, float) and value != value)


def _naive_utc(value: Any) -> Any:
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        return value.tz_convert("UTC").tz_localize(None)
    return value


def _as_text(value: Any) -> Any:
    """A list, tuple, set or array as its items comma separated; a dict as JSON; anything else unchanged."""
    if isinstance(value, dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ", ".join(str(item) for item in items)
    return value


def _excel_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.DatetimeIndex) and index.tz is not None:
        name = None if index.name is None else utc_label(index.name)
        return index.tz_convert("UTC").tz_localize(None).rename(name)
    if isinstance(index, pd.MultiIndex):
        levels = []
        names = []
        for level, name in enumerate(index.names):
            values = index.get_level_values(level)
            if isinstance(values, pd.DatetimeIndex) and values.tz is not None:
                values = values.tz_convert("UTC").tz_localize(None)
                name = utc_label(name if name is not None else f"level_{level}")
            levels.append(values)
            names.append(name)
        return pd.MultiIndex.from_arrays(levels, names=names)
    return index
