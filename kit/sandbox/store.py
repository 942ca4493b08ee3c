"""The state of one sandbox workspace: fact sheets, relations, tags, users and subscriptions, in memory.

Fact sheet records are plain dicts already in the shape of a GraphQL node, so graphql-core's default
resolver reads them directly and the HTTP layer can serve them without copying. Every record has every
base key, every field of its type (None when unset) and every connection of its type (a shared empty one
until the first relation). To keep 100,000 fact sheets affordable, connection edges are small
:class:`Edge` objects (``edge["node"]`` works as on a dict), relation nodes carry only the relation fields
that are set (read them with ``.get``), and values many records have in common (tags, tag groups, users,
roles, lifecycle phases, completion) are shared objects: treat records as read-only and change them through
the ``Store`` methods, which keep both ends of every relation consistent and bump :attr:`Store.version`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from kit.errors import LxkitError
from kit.leanix.metamodel import FieldDef, FieldKind, MetaModel, RelationDef
from kit.sandbox.metamodel import DEFAULT_METAMODEL

__all__ = [
    "EMPTY_CONNECTION",
    "Edge",
    "LX_STATES",
    "SUBSCRIPTION_TYPES",
    "RelationRecord",
    "Store",
    "StoreError",
    "iso_timestamp",
]

LX_STATES = ("APPROVED", "BROKEN_QUALITY_SEAL", "DRAFT", "REJECTED")
SUBSCRIPTION_TYPES = ("RESPONSIBLE", "ACCOUNTABLE", "OBSERVER")
STATUSES = ("ACTIVE", "ARCHIVED")
_QUALITY_SEAL_OF_STATE = {
    "APPROVED": "APPROVED",
    "BROKEN_QUALITY_SEAL": "BROKEN",
    "DRAFT": "DRAFT",
    "REJECTED": "REJECTED",
}

EMPTY_CONNECTION: Mapping[str, Any] = MappingProxyType({"totalCount": 0, "edges": ()})
"""Shared by every record that has no relation (or subscription) of a kind; replaced on first add."""

_PERMISSIONS = MappingProxyType(
    {
        "self": ("READ", "UPDATE", "CREATE", "ARCHIVE"),
        "create": True,
        "read": True,
        "update": True,
        "delete": True,
    }
)
# Keys a caller may change with update_factsheet besides the type's own fields.
_UPDATABLE_BASE = {"name", "description", "category", "status", "lxState", "qualitySeal"}


class StoreError(LxkitError):
    """A store operation referred to something unknown or would break the workspace's consistency."""


class Edge:
    """One entry of a connection's ``edges``; reads like ``{"node": node}`` (``edge["node"]``,
    ``edge.get("node")``) at a quarter of a dict's memory, and graphql-core reads ``edge.node``."""

    __slots__ = ("node",)

    def __init__(self, node: Mapping[str, Any]) -> None:
        self.node = node

    def __getitem__(self, key: str) -> Any:
        if key == "node":
            return self.node
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.node if key == "node" else default

    def keys(self) -> tuple[str, ...]:
        return ("node",)

    def __repr__(self) -> str:
        return f"Edge(node={{'id': {self.node.get('id')!r}, ...}})"


class RelationRecord(NamedTuple):
    """One relation as stored: ``node`` is the edge node on the source's connection ``name``."""

    id: str
    name: str
    source_id: str
    target_id: str
    node: dict[str, Any]
    reverse_node: dict[str, Any]


def iso_timestamp(value: datetime) -> str:
    """ISO-8601 in UTC with millisecond precision and a ``Z``, as LeanIX writes ``createdAt``/``updatedAt``."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


class Store:
    """An in-memory workspace; everything the sandbox's GraphQL and REST layers serve comes from here."""

    def __init__(
        self,
        metamodel: MetaModel = DEFAULT_METAMODEL,
        *,
        workspace_id: str | None = None,
        workspace_name: str = "lxkit sandbox",
        today: date | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``today`` fixes the date that decides the current lifecycle phase (None = the real date);
        ``clock`` gives timestamps for records created without one (None = the real time)."""
        self.metamodel = metamodel
        self.workspace_id = workspace_id or str(uuid.uuid4())
        self.workspace_name = workspace_name
        self.today = today
        self._clock = clock or (lambda: datetime.now(UTC))
        self.version = 0
        self._all: dict[str, dict[str, Any]] = {}
        self._by_type: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in metamodel.type_names}
        self._relations: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> (node, reverse)
        self._relation_defs: dict[tuple[str, str], RelationDef] = {}
        self.tag_groups: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, dict[str, dict[str, Any]]] = {}  # fact sheet id -> name -> document
        self.users: dict[str, dict[str, Any]] = {}
        self.subscription_roles: dict[str, dict[str, Any]] = {}
        self._phase_cache: dict[tuple[str, str], Mapping[str, str]] = {}
        self._completion_cache: dict[float, Mapping[str, Any]] = {}
        self._relation_fields: dict[str, dict[str, FieldDef]] = {}
        self._role_tuples: dict[tuple[str, ...], tuple[dict[str, Any], ...]] = {}
        self._plans = {t.name: _TypePlan.of(metamodel, t.name) for t in metamodel.types}

    # -- reading ---------------------------------------------------------------------------------------

    @property
    def factsheets_by_id(self) -> Mapping[str, dict[str, Any]]:
        """All records by id, in creation order (a read-only view)."""
        return MappingProxyType(self._all)

    def factsheet(self, fs_id: str) -> dict[str, Any] | None:
        """The record with this id (any status) or None."""
        return self._all.get(fs_id)

    def factsheets(self, type: str | None = None) -> Iterator[dict[str, Any]]:
        """Records of one type (or all) in creation order, archived ones included."""
        if type is None:
            return iter(self._all.values())
        self.metamodel.type(type)
        return iter(self._by_type[type].values())

    def __len__(self) -> int:
        return len(self._all)

    def count_by_type(self, include_archived: bool = False) -> dict[str, int]:
        """Number of fact sheets per type (every type listed); archived ones only when asked."""
        return {
            t: sum(1 for r in recs.values() if include_archived or r["status"] == "ACTIVE")
            for t, recs in self._by_type.items()
        }

    def relation(self, rel_id: str) -> RelationRecord | None:
        """One relation by id or None."""
        pair = self._relations.get(rel_id)
        return _relation_record(*pair) if pair else None

    def relations(self, name: str | None = None) -> Iterator[RelationRecord]:
        """Relations in creation order, each once. With ``name`` (either direction's connection name) each is
        seen from the side that owns that connection, e.g. ``relITComponentToApplication`` yields
        ``source_id`` = the IT component; without it, from the side it was added from."""
        for node, reverse in self._relations.values():
            if name is None or name == node["type"]:
                yield _relation_record(node, reverse)
            elif name == reverse["type"]:
                yield _relation_record(reverse, node)

    # -- writing: fact sheets ----------------------------------------------------------------------

    def add_factsheet(
        self,
        type: str,
        name: str,
        *,
        id: str | None = None,
        description: str | None = None,
        category: str | None = None,
        status: str = "ACTIVE",
        fields: Mapping[str, Any] | None = None,
        tags: Iterable[str] = (),
        lx_state: str = "DRAFT",
        quality_seal: str | None = None,
        completion: float | None = None,
        rev: int = 1,
        created_at: str | datetime | None = None,
        updated_at: str | datetime | None = None,
    ) -> dict[str, Any]:
        """Create a fact sheet and return its record.

        ``fields`` holds the type's own fields; a lifecycle may be given as ``{phase: 'YYYY-MM-DD'}`` and an
        external id as a plain string. ``tags`` are tag ids. ``completion`` defaults to the share of filled
        fields; ``quality_seal`` defaults to the one that matches ``lx_state``.
        """
        plan = self._plans.get(type)
        if plan is None:
            self.metamodel.type(type)  # raises, naming the known types
            raise StoreError(f"The store has no plan for fact sheet type {type!r}")
        fs_id = id or str(uuid.uuid4())
        if fs_id in self._all:
            raise StoreError(f"A fact sheet with id {fs_id} exists already")
        if not name:
            raise StoreError("A fact sheet needs a name")
        if status not in STATUSES:
            _check_choice("status", status, STATUSES)
        if lx_state not in LX_STATES:
            _check_choice("lxState", lx_state, LX_STATES)
        if category is not None and plan.categories and category not in plan.categories:
            _check_choice(f"{type} category", category, plan.categories)
        created = self._stamp(created_at)
        rec: dict[str, Any] = {
            "__typename": type,
            "id": fs_id,
            "type": type,
            "name": name,
            "displayName": name,
            "fullName": name,
            "description": description,
            "category": category,
            "rev": rev,
            "status": status,
            "level": 1,
            "qualitySeal": quality_seal or _QUALITY_SEAL_OF_STATE[lx_state],
            "lxState": lx_state,
            "createdAt": created,
            "updatedAt": self._stamp(updated_at) if updated_at is not None else created,
            "completion": None,
            "permissions": _PERMISSIONS,
            "tags": self._tags_for(type, tags) if tags else [],
            "subscriptions": EMPTY_CONNECTION,
        }
        rec.update(plan.template)
        filled = description is not None
        if fields:
            fdefs = plan.fields
            for fname, value in fields.items():
                fdef = fdefs.get(fname)
                if fdef is None:
                    raise StoreError(
                        f"Fact sheet type {type} has no field {fname!r}; it has {', '.join(fdefs)}"
                    )
                if value is not None:
                    rec[fname] = value = self._coerce(type, fdef, value)
                    filled += value != []
        if rec.get("release"):
            self._set_names(rec)
        rec["completion"] = self._completion_of(
            filled / (len(plan.fields) + 1) if completion is None else completion
        )
        self._all[fs_id] = rec
        self._by_type[type][fs_id] = rec
        self.version += 1
        return rec

    def update_factsheet(
        self, fs_id: str, *, updated_at: str | datetime | None = None, **changes: Any
    ) -> dict:
        """Change base keys (name, description, category, status, lxState, qualitySeal) or type fields; bumps
        ``rev`` and ``updatedAt``. Use ``tags=[ids]`` to replace the tags."""
        rec = self._require(fs_id)
        plan = self._plans[rec["type"]].fields
        for key, value in changes.items():
            if key == "tags":
                rec["tags"] = self._tags_for(rec["type"], value)
            elif key in plan:
                rec[key] = self._coerce(rec["type"], plan[key], value)
            elif key in _UPDATABLE_BASE:
                if key == "status":
                    _check_choice("status", value, STATUSES)
                if key == "lxState":
                    _check_choice("lxState", value, LX_STATES)
                    rec["qualitySeal"] = _QUALITY_SEAL_OF_STATE[value]
                rec[key] = value
            else:
                raise StoreError(f"Cannot change {key!r} of a {rec['type']} fact sheet")
        self._refresh_names(rec)
        filled = sum(1 for n in plan if rec[n] is not None and rec[n] != []) + (
            rec["description"] is not None
        )
        rec["completion"] = self._completion_of(filled / (len(plan) + 1))
        rec["rev"] += 1
        rec["updatedAt"] = self._stamp(updated_at)
        self.version += 1
        return rec

    def delete_factsheet(self, fs_id: str) -> None:
        """Delete a fact sheet for good (not archive it), with its relations, subscriptions and documents."""
        rec = self._require(fs_id)
        related = {
            e.node["id"] for name in self.metamodel.relations_of(rec["type"]) for e in rec[name]["edges"]
        }
        for rel_id in related:
            self.remove_relation(rel_id)
        del self._all[fs_id]
        del self._by_type[rec["type"]][fs_id]
        self.documents.pop(fs_id, None)
        self.version += 1

    # -- writing: relations -----------------------------------------------------------------------

    def add_relation(
        self,
        name: str,
        from_id: str,
        to_id: str,
        *,
        id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Relate two fact sheets through connection ``name`` of the source's type (either direction of a
        relation works) and add the reverse edge on the target; returns the source-side edge node."""
        src, dst = self._all.get(from_id), self._all.get(to_id)
        if src is None or dst is None:
            raise StoreError(f"No fact sheet with id {from_id if src is None else to_id}")
        rdef = self._relation_defs.get((src["type"], name))
        if rdef is None:
            rdef = self._relation_defs[(src["type"], name)] = self.metamodel.relation(src["type"], name)
        if dst["type"] != rdef.target:
            raise StoreError(f"{name} must point to a {rdef.target}, not to a {dst['type']} ({to_id})")
        if src is dst:
            raise StoreError(f"A fact sheet cannot be related to itself ({name}, {from_id})")
        reverse_name = rdef.reverse_name
        forward, backward = src[name], dst[reverse_name]
        # Duplicate check on the shorter side: an application has a few IT components, one IT component
        # may serve thousands of applications.
        edges, other = (forward, dst) if forward["totalCount"] <= backward["totalCount"] else (backward, src)
        for edge in edges["edges"]:
            if edge.node["factSheet"] is other:
                raise StoreError(f"{from_id} is already related to {to_id} through {name}")
        hierarchy = name in ("relToParent", "relToChild")
        if hierarchy:
            child, parent = (src, dst) if name == "relToParent" else (dst, src)
            if child["relToParent"]["totalCount"]:
                raise StoreError(f"{child['id']} has a parent already")
            if self._is_ancestor(child, parent):
                raise StoreError(f"Relating {from_id} and {to_id} through {name} would create a cycle")
        values = self._relation_values(rdef, fields) if fields else {}
        rel_id = id or str(uuid.uuid4())
        if rel_id in self._relations:
            raise StoreError(f"A relation with id {rel_id} exists already")
        node = {"id": rel_id, "type": name, **values, "factSheet": dst}
        reverse = {"id": rel_id, "type": reverse_name, **values, "factSheet": src}
        _append_edge(src, name, node)
        _append_edge(dst, reverse_name, reverse)
        self._relations[rel_id] = (node, reverse)
        if hierarchy:
            self._refresh_names(child)
        self.version += 1
        return node

    def remove_relation(self, rel_id: str) -> None:
        """Delete a relation from both fact sheets."""
        pair = self._relations.pop(rel_id, None)
        if pair is None:
            raise StoreError(f"No relation with id {rel_id}")
        rec = _relation_record(*pair)
        src, dst = self._all[rec.source_id], self._all[rec.target_id]
        _remove_edge(src, rec.name, rec.node)
        _remove_edge(dst, rec.reverse_node["type"], rec.reverse_node)
        if "relToParent" in (rec.name, rec.reverse_node["type"]):
            self._refresh_names(src if rec.name == "relToParent" else dst)
        self.version += 1

    # -- writing: tags, users, subscriptions ------------------------------------------------------------

    def _put(
        self, table: dict[str, dict[str, Any]], record_id: str | None, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Keep a new record (its id first, a new uuid4 when None) in ``table``; the store's version moves on."""
        record = {"id": record_id or str(uuid.uuid4()), **fields}
        table[record["id"]] = record
        self.version += 1
        return record

    def add_tag_group(
        self,
        name: str,
        *,
        mode: str = "SINGLE",
        short_name: str | None = None,
        description: str | None = None,
        restrict_to: Iterable[str] = (),
        mandatory: bool = False,
        id: str | None = None,
    ) -> dict[str, Any]:
        """Create a tag group (``mode`` SINGLE or MULTIPLE, optionally restricted to some types)."""
        _check_choice("tag group mode", mode, ("SINGLE", "MULTIPLE"))
        restricted = [self.metamodel.type(t).name for t in restrict_to]
        if any(g["name"] == name for g in self.tag_groups.values()):
            raise StoreError(f"A tag group called {name!r} exists already")
        return self._put(
            self.tag_groups,
            id,
            {
                "name": name,
                "shortName": short_name,
                "description": description,
                "mode": mode,
                "restrictToFactSheetTypes": restricted,
                "mandatory": mandatory,
            },
        )

    def add_tag(
        self,
        name: str,
        *,
        group_id: str | None = None,
        description: str | None = None,
        color: str = "#5a6e7f",
        status: str = "ACTIVE",
        id: str | None = None,
    ) -> dict[str, Any]:
        """Create a tag, in a tag group or (``group_id`` None) among the "Other tags"."""
        group = None
        if group_id is not None:
            group = self.tag_groups.get(group_id)
            if group is None:
                raise StoreError(f"No tag group with id {group_id}")
        if any(t["name"] == name and t["tagGroup"] is group for t in self.tags.values()):
            raise StoreError(f"Tag {name!r} exists already in that group")
        return self._put(
            self.tags,
            id,
            {
                "name": name,
                "description": description,
                "color": color,
                "status": status,
                "tagGroup": group,
            },
        )

    def add_user(
        self,
        first_name: str,
        last_name: str,
        email: str,
        *,
        technical: bool = False,
        id: str | None = None,
    ) -> dict[str, Any]:
        """Create a workspace user."""
        return self._put(
            self.users,
            id,
            {
                "firstName": first_name,
                "lastName": last_name,
                "displayName": f"{first_name} {last_name}".strip(),
                "email": email,
                "userName": email,
                "technicalUser": technical,
            },
        )

    def add_subscription_role(
        self,
        name: str,
        *,
        description: str | None = None,
        subscription_type: str = "RESPONSIBLE",
        restrict_to: Iterable[str] = (),
        id: str | None = None,
    ) -> dict[str, Any]:
        """Create a subscription role such as "Business Owner"."""
        _check_choice("subscription type", subscription_type, SUBSCRIPTION_TYPES)
        return self._put(
            self.subscription_roles,
            id,
            {
                "name": name,
                "description": description,
                "comment": None,
                "subscriptionType": subscription_type,
                "restrictToFactSheetTypes": [self.metamodel.type(t).name for t in restrict_to],
            },
        )

    def subscribe(
        self,
        fs_id: str,
        user_id: str,
        type: str = "OBSERVER",
        role_ids: Iterable[str] = (),
        *,
        id: str | None = None,
        created_at: str | datetime | None = None,
    ) -> dict[str, Any]:
        """Subscribe a user to a fact sheet (one subscription per user and fact sheet)."""
        rec = self._require(fs_id)
        user = self.users.get(user_id)
        if user is None:
            raise StoreError(f"No user with id {user_id}")
        _check_choice("subscription type", type, SUBSCRIPTION_TYPES)
        key = tuple(role_ids)
        roles = self._role_tuples.get(key)
        if roles is None:
            missing = [rid for rid in key if rid not in self.subscription_roles]
            if missing:
                raise StoreError(f"No subscription role with id {missing[0]}")
            roles = self._role_tuples[key] = tuple(self.subscription_roles[rid] for rid in key)
        if any(e.node["user"] is user for e in rec["subscriptions"]["edges"]):
            raise StoreError(f"User {user_id} is subscribed to {fs_id} already")
        sub = {
            "id": id or str(uuid.uuid4()),
            "type": type,
            "user": user,
            "roles": roles,
            "createdAt": self._stamp(created_at),
            "factSheet": rec,
        }
        _append_edge(rec, "subscriptions", sub)
        self.version += 1
        return sub

    def unsubscribe(self, fs_id: str, subscription_id: str) -> None:
        """Remove one subscription from a fact sheet."""
        rec = self._require(fs_id)
        edge = next((e for e in rec["subscriptions"]["edges"] if e.node["id"] == subscription_id), None)
        if edge is None:
            raise StoreError(f"No subscription {subscription_id} on {fs_id}")
        _remove_edge(rec, "subscriptions", edge.node)
        self.version += 1

    # -- internals ------------------------------------------------------------------------------------------

    def _require(self, fs_id: str) -> dict[str, Any]:
        rec = self._all.get(fs_id)
        if rec is None:
            raise StoreError(f"No fact sheet with id {fs_id}")
        return rec

    def _stamp(self, value: str | datetime | None) -> str:
        if value is None:
            value = self._clock()
        return value if isinstance(value, str) else iso_timestamp(value)

    def _tags_for(self, type_name: str, tag_ids: Iterable[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        single_groups: set[str] = set()
        for tag_id in dict.fromkeys(tag_ids):
            tag = self.tags.get(tag_id)
            if tag is None:
                raise StoreError(f"No tag with id {tag_id}")
            group = tag["tagGroup"]
            if group:
                allowed = group["restrictToFactSheetTypes"]
                if allowed and type_name not in allowed:
                    raise StoreError(f"Tag group {group['name']!r} does not apply to {type_name} fact sheets")
                if group["mode"] == "SINGLE":
                    if group["id"] in single_groups:
                        raise StoreError(f"Tag group {group['name']!r} allows one tag per fact sheet")
                    single_groups.add(group["id"])
            out.append(tag)
        return out

    def _coerce(self, type_name: str, fdef: FieldDef, value: Any) -> Any:
        """A field value checked against its kind (select values must exist) in its stored shape."""
        if value is None:
            return None
        kind = fdef.kind
        if kind is FieldKind.STRING:
            return str(value)
        if kind is FieldKind.SINGLE_SELECT:
            if value not in fdef.values:
                _check_choice(f"{type_name}.{fdef.name}", value, fdef.values)
            return value
        if kind is FieldKind.MULTIPLE_SELECT:
            value = list(value)
            for v in value:
                if v not in fdef.values:
                    _check_choice(f"{type_name}.{fdef.name}", v, fdef.values)
            return value
        if kind is FieldKind.LIFECYCLE:
            return self.lifecycle(value)
        if kind is FieldKind.EXTERNALID:
            if isinstance(value, str):
                return {"externalId": value, "externalUrl": None, "comment": None, "status": "ACTIVE"}
            return {"externalUrl": None, "comment": None, "status": "ACTIVE", **value}
        if kind is FieldKind.DOUBLE:
            return float(value)
        if kind is FieldKind.INTEGER:
            return int(value)
        return str(value)  # DATE

    def lifecycle(self, value: Mapping[str, Any]) -> dict[str, Any] | None:
        """A lifecycle value from ``{phase: date}`` (or an already shaped ``{phases: [...]}``), phases in
        meta model order, ``asString`` the phase in effect on :attr:`today`."""
        if "phases" in value:
            value = {p["phase"]: p["startDate"] for p in value["phases"]}
        order = self.metamodel.lifecycle_phases
        unknown = set(value) - set(order)
        if unknown:
            raise StoreError(f"Unknown lifecycle phase(s) {sorted(unknown)}; phases are {', '.join(order)}")
        phases = []
        for phase in order:
            start = value.get(phase)
            if start:
                key = (phase, str(start))
                shared = self._phase_cache.get(key)
                if shared is None:
                    shared = self._phase_cache[key] = MappingProxyType({"phase": phase, "startDate": key[1]})
                phases.append(shared)
        if not phases:
            return None
        today = (self.today or date.today()).isoformat()
        current = phases[0]["phase"]
        for p in phases:
            if p["startDate"] <= today:
                current = p["phase"]
        return {"asString": current, "phases": phases}

    def _relation_values(self, rdef: RelationDef, given: Mapping[str, Any]) -> dict[str, Any]:
        """Checked relation field values, unset (None) ones left out to keep relation nodes small."""
        out: dict[str, Any] = {}
        if not given:
            return out
        fdefs = self._relation_fields.get(rdef.name)
        if fdefs is None:
            fdefs = self._relation_fields[rdef.name] = {f.name: f for f in rdef.fields}
        for key, value in given.items():
            fdef = fdefs.get(key)
            if fdef is None:
                raise StoreError(f"Relation {rdef.name} has no field {key!r}; it has {', '.join(fdefs)}")
            if value is not None:
                out[key] = self._coerce(rdef.name, fdef, value)
        return out

    def _completion_of(self, value: float) -> Mapping[str, Any]:
        """The shared ``{completion, percentage}`` value for a share between 0 and 1."""
        value = round(min(max(float(value), 0.0), 1.0), 2)
        shared = self._completion_cache.get(value)
        if shared is None:
            shared = MappingProxyType({"completion": value, "percentage": round(value * 100)})
            self._completion_cache[value] = shared
        return shared

    def _set_names(self, rec: dict[str, Any], parent: dict[str, Any] | None = None) -> None:
        release = rec.get("release")
        full = f"{rec['name']} {release}" if release else rec["name"]
        rec["fullName"] = full
        rec["displayName"] = f"{parent['displayName']} / {full}" if parent else full
        rec["level"] = parent["level"] + 1 if parent else 1

    def _refresh_names(self, rec: dict[str, Any]) -> None:
        parents = rec.get("relToParent")
        parent = parents["edges"][0]["node"]["factSheet"] if parents and parents["totalCount"] else None
        self._set_names(rec, parent)
        children = rec.get("relToChild")
        for edge in children["edges"] if children else ():
            self._refresh_names(edge["node"]["factSheet"])

    def _is_ancestor(self, candidate: dict[str, Any], rec: dict[str, Any] | None) -> bool:
        """True if ``candidate`` is ``rec`` or one of its ancestors."""
        while rec is not None:
            if rec is candidate:
                return True
            parents = rec.get("relToParent")
            rec = parents["edges"][0]["node"]["factSheet"] if parents and parents["totalCount"] else None
        return False


class _TypePlan(NamedTuple):
    """What ``add_factsheet`` needs to know about a type, worked out once."""

    fields: dict[str, FieldDef]
    template: dict[str, Any]  # every field None, every connection empty
    categories: frozenset[str]
    hierarchical: bool

    @classmethod
    def of(cls, mm: MetaModel, type_name: str) -> _TypePlan:
        tdef = mm.type(type_name)
        template: dict[str, Any] = dict.fromkeys(f.name for f in tdef.fields)
        template.update(dict.fromkeys(mm.relations_of(type_name), EMPTY_CONNECTION))
        return cls({f.name: f for f in tdef.fields}, template, frozenset(tdef.categories), tdef.hierarchical)


def _relation_record(node: dict[str, Any], reverse: dict[str, Any]) -> RelationRecord:
    return RelationRecord(
        node["id"], node["type"], reverse["factSheet"]["id"], node["factSheet"]["id"], node, reverse
    )


def _append_edge(rec: dict[str, Any], conn_name: str, node: dict[str, Any]) -> None:
    conn = rec[conn_name]
    if conn is EMPTY_CONNECTION:
        rec[conn_name] = {"totalCount": 1, "edges": [Edge(node)]}
    else:
        conn["edges"].append(Edge(node))
        conn["totalCount"] += 1


def _remove_edge(rec: dict[str, Any], conn_name: str, node: dict[str, Any]) -> None:
    conn = rec[conn_name]
    conn["edges"] = [e for e in conn["edges"] if e.node is not node]
    conn["totalCount"] = len(conn["edges"])


def _check_choice(what: str, value: Any, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise StoreError(f"{value!r} is not a valid {what}; allowed: {', '.join(allowed)}")
