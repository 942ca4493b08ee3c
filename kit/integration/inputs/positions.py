"""Where a value sits in a JSON text, found lazily and at C speed.

Files are parsed with the standard library first (fast); positions are only needed when something is
reported. Then :class:`PositionIndex` walks the text along the requested path: the members of each
container on the way are indexed once (keys read with ``json.decoder.scanstring``, values skipped with
``JSONDecoder.raw_decode``, both implemented in C) and cached, so the first lookup into a 50 MB LDIF costs
about one parse and later lookups only the last steps.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # typeshed omits this public alias of the C scanner

from .paths import Segments

__all__ = ["LineIndex", "PositionIndex", "line_column", "raw_offset_in_string"]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class PositionIndex:
    """Offsets of values (and of their keys) in one JSON text; builds what it needs on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        # container offset -> {key: (key offset, value offset)} or [value offsets]
        self._members: dict[int, dict[str, tuple[int, int]] | list[int]] = {}
        self._root = _WHITESPACE.match(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]

    def locate(self, segments: Segments) -> tuple[int, int | None] | None:
        """``(value offset, key offset or None)`` of the value at ``segments``, or None when absent."""
        position, key_position = self._root, None
        for segment in segments:
            members = self._members_of(position)
            if isinstance(members, dict) and isinstance(segment, str):
                found = members.get(segment)
                if found is None:
                    return None
                key_position, position = found
            elif isinstance(members, list) and isinstance(segment, int):
                if not 0 <= segment < len(members):
                    return None
                key_position, position = None, members[segment]
            else:
                return None
        return position, key_position

    def _members_of(self, position: int) -> dict[str, tuple[int, int]] | list[int] | None:
        cached = self._members.get(position)
        if cached is not None:
            return cached
        text = self.text
        opening = text[position : position + 1]
        if opening == "{":
            members: dict[str, tuple[int, int]] | list[int] = self._object_members(position)
        elif opening == "[":
            members = self._array_members(position)
        else:
            return None
        self._members[position] = members
        return members

    def _object_members(self, position: int) -> dict[str, tuple[int, int]]:
        text, ws = self.text, _WHITESPACE
        members: dict[str, tuple[int, int]] = {}
        cursor = ws.match(text, position + 1).end()  # type: ignore[union-attr]
        while cursor < len(text) and text[cursor] == '"':
            key, after_key = scanstring(text, cursor + 1)
            colon = ws.match(text, after_key).end()  # type: ignore[union-attr]
            value = ws.match(text, colon + 1).end()  # type: ignore[union-attr]
            members[key] = (cursor, value)  # a repeated key keeps the last value, as json.loads does
            _, end = _DECODER.raw_decode(text, value)
            cursor = ws.match(text, end).end()  # type: ignore[union-attr]
            if text[cursor : cursor + 1] == ",":
                cursor = ws.match(text, cursor + 1).end()  # type: ignore[union-attr]
        return members

    def _array_members(self, position: int) -> list[int]:
        text, ws = self.text, _WHITESPACE
        members: list[int] = []
        cursor = ws.match(text, position + 1).end()  # type: ignore[union-attr]
        while cursor < len(text) and text[cursor] != "]":
            members.append(cursor)
            _, end = _DECODER.raw_decode(text, cursor)
            cursor = ws.match(text, end).end()  # type: ignore[union-attr]
            if text[cursor : cursor + 1] == ",":
                cursor = ws.match(text, cursor + 1).end()  # type: ignore[union-attr]
        return members


class LineIndex:
    """Line and column of offsets; counts directly for a few lookups, then builds a table of line starts."""

    _BUILD_AFTER = 8

    def __init__(self, text: str) -> None:
        self.text = text
        self._lookups = 0
        self._starts: list[int] | None = None

    def __call__(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._lookups += 1
            if self._lookups <= self._BUILD_AFTER:
                return line_column(self.text, offset)
            self._starts = [0, *(match.end() for match in re.finditer("\n", self.text))]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a 0-based offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def raw_offset_in_string(text: str, quote: int, index: int) -> int:
    """Offset in ``text`` of character ``index`` of the decoded JSON string whose ``"`` is at ``quote``.

    Escapes (``\\n``, ``\\"``, ``\\u00e9``, surrogate pairs) take more raw characters than decoded ones.
    """
    cursor = quote + 1
    for _ in range(index):
        if text[cursor] != "\\":
            cursor += 1
        elif text[cursor + 1] != "u":
            cursor += 2
        elif 0xD800 <= int(text[cursor + 2 : cursor + 6], 16) < 0xDC00 and text.startswith("\\u", cursor + 6):
            cursor += 12
        else:
            cursor += 6
    return cursor
