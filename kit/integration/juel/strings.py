"""``java.lang.String`` methods with Java's semantics, on Python ``str``.

Arguments arrive as evaluated EL values and are coerced the way EL coerces method arguments (a String
parameter turns null into "" and numbers into their text; an int parameter parses strings). Indexes count
code points (Java counts UTF-16 units; they differ only for characters outside the BMP).
"""

from __future__ import annotations

from typing import Any

from .coercion import JAVA_TRIM_CHARS, coerce_to_int, coerce_to_string, describe
from .errors import JuelEvaluationError
from .regex import java_matches, java_replace_all, java_replace_first, java_split

__all__ = ["STRING_METHODS", "java_string_compare", "java_string_hash"]

_MAX_REPEAT_LENGTH = 10_000_000


def _s(value: Any) -> str:
    return coerce_to_string(value)


def _utf16_units(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def java_string_hash(text: str) -> int:
    """Java's ``String.hashCode`` (31-based over UTF-16 units, signed 32-bit)."""
    units = _utf16_units(text)
    value = 0
    for index in range(0, len(units), 2):
        value = (31 * value + (units[index] << 8 | units[index + 1])) & 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


def java_string_compare(a: str, b: str) -> int:
    """Java's ``String.compareTo``: difference of the first differing UTF-16 units, else of lengths."""
    if a == b:
        return 0
    if a.isascii() and b.isascii():
        for char_a, char_b in zip(a, b, strict=False):
            if char_a != char_b:
                return ord(char_a) - ord(char_b)
        return len(a) - len(b)
    ua, ub = _utf16_units(a), _utf16_units(b)
    for index in range(0, min(len(ua), len(ub)), 2):
        x = ua[index] << 8 | ua[index + 1]
        y = ub[index] << 8 | ub[index + 1]
        if x != y:
            return x - y
    return (len(ua) - len(ub)) // 2


def _index_error(method: str, index: int, text: str) -> JuelEvaluationError:
    return JuelEvaluationError(
        f"String.{method}: index {index} is out of range for {describe(text)} (length {len(text)})",
    )


def _substring(text: str, begin: Any, end: Any = None) -> str:
    start = coerce_to_int(begin)
    stop = len(text) if end is None else coerce_to_int(end)
    if start < 0 or stop > len(text) or start > stop:
        bad = start if start < 0 or start > len(text) else stop
        raise _index_error("substring", bad, text)
    return text[start:stop]


def _char_at(text: str, index: Any) -> str:
    position = coerce_to_int(index)
    if not 0 <= position < len(text):
        raise _index_error("charAt", position, text)
    return text[position]


def _index_of(text: str, needle: Any, start: Any = None) -> int:
    target = chr(needle) if type(needle) is int and 0 <= needle <= 0x10FFFF else _s(needle)
    begin = 0 if start is None else max(0, coerce_to_int(start))
    if begin > len(text):
        return len(text) if target == "" else -1
    return text.find(target, begin)


def _last_index_of(text: str, needle: Any, start: Any = None) -> int:
    target = chr(needle) if type(needle) is int and 0 <= needle <= 0x10FFFF else _s(needle)
    if start is None:
        return text.rfind(target)
    begin = coerce_to_int(start)
    if begin < 0:
        return -1
    return text.rfind(target, 0, min(begin, len(text)) + len(target))


def _starts_with(text: str, prefix: Any, offset: Any = None) -> bool:
    start = 0 if offset is None else coerce_to_int(offset)
    if start < 0 or start > len(text):
        return False
    return text.startswith(_s(prefix), start)


def _equals_ignore_case(text: str, other: Any) -> bool:
    if other is None:
        return False
    other = _s(other)
    if len(text) != len(other):
        return False
    for a, b in zip(text, other, strict=True):
        if a != b and a.upper() != b.upper() and a.upper().lower() != b.upper().lower():
            return False
    return True


def _compare_to_ignore_case(text: str, other: Any) -> int:
    def fold(value: str) -> str:
        return "".join(c.upper().lower() if len(c.upper()) == 1 else c.lower() for c in value)

    return java_string_compare(fold(text), fold(_s(other)))


def _split(text: str, regex: Any, limit: Any = None) -> list[str]:
    return java_split(text, _s(regex), 0 if limit is None else coerce_to_int(limit))


def _repeat(text: str, count: Any) -> str:
    times = coerce_to_int(count)
    if times < 0:
        raise JuelEvaluationError(f"String.repeat: count is negative: {times}")
    if len(text) * times > _MAX_REPEAT_LENGTH:
        raise JuelEvaluationError(
            f"String.repeat: result would be longer than {_MAX_REPEAT_LENGTH} characters"
        )
    return text * times


def _is_blank(text: str) -> bool:
    return text.strip() == ""


#: JUEL method name -> (implementation(text, *args), minimum arguments, maximum arguments).
STRING_METHODS: dict[str, tuple[Any, int, int]] = {
    "toUpperCase": (str.upper, 0, 0),
    "toLowerCase": (str.lower, 0, 0),
    "trim": (lambda t: t.strip(JAVA_TRIM_CHARS), 0, 0),
    "strip": (lambda t: t.strip(), 0, 0),
    "stripLeading": (lambda t: t.lstrip(), 0, 0),
    "stripTrailing": (lambda t: t.rstrip(), 0, 0),
    "isBlank": (_is_blank, 0, 0),
    "isEmpty": (lambda t: t == "", 0, 0),
    "length": (len, 0, 0),
    "toString": (lambda t: t, 0, 0),
    "hashCode": (java_string_hash, 0, 0),
    "replace": (lambda t, a, b: t.replace(_s(a), _s(b)), 2, 2),
    "replaceAll": (lambda t, r, b: java_replace_all(t, _s(r), _s(b)), 2, 2),
    "replaceFirst": (lambda t, r, b: java_replace_first(t, _s(r), _s(b)), 2, 2),
    "matches": (lambda t, r: java_matches(t, _s(r)), 1, 1),
    "split": (_split, 1, 2),
    "substring": (_substring, 1, 2),
    "charAt": (_char_at, 1, 1),
    "indexOf": (_index_of, 1, 2),
    "lastIndexOf": (_last_index_of, 1, 2),
    "startsWith": (_starts_with, 1, 2),
    "endsWith": (lambda t, s: t.endswith(_s(s)), 1, 1),
    "contains": (lambda t, s: _s(s) in t, 1, 1),
    "concat": (lambda t, s: t + _s(s), 1, 1),
    "equals": (lambda t, o: isinstance(o, str) and t == o, 1, 1),
    "equalsIgnoreCase": (_equals_ignore_case, 1, 1),
    "compareTo": (lambda t, o: java_string_compare(t, _s(o)), 1, 1),
    "compareToIgnoreCase": (_compare_to_ignore_case, 1, 1),
    "repeat": (_repeat, 1, 1),
}
