"""GraphQL selections and column declarations for fact sheet frames (wide and long)."""

from __future__ import annotations

from dataclasses import dataclass

from kit.frames.columns import LIFECYCLE_PHASES, Column, key, path
from kit.leanix.introspection import FieldInfo, TypeInfo, UnknownField, WorkspaceModel

__all__ = ["FrameQuery", "wide_query", "long_query"]

_DTYPES = {
    "String": "string",
    "ID": "string",
    "Int": "Int64",
    "Long": "Int64",
    "Float": "Float64",
    "Double": "Float64",
    "Boolean": "boolean",
    "Date": "datetime",
    "DateTime": "datetime",
}

# Base columns every fact sheet frame starts with, in this order (those the workspace has).
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
DATETIME_FIELDS = {"createdAt", "updatedAt"}
NOT_WIDE = {"tags", "subscriptions", "relation", "object"}


@dataclass(frozen=True)
class FrameQuery:
    """The node selection to request and the columns to build from each node."""

    selection: str
    columns: tuple[Column, ...]
    fields: tuple[str, ...]


def _column(model: WorkspaceModel, info: FieldInfo) -> tuple[str, Column]:
    """(GraphQL selection, column) for one wide-frame field."""
    name = info.name
    if name == "type":
        return name, Column(name, key(name), "category", tuple(model.type_names))
    if info.kind == "enum":
        return name, Column(name, key(name), "category", info.values, ordered=True)
    if info.kind == "lifecycle":
        return f"{name} {{ asString }}", Column(
            name, path(name, "asString"), "category", LIFECYCLE_PHASES, True
        )
    if info.kind == "externalId":
        return f"{name} {{ externalId }}", Column(name, path(name, "externalId"))
    if info.kind == "completion":
        return f"{name} {{ completion }}", Column(name, path(name, "completion"), "Float64")
    if info.kind == "list":
        return name, Column(name, key(name), "object")
    dtype = "datetime" if name in DATETIME_FIELDS else _DTYPES.get(info.graphql_type, "object")
    if name in ("status", "qualitySeal", "lxState", "category"):
        dtype = "category" if name != "category" else "string"
    return name, Column(name, key(name), dtype)


def wide_query(model: WorkspaceModel, type_name: str, fields: list[str] | None) -> FrameQuery:
    """One row per fact sheet: the base columns, then ``fields`` (default: every plain field of the type)."""
    info = model.type(type_name)
    base = [f for f in BASE if f in info.fields]
    if fields is None:
        chosen = [n for n, f in info.fields.items() if n not in base and f.kind not in NOT_WIDE]
    else:
        chosen = []
        for name in fields:
            field = model.field(type_name, name)
            if field.kind in NOT_WIDE:
                raise UnknownField(_not_wide(type_name, field))
            if name not in base and name not in chosen:
                chosen.append(name)
    parts, columns = [], []
    for name in [*base, *chosen]:
        selection, column = _column(model, info.fields[name])
        parts.append(selection)
        columns.append(column)
    return FrameQuery(" ".join(parts), tuple(columns), tuple(chosen))


def _not_wide(type_name: str, field: FieldInfo) -> str:
    where = {
        "tags": f"ws.tags({type_name!r})",
        "subscriptions": f"ws.subscriptions({type_name!r})",
        "relation": f"ws.relations({type_name!r}, {field.name!r})",
    }.get(field.kind, "a GraphQL query of your own (ws.client.graphql)")
    return f"{type_name}.{field.name} holds a list of objects, not a column value; use {where} for it."


def long_query(kind: str, info: TypeInfo, relation: FieldInfo | None = None) -> FrameQuery:
    """Selections and columns for the tidy frames: tags, lifecycles, subscriptions, relations."""
    if kind == "tags":
        selection = "tags { id name tagGroup { id name } }"
        columns = (
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
            Column("phase", path("phase", "phase"), "category", LIFECYCLE_PHASES, True),
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
            Column(
                "subscriptionType",
                path("sub", "type"),
                "category",
                ("ACCOUNTABLE", "RESPONSIBLE", "OBSERVER"),
            ),
            Column("userId", path("sub", "user", "id")),
            Column("userEmail", path("sub", "user", "email")),
            Column("userName", path("sub", "user", "displayName")),
            Column("roles", key("roles")),
        )
    elif kind == "relations" and relation is not None:
        extra = [
            f for f in relation.relation_fields if f.name not in ("activeFrom", "activeUntil", "description")
        ]
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
            *(
                Column(
                    f.name,
                    path("rel", f.name),
                    "category" if f.kind == "enum" else _DTYPES.get(f.graphql_type, "object"),
                    f.values or None,
                    f.kind == "enum",
                )
                for f in extra
            ),
        )
    else:
        raise ValueError(kind)
    return FrameQuery(selection, columns, ())
