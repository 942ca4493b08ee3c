"""A KPI declared once: :class:`Kpi`, its optional :class:`Threshold`, and :class:`KpiError`."""

from __future__ import annotations

import hashlib
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError

if TYPE_CHECKING:
    import pandas as pd

    from kit.metrics.inventory import Inventory

__all__ = ["UNITS", "Kpi", "KpiError", "Threshold"]

UNITS = ("share", "count", "ratio", "score", "days")
"""``share`` and ``score`` are 0..1 (shown as %); ``count``, ``ratio`` and ``days`` are plain numbers."""

_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class KpiError(LxkitError):
    """A KPI declared wrongly, one whose computation failed, or a KPI history the kit cannot use."""


@dataclass(frozen=True)
class Threshold:
    """The range a KPI's value should stay in: ``min`` and/or ``max`` (inclusive); outside is a breach."""

    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        for side in ("min", "max"):
            value = getattr(self, side)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise KpiError(f"Threshold({side}={value!r}): {side} must be a number or None.")
            if value is not None:
                object.__setattr__(self, side, float(value))
        if self.min is None and self.max is None:
            raise KpiError("Threshold(): give min=, max= or both (a threshold without bounds means nothing).")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise KpiError(
                f"Threshold(min={self.min:g}, max={self.max:g}): min is above max; swap them or fix one."
            )

    def breached(self, value: float | None) -> bool:
        """True when ``value`` is a number outside the range (a missing value breaches nothing)."""
        if value is None or value != value:
            return False
        return (self.min is not None and value < self.min) or (self.max is not None and value > self.max)


@dataclass(frozen=True, eq=False)
class Kpi:
    """One KPI: what it is called and means, how it is computed from an :class:`Inventory`, how it is read.

    ``compute(inv)`` returns a number (the total) or a ``pd.Series`` indexed by ``dimensions`` (one level
    per name). A Series may also carry totals: an index entry whose level is ``""`` aggregates over that
    dimension (``("Application", "")`` is every lifecycle of applications, all ``""`` is the total).
    ``behind(inv)`` returns the fact sheets behind the value. Calling the Kpi calls ``compute``.
    """

    name: str
    compute: Callable[[Inventory], float | pd.Series] = field(repr=False)
    title: str = ""
    description: str = ""
    unit: str = "count"
    higher_is_better: bool | None = None
    dimensions: tuple[str, ...] = ()
    threshold: Threshold | None = None
    behind: Callable[[Inventory], pd.DataFrame] | None = field(default=None, repr=False)
    version: str = "1"

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise KpiError(
                f"KPI {name!r}: the name must be snake_case (lower-case letters, digits, single underscores, "
                "starting with a letter), e.g. 'apps_without_owner'; it names files and cache entries."
            )
        where = f"KPI {name!r}"
        if not callable(self.compute):
            raise KpiError(f"{where}: compute must be a function of the inventory, not {self.compute!r}.")
        if self.behind is not None and not callable(self.behind):
            raise KpiError(
                f"{where}: behind must be a function of the inventory or None, not {self.behind!r}."
            )
        if not isinstance(self.title, str) or not isinstance(self.description, str):
            raise KpiError(f"{where}: title and description must be text.")
        if not self.title:
            object.__setattr__(self, "title", name.replace("_", " ").capitalize())
        if self.unit not in UNITS:
            raise KpiError(f"{where}: unit {self.unit!r} is not one of {', '.join(UNITS)}.")
        if self.higher_is_better not in (True, False, None):
            raise KpiError(
                f"{where}: higher_is_better must be True, False or None (neutral), not {self.higher_is_better!r}."
            )
        dims = self.dimensions
        if isinstance(dims, str) or not isinstance(dims, Sequence):
            raise KpiError(f"{where}: dimensions must be a tuple of names, e.g. ('type',), not {dims!r}.")
        dims = tuple(dims)
        if not all(isinstance(d, str) and d for d in dims) or len(set(dims)) != len(dims):
            raise KpiError(f"{where}: dimensions must be distinct, non-empty names; got {dims!r}.")
        object.__setattr__(self, "dimensions", dims)
        if self.threshold is not None and not isinstance(self.threshold, Threshold):
            raise KpiError(
                f"{where}: threshold must be a Threshold(min=..., max=...) or None, not {self.threshold!r}."
            )
        if isinstance(self.version, int) and not isinstance(self.version, bool):
            object.__setattr__(self, "version", str(self.version))
        if not isinstance(self.version, str) or not self.version:
            raise KpiError(f"{where}: version must be a non-empty text such as '2', not {self.version!r}.")

    def __call__(self, inv: Inventory) -> float | pd.Series:
        return self.compute(inv)

    @property
    def where(self) -> str:
        """Where ``compute`` is defined (``file:line``), for messages."""
        code = getattr(self.compute, "__code__", None)
        if code is None:
            return getattr(self.compute, "__module__", None) or type(self.compute).__qualname__
        return f"{code.co_filename}:{code.co_firstlineno}"

    def fingerprint(self) -> str:
        """SHA-256 over the name, version, dimensions and the code of ``compute`` (not ``behind``): a cached
        value is reused only while this stays the same."""
        digest = hashlib.sha256()
        digest.update(repr((self.name, self.version, self.dimensions)).encode())
        _digest_callable(self.compute, digest, set())
        return digest.hexdigest()


_PLAIN = (str, int, float, bool, type(None), bytes)


def _digest_callable(fn: Any, digest: Any, seen: set[int]) -> None:
    """Feed a function's code (recursively: nested code, closures, same-module helpers it names)."""
    if id(fn) in seen:
        return
    seen.add(id(fn))
    if isinstance(fn, types.MethodType):
        fn = fn.__func__
    code = getattr(fn, "__code__", None)
    if code is None:
        # a callable object: the code of its class's __call__
        call = next((vars(c)["__call__"] for c in type(fn).__mro__ if "__call__" in vars(c)), None)
        if isinstance(call, types.FunctionType):
            _digest_code(call.__code__, digest)
        digest.update(repr(type(fn).__qualname__).encode())
        return
    _digest_code(code, digest)
    digest.update(repr(_plain(getattr(fn, "__defaults__", None))).encode())
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if callable(content):
            _digest_callable(content, digest, seen)
        else:
            digest.update(repr(_plain(content)).encode())
    module = getattr(fn, "__module__", None)
    global_names = getattr(fn, "__globals__", {})
    for name in _names(code):
        helper = global_names.get(name)
        if isinstance(helper, types.FunctionType) and helper.__module__ == module:
            _digest_callable(helper, digest, seen)


def _names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _names(const)
    return names


def _digest_code(code: types.CodeType, digest: Any) -> None:
    digest.update(code.co_code)
    digest.update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _digest_code(const, digest)
        else:
            digest.update(repr(_plain(const)).encode())


def _plain(value: Any) -> Any:
    """Plain data as itself (tuples, lists, sets of it too); anything else by its type's name."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple | list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, frozenset | set):
        return tuple(sorted(repr(_plain(v)) for v in value))
    return f"<{type(value).__qualname__}>"
