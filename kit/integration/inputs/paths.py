"""JSON paths as the kit prints them: ``processors[2].updates[0].values[1].regexMatch``.

A path is a tuple of segments (``str`` keys, ``int`` list indexes). Keys that are not plain identifiers are
written in brackets with JSON quotes (``variables["my var"]``); the root is the empty string. Characters a
terminal cannot show (controls, lone surrogates) are written as JSON escapes, so paths stay printable and
still round-trip through :func:`parse_path`.
"""

from __future__ import annotations

import json
import re

from .text import json_escape_unsafe

__all__ = ["Segments", "format_path", "parse_path"]

Segments = tuple[str | int, ...]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_SEGMENT = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def format_path(segments: Segments) -> str:
    """``("processors", 2, "updates")`` -> ``processors[2].updates``."""
    out: list[str] = []
    for segment in segments:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif _IDENTIFIER.match(segment):
            out.append(f".{segment}" if out else segment)
        else:
            out.append(f"[{json_escape_unsafe(json.dumps(segment, ensure_ascii=False))}]")
    return "".join(out)


def parse_path(path: str) -> Segments:
    """The segments of a path written by :func:`format_path`; raises ValueError for anything else."""
    segments: list[str | int] = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None or (match.group(1) and position > 0 and not path.startswith(".", position)):
            raise ValueError(f"not a JSON path: {path!r} (at character {position + 1})")
        name, index, quoted = match.groups()
        if name is not None:
            segments.append(name)
        elif index is not None:
            segments.append(int(index))
        else:
            segments.append(json.loads(quoted))
        position = match.end()
    return tuple(segments)
