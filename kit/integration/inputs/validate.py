"""Checks JSON data against the shapes of :mod:`.schema` and collects every problem (never stops early).

Besides types, required keys, enums and exactly-one-of groups, string values declared as Java regexes are
compiled with the JUEL package's Java regex translator and JUEL-bearing strings are compiled as templates;
the compiled templates are kept (:attr:`Validator.templates`) for checks that read expressions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kit.integration.juel import (
    JuelEvaluationError,
    JuelSyntaxError,
    Template,
    compile_java_regex,
    compile_template,
)

from .issues import Problem
from .paths import Segments, format_path
from .schema import COMMENT_KEYS, PROCESSOR_COMMON, PROCESSOR_TYPES, SHAPES, Key, Shape
from .text import shorten

__all__ = ["TemplateUse", "Validator", "check_juel", "check_regex", "describe", "label", "suggest"]

_OPEN_PROCESSOR = Shape("Processor:?", PROCESSOR_COMMON, closed=False)
_PLAIN = {"string", "boolean", "integer", "number", "any", "map"}


@dataclass(frozen=True)
class TemplateUse:
    """A JUEL-bearing string found in the data, compiled."""

    segments: Segments
    template: Template


def describe(value: Any) -> str:
    """``a string``, ``a number``, ``an object`` ... for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wanted(kind: str) -> str:
    if kind.startswith("list:"):
        return "a list"
    return {
        "string": "a string",
        "boolean": "true or false",
        "integer": "an integer",
        "number": "a number",
        "map": "an object",
    }.get(kind, "an object")


def _accepts(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind.startswith("list:"):
        return isinstance(value, list)
    return isinstance(value, dict)  # map, a shape, Processor


def suggest(word: str, choices: Any) -> str | None:
    """The closest known word (difflib), or None."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


@lru_cache(maxsize=8192)
def _compile(text: str) -> Template:
    return compile_template(text)


def check_juel(text: str, segments: Segments) -> tuple[Template | None, Problem | None]:
    """The compiled template, or a ``juel`` problem pointing at the column of the syntax error."""
    try:
        return _compile(text), None
    except JuelSyntaxError as exc:
        where = f"line {exc.line}, column {exc.column}" if "\n" in text else f"column {exc.column}"
        near = text[max(0, exc.position - 12) : exc.position + 12]
        return None, Problem(
            "juel",
            segments,
            f"JUEL syntax error at {where} of the expression: {exc.reason}",
            f"correct the expression near {near!r} (JUEL: ${{...}} with Java-like syntax)",
            offset=exc.position,
        )


def check_regex(pattern: str, segments: Segments) -> Problem | None:
    """A ``regex`` problem when ``pattern`` is not a valid Java regular expression."""
    try:
        compile_java_regex(pattern)
    except JuelEvaluationError as exc:
        detail = exc.reason
        prefix = f"invalid or unsupported Java regular expression {pattern!r}: "
        if detail.startswith(prefix):
            detail = detail[len(prefix) :]
        return Problem(
            "regex",
            segments,
            f"invalid regular expression {shorten(pattern)!r}: {shorten(detail, 200)}",
            'correct the pattern (Java regex syntax; in JSON a backslash is written \\\\, e.g. "\\\\d+")',
        )
    return None


def label(segments: Segments) -> str:
    """The last step of a path for messages: ``'run'``, ``item 2 of 'ids'``, ``the top level``."""
    if not segments:
        return "the top level"
    last = segments[-1]
    if isinstance(last, int):
        before = segments[-2] if len(segments) > 1 else None
        return f"item {last} of '{before}'" if isinstance(before, str) else f"item {last}"
    return f"'{shorten(last)}'"


class Validator:
    """Walks data against shapes; ``problems`` and ``templates`` fill up as it goes (in document order)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.templates: list[TemplateUse] = []

    def shape(self, value: dict[str, Any], shape: Shape, segments: Segments) -> None:
        """Checks an object (already known to be a dict) against ``shape``."""
        where = format_path(segments) or "the top level"
        for name, item in value.items():
            key = shape.keys.get(name)
            if key is not None:
                self.value(item, key, (*segments, name))
            elif shape.closed and name not in COMMENT_KEYS:
                self._unknown(name, shape, segments, where)
        for name, key in shape.keys.items():
            if key.required and name not in value:
                self.problems.append(
                    Problem("schema", segments, f"missing required key '{name}'", f'add "{name}"')
                )
        if shape.one_of:
            self._one_of(value, shape, segments)

    def _unknown(self, name: str, shape: Shape, segments: Segments, where: str) -> None:
        guess = suggest(name, [*shape.keys, *COMMENT_KEYS]) if isinstance(name, str) else None
        shown = shorten(name)
        message = f"unknown key '{shown}' in {where}"
        if guess:
            message += f"; did you mean '{guess}'?"
            hint = f"rename '{shown}' to '{guess}'"
        else:
            hint = f"remove it or check the spelling (known keys here: {', '.join(sorted(shape.keys))})"
        self.problems.append(Problem("unknown-key", (*segments, name), message, hint, at_key=True))

    def _one_of(self, value: dict[str, Any], shape: Shape, segments: Segments) -> None:
        present = [name for name in shape.one_of if value.get(name) is not None]
        choices = ", ".join(f"'{name}'" for name in shape.one_of)
        if not present:
            self.problems.append(
                Problem(
                    "schema",
                    segments,
                    f"{label(segments)} needs exactly one of {choices}",
                    f"add one of {choices}",
                )
            )
        elif len(present) > 1 and frozenset(present) not in shape.together:
            both = " and ".join(f"'{name}'" for name in present)
            self.problems.append(
                Problem(
                    "schema",
                    segments,
                    f"{label(segments)} has {both}; only one of {choices} is allowed",
                    "keep one of them",
                )
            )

    def value(self, value: Any, key: Key, segments: Segments) -> None:
        """Checks one value against ``key``."""
        if value is None:
            if key.required:
                self.problems.append(
                    Problem(
                        "schema",
                        segments,
                        f"{label(segments)} must not be null",
                        f"give it {_wanted(key.type)}",
                    )
                )
            return
        alternatives = key.type.split("|")
        kind = next((alt for alt in alternatives if _accepts(alt, value)), None)
        if kind is None:
            wanted = " or ".join(_wanted(alt) for alt in alternatives)
            self.problems.append(
                Problem(
                    "schema",
                    segments,
                    f"{label(segments)} must be {wanted}, not {describe(value)}",
                    f"write {wanted} here",
                )
            )
        elif kind == "string":
            self._string(value, key, segments)
        elif kind in ("integer", "number"):
            if key.minimum is not None and value < key.minimum:
                self.problems.append(
                    Problem(
                        "schema",
                        segments,
                        f"{label(segments)} must be at least {key.minimum}, not {shorten(value, 30)}",
                        f"use a number >= {key.minimum}",
                    )
                )
        elif kind.startswith("list:"):
            item_key = Key(kind[5:], required=True, juel=key.juel, regex=key.regex, enum=key.enum)
            for index, item in enumerate(value):
                self.value(item, item_key, (*segments, index))
        elif kind == "Processor":
            self.processor(value, segments)
        elif kind not in _PLAIN:
            self.shape(value, SHAPES[kind], segments)

    def _string(self, value: str, key: Key, segments: Segments) -> None:
        if key.max_length is not None and len(value) > key.max_length:
            self.problems.append(
                Problem(
                    "schema",
                    segments,
                    f"{label(segments)} is {len(value)} characters long; at most {key.max_length} are allowed",
                    "shorten it",
                )
            )
        if key.enum:
            folded = value.lower() if key.ignore_case else value
            allowed = [e.lower() for e in key.enum] if key.ignore_case else list(key.enum)
            if folded not in allowed:
                choices = ", ".join(f"'{e}'" for e in key.enum)
                guess = suggest(value, key.enum)
                message = f"{label(segments)} is '{shorten(value)}'; expected one of {choices}"
                self.problems.append(
                    Problem(
                        "schema",
                        segments,
                        message + (f"; did you mean '{guess}'?" if guess else ""),
                        f"use '{guess}'" if guess else f"use one of {choices}",
                    )
                )
        if key.regex:
            problem = check_regex(value, segments)
            if problem:
                self.problems.append(problem)
        if key.juel:
            template, problem = check_juel(value, segments)
            if problem:
                self.problems.append(problem)
            elif template is not None and not template.is_literal:
                self.templates.append(TemplateUse(segments, template))

    def processor(self, value: dict[str, Any], segments: Segments) -> None:
        """Checks a processor against the shape of its ``processorType``."""
        kind = value.get("processorType")
        if isinstance(kind, str) and kind in PROCESSOR_TYPES:
            self.shape(value, SHAPES[PROCESSOR_TYPES[kind].shape], segments)
            return
        if isinstance(kind, str):
            guess = suggest(kind, PROCESSOR_TYPES)
            message = f"unknown processor type '{shorten(kind)}'" + (
                f"; did you mean '{guess}'?" if guess else ""
            )
            hint = f"use '{guess}'" if guess else f"use one of {', '.join(PROCESSOR_TYPES)}"
            self.problems.append(Problem("unknown-type", (*segments, "processorType"), message, hint))
        # unknown or missing type: check the keys every processor has, without reporting unknown ones
        self.shape(value, _OPEN_PROCESSOR, segments)
