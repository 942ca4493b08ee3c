"""Which methods and properties each kind of value offers, and how ``a.b`` / ``a[b]`` / ``a.m()`` resolve.

Only the whitelisted Java-like methods below are callable, plus those a :class:`JuelObject` declares;
no other Python attribute is ever reached. Property access follows EL's resolvers: maps look the key up
(missing key: null), lists take an integer index (out of range: null), a null base gives null, and
other values expose their zero-argument ``getX()``/``isX()`` methods as property ``x`` (Java beans).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .coercion import (
    coerce_to_int,
    coerce_to_string,
    describe,
    double_to_int,
    double_to_long,
    double_to_string,
    java_string_of,
    long_to_int,
    type_name,
)
from .datetimes import DATE_METHODS, DATE_TIME_METHODS, DURATION_METHODS
from .errors import JuelEvaluationError
from .objects import JuelObject
from .strings import STRING_METHODS, java_string_hash
from .variables import (
    VARIABLE_LIST_METHODS,
    VariableList,
    aggregate_average,
    aggregate_distinct,
    aggregate_max,
    aggregate_min,
    aggregate_numbers,
    aggregate_sum,
)

__all__ = ["call_method", "fast_methods", "get_property", "java_equals", "java_hash", "method_table"]

MethodSpec = tuple[Callable[..., Any], int, int]


# -- Java equality and hashing of plain values ---------------------------------------------------------


def java_equals(a: Any, b: Any) -> bool:
    """Equality as ``List.contains``/``indexOf`` use it; numbers compare by value, booleans only with booleans."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    try:
        return bool(a == b)
    except RecursionError:
        raise JuelEvaluationError("values are nested too deeply to compare") from None


def _int32(value: int) -> int:
    return long_to_int(value)


def _long_hash(value: int) -> int:
    bits = value & 0xFFFFFFFFFFFFFFFF
    return _int32((bits ^ (bits >> 32)) & 0xFFFFFFFF)


def _double_hash(value: float) -> int:
    bits = 0x7FF8000000000000 if value != value else struct.unpack(">q", struct.pack(">d", value))[0]
    return _long_hash(bits)


def java_hash(value: Any) -> int:
    """Java's ``hashCode`` of a value (String, Long, Double, Boolean, List, Map, null)."""
    try:
        return _hash(value)
    except RecursionError:
        raise JuelEvaluationError("value is nested too deeply to hash") from None


def _hash(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return java_string_hash(value)
    if isinstance(value, bool):
        return 1231 if value else 1237
    if isinstance(value, int):
        return _long_hash(value)
    if isinstance(value, float):
        return _double_hash(value)
    if isinstance(value, list | tuple):
        result = 1
        for item in value:
            result = _int32(31 * result + _hash(item))
        return result
    if isinstance(value, Mapping):
        return _int32(sum(_hash(k) ^ _hash(v) for k, v in value.items()))
    return _int32(hash(java_string_of(value)))


# -- method tables -------------------------------------------------------------------------------------


def _list_get(values: Any, index: Any) -> Any:
    position = coerce_to_int(index)
    if not 0 <= position < len(values):
        raise JuelEvaluationError(
            f"List.get: index {position} is out of range for a list of size {len(values)}"
        )
    return values[position]


def _index_of(values: Any, wanted: Any) -> int:
    for position, item in enumerate(values):
        if java_equals(item, wanted):
            return position
    return -1


def _last_index_of(values: Any, wanted: Any) -> int:
    for position in range(len(values) - 1, -1, -1):
        if java_equals(values[position], wanted):
            return position
    return -1


def _sub_list(values: Any, start: Any, end: Any) -> list[Any]:
    begin, stop = coerce_to_int(start), coerce_to_int(end)
    if begin < 0 or stop > len(values) or begin > stop:
        raise JuelEvaluationError(
            f"List.subList: range {begin}..{stop} is out of bounds for size {len(values)}"
        )
    return list(values[begin:stop])


LIST_METHODS: dict[str, MethodSpec] = {
    "size": (len, 0, 0),
    "isEmpty": (lambda v: len(v) == 0, 0, 0),
    "contains": (lambda v, x: _index_of(v, x) >= 0, 1, 1),
    "containsAll": (lambda v, xs: all(_index_of(v, x) >= 0 for x in _iterable(xs)), 1, 1),
    "get": (_list_get, 1, 1),
    "indexOf": (_index_of, 1, 1),
    "lastIndexOf": (_last_index_of, 1, 1),
    "subList": (_sub_list, 2, 2),
    "toString": (java_string_of, 0, 0),
    "equals": (lambda v, o: isinstance(o, list | tuple) and java_equals(list(v), list(o)), 1, 1),
    "hashCode": (java_hash, 0, 0),
    # iAPI's integration.processing aggregations work on every list ("data.list.getNumbers().distinct()").
    "sum": (aggregate_sum, 0, 0),
    "average": (aggregate_average, 0, 0),
    "max": (aggregate_max, 0, 0),
    "min": (aggregate_min, 0, 0),
    "getNumbers": (aggregate_numbers, 0, 0),
    "distinct": (aggregate_distinct, 0, 0),
}


def _iterable(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    raise JuelEvaluationError(f"expected a list but got {describe(value)}")


def _map_get(mapping: Mapping[Any, Any], key: Any, default: Any = None) -> Any:
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return default


def _contains_key(mapping: Mapping[Any, Any], key: Any) -> bool:
    try:
        return key in mapping
    except TypeError:
        return False


MAP_METHODS: dict[str, MethodSpec] = {
    "size": (len, 0, 0),
    "isEmpty": (lambda m: len(m) == 0, 0, 0),
    "containsKey": (_contains_key, 1, 1),
    "containsValue": (lambda m, x: any(java_equals(v, x) for v in m.values()), 1, 1),
    "get": (_map_get, 1, 1),
    "getOrDefault": (_map_get, 2, 2),
    "keySet": (lambda m: list(m.keys()), 0, 0),
    "values": (lambda m: list(m.values()), 0, 0),
    "toString": (java_string_of, 0, 0),
    "equals": (lambda m, o: isinstance(o, Mapping) and java_equals(dict(m), dict(o)), 1, 1),
    "hashCode": (java_hash, 0, 0),
}


def _compare_numbers(a: float, b: Any) -> int:
    if not isinstance(b, int | float | Decimal) or isinstance(b, bool):
        raise JuelEvaluationError(f"compareTo: expected a number but got {describe(b)}")
    if a != a or b != b:
        return 0 if a != a and b != b else (1 if a != a else -1)
    return (a > b) - (a < b)


def _double_equals(a: float, b: Any) -> bool:
    if type(b) is not float:
        return False
    if a != a:
        return b != b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


LONG_METHODS: dict[str, MethodSpec] = {
    "intValue": (lambda v: long_to_int(int(v)), 0, 0),
    "longValue": (int, 0, 0),
    "doubleValue": (lambda v: float(v), 0, 0),
    "floatValue": (lambda v: struct.unpack(">f", struct.pack(">f", float(v)))[0], 0, 0),
    "toString": (lambda v: str(int(v)), 0, 0),
    "equals": (lambda v, o: type(o) is int and v == o, 1, 1),
    "compareTo": (_compare_numbers, 1, 1),
    "hashCode": (lambda v: _long_hash(int(v)), 0, 0),
}

DOUBLE_METHODS: dict[str, MethodSpec] = {
    "intValue": (lambda v: double_to_int(float(v)), 0, 0),
    "longValue": (lambda v: double_to_long(float(v)), 0, 0),
    "doubleValue": (float, 0, 0),
    "floatValue": (lambda v: _to_float32(float(v)), 0, 0),
    "toString": (lambda v: double_to_string(float(v)), 0, 0),
    "isNaN": (lambda v: v != v, 0, 0),
    "isInfinite": (lambda v: v in (math.inf, -math.inf), 0, 0),
    "equals": (lambda v, o: _double_equals(float(v), o), 1, 1),
    "compareTo": (lambda v, o: _compare_numbers(float(v), o), 1, 1),
    "hashCode": (lambda v: _double_hash(float(v)), 0, 0),
}


def _to_float32(value: float) -> float:
    try:
        return struct.unpack(">f", struct.pack(">f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


BOOLEAN_METHODS: dict[str, MethodSpec] = {
    "booleanValue": (lambda v: v, 0, 0),
    "toString": (lambda v: "true" if v else "false", 0, 0),
    "equals": (lambda v, o: type(o) is bool and v == o, 1, 1),
    "compareTo": (lambda v, o: int(v) - int(o) if type(o) is bool else _not_boolean(o), 1, 1),
    "hashCode": (lambda v: 1231 if v else 1237, 0, 0),
}


def _not_boolean(other: Any) -> int:
    raise JuelEvaluationError(f"compareTo: expected a Boolean but got {describe(other)}")


_TABLES: dict[type, dict[str, MethodSpec]] = {
    str: STRING_METHODS,
    int: LONG_METHODS,
    float: DOUBLE_METHODS,
    bool: BOOLEAN_METHODS,
    list: LIST_METHODS,
    tuple: LIST_METHODS,
    VariableList: {**LIST_METHODS, **VARIABLE_LIST_METHODS},
    dict: MAP_METHODS,
    datetime: DATE_TIME_METHODS,
    date: DATE_METHODS,
    timedelta: DURATION_METHODS,
}


def method_table(value: Any) -> dict[str, MethodSpec] | None:
    """The methods a (non-JuelObject) value offers, or None when it offers none."""
    table = _TABLES.get(type(value))
    if table is not None:
        return table
    if isinstance(value, bool):
        return BOOLEAN_METHODS
    if isinstance(value, str):
        return STRING_METHODS
    if isinstance(value, int):
        return LONG_METHODS
    if isinstance(value, float | Decimal):
        return DOUBLE_METHODS
    if isinstance(value, VariableList):
        return _TABLES[VariableList]
    if isinstance(value, list | tuple):
        return LIST_METHODS
    if isinstance(value, Mapping):
        return MAP_METHODS
    if isinstance(value, datetime):
        return DATE_TIME_METHODS
    if isinstance(value, date):
        return DATE_METHODS
    if isinstance(value, timedelta):
        return DURATION_METHODS
    return None


@lru_cache(maxsize=1024)
def fast_methods(name: str, arg_count: int) -> dict[type, Callable[..., Any]]:
    """Implementations of method ``name`` with ``arg_count`` arguments, by exact value type."""
    found: dict[type, Callable[..., Any]] = {}
    for kind, table in _TABLES.items():
        spec = table.get(name)
        if spec is not None and spec[1] <= arg_count <= spec[2]:
            found[kind] = spec[0]
    return found


def _arguments(low: int, high: int) -> str:
    if low == high:
        return f"{low} argument{'s' if low != 1 else ''}"
    return f"{low} to {high} arguments"


def call_method(base: Any, name: str, args: tuple[Any, ...] | list[Any]) -> Any:
    """``base.name(args)`` with Java semantics; unknown methods and null bases are evaluation errors."""
    if base is None:
        raise JuelEvaluationError(f"cannot call method '{name}' on null")
    if isinstance(base, JuelObject):
        return _call_object(base, name, tuple(args))
    table = method_table(base)
    spec = table.get(name) if table is not None else None
    if spec is None:
        raise JuelEvaluationError(f"method '{name}' not found on {type_name(base)}")
    function, low, high = spec
    if not low <= len(args) <= high:
        raise JuelEvaluationError(
            f"method '{name}' on {type_name(base)} takes {_arguments(low, high)}, got {len(args)}",
        )
    return function(base, *args)


def _call_object(base: JuelObject, name: str, args: tuple[Any, ...]) -> Any:
    try:
        return base.juel_call(name, args)
    except JuelEvaluationError:
        raise
    except Exception as exc:
        raise JuelEvaluationError(
            f"method '{name}' on {base.juel_type_name} failed: {type(exc).__name__}: {exc}",
        ) from exc


def get_property(base: Any, key: Any) -> Any:
    """``base.key`` / ``base[key]`` with EL's resolver rules."""
    if base is None or key is None:
        return None
    if type(base) is dict:
        try:
            return base.get(key)
        except TypeError:
            return None
    if isinstance(base, JuelObject):
        try:
            return base.juel_get(coerce_to_string(key))
        except JuelEvaluationError:
            raise
        except Exception as exc:
            raise JuelEvaluationError(
                f"reading '{key}' of {base.juel_type_name} failed: {type(exc).__name__}: {exc}",
            ) from exc
    if isinstance(base, Mapping):
        try:
            return base[key]
        except (KeyError, TypeError):
            return None
    if isinstance(base, list | tuple):
        if isinstance(key, bool) or not isinstance(key, int | float | str | Decimal):
            raise JuelEvaluationError(f"cannot use {describe(key)} as a list index")
        index = coerce_to_int(key) if not isinstance(key, int) else key
        return base[index] if 0 <= index < len(base) else None
    table = method_table(base)
    if table is not None and isinstance(key, str) and key:
        capitalised = key[0].upper() + key[1:]
        for prefix in ("get", "is"):
            spec = table.get(prefix + capitalised)
            if spec is not None and spec[1] == 0:
                return spec[0](base)
    raise JuelEvaluationError(f"property '{coerce_to_string(key)}' not found on {type_name(base)}")
