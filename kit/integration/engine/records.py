"""Fast constructors for the plan's frozen records.

A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__`` (about 2 µs for a
:class:`FieldWrite`); a run of 100,000 items writes millions of them. The records are slotted (88 bytes for a
``FieldWrite`` against 200 with an instance dict), and these helpers build the very same instances (equal
and hashable alike) by calling the slots' own setters, which the frozen ``__setattr__`` does not guard.
They are spelled out one by one on purpose: a generic ``build(cls, *values)`` is slower than the dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kit.integration.plan import FactSheetRef, FieldWrite, Origin, RelationWrite, TagWrite

__all__ = ["field_write", "origin", "relation_write", "sheet_ref", "tag_write"]

_new = object.__new__


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The slot descriptor's own setter of ``cls.name`` (not guarded by the frozen ``__setattr__``)."""
    setter: Callable[[Any, Any], None] = vars(cls)[name].__set__
    return setter


_FieldWrite_origin = _setter(FieldWrite, "origin")
_FieldWrite_target = _setter(FieldWrite, "target")
_FieldWrite_action = _setter(FieldWrite, "action")
_FieldWrite_key = _setter(FieldWrite, "key")
_FieldWrite_value = _setter(FieldWrite, "value")
_FieldWrite_before = _setter(FieldWrite, "before")
_Origin_level = _setter(Origin, "level")
_Origin_processor_name = _setter(Origin, "processor_name")
_Origin_processor_index = _setter(Origin, "processor_index")
_Origin_content_id = _setter(Origin, "content_id")
_Origin_content_type = _setter(Origin, "content_type")
_FactSheetRef_id = _setter(FactSheetRef, "id")
_FactSheetRef_type = _setter(FactSheetRef, "type")
_FactSheetRef_external = _setter(FactSheetRef, "external")
_RelationWrite_origin = _setter(RelationWrite, "origin")
_RelationWrite_action = _setter(RelationWrite, "action")
_RelationWrite_type = _setter(RelationWrite, "type")
_RelationWrite_source = _setter(RelationWrite, "source")
_RelationWrite_target = _setter(RelationWrite, "target")
_RelationWrite_fields = _setter(RelationWrite, "fields")
_TagWrite_origin = _setter(TagWrite, "origin")
_TagWrite_action = _setter(TagWrite, "action")
_TagWrite_target = _setter(TagWrite, "target")
_TagWrite_group = _setter(TagWrite, "group")
_TagWrite_tag = _setter(TagWrite, "tag")
_TagWrite_create_tag = _setter(TagWrite, "create_tag")
_TagWrite_create_group = _setter(TagWrite, "create_group")
_TagWrite_details = _setter(TagWrite, "details")


def field_write(
    origin: Origin, target: FactSheetRef, action: str, key: str, value: Any, before: Any
) -> FieldWrite:
    """``FieldWrite(origin, target, action, key, value, before)``, without the frozen-init cost."""
    record = _new(FieldWrite)
    _FieldWrite_origin(record, origin)
    _FieldWrite_target(record, target)
    _FieldWrite_action(record, action)
    _FieldWrite_key(record, key)
    _FieldWrite_value(record, value)
    _FieldWrite_before(record, before)
    return record


def origin(level: int, name: str, index: int, content_id: str | None, content_type: str | None) -> Origin:
    """``Origin(level, name, index, content_id, content_type)``, without the frozen-init cost."""
    record = _new(Origin)
    _Origin_level(record, level)
    _Origin_processor_name(record, name)
    _Origin_processor_index(record, index)
    _Origin_content_id(record, content_id)
    _Origin_content_type(record, content_type)
    return record


def sheet_ref(id: str | None, type: str | None, external: tuple[str, str] | None) -> FactSheetRef:  # noqa: A002
    """``FactSheetRef(id, type, external)``, without the frozen-init cost."""
    record = _new(FactSheetRef)
    _FactSheetRef_id(record, id)
    _FactSheetRef_type(record, type)
    _FactSheetRef_external(record, external)
    return record


def relation_write(
    origin: Origin | None,
    action: str,
    type: str,
    source: FactSheetRef,
    target: FactSheetRef,
    fields: dict[str, Any],  # noqa: A002
) -> RelationWrite:
    """``RelationWrite(origin, action, type, source, target, fields)``, without the frozen-init cost."""
    record = _new(RelationWrite)
    _RelationWrite_origin(record, origin)
    _RelationWrite_action(record, action)
    _RelationWrite_type(record, type)
    _RelationWrite_source(record, source)
    _RelationWrite_target(record, target)
    _RelationWrite_fields(record, fields)
    return record


def tag_write(
    origin: Origin | None,
    action: str,
    target: FactSheetRef,
    group: str | None,
    tag: str,
    create_tag: bool = False,
    create_group: bool = False,
    details: dict[str, Any] | None = None,
) -> TagWrite:
    """``TagWrite(...)``, without the frozen-init cost."""
    record = _new(TagWrite)
    _TagWrite_origin(record, origin)
    _TagWrite_action(record, action)
    _TagWrite_target(record, target)
    _TagWrite_group(record, group)
    _TagWrite_tag(record, tag)
    _TagWrite_create_tag(record, create_tag)
    _TagWrite_create_group(record, create_group)
    _TagWrite_details(record, {} if details is None else details)
    return record
