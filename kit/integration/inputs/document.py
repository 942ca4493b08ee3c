"""A parsed JSON input that still knows where each value came from (file, line, column).

Reading never hangs and never raises anything but :class:`InputError` for a bad source: a path is checked
with ``os.stat`` before it is opened (a named pipe or a device would block or never end), text must be UTF-8
(a BOM is skipped, RFC 8259 §8.1), and what ``json.loads`` refuses without a position (an integer longer
than Python converts, nesting deeper than it recurses, ``NaN``) is located in the text.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Mapping
from typing import Any

from kit.utf8 import NotUtf8, decode_utf8

from .issues import InputError, Issue, Problem
from .paths import Segments, format_path, parse_path
from .positions import LineIndex, PositionIndex, line_column, raw_offset_in_string
from .text import deepest, find_outside_strings, printable

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

    __slots__ = ("_index", "_lines", "data", "duplicates", "name", "text")

    def __init__(
        self, data: Any, name: str, text: str | None = None, duplicates: list[Problem] | None = None
    ) -> None:
        self.data = data
        self.name = name
        self.text = text
        #: keys that appear more than once in one object (JSON keeps the last); found when asked to read them
        self.duplicates: list[Problem] = list(duplicates or ())
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
        name = printable(self.name)
        if offset is None:
            return f"{name} ({shown})"
        line, column = self._line_column(offset)
        return f"{name}:{line}:{column} ({shown})"

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
        try:
            return self._index.locate(segments)
        except RecursionError:  # a value nested nearly as deep as json.loads allows, located from deeper
            return None

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


def read_document(
    source: Mapping[str, Any] | str | os.PathLike[str], what: str, *, find_duplicates: bool = True
) -> Document:
    """A Document from a mapping, a JSON string or a path to a JSON file; InputError when it cannot be read.

    With ``find_duplicates``, keys repeated in one object are listed in :attr:`Document.duplicates` (about
    a quarter slower to parse, so LDIFs are read without it).
    """
    if isinstance(source, Mapping):
        return Document(dict(source), "<dict>")
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"expected a mapping, a JSON string or a path, not {type(source).__name__}")
    if isinstance(source, str):
        text = source[1:] if source.startswith("\ufeff") else source
        if _looks_like_json(text):
            return _parse(text, "<string>", what, find_duplicates)
    name = os.fspath(source)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return _parse(_read_text(name, what), name, what, find_duplicates)


def _fail(
    name: str,
    what: str,
    message: str,
    hint: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> InputError:
    return InputError(name, [Issue("", message, hint, line, column, "json")], what)


def _read_text(name: str, what: str) -> str:
    """The text of the file ``name``: a regular file, UTF-8 (BOM skipped), or an InputError saying why not."""
    if "\0" in name:
        raise _fail(name, what, "the path contains a NUL character", "check how the path was built")
    try:
        info = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        raise _fail(name, what, "file not found", f"check the path (relative to {os.getcwd()})") from None
    except OSError as exc:
        raise _fail(name, what, f"cannot read the file: {exc.strerror}", "check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(name, what, "this is a folder, not a file", "name the JSON file inside it")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise _fail(
            name,
            what,
            f"this is {kind}, not a regular file; it is not read (reading could block)",
            "save the JSON to a file",
        )
    try:
        with open(name, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise _fail(
            name, what, f"cannot read the file: {exc.strerror}", "check the file's permissions"
        ) from None
    try:
        return decode_utf8(raw)
    except NotUtf8 as problem:
        if problem.utf16:
            raise _fail(name, what, "the file is UTF-16 text", "save the file as UTF-8", 1, 1) from None
        raise _fail(
            name,
            what,
            f"not UTF-8 text: byte {problem.offset} (byte {problem.column} of line {problem.line}) cannot be "
            "decoded",
            "save the file as UTF-8",
            problem.line,
            problem.column,
        ) from None


def _looks_like_json(text: str) -> bool:
    """JSON text rather than a path: starts like an object or list, or is no existing file but valid JSON."""
    if text.lstrip()[:1] in ("{", "[") or "\n" in text:
        return True
    if "\0" in text or os.path.exists(text):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


_DIGITS = re.compile(r"-?(\d+)")


class _Constant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python reads them, JSON (RFC 8259 §6) has no such values."""


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


class _Duplicates:
    """An ``object_pairs_hook`` that builds dicts and remembers the ones with repeated keys."""

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], list[str]]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) != len(pairs):
            seen: set[str] = set()
            repeated = [key for key, _ in pairs if key in seen or seen.add(key)]  # type: ignore[func-returns-value]
            self.found.append((built, list(dict.fromkeys(repeated))))
        return built

    def problems(self, data: Any) -> list[Problem]:
        if not self.found:
            return []
        wanted = {id(obj): keys for obj, keys in self.found}
        problems: list[Problem] = []
        stack: list[tuple[Any, Segments]] = [(data, ())]
        while stack:
            value, segments = stack.pop()
            if isinstance(value, dict):
                for key in wanted.get(id(value), ()):
                    where = format_path(segments) or "the top level"
                    problems.append(
                        Problem(
                            "duplicate-key",
                            (*segments, key),
                            f"key '{key}' appears more than once in {where}; only the last one counts",
                            "merge the entries into one key, or remove the ones that should not be there",
                            at_key=True,
                        )
                    )
                stack.extend((item, (*segments, key)) for key, item in value.items())
            elif isinstance(value, list):
                stack.extend((item, (*segments, index)) for index, item in enumerate(value))
        return problems


def _parse(text: str, name: str, what: str, find_duplicates: bool = True) -> Document:
    hook = _Duplicates() if find_duplicates else None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        hint = next((h for prefix, h in _JSON_HINTS if exc.msg.startswith(prefix)), None)
        said = exc.msg.removesuffix(" at").removesuffix(" starting")  # the position follows separately
        raise _fail(name, what, f"malformed JSON: {said}", hint, exc.lineno, exc.colno) from None
    except _Constant as exc:
        offset = find_outside_strings(text, rf"(?<![\w.]){exc.args[0]}(?![\w.])")
        line, column = line_column(text, offset) if offset is not None else (None, None)
        raise _fail(
            name,
            what,
            f"{exc.args[0]} is not a JSON value",
            "write a number, or null for no value",
            line,
            column,
        ) from None
    except RecursionError:
        depth, offset = deepest(text)
        line, column = line_column(text, offset)
        raise _fail(
            name,
            what,
            f"malformed JSON: nested too deeply ({depth:,} levels of brackets; the deepest starts here)",
            "a processor configuration or LDIF needs a few dozen levels at most; check how the file was made",
            line,
            column,
        ) from None
    except ValueError as exc:  # an integer with more digits than int() converts (sys.get_int_max_str_digits)
        if "digits" not in str(exc):
            raise
        limit = sys.get_int_max_str_digits()
        offset = find_outside_strings(text, rf"(?<![\w.+-])-?\d{{{limit + 1},}}(?![\w.])")
        line, column = line_column(text, offset) if offset is not None else (None, None)
        number = _DIGITS.match(text, offset) if offset is not None else None
        digits = len(number.group(1)) if number else None
        size = f"{digits:,} digits" if digits else f"more than {limit:,} digits"
        raise _fail(
            name,
            what,
            f"an integer with {size} is too long to read (at most {limit:,} digits)",
            "write it as a string if it is an identifier, or check how the file was made",
            line,
            column,
        ) from None
    return Document(data, name, text, hook.problems(data) if hook else None)
