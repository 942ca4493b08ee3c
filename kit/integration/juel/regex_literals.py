"""The regular expressions a template spells out: string literals passed to ``matches``, ``replaceAll``,
``replaceFirst`` and ``split``, so that lint can look at them like ``regexMatch`` patterns.
"""

from __future__ import annotations

from typing import Any

from .lexer import scan_template
from .nodes import Literal, MethodCall, Node
from .parser import parse_expression

__all__ = ["REGEX_METHODS", "regex_literals"]

#: String methods whose first argument is a Java regular expression
REGEX_METHODS = frozenset({"matches", "replaceAll", "replaceFirst", "split"})


def regex_literals(text: str) -> list[tuple[str, int]]:
    """``(pattern, offset)`` of every literal regex in the template ``text`` (offset: 0-based, of the
    literal's opening quote). A template that does not compile has none (its syntax error is reported
    elsewhere)."""
    found: list[tuple[str, int]] = []
    try:
        parts = scan_template(text)
        roots = [parse_expression(part, text) for part in parts if not isinstance(part, str)]
    except Exception:  # noqa: BLE001 - a syntax error: nothing to report here
        return found
    stack: list[Any] = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, MethodCall) and node.name in REGEX_METHODS and node.args:
            first = node.args[0]
            if isinstance(first, Literal) and isinstance(first.value, str):
                found.append((first.value, first.pos))
        for slot in getattr(type(node), "__slots__", ()):
            child = getattr(node, slot)
            if isinstance(child, Node):
                stack.append(child)
            elif isinstance(child, tuple):
                stack.extend(c for c in child if isinstance(c, Node))
    return sorted(found, key=lambda item: item[1])
