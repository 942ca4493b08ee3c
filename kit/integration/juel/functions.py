"""The namespaced functions of iAPI expressions: ``helper:*`` and ``math:*``.

Functions are resolved when a template is compiled (an unknown name or a wrong argument count is a
:class:`JuelSyntaxError` there, as in JUEL). ``math:*`` maps to ``java.lang.Math`` on doubles, as the
LeanIX docs describe ("always on the highest available precision (double)"): ``math:abs(-3)`` is 3.0,
``math:round(2.5)`` is the Long 3; add ``.intValue()`` for an integer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kit.leanix import LIFECYCLE_PHASES

from .coercion import (
    LONG_MAX,
    LONG_MIN,
    coerce_to_double,
    coerce_to_long,
    coerce_to_string,
    describe,
    wrap_long,
)
from .datetimes import duration_between, format_date_time, parse_date_time, to_date, to_date_time
from .errors import JuelEvaluationError
from .integration import to_json, to_object

__all__ = ["DEFAULT_PHASE_ORDER", "FUNCTIONS", "Function", "active_lifecycle_phase"]

#: LeanIX's standard lifecycle phases in their natural order (later wins when two start on the same day).
DEFAULT_PHASE_ORDER = LIFECYCLE_PHASES


@dataclass(frozen=True, slots=True)
class Function:
    """A callable function: its implementation and how many arguments it takes (None: any number)."""

    implementation: Callable[..., Any]
    min_args: int
    max_args: int | None


# -- helper: ------------------------------------------------------------------------------------------


def _to_list(*values: Any) -> list[Any]:
    if len(values) == 1 and isinstance(values[0], list | tuple):
        return list(values[0])
    return list(values)


def _get_from_map(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise JuelEvaluationError(f"helper:getFromMap: expected a Map but got {describe(mapping)}")
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return None


def _phases(lifecycle: Any) -> list[tuple[str, Any]]:
    """``(phase, startDate)`` pairs from any of the shapes a lifecycle comes in."""
    if lifecycle is None:
        return []
    if isinstance(lifecycle, Mapping) and "phases" in lifecycle:
        lifecycle = lifecycle["phases"]
    if isinstance(lifecycle, Mapping):
        return [(str(k), v) for k, v in lifecycle.items() if v is not None and k != "asString"]
    if isinstance(lifecycle, list | tuple):
        pairs = []
        for entry in lifecycle:
            if not isinstance(entry, Mapping) or "phase" not in entry:
                raise JuelEvaluationError(
                    f"lifecycle phases must be maps with 'phase' and 'startDate', got {describe(entry)}",
                )
            if entry.get("startDate") is not None:
                pairs.append((coerce_to_string(entry["phase"]), entry["startDate"]))
        return pairs
    raise JuelEvaluationError(f"expected a lifecycle (phases with start dates) but got {describe(lifecycle)}")


def active_lifecycle_phase(lifecycle: Any, when: Any, order: Any = DEFAULT_PHASE_ORDER) -> str | None:
    """The phase active at ``when``: the latest phase that started on or before it (ties by ``order``)."""
    day = to_date(when, "toActiveLifecyclePhase")
    ranking = [coerce_to_string(p) for p in (order if isinstance(order, list | tuple) else [order])]
    best: tuple[Any, int] | None = None
    best_phase = None
    for position, (phase, start) in enumerate(_phases(lifecycle)):
        started = to_date(start, f"start date of phase '{phase}'")
        if started > day:
            continue
        rank = ranking.index(phase) if phase in ranking else len(ranking) + position
        if best is None or (started, rank) >= best:
            best, best_phase = (started, rank), phase
    return best_phase


def _local_date_time_from_string(text: Any, in_pattern: Any, out_pattern: Any) -> Any:
    parsed = parse_date_time(text, coerce_to_string(in_pattern))
    pattern = coerce_to_string(out_pattern)
    return parse_date_time(format_date_time(parsed, pattern), pattern)


def _local_date_time_to_string(value: Any, pattern: Any) -> str:
    if isinstance(value, str):
        value = to_date_time(value, "helper:localDateTimeToString")
    return format_date_time(value, coerce_to_string(pattern))


def _add_if_not_existing(json_list: Any, value: Any) -> str:
    items = to_object(json_list) if json_list is not None else None
    if items is None:
        items = []
    if not isinstance(items, list):
        raise JuelEvaluationError(f"helper:addIfNotExisting: {describe(json_list)} is not a JSON list")
    if value not in items:
        items.append(value)
    return to_json(items)


# -- math: ----------------------------------------------------------------------------------------------


def _round(value: Any) -> int:
    x = coerce_to_double(value)
    if x != x:
        return 0
    if x >= 9.223372036854775807e18:
        return LONG_MAX
    if x <= -9.223372036854775808e18:
        return LONG_MIN
    floor = math.floor(x)
    return int(floor + 1 if x - floor >= 0.5 else floor)


def _finite_or(x: float, function: Callable[[float], Any]) -> float:
    return x if not math.isfinite(x) else float(function(x))


def _floor(value: Any) -> float:
    return _finite_or(coerce_to_double(value), math.floor)


def _ceil(value: Any) -> float:
    x = coerce_to_double(value)
    result = _finite_or(x, math.ceil)
    return -0.0 if result == 0 and x < 0 else result


def _rint(value: Any) -> float:
    x = coerce_to_double(value)
    result = _finite_or(x, round)
    return math.copysign(result, x) if result == 0 else result


def _pow(base: Any, exponent: Any) -> float:
    x, y = coerce_to_double(base), coerce_to_double(exponent)
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if x < 0 and y == int(y) and int(y) % 2 else math.inf
    except ValueError:
        return math.inf if x == 0 else math.nan


def _sqrt(value: Any) -> float:
    x = coerce_to_double(value)
    return math.sqrt(x) if x >= 0 else math.nan


def _cbrt(value: Any) -> float:
    x = coerce_to_double(value)
    if not math.isfinite(x) or x == 0:
        return x
    return math.copysign(abs(x) ** (1 / 3), x)


def _log(value: Any, function: Callable[[float], float]) -> float:
    x = coerce_to_double(value)
    if x != x or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    return function(x)


def _exp(value: Any) -> float:
    try:
        return math.exp(coerce_to_double(value))
    except OverflowError:
        return math.inf


def _signum(value: Any) -> float:
    x = coerce_to_double(value)
    if x != x or x == 0:
        return x
    return math.copysign(1.0, x)


def _max(a: Any, b: Any) -> float:
    x, y = coerce_to_double(a), coerce_to_double(b)
    if x != x or y != y:
        return math.nan
    if x == y == 0:
        return 0.0 if math.copysign(1.0, x) > 0 or math.copysign(1.0, y) > 0 else -0.0
    return x if x > y else y


def _min(a: Any, b: Any) -> float:
    x, y = coerce_to_double(a), coerce_to_double(b)
    if x != x or y != y:
        return math.nan
    if x == y == 0:
        return -0.0 if math.copysign(1.0, x) < 0 or math.copysign(1.0, y) < 0 else 0.0
    return x if x < y else y


def _floor_div(a: Any, b: Any) -> int:
    x, y = coerce_to_long(a), coerce_to_long(b)
    if y == 0:
        raise JuelEvaluationError("math:floorDiv: division by zero")
    return wrap_long(x // y)


def _floor_mod(a: Any, b: Any) -> int:
    x, y = coerce_to_long(a), coerce_to_long(b)
    if y == 0:
        raise JuelEvaluationError("math:floorMod: division by zero")
    return x % y


#: Every function by qualified name.
FUNCTIONS: dict[str, Function] = {
    "helper:toList": Function(_to_list, 0, None),
    "helper:getFromMap": Function(_get_from_map, 2, 2),
    "helper:toActiveLifecyclePhase": Function(active_lifecycle_phase, 2, 2),
    "helper:toActiveLifecyclePhaseOrdered": Function(active_lifecycle_phase, 3, 3),
    "helper:localDateTimeFromString": Function(_local_date_time_from_string, 3, 3),
    "helper:localDateTimeToString": Function(_local_date_time_to_string, 2, 2),
    "helper:getDuration": Function(duration_between, 2, 2),
    "helper:addIfNotExisting": Function(_add_if_not_existing, 2, 2),
    "math:abs": Function(lambda x: abs(coerce_to_double(x)), 1, 1),
    "math:round": Function(_round, 1, 1),
    "math:floor": Function(_floor, 1, 1),
    "math:ceil": Function(_ceil, 1, 1),
    "math:rint": Function(_rint, 1, 1),
    "math:max": Function(_max, 2, 2),
    "math:min": Function(_min, 2, 2),
    "math:pow": Function(_pow, 2, 2),
    "math:sqrt": Function(_sqrt, 1, 1),
    "math:cbrt": Function(_cbrt, 1, 1),
    "math:exp": Function(_exp, 1, 1),
    "math:log": Function(lambda x: _log(x, math.log), 1, 1),
    "math:log10": Function(lambda x: _log(x, math.log10), 1, 1),
    "math:signum": Function(_signum, 1, 1),
    "math:hypot": Function(lambda a, b: math.hypot(coerce_to_double(a), coerce_to_double(b)), 2, 2),
    "math:floorDiv": Function(_floor_div, 2, 2),
    "math:floorMod": Function(_floor_mod, 2, 2),
}
