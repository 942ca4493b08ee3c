"""Text of inputs as it may appear in messages, and tokens found in JSON text outside its strings.

Values from an input end up in messages (an unknown key, a wrong enum value, a file name). JSON allows
lone surrogates (``"\\ud800"``), control characters and bidirectional overrides in strings; printed as they
are they crash a UTF-8 terminal or rewrite what it shows. :func:`printable` writes them as escapes.

When ``json.loads`` fails without a position (an integer too long to convert, nesting too deep, ``NaN``),
:func:`find_outside_strings` and :func:`deepest` find the place in the text; they run only then.
"""

from __future__ import annotations

import re

__all__ = ["deepest", "find_outside_strings", "json_escape_unsafe", "printable", "shorten"]

_UNSAFE = "\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
_UNPRINTABLE = re.compile(f"[{_UNSAFE}]")
_JSON_UNSAFE = re.compile("[\\x7f-\\x9f\\ud800-\\udfff\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
# a JSON string (an unterminated one runs to the end, so scanning stays linear), or something else
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)'
_BRACKETS = re.compile(_STRING + r"|([\[{])|([\]}])")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters, lone surrogates and bidi controls written as escapes."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


def shorten(value: object, limit: int = 80) -> str:
    """``str(value)`` cut to ``limit`` characters with an ellipsis (a value quoted in a message)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"a number with {len(str(abs(value))):,} digits"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_escape_unsafe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters it leaves raw but a
    terminal cannot show (DEL, C1 controls, lone surrogates, bidi controls) written as ``\\uXXXX``."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def find_outside_strings(text: str, pattern: str) -> int | None:
    """Offset of the first match of ``pattern`` that is not inside a JSON string, or None."""
    for match in re.finditer(f"{_STRING}|(?P<hit>{pattern})", text):
        if match.group("hit") is not None:
            return match.start("hit")
    return None


def deepest(text: str) -> tuple[int, int]:
    """``(depth, offset)``: how deep the brackets of a JSON text nest, and where that depth is first reached."""
    depth = best = where = 0
    for match in _BRACKETS.finditer(text):
        if match.group(1):
            depth += 1
            if depth > best:
                best, where = depth, match.start()
        elif match.group(2):
            depth -= 1
    return best, where
