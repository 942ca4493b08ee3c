"""Processor variables (``${variables.myVar.sum()}``) and the list aggregations iAPI offers.

In iAPI every variable is a list: each processor run appends its value, and later run levels read the
list. :class:`Variables` maps names to :class:`VariableList` objects. A plain ``dict`` of lists given as
``variables`` in the context is wrapped automatically (a view, no copy), so callers may pass either.

Aggregations follow the iAPI documentation: invalid entries (text that is not a number, null, booleans)
count as 0 in ``sum()``, ``average()``, ``max()`` and ``min()``; the results are Doubles (iAPI computes
"on the highest available precision"); ``average()``, ``max()`` and ``min()`` of an empty list are null.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .coercion import coerce_to_double, coerce_to_int, coerce_to_string, is_floating, java_string_of
from .errors import JuelEvaluationError

__all__ = [
    "VARIABLE_LIST_METHODS",
    "VariableList",
    "Variables",
    "aggregate_average",
    "aggregate_distinct",
    "aggregate_max",
    "aggregate_min",
    "aggregate_numbers",
    "aggregate_sum",
]


class VariableList(list[Any]):
    """The values collected for one variable, with iAPI's aggregation methods available in JUEL."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"VariableList({list.__repr__(self)})"


class Variables(Mapping[str, VariableList]):
    """Variables by name; ``variables.x`` and ``variables['x']`` give a :class:`VariableList` (or null)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Iterable[Any]] | None = None) -> None:
        self._values: dict[str, Any] = dict(values or {})

    @classmethod
    def view(cls, values: Mapping[str, Any]) -> Variables:
        """Wraps a mapping of name -> list without copying it."""
        wrapped = cls.__new__(cls)
        wrapped._values = values  # type: ignore[assignment]
        return wrapped

    def append(self, name: str, value: Any) -> None:
        """Adds one value to variable ``name`` (what a processor's ``variables`` entry does)."""
        current = self._values.get(name)
        if current is None:
            self._values[name] = VariableList([value])
        else:
            current.append(value)

    def __getitem__(self, name: str) -> VariableList:
        value = self._values[name]
        if type(value) is VariableList:
            return value
        if isinstance(value, list | tuple):
            return VariableList(value)
        return VariableList([value])

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Variables({dict(self._values)!r})"


# -- aggregations (shared with integration.processing and plain lists) ----------------------------------


def _number_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return coerce_to_double(value)
    except JuelEvaluationError:
        return None


def _as_list(values: Any, what: str) -> list[Any]:
    if isinstance(values, list | tuple):
        return list(values)
    raise JuelEvaluationError(f"{what}: expected a list but got a {type(values).__name__}")


def _el_number(value: Any) -> int | float:
    """An entry as EL arithmetic sees it: a Long for integers and integer text, a Double for doubles and
    text with ``.``, ``e`` or ``E`` (EL 1.7.1), 0 for anything that is not a number."""
    if type(value) is int:
        return value
    number = _number_or_none(value)
    if number is None:
        return 0
    if is_floating(value) or not number.is_integer():
        return number
    return int(number)


def aggregate_sum(values: Any) -> int | float:
    """Sum of the values (invalid entries count as 0), added as EL's ``+`` adds: a Long while every entry is
    integral, so ``${variables.cost.sum()}`` of 10 and 20 prints ``30`` (not ``30.0``); a Double as soon as
    one entry is a Double or decimal text."""
    total: int | float = 0
    for value in _as_list(values, "sum"):
        total = total + _el_number(value)
    return total


def aggregate_average(values: Any) -> float | None:
    """Mean of the values (invalid entries count as 0); null for an empty list."""
    items = _as_list(values, "average")
    if not items:
        return None
    return float(aggregate_sum(items)) / len(items)


def aggregate_max(values: Any) -> int | float | None:
    """Largest value (invalid entries count as 0), a Long when it is integral as written; null when empty."""
    items = _as_list(values, "max")
    return max((_el_number(v) for v in items), default=None)


def aggregate_min(values: Any) -> int | float | None:
    """Smallest value (invalid entries count as 0), a Long when it is integral as written; null when empty."""
    items = _as_list(values, "min")
    return min((_el_number(v) for v in items), default=None)


def aggregate_numbers(values: Any) -> list[Any]:
    """Only the entries that are numbers (or text that reads as one), in order."""
    items = _as_list(values, "getNumbers")
    found = [v for v in items if _number_or_none(v) is not None]
    return VariableList(found) if isinstance(values, VariableList) else found


def aggregate_distinct(values: Any) -> list[Any]:
    """The entries without repeats, first occurrence kept."""
    items = _as_list(values, "distinct")
    seen: set[Any] = set()
    unhashable: list[Any] = []
    found = []
    for item in items:
        try:
            key = (type(item) is bool, item)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:
            if item in unhashable:
                continue
            unhashable.append(item)
        found.append(item)
    return VariableList(found) if isinstance(values, VariableList) else found


def _text(value: Any) -> str:
    return java_string_of(value)


def _contains(values: VariableList, value: Any) -> bool:
    wanted = _text(value)
    return any(_text(item) == wanted for item in values)


def _get(values: VariableList, index: Any = None) -> Any:
    if index is None:
        return values[0] if values else None
    position = coerce_to_int(index)
    return values[position] if 0 <= position < len(values) else None


def _select_first(values: VariableList, options: Any) -> Any:
    choices = options if isinstance(options, list | tuple) else [options]
    if not choices:
        return None
    present = {_text(item) for item in values}
    for choice in choices:
        if _text(choice) in present:
            return choice
    return choices[0]


#: Methods of a VariableList beyond those of any list (JUEL name -> (function, min args, max args)).
VARIABLE_LIST_METHODS: dict[str, tuple[Any, int, int]] = {
    "sum": (aggregate_sum, 0, 0),
    "average": (aggregate_average, 0, 0),
    "max": (aggregate_max, 0, 0),
    "min": (aggregate_min, 0, 0),
    "getNumbers": (aggregate_numbers, 0, 0),
    "distinct": (aggregate_distinct, 0, 0),
    "count": (len, 0, 0),
    "get": (_get, 0, 1),
    "join": (lambda values, separator: coerce_to_string(separator).join(_text(v) for v in values), 1, 1),
    "contains": (_contains, 1, 1),
    "toList": (list, 0, 0),
    "selectFirst": (_select_first, 1, 1),
}
