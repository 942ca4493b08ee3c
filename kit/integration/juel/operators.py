"""EL operators with JSR-245 semantics (sections 1.7-1.10).

* ``+ - *``: Long arithmetic (64-bit, wrapping) unless an operand is a Double or a string containing
  ``.``/``e``/``E``; ``+`` never concatenates. null counts as 0.
* ``/``: always Double (``1/2`` is 0.5, ``1/0`` is Infinity, ``0/0`` NaN).
* ``%``: Long remainder with the dividend's sign (``x % 0`` is an error), or Double remainder.
* ``== !=``: numeric if either side is a number, then Boolean, then String comparison; null equals only null.
* ``< > <= >=``: false when either side is null; numeric, then String, then comparable values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sized
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .coercion import (
    LONG_MAX,
    LONG_MIN,
    coerce_to_boolean,
    coerce_to_double,
    coerce_to_long,
    coerce_to_string,
    describe,
    is_floating,
    type_name,
    wrap_long,
)
from .errors import JuelEvaluationError

__all__ = [
    "add",
    "divide",
    "equal",
    "greater",
    "greater_equal",
    "is_empty",
    "less",
    "less_equal",
    "multiply",
    "negate",
    "not_equal",
    "remainder",
    "subtract",
]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _integral(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def add(a: Any, b: Any) -> Any:
    """EL ``a + b``."""
    if type(a) is int and type(b) is int:
        result = a + b
        return result if LONG_MIN <= result <= LONG_MAX else wrap_long(result)
    if a is None and b is None:
        return 0
    if is_floating(a) or is_floating(b):
        return coerce_to_double(a) + coerce_to_double(b)
    return wrap_long(coerce_to_long(a) + coerce_to_long(b))


def subtract(a: Any, b: Any) -> Any:
    """EL ``a - b``."""
    if type(a) is int and type(b) is int:
        result = a - b
        return result if LONG_MIN <= result <= LONG_MAX else wrap_long(result)
    if a is None and b is None:
        return 0
    if is_floating(a) or is_floating(b):
        return coerce_to_double(a) - coerce_to_double(b)
    return wrap_long(coerce_to_long(a) - coerce_to_long(b))


def multiply(a: Any, b: Any) -> Any:
    """EL ``a * b``."""
    if a is None and b is None:
        return 0
    if is_floating(a) or is_floating(b):
        return coerce_to_double(a) * coerce_to_double(b)
    return wrap_long(coerce_to_long(a) * coerce_to_long(b))


def divide(a: Any, b: Any) -> Any:
    """EL ``a / b`` and ``a div b``: always a Double."""
    if a is None and b is None:
        return 0
    x = coerce_to_double(a)
    y = coerce_to_double(b)
    try:
        return x / y
    except ZeroDivisionError:
        if x != x or x == 0:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


def remainder(a: Any, b: Any) -> Any:
    """EL ``a % b`` and ``a mod b``."""
    if a is None and b is None:
        return 0
    if is_floating(a) or is_floating(b):
        x = coerce_to_double(a)
        y = coerce_to_double(b)
        try:
            return math.fmod(x, y)
        except ValueError:
            return math.nan
    x = coerce_to_long(a)
    y = coerce_to_long(b)
    if y == 0:
        raise JuelEvaluationError(f"division by zero: {describe(a)} % {describe(b)}")
    result = abs(x) % abs(y)
    return wrap_long(result if x >= 0 else -result)


def negate(a: Any) -> Any:
    """EL unary ``-a``."""
    kind = type(a)
    if kind is int:
        return wrap_long(-a)
    if kind is float:
        return -a
    if a is None:
        return 0
    if kind is str:
        if is_floating(a):
            return -coerce_to_double(a)
        return wrap_long(-coerce_to_long(a))
    if _integral(a):
        return wrap_long(-int(a))
    if isinstance(a, float | Decimal):
        return -float(a)
    raise JuelEvaluationError(f"cannot negate {describe(a)}")


def is_empty(value: Any) -> bool:
    """EL ``empty``: null, "", and empty lists or maps are empty."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value
    if isinstance(value, list | tuple | Mapping) or (isinstance(value, Sized) and not _is_number(value)):
        try:
            return len(value) == 0
        except TypeError:
            return False
    return False


# -- equality -------------------------------------------------------------------------------------------


def equal(a: Any, b: Any) -> bool:
    """EL ``a == b``."""
    kind_a = type(a)
    if kind_a is type(b) and kind_a in (str, int, float):
        return a == b
    if a is b:
        return True
    if a is None or b is None:
        return False
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        return coerce_to_double(a) == coerce_to_double(b)
    if _integral(a) or _integral(b):
        return coerce_to_long(a) == coerce_to_long(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return coerce_to_boolean(a) == coerce_to_boolean(b)
    if isinstance(a, str) or isinstance(b, str):
        return coerce_to_string(a) == coerce_to_string(b)
    try:
        return bool(a == b)
    except RecursionError:
        raise JuelEvaluationError("values are nested too deeply to compare") from None
    except Exception as exc:  # a comparison between incompatible Python objects
        raise JuelEvaluationError(f"cannot compare {describe(a)} with {describe(b)}: {exc}") from None


def not_equal(a: Any, b: Any) -> bool:
    """EL ``a != b``."""
    return not equal(a, b)


# -- ordering -------------------------------------------------------------------------------------------


def _compare(a: Any, b: Any, op: str) -> int:
    """-1, 0 or 1 for the EL relational operators, once null and identity are handled."""
    if isinstance(a, float | Decimal) or isinstance(b, float | Decimal):
        x, y = coerce_to_double(a), coerce_to_double(b)
        if x != x or y != y:
            return 2  # NaN: every relational comparison is false
        return (x > y) - (x < y)
    if _integral(a) or _integral(b):
        x, y = coerce_to_long(a), coerce_to_long(b)
        return (x > y) - (x < y)
    if isinstance(a, str) or isinstance(b, str):
        text_a, text_b = coerce_to_string(a), coerce_to_string(b)
        return (text_a > text_b) - (text_a < text_b)
    if type(a) is type(b) and isinstance(a, bool | datetime | date | timedelta):
        try:
            return (a > b) - (a < b)
        except TypeError:  # a naive and an aware datetime
            pass
    raise JuelEvaluationError(f"cannot compare {describe(a)} {op} {describe(b)}: {_why(a, b)}")


def _why(a: Any, b: Any) -> str:
    return f"{type_name(a)} and {type_name(b)} are not comparable"


def _relational(test: Callable[[int], bool], op: str, equal_result: bool) -> Callable[[Any, Any], bool]:
    def operator(a: Any, b: Any) -> bool:
        kind = type(a)
        if kind is type(b) and kind in (int, str):
            return test((a > b) - (a < b))
        if a is b and kind is not float:
            return equal_result
        if a is None or b is None:
            return False
        result = _compare(a, b, op)
        return result != 2 and test(result)

    operator.__name__ = {"<": "less", ">": "greater", "<=": "less_equal", ">=": "greater_equal"}[op]
    operator.__doc__ = f"EL ``a {op} b``."
    return operator


less = _relational(lambda c: c < 0, "<", False)
greater = _relational(lambda c: c > 0, ">", False)
less_equal = _relational(lambda c: c <= 0, "<=", True)
greater_equal = _relational(lambda c: c >= 0, ">=", True)
