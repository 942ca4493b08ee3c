"""A workspace's data model, discovered by GraphQL introspection (so custom fields need no code changes)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from kit.errors import LxkitError

__all__ = [
    "FieldInfo",
    "INTROSPECTION_QUERY",
    "TypeInfo",
    "UnknownFactSheetType",
    "UnknownField",
    "WorkspaceModel",
]

INTROSPECTION_QUERY = """
query lxkitModel {
  __schema {
    types {
      name kind
      enumValues { name }
      fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
    }
  }
}
"""

SCALARS = {"String", "ID", "Int", "Long", "Float", "Double", "Boolean", "Date", "DateTime", "Time"}


class UnknownFactSheetType(LxkitError):
    """A fact sheet type the workspace does not have."""


class UnknownField(LxkitError):
    """A field a fact sheet type does not have."""


@dataclass(frozen=True)
class FieldInfo:
    """One field of a fact sheet type. ``kind``: scalar, enum, lifecycle, externalId, tags, subscriptions,
    relation, completion, object or list."""

    name: str
    kind: str
    graphql_type: str
    values: tuple[str, ...] = ()
    relation_fields: tuple[FieldInfo, ...] = ()


@dataclass
class TypeInfo:
    name: str
    fields: dict[str, FieldInfo] = field(default_factory=dict)

    @property
    def relations(self) -> list[str]:
        return [f.name for f in self.fields.values() if f.kind == "relation"]


class WorkspaceModel:
    """Fact sheet types and their fields from one introspection answer."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._types = {t["name"]: t for t in schema["__schema"]["types"]}
        enum = self._types.get("FactSheetType") or {}
        self.type_names: list[str] = [v["name"] for v in enum.get("enumValues") or []]
        self._infos: dict[str, TypeInfo] = {}

    def type(self, name: str) -> TypeInfo:
        if name not in self.type_names or name not in self._types:
            close = difflib.get_close_matches(name, self.type_names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise UnknownFactSheetType(
                f"Unknown fact sheet type {name!r}.{hint} This workspace has: {', '.join(self.type_names)}."
            )
        if name not in self._infos:
            self._infos[name] = TypeInfo(name, {f.name: f for f in self._fields_of(self._types[name])})
        return self._infos[name]

    def field(self, type_name: str, field_name: str) -> FieldInfo:
        info = self.type(type_name)
        if field_name not in info.fields:
            close = difflib.get_close_matches(field_name, list(info.fields), n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownField(
                f"{type_name} has no field {field_name!r}.{hint} See ws.fields({type_name!r}) for all of them."
            )
        return info.fields[field_name]

    def enum_values(self, type_name: str) -> tuple[str, ...]:
        return tuple(v["name"] for v in (self._types.get(type_name) or {}).get("enumValues") or [])

    # -- classification ----------------------------------------------------------------------------------
    def _fields_of(self, graphql_type: dict) -> list[FieldInfo]:
        return [self._classify(f["name"], f["type"]) for f in graphql_type.get("fields") or []]

    def _classify(self, name: str, type_ref: dict) -> FieldInfo:
        base, is_list = _unwrap(type_ref)
        type_name = base.get("name") or ""
        described = self._types.get(type_name) or {}
        if base.get("kind") == "ENUM":
            return FieldInfo(name, "list" if is_list else "enum", type_name, self.enum_values(type_name))
        if base.get("kind") == "SCALAR" or type_name in SCALARS:
            return FieldInfo(name, "list" if is_list else "scalar", type_name)
        sub = {f["name"] for f in described.get("fields") or []}
        if name == "tags":
            kind = "tags"
        elif name == "subscriptions":
            kind = "subscriptions"
        elif name == "lifecycle" or {"asString", "phases"} <= sub:
            kind = "lifecycle"
        elif name == "completion":
            kind = "completion"
        elif "externalId" in sub and not is_list:
            kind = "externalId"
        elif name.startswith("rel") and "edges" in sub:
            return FieldInfo(
                name, "relation", type_name, relation_fields=tuple(self._relation_fields(described))
            )
        else:
            kind = "list" if is_list else "object"
        return FieldInfo(name, kind, type_name)

    def _relation_fields(self, connection: dict) -> list[FieldInfo]:
        edges = next((f for f in connection.get("fields") or [] if f["name"] == "edges"), None)
        if edges is None:
            return []
        edge = self._types.get(_unwrap(edges["type"])[0].get("name") or "") or {}
        node = next((f for f in edge.get("fields") or [] if f["name"] == "node"), None)
        if node is None:
            return []
        node_type = self._types.get(_unwrap(node["type"])[0].get("name") or "") or {}
        fields = [self._classify(f["name"], f["type"]) for f in node_type.get("fields") or []]
        return [f for f in fields if f.kind in ("scalar", "enum") and f.name not in ("id", "type")]


def _unwrap(type_ref: dict) -> tuple[dict, bool]:
    is_list = False
    while type_ref.get("kind") in ("NON_NULL", "LIST"):
        is_list = is_list or type_ref["kind"] == "LIST"
        type_ref = type_ref.get("ofType") or {}
    return type_ref, is_list
