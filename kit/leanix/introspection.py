"""A workspace's meta model from a GraphQL introspection answer, so custom fields need no code changes.

:func:`metamodel_dict` turns the answer to :data:`INTROSPECTION_QUERY` into the meta model's JSON form
(``MetaModel.from_dict`` reads it; ``MetaModel.from_introspection`` does both). Classification: an enum is a
SINGLE_SELECT with the enum's values in their order, a list of an enum a MULTIPLE_SELECT; String/ID is
STRING, Int/Long INTEGER, Float/Double DOUBLE, Boolean BOOLEAN, Date/DateTime DATE; an object with ``phases``
a LIFECYCLE, with ``externalId`` an EXTERNALID; a ``rel…`` connection a relation whose target is the type of
its edge node's ``factSheet`` field, paired with the target type's connection of the mirrored name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.leanix.constants import BASE_FIELD_NAMES, KNOWN_REVERSES, LIFECYCLE_PHASES, RELATION_NODE_KEYS

__all__ = ["INTROSPECTION_QUERY", "SCALARS", "metamodel_dict"]

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
_SCALAR_KINDS = {
    "String": "STRING",
    "ID": "STRING",
    "Int": "INTEGER",
    "Long": "INTEGER",
    "Float": "DOUBLE",
    "Double": "DOUBLE",
    "Boolean": "BOOLEAN",
    "Date": "DATE",
    "DateTime": "DATE",
    "Time": "DATE",
}
_BY_NAME = {"location": "LOCATION", "projectStatus": "PROJECT", "lxMilestones": "MILESTONE"}
_HIERARCHY = ("relToParent", "relToChild")

Json = dict[str, Any]


def metamodel_dict(answer: Mapping[str, Any]) -> Json:
    """The meta model's JSON form for an introspection answer (with or without the ``data`` envelope)."""
    schema = answer.get("data", answer).get("__schema") or {}
    types: dict[str, Json] = {t["name"]: t for t in schema.get("types") or ()}
    reader = _Reader(types)
    names = [v["name"] for v in (types.get("FactSheetType") or {}).get("enumValues") or ()]
    out_types: list[Json] = []
    connections: dict[str, dict[str, Json]] = {}
    for name in names:
        fields, rels, hierarchical = reader.fact_sheet_type(types.get(name) or {})
        out_types.append({"name": name, "fields": fields, "hierarchical": hierarchical, "categories": []})
        connections[name] = rels
    return {"types": out_types, "relations": _paired(connections), "lifecyclePhases": list(LIFECYCLE_PHASES)}


class _Reader:
    def __init__(self, types: dict[str, Json]) -> None:
        self.types = types

    def fact_sheet_type(self, gql: Json) -> tuple[list[Json], dict[str, Json], bool]:
        """(own fields, relation connections by name, hierarchical) of one fact sheet object type."""
        fields, rels = [], {}
        for f in gql.get("fields") or ():
            name = f["name"]
            if name in BASE_FIELD_NAMES or name == "__typename":
                continue
            if name in _HIERARCHY or (name.startswith("rel") and self._edge_node(f["type"]) is not None):
                rels[name] = f
                continue
            fields.append(self.field(name, f["type"]))
        hierarchical = "relToParent" in rels
        found = {}
        for name, f in rels.items():
            if name in _HIERARCHY:
                continue
            node = self._edge_node(f["type"]) or {}
            found[name] = {"target": self._target(node), "fields": self._relation_fields(node)}
        return fields, found, hierarchical

    def field(self, name: str, type_ref: Json) -> Json:
        base, is_list = _unwrap(type_ref)
        type_name = base.get("name") or ""
        out: Json = {"name": name, "kind": "OBJECT", "graphqlType": type_name}
        described = self.types.get(type_name) or {}
        values = [v["name"] for v in described.get("enumValues") or ()]
        if base.get("kind") == "ENUM" and values:  # an enum without values says nothing: a plain string
            out["kind"] = "MULTIPLE_SELECT" if is_list else "SINGLE_SELECT"
            out["values"] = values
            return out
        if base.get("kind") == "ENUM":
            out["kind"] = "LIST" if is_list else "STRING"
            return out
        sub = {f["name"] for f in described.get("fields") or ()}
        if name in _BY_NAME:
            out["kind"] = _BY_NAME[name]
        elif is_list:
            out["kind"] = "LIST"
        elif base.get("kind") == "SCALAR" or type_name in SCALARS:
            out["kind"] = _SCALAR_KINDS.get(type_name, "OBJECT")
        elif name == "lifecycle" or {"asString", "phases"} <= sub:
            out["kind"] = "LIFECYCLE"
        elif "externalId" in sub:
            out["kind"] = "EXTERNALID"
        return out

    def _edge_node(self, connection_ref: Json) -> Json | None:
        """The node type of a connection's edges (None: not a connection)."""
        connection = self.types.get(_unwrap(connection_ref)[0].get("name") or "") or {}
        edges = _named(connection, "edges")
        if edges is None:
            return None
        node = _named(self.types.get(_unwrap(edges["type"])[0].get("name") or "") or {}, "node")
        return None if node is None else self.types.get(_unwrap(node["type"])[0].get("name") or "")

    def _target(self, node: Json) -> str:
        fact_sheet = _named(node, "factSheet")
        return (_unwrap(fact_sheet["type"])[0].get("name") or "") if fact_sheet else ""

    def _relation_fields(self, node: Json) -> list[Json]:
        own = [f for f in node.get("fields") or () if f["name"] not in RELATION_NODE_KEYS]
        fields = [self.field(f["name"], f["type"]) for f in own]
        return [f for f in fields if f["kind"] not in ("OBJECT", "LIST") and f["name"] != "__typename"]


def _paired(connections: dict[str, dict[str, Json]]) -> list[Json]:
    """Relations with both directions paired: ``relAToB`` on A and ``relBToA`` on B are one relation."""
    done: set[tuple[str, str]] = set()
    out: list[Json] = []
    for source, rels in connections.items():
        for name, rel in rels.items():
            target = _end(connections, source, name)
            if (source, name) in done or target is None:
                continue  # paired already, or the target type cannot be told
            reverse = next(
                (
                    r
                    for r in _mirrored(name)
                    if r in connections[target]
                    and (target, r) not in done
                    and (target, r) != (source, name)
                    and _end(connections, target, r) == source
                ),
                "",
            )
            done.add((source, name))
            if reverse:
                done.add((target, reverse))
            out.append(
                {
                    "name": name,
                    "source": source,
                    "target": target,
                    "reverseName": reverse,
                    "fields": rel["fields"],
                }
            )
    return out


def _end(connections: dict[str, dict[str, Json]], source: str, name: str) -> str | None:
    """The target type of a connection: its node's ``factSheet`` type, else read from its name."""
    target = connections[source][name]["target"]
    if target in connections:
        return str(target)
    head = name[3:]
    if head.startswith("To"):
        return source
    if not head.startswith(source + "To"):
        return None
    rest = head[len(source) + 2 :]
    return max((t for t in connections if rest.endswith(t)), key=len, default=None)


def _mirrored(name: str) -> list[str]:
    """Candidate names of the reverse connection: the known pairs, then ``relBToA`` for ``relAToB``."""
    out = [KNOWN_REVERSES[name]] if name in KNOWN_REVERSES else []
    head = name[3:]
    for i in range(1, len(head) - 2):
        if head[i : i + 2] == "To" and head[i + 2].isupper():
            out.append(f"rel{head[i + 2 :]}To{head[:i]}")
    return out


def _named(gql: Json, name: str) -> Json | None:
    return next((f for f in gql.get("fields") or () if f["name"] == name), None)


def _unwrap(type_ref: Json) -> tuple[Json, bool]:
    is_list = False
    while type_ref.get("kind") in ("NON_NULL", "LIST"):
        is_list = is_list or type_ref["kind"] == "LIST"
        type_ref = type_ref.get("ofType") or {}
    return type_ref, is_list
