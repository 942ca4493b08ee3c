"""Templates: text with ``${...}`` expressions, compiled once and evaluated many times.

A template that is exactly one expression returns the expression's value with its type (a list stays a
list, a number a number). Any other template returns a string: literal text plus each expression's value
coerced to a string EL-style (null is "", 2.0 is "2.0", true is "true").
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .coercion import coerce_to_string
from .compiler import Evaluator, compile_expression
from .errors import JuelEvaluationError
from .lexer import scan_template
from .nodes import FunctionCall, Identifier, Node, walk
from .parser import parse_expression

__all__ = ["Template", "compile_template", "evaluate"]

_EMPTY: Mapping[str, Any] = {}


class Template:
    """A compiled template. Immutable and safe to share between threads; build it with :func:`compile_template`."""

    __slots__ = ("functions", "identifiers", "is_expression", "is_literal", "raw", "text")

    text: str
    #: True when the template is exactly one ``${...}`` (the result keeps its type).
    is_expression: bool
    #: True when the template has no expression at all (the result is the text).
    is_literal: bool
    #: Top-level names the expressions read from the context (``data``, ``variables``, ...).
    identifiers: frozenset[str]
    #: Qualified names of the functions called (``helper:toList``, ...).
    functions: frozenset[str]
    #: The compiled closure itself, for hot loops: same value as :meth:`evaluate`, but errors come out
    #: undecorated (any exception type); re-run a failure through :meth:`evaluate` to report it.
    raw: Evaluator

    def __init__(
        self,
        text: str,
        run: Evaluator,
        *,
        is_expression: bool,
        is_literal: bool,
        identifiers: frozenset[str],
        functions: frozenset[str],
    ) -> None:
        self.text = text
        self.raw = run
        self.is_expression = is_expression
        self.is_literal = is_literal
        self.identifiers = identifiers
        self.functions = functions

    def evaluate(self, context: Mapping[str, Any] | None = None) -> Any:
        """The template's value in ``context`` (a mapping of top-level names such as ``data``)."""
        if context is None:
            context = _EMPTY
        try:
            return self.raw(context)
        except JuelEvaluationError as exc:
            if exc.expression is None:
                exc.expression = self.text
            raise
        except RecursionError:
            raise JuelEvaluationError("evaluation recursed too deeply", self.text) from None
        except Exception as exc:
            if not isinstance(context, Mapping):
                raise TypeError(f"context must be a mapping, not {type(context).__name__}") from None
            raise JuelEvaluationError(
                f"unexpected {type(exc).__name__}: {exc}",
                self.text,
                internal=True,
            ) from exc

    def __repr__(self) -> str:
        return f"Template({self.text!r})"


def compile_template(text: str) -> Template:
    """Compiles ``text``; raises :class:`JuelSyntaxError` (with line and column) when it is not valid."""
    if not isinstance(text, str):
        raise TypeError(f"a template must be a str, not {type(text).__name__}")
    parts = scan_template(text)
    identifiers: set[str] = set()
    functions: set[str] = set()
    compiled: list[str | Evaluator] = []
    for part in parts:
        if isinstance(part, str):
            compiled.append(part)
            continue
        node = parse_expression(part, text)
        _collect_names(node, identifiers, functions)
        compiled.append(compile_expression(node, text))
    return Template(
        text,
        _assemble(compiled),
        is_expression=len(compiled) == 1 and not isinstance(compiled[0], str),
        is_literal=all(isinstance(p, str) for p in compiled),
        identifiers=frozenset(identifiers),
        functions=frozenset(functions),
    )


def _assemble(parts: list[str | Evaluator]) -> Evaluator:
    if not parts:
        return lambda context: ""
    if len(parts) == 1:
        only = parts[0]
        if isinstance(only, str):
            return lambda context: only
        return only
    pieces = tuple(parts)

    def concatenate(context: Mapping[str, Any]) -> str:
        out = []
        for piece in pieces:
            if type(piece) is str:
                out.append(piece)
            else:
                value = piece(context)  # type: ignore[operator]
                out.append(value if type(value) is str else coerce_to_string(value))
        return "".join(out)

    return concatenate


def _collect_names(root: Node, identifiers: set[str], functions: set[str]) -> None:
    for node in walk(root):
        if isinstance(node, Identifier):
            identifiers.add(node.name)
        elif isinstance(node, FunctionCall):
            functions.add(node.qualified_name)


_cached_compile = lru_cache(maxsize=4096)(compile_template)


def evaluate(text: str, context: Mapping[str, Any] | None = None) -> Any:
    """Compiles ``text`` (cached) and evaluates it in ``context``."""
    return _cached_compile(text).evaluate(context)
