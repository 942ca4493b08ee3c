"""Compiling a processor configuration once: every JUEL template and regular expression, every processor's
plan. Problems are collected with their JSON path and raised together as a :class:`ConfigurationError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.juel import (
    JuelEvaluationError,
    JuelSyntaxError,
    Template,
    compile_java_regex,
    compile_template,
    java_replace_all,
)
from kit.integration.juel.budget import JavaPattern

from .errors import ConfigurationError

__all__ = ["Compiler", "Constant"]


class Constant:
    """A non-string configuration value used where a template is expected (``"forEach": [1, 2]``)."""

    __slots__ = ("value",)
    is_expression = True
    is_literal = True
    identifiers: frozenset[str] = frozenset()

    def __init__(self, value: Any) -> None:
        self.value = value

    @property
    def text(self) -> str:
        return repr(self.value)

    def evaluate(self, context: Any = None) -> Any:
        return self.value


class Compiler:
    """Compiles templates and Java regexes once per distinct text, remembering what failed and where."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self._templates: dict[str, Template] = {}
        #: top-level names read by the templates compiled since the last reset (``lx``, ``variables`` ...)
        self.names: set[str] = set()

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def template(self, value: Any, path: str) -> Template | Constant | None:
        """The compiled template of ``value`` (None stays None; non-strings become constants)."""
        if value is None:
            return None
        if isinstance(value, Mapping) and "expr" in value:
            value = value["expr"]
        if not isinstance(value, str):
            return Constant(value)
        found = self._templates.get(value)
        if found is None:
            try:
                found = self._templates[value] = compile_template(value)
            except JuelSyntaxError as exc:
                self.problem(path, str(exc))
                return Constant(None)
        self.names |= found.identifiers
        return found

    def for_each(self, each: Any, path: str) -> tuple[Template | Constant | None, Template | Constant | None]:
        """``(elementOf, filter)`` of a ``forEach`` at ``path``: ``{"elementOf", "filter"}`` or just the
        expression (no filter); (None, None) without one."""
        if isinstance(each, Mapping):
            return (
                self.template(each.get("elementOf"), path + ".elementOf"),
                self.template(each.get("filter"), path + ".filter"),
            )
        return self.template(each, path), None

    def regex(self, pattern: Any, path: str) -> JavaPattern | None:
        """The compiled Java regex (None for None); its uses run within the regex time budget."""
        if pattern is None:
            return None
        try:
            return compile_java_regex(str(pattern))
        except JuelEvaluationError as exc:
            self.problem(path, exc.reason)
            return None

    def replacement(self, spec: Any, path: str) -> tuple[str, str] | None:
        """``(match, replace)`` of a ``regexReplace`` (defaults ``^(.*)$`` / ``$1``); None when it is the
        identity, so nothing needs to run."""
        if not isinstance(spec, Mapping):
            return None
        match = str(spec.get("match", "^(.*)$"))
        replace = str(spec.get("replace", "$1"))
        if match == "^(.*)$" and replace == "$1":
            return None
        try:
            java_replace_all("", match, replace)
        except JuelEvaluationError as exc:
            self.problem(path, exc.reason)
            return None
        return match, replace

    def check(self) -> None:
        if self.problems:
            raise ConfigurationError(self.problems)
