"""The ``integration`` object of iAPI expressions: run context, JSON helpers, list processing, tag lookups.

The caller builds one per evaluation context::

    Integration(now=run_start, content_index=3, max_content_index=9, tags=my_tag_resolver,
                values={"valueOfForEach": item, "indexOfForEach": 0})

``values`` holds the forEach scopes and anything else readable as ``integration.<name>``
(``output``, ``updates`` and ``variables`` may be maps with their own ``valueOfForEach``). A plain ``dict``
given as ``integration`` in the context is wrapped the same way (``Integration(values=that_dict)``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Protocol, runtime_checkable

from .coercion import coerce_to_string, describe, java_string_of
from .errors import JuelEvaluationError
from .objects import JuelObject
from .variables import (
    aggregate_average,
    aggregate_distinct,
    aggregate_max,
    aggregate_min,
    aggregate_numbers,
    aggregate_sum,
)

__all__ = ["BookmarkResolver", "Integration", "TagResolver", "to_json", "to_object"]

#: Names iAPI always defines on ``integration``; they read as null when the caller did not set them.
_KNOWN_VALUES = frozenset(
    {"valueOfForEach", "indexOfForEach", "keyOfForEach", "output", "updates", "variables"},
)


@runtime_checkable
class TagResolver(Protocol):
    """Resolves tag group and tag names to workspace ids (``integration.tags.getTagGroupId('Region')``)."""

    def tag_group_id(self, group_name: str) -> str | None:
        """Id of the tag group called ``group_name``, or None."""

    def tag_id(self, group_name: str, tag_name: str) -> str | None:
        """Id of tag ``tag_name`` in group ``group_name``, or None."""


@runtime_checkable
class BookmarkResolver(Protocol):
    """Resolves bookmark names to ids (``integration.bookmarks.getBookmarkId('name')``)."""

    def bookmark_id(self, name: str) -> str | None:
        """Id of the bookmark called ``name``, or None."""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | timedelta):
        return java_string_of(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"a {type(value).__name__} cannot be written as JSON")


def to_json(value: Any) -> str:
    """``integration.toJson``: compact JSON (as Jackson writes it, no spaces)."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)
    except RecursionError:
        raise JuelEvaluationError("toJson: value is nested too deeply") from None
    except (TypeError, ValueError) as exc:
        raise JuelEvaluationError(f"toJson: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def to_object(text: Any) -> Any:
    """``integration.toObject``: the value of a JSON text (null for null or "")."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise JuelEvaluationError(f"toObject: expected a JSON string but got {describe(text)}")
    if text.strip() == "":
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise JuelEvaluationError("toObject: JSON is nested too deeply") from None
    except ValueError as exc:
        raise JuelEvaluationError(f"toObject: invalid JSON {describe(text)}: {exc}") from None


class _Tags(JuelObject):
    juel_type_name = "integration.tags"
    juel_methods: ClassVar[Mapping[str, str]] = {
        "getTagGroupId": "get_tag_group_id",
        "getTagId": "get_tag_id",
        "getAllTagGroups": "get_all_tag_groups",
    }

    def __init__(self, resolver: TagResolver | None) -> None:
        self.resolver = resolver

    def _need(self) -> TagResolver:
        if self.resolver is None:
            raise JuelEvaluationError("integration.tags: no tag resolver was given to this evaluation")
        return self.resolver

    def get_tag_group_id(self, name: Any) -> Any:
        return _guarded(lambda: self._need().tag_group_id(coerce_to_string(name)), "getTagGroupId")

    def get_tag_id(self, group: Any, tag: Any) -> Any:
        return _guarded(
            lambda: self._need().tag_id(coerce_to_string(group), coerce_to_string(tag)),
            "getTagId",
        )

    def get_all_tag_groups(self) -> Any:
        resolver = self._need()
        method = getattr(type(resolver), "all_tag_groups", None)
        if method is None:
            raise JuelEvaluationError(
                "integration.tags.getAllTagGroups: the tag resolver does not list groups"
            )
        return _guarded(lambda: method(resolver), "getAllTagGroups")


class _Bookmarks(JuelObject):
    juel_type_name = "integration.bookmarks"
    juel_methods: ClassVar[Mapping[str, str]] = {"getBookmarkId": "get_bookmark_id"}

    def __init__(self, resolver: BookmarkResolver | None) -> None:
        self.resolver = resolver

    def get_bookmark_id(self, name: Any) -> Any:
        resolver = self.resolver
        if resolver is None:
            raise JuelEvaluationError(
                "integration.bookmarks: no bookmark resolver was given to this evaluation"
            )
        return _guarded(lambda: resolver.bookmark_id(coerce_to_string(name)), "getBookmarkId")


def _guarded(call: Any, what: str) -> Any:
    try:
        return call()
    except JuelEvaluationError:
        raise
    except Exception as exc:
        raise JuelEvaluationError(f"{what} failed: {type(exc).__name__}: {exc}") from exc


class _Processing(JuelObject):
    """``integration.processing``: list aggregations usable on any list."""

    juel_type_name = "integration.processing"
    juel_methods: ClassVar[Mapping[str, str]] = {
        "sum": "sum",
        "average": "average",
        "max": "max",
        "min": "min",
        "distinct": "distinct",
        "getNumbers": "get_numbers",
        "mergeList": "merge_list",
    }

    sum = staticmethod(aggregate_sum)
    average = staticmethod(aggregate_average)
    max = staticmethod(aggregate_max)
    min = staticmethod(aggregate_min)
    distinct = staticmethod(aggregate_distinct)
    get_numbers = staticmethod(aggregate_numbers)

    @staticmethod
    def merge_list(first: Any, second: Any) -> list[Any]:
        merged: list[Any] = []
        for part in (first, second):
            if part is None:
                continue
            if isinstance(part, list | tuple):
                merged.extend(part)
            else:
                merged.append(part)
        return merged


_PROCESSING = _Processing()


class Integration(JuelObject):
    """``integration`` in expressions: ``now``, ``contentIndex``, forEach values, ``toJson`` and friends."""

    juel_type_name = "integration"
    juel_methods: ClassVar[Mapping[str, str]] = {"toJson": "to_json", "toObject": "to_object"}

    def __init__(
        self,
        *,
        now: datetime | None = None,
        content_index: int | None = None,
        max_content_index: int | None = None,
        tags: TagResolver | None = None,
        bookmarks: BookmarkResolver | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        self.now = now
        self.content_index = content_index
        self.max_content_index = max_content_index
        self.tags = _Tags(tags)
        self.bookmarks = _Bookmarks(bookmarks)
        self.values: Mapping[str, Any] = values if values is not None else {}

    to_json = staticmethod(to_json)
    to_object = staticmethod(to_object)

    def juel_get(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name == "now":
            return self.now
        if name == "contentIndex":
            return self.content_index
        if name == "maxContentIndex":
            return self.max_content_index
        if name == "tags":
            return self.tags
        if name == "bookmarks":
            return self.bookmarks
        if name == "processing":
            return _PROCESSING
        if name in _KNOWN_VALUES:
            return None
        raise JuelEvaluationError(f"property '{name}' not found on integration")

    def juel_str(self) -> str:
        return "integration"

    def __repr__(self) -> str:
        return (
            f"Integration(now={self.now!r}, content_index={self.content_index!r}, "
            f"max_content_index={self.max_content_index!r}, values={self.values!r})"
        )
