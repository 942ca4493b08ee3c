"""A parsed JSON input that still knows where each value came from (file, line, column)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .issues import InputError, Issue, Problem
from .paths import Segments, format_path, parse_path
from .positions import LineIndex, PositionIndex, raw_offset_in_string

__all__ = ["Document", "read_document"]

_JSON_HINTS = (
    (
        "Expecting property name enclosed in double quotes",
        "put keys in double quotes and remove a trailing comma before '}'",
    ),
    ("Expecting value", "a value is missing here: remove a trailing comma, or quote the text"),
    (
        "Expecting ',' delimiter",
        "add the missing ',' between two items, or close the string before this point",
    ),
    ("Expecting ':' delimiter", "put ':' between the key and its value"),
    ("Unterminated string", "close the string with '\"'"),
    ("Invalid control character", "write line breaks and tabs inside strings as \\n and \\t"),
    ("Invalid \\escape", 'write a backslash as \\\\ (a Java regex \\d is "\\\\d" in JSON)'),
    ("Invalid \\uXXXX escape", "write \\u followed by exactly four hex digits"),
    ("Extra data", "remove what follows the first JSON value (only one object per file)"),
)


class Document:
    """Parsed JSON plus its source text; positions are computed only when asked for.

    ``name`` is the file name, ``"<string>"`` for JSON text or ``"<dict>"`` for a mapping (no positions).
    """

    __slots__ = ("_index", "_lines", "data", "name", "text")

    def __init__(self, data: Any, name: str, text: str | None = None) -> None:
        self.data = data
        self.name = name
        self.text = text
        self._index: PositionIndex | None = None
        self._lines: LineIndex | None = None

    def position(self, path: str | Segments) -> tuple[int, int] | None:
        """1-based ``(line, column)`` of the value at ``path`` (``processors[2].updates[0]``), or None."""
        offsets = self._locate(_segments(path))
        if offsets is None:
            return None
        return self._line_column(offsets[0])

    def where(self, path: str | Segments) -> str:
        """``config.json:12:7 (processors[2].updates[0])``; a missing value gets its nearest parent's place."""
        segments = _segments(path)
        offset = self._nearest(segments)
        shown = format_path(segments) or "<root>"
        if offset is None:
            return f"{self.name} ({shown})"
        line, column = self._line_column(offset)
        return f"{self.name}:{line}:{column} ({shown})"

    def issue(self, problem: Problem) -> Issue:
        """The problem with the line and column of what it points at (or of its nearest existing parent)."""
        line = column = None
        offset = self._problem_offset(problem)
        if offset is not None:
            line, column = self._line_column(offset)
        return Issue(problem.path, problem.message, problem.hint, line, column, problem.kind)

    def issues(self, problems: list[Problem]) -> list[Issue]:
        """The problems as issues, in the order they appear in the text."""
        issues = [self.issue(problem) for problem in problems]
        return sorted(issues, key=lambda i: (i.line or 0, i.column or 0))

    def _problem_offset(self, problem: Problem) -> int | None:
        if self.text is None:
            return None
        found = self._locate(problem.segments)
        if found is None:
            return self._nearest(problem.segments)
        value, key = found
        if problem.at_key and key is not None:
            return key
        if problem.offset is not None and self.text[value] == '"':
            return raw_offset_in_string(self.text, value, problem.offset)
        return value

    def _line_column(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = LineIndex(self.text or "")
        return self._lines(offset)

    def _locate(self, segments: Segments) -> tuple[int, int | None] | None:
        if self.text is None:
            return None
        if self._index is None:
            self._index = PositionIndex(self.text)
        return self._index.locate(segments)

    def _nearest(self, segments: Segments) -> int | None:
        for end in range(len(segments), -1, -1):
            found = self._locate(segments[:end])
            if found is not None:
                return found[0]
        return None

    def __repr__(self) -> str:
        return f"Document({self.name!r})"


def _segments(path: str | Segments) -> Segments:
    return parse_path(path) if isinstance(path, str) else tuple(path)


def read_document(source: Mapping[str, Any] | str | os.PathLike[str], what: str) -> Document:
    """A Document from a mapping, a JSON string or a path to a JSON file; InputError when it cannot be read."""
    if isinstance(source, Mapping):
        return Document(dict(source), "<dict>")
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"expected a mapping, a JSON string or a path, not {type(source).__name__}")
    if isinstance(source, str) and _looks_like_json(source):
        return _parse(source, "<string>", what)
    name = os.fspath(source)
    try:
        text = Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        issue = Issue("", "file not found", f"check the path (relative to {os.getcwd()})", None, None, "json")
        raise InputError(name, [issue], what) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputError(
            name, [Issue("", f"cannot read the file: {exc.strerror}", None, None, None, "json")], what
        ) from None
    except UnicodeDecodeError as exc:
        issue = Issue("", f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8", None, None, "json")
        raise InputError(name, [issue], what) from None
    return _parse(text, name, what)


def _looks_like_json(text: str) -> bool:
    """JSON text rather than a path: starts like an object or list, or is no existing file but valid JSON."""
    if text.lstrip()[:1] in ("{", "[") or "\n" in text:
        return True
    if os.path.exists(text):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _parse(text: str, name: str, what: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = next((h for prefix, h in _JSON_HINTS if exc.msg.startswith(prefix)), None)
        issue = Issue("", f"malformed JSON: {exc.msg}", hint, exc.lineno, exc.colno, "json")
        raise InputError(name, [issue], what) from None
    except RecursionError:
        raise InputError(
            name, [Issue("", "malformed JSON: nested too deeply", None, None, None, "json")], what
        ) from None
    return Document(data, name, text)
