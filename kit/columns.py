"""Declared columns: how each DataFrame column is read from a GraphQL node and which dtype it gets.

A column is declared once (name, accessor, dtype) and serves both the GraphQL selection and the frame
builder. Building columns directly from lists is several times faster than ``pd.json_normalize`` and fixes
the column order and dtypes (see benchmarks/fetch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Column", "build_frame", "convert", "STRING", "LIFECYCLE_PHASES"]

STRING = pd.StringDtype("pyarrow")
LIFECYCLE_PHASES = ("plan", "phaseIn", "active", "phaseOut", "endOfLife")


@dataclass(frozen=True)
class Column:
    """One output column. ``dtype``: string, category, Int64, Float64, boolean, datetime, timedelta, object."""

    name: str
    get: Callable[[dict], Any]
    dtype: str = "string"
    categories: tuple[str, ...] | None = None
    ordered: bool = False


def key(name: str) -> Callable[[dict], Any]:
    """Accessor for a top-level key."""
    return lambda node: node.get(name)


def path(*names: str) -> Callable[[dict], Any]:
    """Accessor for a nested key; any missing level gives None."""
    first, rest = names[0], names[1:]

    def get(node: dict) -> Any:
        value = node.get(first)
        for name in rest:
            if value is None:
                return None
            value = value.get(name)
        return value

    return get


def convert(values: Sequence[Any], column: Column) -> Any:
    """A typed pandas array for raw values, by the column's dtype."""
    dtype = column.dtype
    if dtype == "string":
        return pd.array(values, dtype=STRING)
    if dtype == "category":
        if column.categories is None:
            return pd.Categorical(values, ordered=column.ordered)
        known = set(column.categories)
        extra = sorted({v for v in values if v is not None and v not in known})
        return pd.Categorical(values, categories=[*column.categories, *extra], ordered=column.ordered)
    if dtype in ("Int64", "Float64", "boolean"):
        return pd.array(values, dtype=dtype)
    if dtype == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601").array
    if dtype == "timedelta":
        return pd.to_timedelta(pd.Series(values, dtype=object)).array
    return pd.array(values, dtype=object)


def build_frame(nodes: Iterable[dict], columns: Sequence[Column]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (in order), one row per node."""
    nodes = nodes if isinstance(nodes, list) else list(nodes)
    data = {c.name: convert([c.get(n) for n in nodes], c) for c in columns}
    return pd.DataFrame(data, index=pd.RangeIndex(len(nodes)))


def empty_frame(columns: Sequence[Column]) -> pd.DataFrame:
    return build_frame([], columns)
