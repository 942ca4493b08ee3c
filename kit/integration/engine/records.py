"""Fast constructors for the plan's frozen records.

A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__`` (about 2 µs for a
:class:`FieldWrite`); a run of 100,000 items writes millions of them. The records are slotted (88 bytes for a
``FieldWrite`` against 200 with an instance dict), and these helpers build the very same instances (equal
and hashable alike) by calling the slots' own setters, which the frozen ``__setattr__`` does not guard.
They are spelled out one by one on purpose: a generic ``build(cls, *values)`` is slower than the dataclass.
"""

from __future__ import annotations

from typing import Any

from kit.integration.plan import FactSheetRef, FieldWrite, Origin, RelationWrite, TagWrite

__all__ = ["field_write", "origin", "relation_write", "sheet_ref", "tag_write"]

_new = object.__new__
_FieldWrite_origin = FieldWrite.origin.__set__
_FieldWrite_target = FieldWrite.target.__set__
_FieldWrite_action = FieldWrite.action.__set__
_FieldWrite_key = FieldWrite.key.__set__
_FieldWrite_value = FieldWrite.value.__set__
_FieldWrite_before = FieldWrite.before.__set__
_Origin_level = Origin.level.__set__
_Origin_processor_name = Origin.processor_name.__set__
_Origin_processor_index = Origin.processor_index.__set__
_Origin_content_id = Origin.content_id.__set__
_Origin_content_type = Origin.content_type.__set__
_FactSheetRef_id = FactSheetRef.id.__set__
_FactSheetRef_type = FactSheetRef.type.__set__
_FactSheetRef_external = FactSheetRef.external.__set__
_RelationWrite_origin = RelationWrite.origin.__set__
_RelationWrite_action = RelationWrite.action.__set__
_RelationWrite_type = RelationWrite.type.__set__
_RelationWrite_source = RelationWrite.source.__set__
_RelationWrite_target = RelationWrite.target.__set__
_RelationWrite_fields = RelationWrite.fields.__set__
_TagWrite_origin = TagWrite.origin.__set__
_TagWrite_action = TagWrite.action.__set__
_TagWrite_target = TagWrite.target.__set__
_TagWrite_group = TagWrite.group.__set__
_TagWrite_tag = TagWrite.tag.__set__
_TagWrite_create_tag = TagWrite.create_tag.__set__
_TagWrite_create_group = TagWrite.create_group.__set__
_TagWrite_details = TagWrite.details.__set__


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
