"""Splits a template into literal text and ``${...}`` expressions, and expressions into tokens.

Literal text may contain ``\\${`` (or ``\\#{``) to write a literal ``${``; every other backslash is kept.
``#{...}`` (deferred syntax) is read exactly like ``${...}``. Inside an expression the first ``}`` outside a
string literal ends it (JSR-245 has no braces inside expressions).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .errors import JuelSyntaxError

__all__ = ["KEYWORDS", "Token", "scan_template"]

#: Reserved words of JSR-245 (``instanceof`` is reserved but has no meaning here).
KEYWORDS = frozenset("and or not eq ne lt gt le ge div mod empty true false null instanceof".split())  # noqa: SIM905

_LONG_MAX = 2**63 - 1


class Token(NamedTuple):
    """One token of an expression: ``kind`` is int, float, string, ident, keyword, op or end."""

    kind: str
    value: object
    pos: int
    text: str


_EXPRESSION_START = re.compile(r"\\?[$#]\{")

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\n\r\f]+)
  | (?P<float>(?:[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+))
  | (?P<int>[0-9]+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<ident>(?:[^\W0-9]|\$)(?:\w|\$)*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!+\-*/%?:.\[\](),])
  | (?P<end>\})
    """,
    re.VERBOSE | re.DOTALL,
)

_STRING_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def scan_template(text: str) -> list[str | list[Token]]:
    """The template as a list of literal strings and token lists (one per expression, ending in ``}``)."""
    parts: list[str | list[Token]] = []
    literal: list[str] = []
    position = 0
    while True:
        match = _EXPRESSION_START.search(text, position)
        if match is None:
            literal.append(text[position:])
            break
        literal.append(text[position : match.start()])
        if match.group().startswith("\\"):
            literal.append(match.group()[1:])
            position = match.end()
            continue
        joined = "".join(literal)
        if joined:
            parts.append(joined)
        literal = []
        tokens = _scan_expression(text, match.start(), match.end())
        parts.append(tokens)
        position = tokens[-1].pos + 1
    joined = "".join(literal)
    if joined:
        parts.append(joined)
    return parts


def _scan_expression(text: str, opening: int, start: int) -> list[Token]:
    """Tokens of the expression whose body starts at ``start``, up to and including its ``}``."""
    tokens: list[Token] = []
    position = start
    length = len(text)
    while position < length:
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            if char in "'\"":
                raise JuelSyntaxError(f"unterminated string literal (missing {char})", text, position)
            if char in "=&|":
                reason = f"unexpected character {char!r} (did you mean {char * 2!r}?)"
            else:
                reason = f"unexpected character {char!r}"
            raise JuelSyntaxError(reason, text, position)
        kind = match.lastgroup or ""
        raw = match.group()
        position = match.end()
        if kind == "ws":
            continue
        start_pos = match.start()
        if kind == "end":
            if not tokens:
                raise JuelSyntaxError("empty expression", text, opening)
            tokens.append(Token("end", None, start_pos, raw))
            return tokens
        if kind == "int":
            digits = raw.lstrip("0") or "0"
            if len(digits) > 19 or int(digits) > _LONG_MAX:
                raise JuelSyntaxError(
                    f"integer literal {raw[:30]} is out of range for a Long", text, start_pos
                )
            value: object = int(digits)
        elif kind == "float":
            value = float(raw)
        elif kind == "string":
            value = _unescape(raw, text, start_pos)
        elif kind == "ident" and raw in KEYWORDS:
            kind = "keyword"
            value = raw
        else:
            value = raw
        tokens.append(Token(kind, value, start_pos, raw))
    raise JuelSyntaxError("expression is not closed: missing '}'", text, opening)


def _unescape(raw: str, text: str, position: int) -> str:
    """The value of a string literal; only ``\\'``, ``\\"`` and ``\\\\`` are escapes (as in JUEL)."""
    body = raw[1:-1]
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char in "'\"\\":
            return char
        offset = position + 1 + match.start()
        raise JuelSyntaxError(
            f"invalid escape sequence \\{char} in string literal (only \\', \\\" and \\\\ are allowed; "
            "write \\\\ for a backslash)",
            text,
            offset,
        )

    return _STRING_ESCAPE.sub(replace, body)
