"""What expressions see: ``data``, ``content``, ``header``, ``variables``, ``integration``, ``lx``, ``search``.

One context dict is built per content item and reused by every processor matching it; per-execution parts
(``integration`` forEach values, ``lx``, ``search``) are set on it and reset, never copied — evaluation is
single-threaded and templates keep no reference to the context. ``header`` is the LDIF without ``content``;
a missing ``header.customFields.x`` reads as ``""`` (iAPI's rule).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from kit.integration.juel import Integration, JuelEvaluationError, JuelObject

__all__ = ["CustomFields", "Lx", "RunIntegration", "ViewTags", "iterate", "make_header"]


class CustomFields(dict):
    """``header.customFields``: a missing key reads as the empty string."""

    def __missing__(self, key: Any) -> str:
        return ""


def make_header(ldif: Mapping[str, Any]) -> dict[str, Any]:
    """The ``header`` of expressions: every LDIF key but ``content``; ``customFields`` defaulting to ``""``."""
    header = {key: value for key, value in ldif.items() if key != "content"}
    custom = header.get("customFields")
    header["customFields"] = CustomFields(custom if isinstance(custom, Mapping) else {})
    return header


class RunIntegration(Integration):
    """One ``integration`` object per run; the engine sets ``content_index`` and ``values`` as it goes."""


_JSON_LIST_START = "["


def iterate(value: Any) -> list[tuple[Any, int, Any]]:
    """``(key, index, element)`` for a ``forEach`` result: lists by position, maps by key (index -1),
    a JSON-array text (``'[1,2,3]'``) by element, any other non-empty scalar once; null, ``""``, empty
    lists and maps give nothing (the processor/update/value is skipped)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [(None, i, v) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        return [(k, -1, v) for k, v in value.items()]
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith(_JSON_LIST_START):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return [(None, i, v) for i, v in enumerate(parsed)]
    return [(None, 0, value)]


class ViewTags:
    """``integration.tags``: tag group and tag ids from the workspace (None without one), loaded on first
    use; a view's own ``tag_resolver()`` is used when it has one."""

    def __init__(self, view: Any) -> None:
        self._groups: dict[str, str] | None = None
        self._tags: dict[tuple[str | None, str], str] | None = None
        self._view = view
        self._delegate: Any = None

    def _resolver(self) -> Any:
        if self._delegate is None and hasattr(self._view, "tag_resolver"):
            self._delegate = self._view.tag_resolver()
        return self._delegate

    def _ids(self) -> tuple[dict[str, str], dict[tuple[str | None, str], str]]:
        """(tag group ids by name, tag ids by (group name, tag name)), loaded on first use."""
        if self._groups is None or self._tags is None:
            view = self._view
            groups = view.tag_groups() if view is not None else []
            tags = view.tags() if view is not None else []
            self._groups = {g["name"]: g["id"] for g in groups}
            self._tags = {((t.get("tagGroup") or {}).get("name"), t["name"]): t["id"] for t in tags}
        return self._groups, self._tags

    def tag_group_id(self, group_name: str) -> str | None:
        if self._resolver() is not None:
            return self._delegate.tag_group_id(group_name)
        return self._ids()[0].get(group_name)

    def tag_id(self, group_name: str, tag_name: str) -> str | None:
        if self._resolver() is not None:
            return self._delegate.tag_id(group_name, tag_name)
        return self._ids()[1].get((group_name or None, tag_name))

    def all_tag_groups(self) -> list[Any]:
        if self._resolver() is not None and hasattr(self._delegate, "all_tag_groups"):
            return self._delegate.all_tag_groups()
        return list(self._view.tag_groups()) if self._view is not None else []


class Lx(JuelObject):
    """``lx``: a fact sheet as iAPI's ``read`` section exposes it (built lazily, per matched fact sheet).

    ``lx.factsheet`` always has the base fields (id, type, name, displayName, fullName, description,
    category, status, level) plus ``read.fields``; ``lx.relations`` / ``lx.tags`` / ``lx.subscriptions`` /
    ``lx.documents`` are only filled when ``read`` asks for them (as in iAPI); values this run wrote at
    earlier levels (or earlier in this level) are visible, also on a fact sheet the run created (its ``id``
    is null). A fact sheet the run is about to create has ``lx.factsheet`` null and empty lists.
    """

    juel_type_name = "lx"
    juel_methods: ClassVar[Mapping[str, str]] = {"toOrdinal": "to_ordinal"}

    __slots__ = ("_cache", "_read", "_sheet", "_state")

    def __init__(self, sheet: Any, read: Any, state: Any) -> None:
        self._sheet = sheet
        self._read = read
        self._state = state
        self._cache: dict[str, Any] = {}

    def juel_get(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        sheet, read = self._sheet, self._read
        if name == "factsheet":
            value = None if sheet is None else sheet.project(read.fields if read else ())
        elif name == "relations":
            value = sheet.relations_view(read.relations) if sheet is not None and read else []
        elif name == "tags":
            value = sheet.tags_view(read.tags) if sheet is not None and read else []
        elif name == "subscriptions":
            value = sheet.subscriptions_view(read.subscriptions) if sheet is not None and read else []
        elif name == "documents":
            try:
                value = sheet.documents_view(read.documents_filter) if sheet is not None and read else []
            except JuelEvaluationError as exc:  # the filter ran past its regex time budget
                raise exc.at(read.documents_path) from None
        elif name == "tagGroups":
            view = self._state.view
            value = list(view.tag_groups()) if view is not None else []
        elif name in ("metrics", "release", "impacts"):
            value = None
        else:
            raise JuelEvaluationError(f"property '{name}' not found on lx")
        self._cache[name] = value
        return value

    def to_ordinal(self, field: Any) -> Any:
        sheet = self._sheet
        if sheet is None or sheet.is_new:
            return None
        allowed = self._state.allowed_values(sheet.type, str(field))
        if not allowed:
            raise JuelEvaluationError(
                f"lx.toOrdinal('{field}'): the order of the field's values is unknown (pass a meta model)"
            )
        value = sheet.get(str(field))
        return allowed.index(value) if value in allowed else None

    def juel_str(self) -> str:
        return "lx"


def now_or_default(now: datetime | None) -> datetime:
    """The run start: ``now`` or the current local time (naive, like Java's ``LocalDateTime``)."""
    if now is None:
        return datetime.now().replace(microsecond=0)
    return now.replace(tzinfo=None) if now.tzinfo is not None else now
