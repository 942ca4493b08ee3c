"""GraphQL selections and column declarations for fact sheet frames (wide and long), read from the meta model."""

from __future__ import annotations

from dataclasses import dataclass

from kit.frames.columns import Column, key, path
from kit.leanix import FieldDef, FieldKind, MetaModel, RelationDef, UnknownField
from kit.leanix.constants import DATETIME_FIELDS, SUBSCRIPTION_TYPES

__all__ = ["BASE", "FrameQuery", "long_query", "wide_query"]

_K = FieldKind
_DTYPES = {
    _K.STRING: "string",
    _K.INTEGER: "Int64",
    _K.DOUBLE: "Float64",
    _K.BOOLEAN: "boolean",
    _K.EXTERNALID: "string",
}
_DATE_TYPES = {"Date", "DateTime"}

# Base columns every fact sheet frame starts with, in this order.
BASE = (
    "id",
    "name",
    "displayName",
    "type",
    "category",
    "description",
    "status",
    "level",
    "qualitySeal",
    "lxState",
    "completion",
    "createdAt",
    "updatedAt",
)
NOT_WIDE = {_K.OBJECT, _K.LOCATION}
_UNORDERED_CATEGORIES = {"status", "qualitySeal", "lxState"}
_RELATION_BASE = ("activeFrom", "activeUntil", "description")


@dataclass(frozen=True)
class FrameQuery:
    """The node selection to request and the columns to build from each node."""

    selection: str
    columns: tuple[Column, ...]
    fields: tuple[str, ...]


def _dtype(field: FieldDef) -> str:
    """The frame dtype of a plain value of this field."""
    if field.name in DATETIME_FIELDS or (field.kind is _K.DATE and field.graphql_type in _DATE_TYPES):
        return "datetime"
    return _DTYPES.get(field.kind, "string" if field.kind is _K.DATE else "object")


def _column(model: MetaModel, field: FieldDef) -> tuple[str, Column]:
    """(GraphQL selection, column) for one wide-frame field."""
    name = field.name
    if name == "type":
        return name, Column(name, key(name), "category", model.type_names)
    if name == "category":
        return name, Column(name, key(name), "string")
    if name == "completion":
        return f"{name} {{ completion }}", Column(name, path(name, "completion"), "Float64")
    if name in _UNORDERED_CATEGORIES:
        return name, Column(name, key(name), "category")
    if field.kind is _K.SINGLE_SELECT:
        return name, Column(name, key(name), "category", field.values, ordered=True)
    if field.kind is _K.LIFECYCLE:
        phases = model.lifecycle_phases
        return f"{name} {{ asString }}", Column(name, path(name, "asString"), "category", phases, True)
    if field.kind is _K.EXTERNALID:
        return f"{name} {{ externalId }}", Column(name, path(name, "externalId"))
    return name, Column(name, key(name), _dtype(field))


def wide_query(model: MetaModel, type_name: str, fields: list[str] | None) -> FrameQuery:
    """One row per fact sheet: the base columns, then ``fields`` (default: every plain field of the type)."""
    tdef = model.type(type_name)
    if fields is None:
        extra = [f for f in model.base_fields(type_name) if f.name not in BASE and f.kind not in NOT_WIDE]
        chosen = [f.name for f in (*extra, *tdef.fields) if f.kind not in NOT_WIDE]
    else:
        chosen = []
        relations = model.relations_of(type_name)
        for name in fields:
            if name in relations:
                raise UnknownField(_not_wide(type_name, name, relation=True))
            field = model.field(type_name, name)
            if field.kind in NOT_WIDE:
                raise UnknownField(_not_wide(type_name, name))
            if name not in BASE and name not in chosen:
                chosen.append(name)
    parts, columns = [], []
    for name in [*BASE, *chosen]:
        selection, column = _column(model, model.field(type_name, name))
        parts.append(selection)
        columns.append(column)
    return FrameQuery(" ".join(parts), tuple(columns), tuple(chosen))


def _not_wide(type_name: str, name: str, relation: bool = False) -> str:
    if relation:
        where = f"ws.relations({type_name!r}, {name!r})"
    elif name in ("tags", "subscriptions"):
        where = f"ws.{name}({type_name!r})"
    else:
        where = "a GraphQL query of your own (ws.client.graphql)"
    return f"{type_name}.{name} holds a list of objects, not a column value; use {where} for it."


def long_query(kind: str, model: MetaModel, relation: RelationDef | None = None) -> FrameQuery:
    """Selections and columns for the tidy frames: tags, lifecycles, subscriptions, relations."""
    if kind == "tags":
        selection = "tags { id name tagGroup { id name } }"
        columns: tuple[Column, ...] = (
            Column("id", key("id")),
            Column("name", key("name")),
            Column("tagGroup", path("tag", "tagGroup", "name")),
            Column("tagGroupId", path("tag", "tagGroup", "id")),
            Column("tag", path("tag", "name")),
            Column("tagId", path("tag", "id")),
        )
    elif kind == "lifecycles":
        selection = "lifecycle { asString phases { phase startDate } }"
        columns = (
            Column("id", key("id")),
            Column("name", key("name")),
            Column("phase", path("phase", "phase"), "category", model.lifecycle_phases, True),
            Column("startDate", path("phase", "startDate"), "datetime"),
            Column("current", key("current"), "boolean"),
        )
    elif kind == "subscriptions":
        selection = (
            "subscriptions { edges { node { id type user { id email displayName firstName lastName } "
            "roles { id name } } } }"
        )
        columns = (
            Column("id", key("id")),
            Column("name", key("name")),
            Column("subscriptionId", path("sub", "id")),
            Column("subscriptionType", path("sub", "type"), "category", SUBSCRIPTION_TYPES),
            Column("userId", path("sub", "user", "id")),
            Column("userEmail", path("sub", "user", "email")),
            Column("userName", path("sub", "user", "displayName")),
            Column("roles", key("roles")),
        )
    elif kind == "relations" and relation is not None:
        extra = [f for f in relation.fields if f.name not in _RELATION_BASE]
        rel_fields = " ".join(f.name for f in extra)
        selection = (
            f"{relation.name} {{ edges {{ node {{ id activeFrom activeUntil description {rel_fields} "
            "factSheet { id name type } } } }"
        )
        columns = (
            Column("fromId", key("id")),
            Column("fromName", key("name")),
            Column("relation", key("relation"), "category"),
            Column("toId", path("rel", "factSheet", "id")),
            Column("toName", path("rel", "factSheet", "name")),
            Column("toType", path("rel", "factSheet", "type"), "category"),
            Column("relationId", path("rel", "id")),
            Column("activeFrom", path("rel", "activeFrom"), "datetime"),
            Column("activeUntil", path("rel", "activeUntil"), "datetime"),
            Column("description", path("rel", "description")),
            *(_relation_column(f) for f in extra),
        )
    else:
        raise ValueError(kind)
    return FrameQuery(selection, columns, ())


def _relation_column(field: FieldDef) -> Column:
    source = path("rel", field.name)
    if field.kind is _K.SINGLE_SELECT:
        return Column(field.name, source, "category", field.values, True)
    return Column(field.name, source, _dtype(field))
