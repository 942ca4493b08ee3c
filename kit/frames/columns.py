"""Declared columns: where each DataFrame column comes from in a GraphQL node, and its dtype.

A column is declared once (name, source path, dtype) and serves both the GraphQL selection and the frame
builder. Values are pulled with one list comprehension per path level and converted through Arrow in C,
which is several times faster than ``pd.json_normalize`` and also fixes column order and dtypes (see
benchmarks/fetch.py for the measured ratio).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kit.frame import Frame

__all__ = ["Column", "FrameBuilder", "build_frame", "key", "path", "STRING"]

STRING = pd.StringDtype("pyarrow")
_UTC = pa.timestamp("us", tz="UTC")
_NAIVE = pa.timestamp("us")
_NULLABLE: dict[str, tuple[Any, Any]] = {  # dtype name -> (pandas dtype with __from_arrow__, Arrow type)
    "Int64": (pd.Int64Dtype(), pa.int64()),
    "Float64": (pd.Float64Dtype(), pa.float64()),
    "boolean": (pd.BooleanDtype(), pa.bool_()),
    "string": (STRING, pa.large_string()),
}


@dataclass(frozen=True)
class Column:
    """One output column. ``source`` is the key path in a node; ``dtype`` is one of string, category,
    Int64, Float64, boolean, datetime, timedelta or object."""

    name: str
    source: tuple[str, ...]
    dtype: str = "string"
    categories: tuple[str, ...] | None = None
    ordered: bool = False


def key(name: str) -> tuple[str, ...]:
    """Source path of a top-level key."""
    return (name,)


def path(*names: str) -> tuple[str, ...]:
    """Source path of a nested key; a missing level gives None."""
    return names


_EMPTY: dict = {}


def values_at(nodes: Sequence[dict], source: tuple[str, ...]) -> list[Any]:
    """The value at ``source`` in each node (None where any level is missing or null)."""
    if len(source) == 1:
        (first,) = source
        return [node.get(first) for node in nodes]
    if len(source) == 2:
        first, second = source
        return [(node.get(first) or _EMPTY).get(second) for node in nodes]
    values = values_at(nodes, source[:2])
    for name in source[2:]:
        values = [None if value is None else value.get(name) for value in values]
    return values


_LEAF_TYPES = {"Int64": pa.int64(), "Float64": pa.float64(), "boolean": pa.bool_()}
_VIA_ARROW = {"string", "category", "datetime", *_LEAF_TYPES}


def _struct_type(tree: dict[str, Any]) -> pa.StructType:
    return pa.struct([pa.field(k, _struct_type(v) if isinstance(v, dict) else v) for k, v in tree.items()])


class FrameBuilder:
    """Builds a frame page by page: each page's values are converted while its nodes are still in the CPU
    cache, and the page's dicts can be dropped right after (memory stays at one page of JSON).

    The values are read out of the nodes by Arrow's C converter into one struct array per chunk (every
    declared path at once); a chunk Arrow refuses (a value of an unexpected type) is read in Python instead.
    """

    CHUNK = 1000

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.rows = 0
        self._chunks: list[list[Any]] = [[] for _ in self.columns]
        self._categories = [
            _Categories(c.categories) if c.dtype == "category" else None for c in self.columns
        ]
        tree: dict[str, Any] = {}
        self._paths: dict[int, list[int]] = {}  # column index -> child indices inside the struct
        for index, column in enumerate(self.columns):
            if column.dtype in _VIA_ARROW and self._fits(tree, column.source):
                leaf = _LEAF_TYPES.get(column.dtype, pa.large_string())
                node = tree
                for name in column.source[:-1]:
                    node = node.setdefault(name, {})
                node[column.source[-1]] = leaf
                self._paths[index] = []
        self._struct = _struct_type(tree) if tree else None
        for index in self._paths:  # positions are final once every path is in the tree
            node, positions = tree, []
            for name in self.columns[index].source:
                positions.append(list(node).index(name))
                node = node[name]
            self._paths[index] = positions

    @staticmethod
    def _fits(tree: dict[str, Any], source: tuple[str, ...]) -> bool:
        """A path can join the struct unless it would make a leaf also a parent (or the reverse)."""
        node: Any = tree
        for name in source[:-1]:
            node = node.get(name, {})
            if not isinstance(node, dict):
                return False
        return not isinstance(node.get(source[-1]), dict)

    def add(self, nodes: Sequence[dict]) -> FrameBuilder:
        for start in range(0, len(nodes), self.CHUNK):
            chunk = nodes[start : start + self.CHUNK]
            struct = None
            if self._struct is not None:
                try:
                    struct = pa.array(chunk, type=self._struct)
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                    struct = None  # unexpected value types: the Python path copes (or says what is wrong)
            for index, (column, chunks, categories) in enumerate(
                zip(self.columns, self._chunks, self._categories, strict=True)
            ):
                if struct is not None and index in self._paths:
                    values = pc.struct_field(struct, self._paths[index])  # parent nulls propagate
                else:
                    values = values_at(chunk, column.source)
                chunks.append(categories.codes(values) if categories else _chunk(values, column.dtype))
            self.rows += len(chunk)
        return self

    def frame(self) -> pd.DataFrame:
        data = {
            column.name: _finish(column, chunks, categories)
            for column, chunks, categories in zip(self.columns, self._chunks, self._categories, strict=True)
        }
        return Frame(data, index=pd.RangeIndex(self.rows))


class _Categories:
    """Category codes that stay consistent across pages; values outside the declared categories are
    appended (and sorted when the frame is finished)."""

    def __init__(self, declared: tuple[str, ...] | None) -> None:
        self.declared = len(declared or ())
        self.known: list[Any] = list(declared or ())
        self.position: dict[Any, int] = {c: i for i, c in enumerate(self.known)}

    def codes(self, values: list[Any] | pa.Array) -> np.ndarray:
        try:
            array = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
            encoded = array.dictionary_encode()
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not strings: encode in Python
            encoded = None
        distinct = encoded.dictionary.to_pylist() if encoded is not None else list(set(values) - {None})
        for value in distinct:
            if value not in self.position:
                self.position[value] = len(self.known)
                self.known.append(value)
        if encoded is None:
            return np.array([-1 if v is None else self.position[v] for v in values], dtype=np.int32)
        recode = np.array([*(self.position[v] for v in distinct), -1], dtype=np.int32)  # last slot: null
        return recode[pc.fill_null(encoded.indices, len(distinct)).to_numpy()]

    def categorical(self, chunks: list[np.ndarray], ordered: bool) -> pd.Categorical:
        codes = np.concatenate(chunks) if chunks else np.array([], dtype=np.int32)
        extras = sorted(range(self.declared, len(self.known)), key=lambda i: str(self.known[i]))
        if extras != list(range(self.declared, len(self.known))):  # put undeclared values in sorted order
            order = np.arange(len(self.known) + 1, dtype=np.int32)
            order[: len(self.known)][extras] = np.arange(self.declared, len(self.known), dtype=np.int32)
            order[-1] = -1
            codes = order[codes]
            self.known = [*self.known[: self.declared], *(self.known[i] for i in extras)]
        return pd.Categorical.from_codes(codes, categories=pd.Index(self.known), ordered=ordered)


def _chunk(values: list[Any] | pa.Array, dtype: str) -> Any:
    arrow = isinstance(values, pa.Array)
    if dtype in _NULLABLE:
        return values if arrow else pa.array(values, type=_NULLABLE[dtype][1])
    if dtype == "datetime":
        return _datetimes(values)
    if dtype == "timedelta":
        return pd.to_timedelta(pd.Series(values, dtype=object)).to_numpy(dtype="timedelta64[ns]")
    return values


def _datetimes(values: list[Any] | pa.Array) -> pa.Array:
    """UTC timestamps from ISO 8601 strings: with a zone, or all without one (LeanIX dates such as
    "2024-01-01", read as UTC like pandas does) in Arrow; mixed forms and other values through pandas."""
    try:
        strings = values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())
        try:
            return pc.cast(strings, _UTC)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pc.assume_timezone(pc.cast(strings, _NAIVE), "UTC")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        values = values.to_pylist() if isinstance(values, pa.Array) else values
        parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        return pa.array(parsed.dt.as_unit("us"), type=_UTC)


def _finish(column: Column, chunks: list[Any], categories: _Categories | None) -> Any:
    dtype = column.dtype
    if categories is not None:
        return categories.categorical(chunks, column.ordered)
    if dtype in _NULLABLE:
        pandas_type, arrow_type = _NULLABLE[dtype]
        return pandas_type.__from_arrow__(pa.chunked_array(chunks, type=arrow_type))
    if dtype == "datetime":
        return pd.array(pa.chunked_array(chunks, type=_UTC).to_pandas())
    if dtype == "timedelta":
        return pd.array(np.concatenate(chunks) if chunks else np.array([], dtype="timedelta64[ns]"))
    return pd.array([v for chunk in chunks for v in chunk], dtype=object)


def build_frame(nodes: Iterable[dict], columns: Sequence[Column]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (in order), one row per node."""
    nodes = nodes if isinstance(nodes, list) else list(nodes)
    return FrameBuilder(columns).add(nodes).frame()
