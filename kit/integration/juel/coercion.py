"""EL type coercion (JSR-245 section 1.18) and Java's way of writing values as text.

Python ``int`` plays Java ``Long``, ``float`` plays ``Double``, ``str`` plays ``String``, ``bool``
``Boolean``, ``None`` ``null``, ``list``/``tuple`` ``List``, ``dict``/``Mapping`` ``Map``,
``datetime`` ``LocalDateTime``, ``date`` ``LocalDate``, ``timedelta`` ``Duration``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .errors import JuelEvaluationError
from .objects import JuelObject

__all__ = [
    "LONG_MAX",
    "LONG_MIN",
    "coerce_to_boolean",
    "coerce_to_double",
    "coerce_to_int",
    "coerce_to_long",
    "coerce_to_string",
    "describe",
    "double_to_string",
    "duration_to_string",
    "is_floating",
    "java_string_of",
    "local_date_time_to_string",
    "type_name",
    "wrap_long",
]

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)

_LONG_TEXT = re.compile(r"[+-]?[0-9]+")
_DOUBLE_TEXT = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)",
)
# Java's String.trim() and Double.valueOf() strip every character up to U+0020.
JAVA_TRIM_CHARS = "".join(chr(code) for code in range(33))


def type_name(value: Any) -> str:
    """The Java-ish type name of a value, for messages: String, Long, Double, List, Map, ..."""
    if value is None:
        return "null"
    if isinstance(value, JuelObject):
        return value.juel_type_name
    kind = type(value)
    if kind is bool:
        return "Boolean"
    if kind is str:
        return "String"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, float | Decimal):
        return "Double"
    if isinstance(value, datetime):
        return "LocalDateTime"
    if isinstance(value, date):
        return "LocalDate"
    if isinstance(value, timedelta):
        return "Duration"
    if isinstance(value, Mapping):
        return "Map"
    if isinstance(value, list | tuple):
        return "List"
    if isinstance(value, str):
        return "String"
    return kind.__name__


def describe(value: Any) -> str:
    """A short description of a value for messages: ``'abc'``, ``Long 3``, ``a List``."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if value is None or isinstance(value, bool | int | float):
        return f"{type_name(value)} {coerce_to_string(value)}"
    return f"a {type_name(value)}"


def wrap_long(value: int) -> int:
    """Java ``long`` overflow: keep the low 64 bits, signed."""
    if LONG_MIN <= value <= LONG_MAX:
        return value
    return ((value - LONG_MIN) % 2**64) + LONG_MIN


def is_floating(value: Any) -> bool:
    """EL's test for double arithmetic: a Double, or a String containing ``.``, ``e`` or ``E``."""
    kind = type(value)
    if kind is float:
        return True
    if kind is str:
        return "." in value or "e" in value or "E" in value
    return isinstance(value, float | Decimal)


def _cannot(value: Any, target: str) -> JuelEvaluationError:
    return JuelEvaluationError(f"cannot coerce {describe(value)} to {target}")


def coerce_to_long(value: Any) -> int:
    """EL coercion to Long: null and "" are 0, numbers are truncated, strings parsed as Long.valueOf."""
    kind = type(value)
    if kind is int:
        return value
    if value is None:
        return 0
    if kind is str:
        if value == "":
            return 0
        if _LONG_TEXT.fullmatch(value) and len(value) < 30:
            number = int(value)
            if LONG_MIN <= number <= LONG_MAX:
                return number
        raise _cannot(value, "a number")
    if kind is bool:
        raise _cannot(value, "a number")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | Decimal):
        return double_to_long(float(value))
    raise _cannot(value, "a number")


def coerce_to_int(value: Any) -> int:
    """EL coercion to Integer (indexes, method arguments): like Long, then Java's narrowing."""
    if type(value) is float:
        return double_to_int(value)
    return long_to_int(coerce_to_long(value))


def double_to_long(value: float) -> int:
    """Java ``(long) d``: NaN is 0, values beyond the range clamp, the rest truncate toward zero."""
    if value != value:
        return 0
    if value >= 9.223372036854775807e18:
        return LONG_MAX
    if value <= -9.223372036854775808e18:
        return LONG_MIN
    return int(value)


def double_to_int(value: float) -> int:
    """Java ``(int) d``."""
    if value != value:
        return 0
    if value >= INT_MAX:
        return INT_MAX
    if value <= INT_MIN:
        return INT_MIN
    return int(value)


def long_to_int(value: int) -> int:
    """Java ``(int) l``: the low 32 bits, signed."""
    if INT_MIN <= value <= INT_MAX:
        return value
    return ((value - INT_MIN) % 2**32) + INT_MIN


def coerce_to_double(value: Any) -> float:
    """EL coercion to Double: null and "" are 0.0, strings parsed as Double.valueOf (trimmed)."""
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return _int_to_float(value)
    if value is None:
        return 0.0
    if kind is str:
        if value == "":
            return 0.0
        text = value.strip(JAVA_TRIM_CHARS)
        if len(text) < 400 and _DOUBLE_TEXT.fullmatch(text):
            if text[-1] in "fFdD" and not text.endswith("Infinity"):
                text = text[:-1]
            return float(text)
        raise _cannot(value, "a number")
    if kind is bool:
        raise _cannot(value, "a number")
    if isinstance(value, int):
        return _int_to_float(int(value))
    if isinstance(value, float | Decimal):
        return float(value)
    raise _cannot(value, "a number")


def _int_to_float(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def coerce_to_boolean(value: Any) -> bool:
    """EL coercion to Boolean: null and "" are false, strings are true only when equal to "true"."""
    kind = type(value)
    if kind is bool:
        return value
    if value is None:
        return False
    if kind is str or isinstance(value, str):
        return value.lower() == "true"
    raise _cannot(value, "a boolean")


def coerce_to_string(value: Any) -> str:
    """EL coercion to String: null is "", everything else as Java's ``toString()`` writes it."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    return java_string_of(value)


def java_string_of(value: Any) -> str:
    """Java's ``String.valueOf``: like :func:`coerce_to_string` but null is ``"null"``."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return _int_to_string(value)
    if kind is float:
        return double_to_string(value)
    try:
        return _object_to_string(value, set())
    except RecursionError:
        raise JuelEvaluationError("value is nested too deeply to be written as text") from None


def _int_to_string(value: int) -> str:
    try:
        return str(value)
    except ValueError:
        raise JuelEvaluationError("number is too large to be written as text") from None


def _object_to_string(value: Any, seen: set[int]) -> str:
    if isinstance(value, str):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _int_to_string(int(value))
    if isinstance(value, float | Decimal):
        return double_to_string(float(value))
    if isinstance(value, datetime):
        return local_date_time_to_string(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_to_string(value)
    if isinstance(value, JuelObject):
        return value.juel_str()
    if isinstance(value, list | tuple):
        if id(value) in seen:
            return "(this Collection)"
        seen.add(id(value))
        text = "[" + ", ".join(_object_to_string(item, seen) for item in value) + "]"
        seen.discard(id(value))
        return text
    if isinstance(value, Mapping):
        if id(value) in seen:
            return "(this Map)"
        seen.add(id(value))
        text = (
            "{"
            + ", ".join(
                f"{_object_to_string(k, seen)}={_object_to_string(v, seen)}" for k, v in value.items()
            )
            + "}"
        )
        seen.discard(id(value))
        return text
    raise JuelEvaluationError(f"cannot write a {type(value).__name__} as text")


def double_to_string(value: float) -> str:
    """Java's ``Double.toString``: ``2.0``, ``0.001``, ``1.0E7``, ``1.5E-5``, ``NaN``, ``Infinity``."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(value)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent_text = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    stripped = all_digits.lstrip("0")
    leading_zeros = len(all_digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    exponent = len(whole) - 1 - leading_zeros + (int(exponent_text) if exponent_text else 0)
    if 1e-3 <= abs(value) < 1e7:
        if exponent >= 0:
            integer = digits[: exponent + 1].ljust(exponent + 1, "0")
            rest = digits[exponent + 1 :] or "0"
            return f"{sign}{integer}.{rest}"
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def local_date_time_to_string(value: datetime) -> str:
    """Java's ``LocalDateTime.toString``: ``2020-07-02T11:30``, seconds and fraction only when set."""
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}"
    if value.second or value.microsecond:
        text += f":{value.second:02d}"
        if value.microsecond:
            if value.microsecond % 1000 == 0:
                text += f".{value.microsecond // 1000:03d}"
            else:
                text += f".{value.microsecond:06d}"
    return text


def duration_parts(value: timedelta) -> tuple[int, int]:
    """Java's Duration representation: whole seconds (floored) and nanoseconds in [0, 1e9)."""
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    seconds, rest = divmod(micros, 1_000_000)
    return seconds, rest * 1000


def _java_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def _java_rem(a: int, b: int) -> int:
    remainder = abs(a) % abs(b)
    return remainder if a >= 0 else -remainder


def duration_to_string(value: timedelta) -> str:
    """Java's ``Duration.toString``: ``PT0S``, ``PT48H``, ``PT8H6M12.345S``, ``PT-0.5S``."""
    seconds, nanos = duration_parts(value)
    if seconds == 0 and nanos == 0:
        return "PT0S"
    effective = seconds + 1 if seconds < 0 and nanos > 0 else seconds
    hours = _java_div(effective, 3600)
    minutes = _java_div(_java_rem(effective, 3600), 60)
    secs = _java_rem(effective, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs == 0 and nanos == 0 and len(text) > 2:
        return text
    if seconds < 0 and nanos > 0:
        text += "-0" if secs == 0 else str(secs)
    else:
        text += str(secs)
    if nanos > 0:
        fraction = str(2 * 1_000_000_000 - nanos if seconds < 0 else nanos + 1_000_000_000).rstrip("0")
        text += "." + fraction[1:]
    return text + "S"
