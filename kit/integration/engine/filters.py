"""A processor's ``filter``: which content items (and, after ``read``, which fact sheets) it processes.

All configured conditions are ANDed. ``exactType`` compares ``content.type`` exactly; ``type`` and ``id`` are
Java regexes matched at the **start** of ``content.type`` / ``content.id`` (``lookingAt``: ``"type": "App"``
also matches ``Application``; anchor with ``$`` for an exact match); ``advanced`` is a JUEL boolean on the
content item; ``onRead`` a JUEL boolean evaluated after the fact sheet was looked up (``lx`` available);
``updatedInDuration`` (ISO duration such as ``P3D``) keeps only fact sheets whose ``updatedAt`` lies within
that duration before the run start (fact sheets the run creates pass).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from kit.integration.juel import JuelEvaluationError

from .configuration import Compiler

__all__ = ["CompiledFilter", "parse_iso_duration"]

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


def parse_iso_duration(text: str) -> timedelta | None:
    """``P3D`` / ``PT12H`` / ``P1W`` as a timedelta (None when not understood)."""
    match = _DURATION.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None or text.strip().upper() in ("P", "PT"):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


class CompiledFilter:
    """The compiled ``filter`` of one processor."""

    __slots__ = (
        "advanced",
        "exact_type",
        "id_path",
        "id_pattern",
        "on_read",
        "type_path",
        "type_pattern",
        "updated_within",
    )

    def __init__(self, raw: Any, compiler: Compiler, path: str) -> None:
        raw = raw if isinstance(raw, Mapping) else {}
        exact = raw.get("exactType")
        self.exact_type: str | None = str(exact) if exact is not None else None
        #: JSON paths of the two patterns (named when a pattern overruns its time budget)
        self.type_path, self.id_path = path + ".type", path + ".id"
        self.type_pattern = compiler.regex(raw.get("type"), self.type_path)
        self.id_pattern = compiler.regex(raw.get("id"), self.id_path)
        self.advanced = compiler.template(raw.get("advanced"), path + ".advanced")
        self.on_read = compiler.template(raw.get("onRead"), path + ".onRead")
        self.updated_within: timedelta | None = None
        if raw.get("updatedInDuration") is not None:
            self.updated_within = parse_iso_duration(str(raw["updatedInDuration"]))
            if self.updated_within is None:
                compiler.problem(
                    path + ".updatedInDuration", f"not an ISO-8601 duration: {raw['updatedInDuration']!r}"
                )

    @property
    def is_empty(self) -> bool:
        return (
            self.exact_type is None
            and self.type_pattern is None
            and self.id_pattern is None
            and self.advanced is None
            and self.on_read is None
        )

    def matches_statically(self, content_type: str, content_id: str) -> bool:
        """``exactType``, ``type`` and ``id`` (no expressions). A pattern that overruns its time budget raises
        :class:`JuelEvaluationError` naming it and its JSON path."""
        if self.exact_type is not None and content_type != self.exact_type:
            return False
        try:
            if self.type_pattern is not None and self.type_pattern.match(content_type) is None:
                return False
        except JuelEvaluationError as exc:
            raise exc.at(self.type_path) from None
        try:
            return self.id_pattern is None or self.id_pattern.match(content_id) is not None
        except JuelEvaluationError as exc:
            raise exc.at(self.id_path) from None

    def recently_updated(self, record: Mapping[str, Any] | None, now: datetime) -> bool:
        if self.updated_within is None or record is None:
            return True
        stamp = record.get("updatedAt")
        if not stamp:
            return False
        try:
            updated = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return True
        return updated >= now - self.updated_within
