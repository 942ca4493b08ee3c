"""Problems found in an input file, and the error that lists them all.

Validators collect :class:`Problem` records (a path as segments plus what is wrong); a
:class:`~kit.integration.inputs.document.Document` turns them into :class:`Issue` records with the line and
column of the offending value. Loaders raise :class:`InputError` with every issue; the linter reports the
same issues as findings instead. Messages and hints are kept printable (:func:`.text.printable`): a value
quoted from an input may hold lone surrogates or control characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import LxkitError

from .paths import Segments, format_path
from .text import printable

__all__ = ["InputError", "Issue", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One problem as a validator sees it (no positions yet).

    ``kind`` says which check found it: ``json`` (malformed text), ``schema`` (missing key, wrong type, bad
    value), ``unknown-key``, ``unknown-type`` (processor type), ``regex``, ``juel``, ``mapping`` (inbound
    mappings semantics). ``at_key`` points the position at the key rather than its value; ``offset`` is a
    character offset inside a string value (where a JUEL syntax error is).
    """

    kind: str
    segments: Segments
    message: str
    hint: str | None = None
    at_key: bool = False
    offset: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", printable(self.hint))

    @property
    def path(self) -> str:
        return format_path(self.segments)


@dataclass(frozen=True)
class Issue:
    """One problem in an input, where it is (1-based line and column when the input was text) and what to do."""

    path: str
    message: str
    hint: str | None
    line: int | None
    column: int | None
    kind: str = "schema"

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", printable(self.hint))

    def format(self, name: str) -> str:
        """``config.json:12:7 processors[2].updates[0]: message; fix: hint``."""
        where = name if self.line is None else f"{name}:{self.line}:{self.column}"
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text}; fix: {self.hint}" if self.hint else text


class InputError(LxkitError):
    """An input (LDIF, processor configuration, inbound mappings) that cannot be used; lists every issue."""

    def __init__(self, name: str, issues: list[Issue], what: str = "input") -> None:
        self.name = name
        self.issues = list(issues)
        self.what = what
        super().__init__(str(self))

    #: at most this many issues are written out by ``str()`` (all of them stay in ``issues``)
    shown = 500

    def __str__(self) -> str:
        count = len(self.issues)
        name = printable(self.name)
        head = f"{name}: {count} problem{'s' if count != 1 else ''} in this {self.what}"
        lines = [head, *("  " + issue.format(name) for issue in self.issues[: self.shown])]
        if count > self.shown:
            lines.append(f"  ... and {count - self.shown} more (all of them are in .issues)")
        return "\n".join(lines)
