"""The regular expressions a template spells out: string literals passed to ``matches``, ``replaceAll``,
``replaceFirst`` and ``split``, so that lint can look at them like ``regexMatch`` patterns.
"""

from __future__ import annotations

from .errors import JuelError
from .lexer import scan_template
from .nodes import Literal, MethodCall, walk
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
    except JuelError:  # a syntax error: reported elsewhere
        return found
    for node in (n for root in roots for n in walk(root)):
        if isinstance(node, MethodCall) and node.name in REGEX_METHODS and node.args:
            first = node.args[0]
            if isinstance(first, Literal) and isinstance(first.value, str):
                found.append((first.value, first.pos))
    return sorted(found, key=lambda item: item[1])
