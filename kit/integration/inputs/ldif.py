"""LDIF files: load, validate (every problem at once), and the validated result.

Unknown keys are not errors here: LeanIX silently ignores unknown LDIF keys, so they are kept as
:attr:`Ldif.warnings` (a misspelt ``procesingMode`` would otherwise go unnoticed). Repeated keys are not
looked for (JSON keeps the last one, as LeanIX's parser does; finding them would slow loading by a quarter).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .document import Document, read_document
from .issues import InputError, Issue, Problem
from .paths import Segments
from .schema import SHAPES, Key, Shape
from .validate import Validator, describe

__all__ = ["Ldif", "check_ldif", "load_ldif"]

_HEADER = Shape("LdifHeader", {**SHAPES["Ldif"].keys, "content": Key("any")})
_CONTENT_KEYS = frozenset(SHAPES["Content"].keys)


@dataclass(frozen=True, repr=False)
class Ldif:
    """A validated LDIF: ``data`` (plain dict), ``document`` (positions), ``name``, ``warnings`` (unknown keys)."""

    data: dict[str, Any]
    document: Document
    name: str
    warnings: tuple[Issue, ...] = ()

    @property
    def content(self) -> list[dict[str, Any]]:
        return self.data.get("content") or []

    @property
    def direction(self) -> str:
        return str(self.data.get("processingDirection", "inbound")).lower()

    @property
    def mode(self) -> str:
        """``partial`` (the default) or ``full``."""
        mode = self.data.get("processingMode")
        return mode.lower() if isinstance(mode, str) else "partial"

    def __repr__(self) -> str:
        return f"Ldif({self.name!r}, {len(self.content)} content items, {self.direction}, {self.mode})"


def check_ldif(data: Any) -> tuple[list[Problem], list[Problem]]:
    """``(errors, warnings)`` of an LDIF; warnings are unknown keys (ignored by LeanIX)."""
    validator = Validator()
    if not isinstance(data, dict):
        problem = Problem(
            "schema", (), "an LDIF must be a JSON object", 'start the file with {"connectorType": ...}'
        )
        return [problem], []
    validator.shape(data, _HEADER, ())
    content = data.get("content")
    if isinstance(content, list):
        _check_content(content, validator.problems)
    elif content is not None:
        validator.problems.append(
            Problem(
                "schema",
                ("content",),
                f"'content' must be a list, not {describe(content)}",
                "write a list of data objects",
            )
        )
    errors = [p for p in validator.problems if p.kind != "unknown-key"]
    warnings = [p for p in validator.problems if p.kind == "unknown-key"]
    return errors, warnings


def _check_content(content: list[Any], problems: list[Problem]) -> None:
    """The data objects, checked in one tight loop (an LDIF may hold 100,000 of them)."""
    for index, item in enumerate(content):
        if type(item) is not dict:
            problems.append(
                Problem(
                    "schema",
                    ("content", index),
                    f"item {index} of 'content' must be an object, not {describe(item)}",
                    'write {"type": ..., "id": ..., "data": {...}}',
                )
            )
            continue
        kind, ident, data = item.get("type"), item.get("id"), item.get("data")
        if type(kind) is not str or type(ident) is not str or type(data) is not dict or len(item) != 3:
            _content_problems(index, item, problems)


def _content_problems(index: int, item: dict[str, Any], problems: list[Problem]) -> None:
    where: Segments = ("content", index)
    for name, wanted in (("type", str), ("id", str), ("data", dict)):
        if name not in item:
            problems.append(Problem("schema", where, f"missing required key '{name}'", f'add "{name}"'))
        elif not isinstance(item[name], wanted):
            shown = "a string" if wanted is str else "an object"
            problems.append(
                Problem(
                    "schema",
                    (*where, name),
                    f"'{name}' must be {shown}, not {describe(item[name])}",
                    f"write {shown} here",
                )
            )
    for name in item:
        if name not in _CONTENT_KEYS:
            problems.append(
                Problem(
                    "unknown-key",
                    (*where, name),
                    f"unknown key '{name}' in content[{index}]; LeanIX ignores it",
                    "move it into 'data' if processors should see it",
                    at_key=True,
                )
            )


def load_ldif(source: Mapping[str, Any] | str | os.PathLike[str]) -> Ldif:
    """Reads and validates an LDIF (dict, JSON text or file); InputError lists every problem."""
    document = read_document(source, "LDIF", find_duplicates=False)  # as fast as json.loads (benchmarks/)
    errors, warnings = check_ldif(document.data)
    if errors:
        raise InputError(document.name, document.issues(errors), "LDIF")
    return Ldif(document.data, document, document.name, tuple(document.issues(warnings)))
