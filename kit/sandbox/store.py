"""The state of one sandbox workspace: fact sheets, relations, tags, users and subscriptions, in memory.

Fact sheet records are plain dicts already in the shape of a GraphQL node, so graphql-core's default
resolver reads them directly and the HTTP layer can serve them without copying. Every record has every
base key, every field of its type (None when unset) and every connection of its type (a shared empty one
until the first relation). To keep 100,000 fact sheets affordable, connection edges are small
:class:`Edge` objects (``edge["node"]`` works as on a dict), relation nodes carry only the relation fields
that are set (read them with ``.get``), and values many records have in common (tags, tag groups, users,
roles, lifecycle phases, completion) are shared objects: treat records as read-only and change them through
the ``Store`` methods, which keep both ends of every relation consistent and bump :attr:`Store.version`.

Once a workspace is built, :meth:`Store.start_event_log` makes the store *live*: from then on every change to
a fact sheet is appended to :attr:`Store.events` and relation and subscription changes bump the ``rev`` of
the fact sheets they touch (generation leaves both alone, so demo workspaces stay as generated).
:meth:`Store.transaction` makes a group of changes all or nothing: every write method records how to undo
itself while a transaction is open.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from kit.errors import LxkitError
from kit.leanix.metamodel import FieldDef, FieldKind, MetaModel, RelationDef
from kit.sandbox.event_log import EventLog
from kit.sandbox.metamodel import DEFAULT_METAMODEL

__all__ = [
    "EMPTY_CONNECTION",
    "Edge",
    "LX_STATES",
    "SUBSCRIPTION_TYPES",
    "RelationRecord",
    "Store",
    "StoreError",
    "Transaction",
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
_UPDATABLE_BASE = {"name", "description", "category", "status", "lxState", "qualitySeal", "naFields"}
_DOCUMENT_KEYS = {"name", "url", "description", "origin", "documentType", "metadata", "refId"}


class StoreError(LxkitError):
    """A store operation referred to something unknown or would break the workspace's consistency."""


class Transaction:
    """An open :meth:`Store.transaction`; :meth:`rollback` undoes its changes when the block ends."""

    def __init__(self) -> None:
        self.rolled_back = False

    def rollback(self) -> None:
        """Undo everything done in this transaction when its ``with`` block ends (e.g. ``validateOnly``)."""
        self.rolled_back = True


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
        self.events = EventLog(self._clock)
        self.actor: Mapping[str, Any] | None = None
        """The user events are recorded for (None = no user; set per request by the server)."""
        self._journal: list[Callable[[], object]] | None = None

    # -- event log and transactions --------------------------------------------------------------------

    @property
    def live(self) -> bool:
        """True once :meth:`start_event_log` was called: changes are logged and bump related ``rev``s."""
        return self.events.enabled

    def start_event_log(self) -> None:
        """Log every change from now on (call once the workspace is generated; calling again is harmless)."""
        self.events.enabled = True

    def log(
        self, event_type: str, fs_id: str, *, path: str, old: Any = None, new: Any = None, message: str
    ) -> None:
        """Append an event for fact sheet ``fs_id`` by :attr:`actor` (nothing while the store is not live)."""
        if self.events.enabled:
            self.events.append(
                event_type, fs_id, path=path, old=old, new=new, message=message, user=self.actor
            )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """All or nothing: if the block raises (or calls ``rollback()``), every change made in it is undone,
        events included. Inside another transaction it is a savepoint: it undoes only its own changes."""
        handle = Transaction()
        outer = self._journal
        journal: list[Callable[[], object]] = outer if outer is not None else []
        start, mark = len(journal), len(self.events)
        self._journal = journal
        try:
            yield handle
        except BaseException:
            self._undo_since(journal, start, mark)
            raise
        else:
            if handle.rolled_back:
                self._undo_since(journal, start, mark)
        finally:
            self._journal = outer

    def _undo_since(self, journal: list[Callable[[], object]], start: int, mark: int) -> None:
        self._journal = None  # undoing journals nothing
        try:
            for undo in reversed(journal[start:]):
                undo()
        finally:
            del journal[start:]
            self._journal = journal
        self.events.truncate(mark)
        self.version += 1  # caches keyed by version never see the undone state as current

    def _on_undo(self, undo: Callable[[], object]) -> None:
        if self._journal is not None:
            self._journal.append(undo)

    def _keep_record(self, rec: dict[str, Any]) -> None:
        """Journal the record's current top-level values (connections are journaled by their own writes)."""
        if self._journal is not None:
            saved = dict(rec)

            def undo() -> None:
                rec.clear()
                rec.update(saved)
                self._refresh_names(rec)

            self._journal.append(undo)

    def _keep_connection(self, rec: dict[str, Any], name: str) -> None:
        if self._journal is not None:
            conn = rec[name]
            edges = None if conn is EMPTY_CONNECTION else list(conn["edges"])

            def undo() -> None:
                rec[name] = conn
                if edges is not None:
                    conn["edges"] = edges
                    conn["totalCount"] = len(edges)
                if name in ("relToParent", "relToChild"):
                    self._refresh_names(rec)

            self._journal.append(undo)

    def touch(self, fs_id: str, *, updated_at: str | datetime | None = None) -> dict[str, Any]:
        """Bump a fact sheet's ``rev`` and ``updatedAt`` (a change that is not a field, like a relation)."""
        rec = self._require(fs_id)
        self._keep_record(rec)
        rec["rev"] += 1
        rec["updatedAt"] = self._stamp(updated_at)
        self.version += 1
        return rec

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
        if self._journal is not None:

            def undo() -> None:
                del self._all[fs_id]
                del self._by_type[type][fs_id]

            self._journal.append(undo)
        self.log("FACT_SHEET_CREATED", fs_id, path="/", new=name, message=f"{type} '{name}' was created")
        return rec

    def update_factsheet(
        self, fs_id: str, *, updated_at: str | datetime | None = None, **changes: Any
    ) -> dict:
        """Change base keys (name, description, category, status, lxState, qualitySeal) or type fields; bumps
        ``rev`` and ``updatedAt``. Use ``tags=[ids]`` to replace the tags."""
        rec = self._require(fs_id)
        self._keep_record(rec)
        before = dict(rec) if self.live else None
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
                if key == "naFields":
                    value = self._na_fields(rec["type"], value)
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
        if before is not None:
            self._log_update(before, rec, changes)
        return rec

    def _log_update(self, before: Mapping[str, Any], rec: dict[str, Any], changes: Mapping[str, Any]) -> None:
        """Events for one ``update_factsheet``: one per changed key, as LeanIX's event log lists them."""
        fs_id, label = rec["id"], f"{rec['type']} '{rec['name']}'"
        for key in changes:
            old: Any = before.get(key)  # naFields may be new to the record
            new: Any = rec.get(key)
            if old == new:
                continue
            if key == "tags":
                old_ids = {t["id"] for t in old}
                new_ids = {t["id"] for t in new}
                for tag in new:
                    if tag["id"] not in old_ids:
                        self.log(
                            "FACT_SHEET_TAG_ADDED",
                            fs_id,
                            path="/tags",
                            new=tag["name"],
                            message=f"Tag '{tag['name']}' was added to {label}",
                        )
                for tag in old:
                    if tag["id"] not in new_ids:
                        self.log(
                            "FACT_SHEET_TAG_REMOVED",
                            fs_id,
                            path="/tags",
                            old=tag["name"],
                            message=f"Tag '{tag['name']}' was removed from {label}",
                        )
            elif key == "status":
                kind = "FACT_SHEET_ARCHIVED" if new == "ARCHIVED" else "FACT_SHEET_RECOVERED"
                verb = "archived" if new == "ARCHIVED" else "recovered"
                self.log(kind, fs_id, path="/status", old=old, new=new, message=f"{label} was {verb}")
            elif key == "lxState":
                kind = _SEAL_EVENTS[new]
                self.log(
                    kind,
                    fs_id,
                    path="/qualitySeal",
                    old=None,  # LeanIX's example event shows oldValue null
                    new=rec["qualitySeal"],
                    message=f"The quality seal of {label} was set to {rec['qualitySeal']}",
                )
            elif key != "qualitySeal" or "lxState" not in changes:
                self.log(
                    "FACT_SHEET_FIELD_UPDATED",
                    fs_id,
                    path=f"/{key}",
                    old=_event_value(old),
                    new=_event_value(new),
                    message=f"Field '{key}' of {label} was updated",
                )

    def delete_factsheet(self, fs_id: str) -> None:
        """Delete a fact sheet for good (not archive it), with its relations, subscriptions and documents."""
        rec = self._require(fs_id)
        related = {
            e.node["id"] for name in self.metamodel.relations_of(rec["type"]) for e in rec[name]["edges"]
        }
        for rel_id in related:
            self.remove_relation(rel_id)
        position = list(self._all).index(fs_id) if self._journal is not None else 0
        del self._all[fs_id]
        del self._by_type[rec["type"]][fs_id]
        documents = self.documents.pop(fs_id, None)
        self.version += 1
        if self._journal is not None:

            def undo() -> None:
                _insert_at(self._all, position, fs_id, rec)
                self._by_type[rec["type"]] = {k: v for k, v in self._all.items() if v["type"] == rec["type"]}
                if documents is not None:
                    self.documents[fs_id] = documents

            self._journal.append(undo)
        self.log(
            "FACT_SHEET_DELETED",
            fs_id,
            path="/",
            old=rec["name"],
            message=f"{rec['type']} '{rec['name']}' was deleted",
        )

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
        if self._journal is not None:
            self._keep_connection(src, name)
            self._keep_connection(dst, reverse_name)
        _append_edge(src, name, node)
        _append_edge(dst, reverse_name, reverse)
        self._relations[rel_id] = (node, reverse)
        if self._journal is not None:
            self._journal.append(lambda: self._relations.pop(rel_id, None))
        if hierarchy:
            self._refresh_names(child)
        self.version += 1
        if self.events.enabled:
            for rec, conn, other in ((src, name, dst), (dst, reverse_name, src)):
                self.touch(rec["id"])
                self.log(
                    "RELATION_CREATED",
                    rec["id"],
                    path=f"/{conn}/{rel_id}",
                    new=other["name"],
                    message=f"Relation {conn} to '{other['name']}' was added",
                )
        return node

    def update_relation(self, rel_id: str, *, target_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """Change a relation's fields (given ones; None clears) and/or point it at another fact sheet of the
        same type (``target_id``, seen from the side the relation was added from); returns the source node."""
        pair = self._relations.get(rel_id)
        if pair is None:
            raise StoreError(f"No relation with id {rel_id}")
        node, reverse = pair
        src, dst = reverse["factSheet"], node["factSheet"]
        rdef = self._relation_defs.get((src["type"], node["type"])) or self.metamodel.relation(
            src["type"], node["type"]
        )
        if target_id is not None and target_id != dst["id"]:
            values = {k: v for k, v in node.items() if k not in ("id", "type", "factSheet")}
            values.update(fields)
            self.remove_relation(rel_id)
            new_node = self.add_relation(node["type"], src["id"], target_id, id=rel_id, **values)
            self.log(
                "RELATION_SWITCH",
                src["id"],
                path=f"/{node['type']}/{rel_id}",
                old=dst["name"],
                new=new_node["factSheet"]["name"],
                message=f"Relation {node['type']} was switched",
            )
            return new_node
        values = self._relation_values(rdef, {k: v for k, v in fields.items() if v is not None})
        cleared = [k for k, v in fields.items() if v is None]
        for key in cleared:
            if key not in {f.name for f in rdef.fields}:
                raise StoreError(f"Relation {rdef.name} has no field {key!r}")
        for part in (node, reverse):
            if self._journal is not None:
                saved = dict(part)

                def undo(part: dict[str, Any] = part, saved: dict[str, Any] = saved) -> None:
                    part.clear()
                    part.update(saved)

                self._journal.append(undo)
            for key in cleared:
                part.pop(key, None)
            part.update(values)
        self.version += 1
        if self.live:
            for rec, part in ((src, node), (dst, reverse)):
                self.touch(rec["id"])
                self.log(
                    "RELATION_UPDATED",
                    rec["id"],
                    path=f"/{part['type']}/{rel_id}",
                    new=values or None,
                    message=f"Relation {part['type']} to '{part['factSheet']['name']}' was updated",
                )
        return node

    def remove_relation(self, rel_id: str) -> None:
        """Delete a relation from both fact sheets."""
        pair = self._relations.pop(rel_id, None)
        if pair is None:
            raise StoreError(f"No relation with id {rel_id}")
        rec = _relation_record(*pair)
        src, dst = self._all[rec.source_id], self._all[rec.target_id]
        if self._journal is not None:
            self._keep_connection(src, rec.name)
            self._keep_connection(dst, rec.reverse_node["type"])
            self._journal.append(lambda: self._relations.__setitem__(rel_id, pair))
        _remove_edge(src, rec.name, rec.node)
        _remove_edge(dst, rec.reverse_node["type"], rec.reverse_node)
        if "relToParent" in (rec.name, rec.reverse_node["type"]):
            self._refresh_names(src if rec.name == "relToParent" else dst)
        self.version += 1
        if self.live:
            for one, conn, other in ((src, rec.name, dst), (dst, rec.reverse_node["type"], src)):
                if one["id"] in self._all:
                    self.touch(one["id"])
                self.log(
                    "RELATION_ARCHIVED",
                    one["id"],
                    path=f"/{conn}/{rel_id}",
                    old=other["name"],
                    message=f"Relation {conn} to '{other['name']}' was removed",
                )

    # -- writing: tags, users, subscriptions ------------------------------------------------------------

    def _put(
        self, table: dict[str, dict[str, Any]], record_id: str | None, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Keep a new record (its id first, a new uuid4 when None) in ``table``; the store's version moves on."""
        record = {"id": record_id or str(uuid.uuid4()), **fields}
        if record["id"] in table:
            raise StoreError(f"A record with id {record['id']} exists already")
        table[record["id"]] = record
        self.version += 1
        self._on_undo(lambda: table.pop(record["id"], None))
        return record

    def _change(self, record: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
        """Change a tag group's, tag's or user's values in place (records share them by reference)."""
        if self._journal is not None:
            saved = dict(record)

            def undo() -> None:
                record.clear()
                record.update(saved)

            self._journal.append(undo)
        record.update(fields)
        self.version += 1
        return record

    def upsert_tag_group(
        self,
        name: str,
        *,
        mode: str | None = None,
        short_name: str | None = None,
        description: str | None = None,
        restrict_to: Iterable[str] | None = None,
        mandatory: bool | None = None,
    ) -> dict[str, Any]:
        """The tag group called ``name``, created (SINGLE unless ``mode`` says otherwise) or, if it exists,
        with the given values changed (None leaves a value as it is), like LeanIX's ``upsertTagGroup``."""
        group = next((g for g in self.tag_groups.values() if g["name"] == name), None)
        if group is None:
            return self.add_tag_group(
                name,
                mode=mode or "SINGLE",
                short_name=short_name,
                description=description,
                restrict_to=restrict_to or (),
                mandatory=bool(mandatory),
            )
        changes: dict[str, Any] = {}
        if mode is not None:
            _check_choice("tag group mode", mode, ("SINGLE", "MULTIPLE"))
            changes["mode"] = mode
        if short_name is not None:
            changes["shortName"] = short_name
        if description is not None:
            changes["description"] = description
        if restrict_to is not None:
            changes["restrictToFactSheetTypes"] = [self.metamodel.type(t).name for t in restrict_to]
        if mandatory is not None:
            changes["mandatory"] = mandatory
        return self._change(group, changes)

    def upsert_tag(
        self,
        name: str,
        *,
        group_name: str | None = None,
        description: str | None = None,
        color: str | None = None,
    ) -> dict[str, Any]:
        """The tag ``name`` of the group called ``group_name`` (None: "Other tags"), created or changed."""
        group = None
        if group_name is not None:
            group = next((g for g in self.tag_groups.values() if g["name"] == group_name), None)
            if group is None:
                raise StoreError(f"No tag group called {group_name!r}; create it first (upsertTagGroup)")
        tag = next((t for t in self.tags.values() if t["name"] == name and t["tagGroup"] is group), None)
        if tag is None:
            extra = {"color": color} if color is not None else {}
            return self.add_tag(
                name, group_id=group["id"] if group else None, description=description, **extra
            )
        changes = {k: v for k, v in (("description", description), ("color", color)) if v is not None}
        return self._change(tag, changes)

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
        self._keep_connection(rec, "subscriptions")
        _append_edge(rec, "subscriptions", sub)
        self.version += 1
        if self.live:
            self.touch(fs_id)
            self.log(
                "SUBSCRIPTION_CREATED",
                fs_id,
                path=f"/subscriptions/{sub['id']}",
                new=user["email"],
                message=f"{user['displayName']} was subscribed as {type}",
            )
        return sub

    def update_subscription(
        self,
        fs_id: str,
        subscription_id: str,
        *,
        type: str | None = None,
        role_ids: Iterable[str] | None = None,
        role_comments: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Change a subscription's type and/or roles (``role_comments``: role id -> the comment given)."""
        rec = self._require(fs_id)
        edge = next((e for e in rec["subscriptions"]["edges"] if e.node["id"] == subscription_id), None)
        if edge is None:
            raise StoreError(f"No subscription {subscription_id} on {fs_id}")
        sub = edge.node
        changes: dict[str, Any] = {}
        if type is not None:
            _check_choice("subscription type", type, SUBSCRIPTION_TYPES)
            changes["type"] = type
        if role_ids is not None:
            roles = []
            for rid in role_ids:
                role = self.subscription_roles.get(rid)
                if role is None:
                    raise StoreError(f"No subscription role with id {rid}")
                comment = (role_comments or {}).get(rid)
                roles.append({**role, "comment": comment} if comment else role)
            changes["roles"] = tuple(roles)
        self._change(sub, changes)
        if self.live:
            self.touch(fs_id)
            self.log(
                "SUBSCRIPTION_UPDATED",
                fs_id,
                path=f"/subscriptions/{subscription_id}",
                new=sub["user"]["email"],
                message=f"The subscription of {sub['user']['displayName']} was updated",
            )
        return sub

    def unsubscribe(self, fs_id: str, subscription_id: str) -> None:
        """Remove one subscription from a fact sheet."""
        rec = self._require(fs_id)
        edge = next((e for e in rec["subscriptions"]["edges"] if e.node["id"] == subscription_id), None)
        if edge is None:
            raise StoreError(f"No subscription {subscription_id} on {fs_id}")
        self._keep_connection(rec, "subscriptions")
        _remove_edge(rec, "subscriptions", edge.node)
        self.version += 1
        if self.live:
            self.touch(fs_id)
            user = edge.node["user"]
            self.log(
                "SUBSCRIPTION_DELETED",
                fs_id,
                path=f"/subscriptions/{subscription_id}",
                old=user["email"],
                message=f"The subscription of {user['displayName']} was removed",
            )

    # -- writing: documents (a fact sheet's resources) -------------------------------------------------------

    def document(self, doc_id: str) -> tuple[str, dict[str, Any]] | None:
        """The fact sheet id and the document with this id, or None."""
        for fs_id, docs in self.documents.items():
            for doc in docs.values():
                if doc.get("id") == doc_id:
                    return fs_id, doc
        return None

    def add_document(
        self,
        fs_id: str,
        name: str,
        *,
        url: str | None = None,
        description: str | None = None,
        origin: str | None = None,
        document_type: str | None = None,
        metadata: str | None = None,
        ref_id: str | None = None,
        id: str | None = None,
        created_at: str | datetime | None = None,
    ) -> dict[str, Any]:
        """Add a document (a link, by default with origin ``CUSTOM_LINK``) to a fact sheet. Documents are kept
        by name per fact sheet (the Integration API's ``inboundDocument`` identifies them by name), so a
        second document of the same name on one fact sheet is refused."""
        rec = self._require(fs_id)
        if not name:
            raise StoreError("A document needs a name")
        docs = self.documents.get(fs_id)
        if docs is not None and name in docs:
            raise StoreError(
                f"{rec['type']} '{rec['name']}' has a document called {name!r} already; change that one "
                "(updateDocument) or give the new one another name"
            )
        doc = {
            "id": id or str(uuid.uuid4()),
            "name": name,
            "url": url,
            "description": description,
            "origin": origin or "CUSTOM_LINK",
            "documentType": document_type,
            "metadata": metadata,
            "refId": ref_id,
            "createdAt": self._stamp(created_at),
        }
        created = docs is None
        docs = self.documents.setdefault(fs_id, {})
        docs[name] = doc
        self.version += 1
        self._on_undo(lambda: self.documents.pop(fs_id) if created else docs.pop(name, None))
        self.log(
            "DOCUMENT_CREATED",
            fs_id,
            path=f"/documents/{doc['id']}",
            new=url or name,
            message=f"Document '{name}' was added to {rec['type']} '{rec['name']}'",
        )
        return doc

    def update_document(self, doc_id: str, **changes: Any) -> dict[str, Any]:
        """Change a document's name, url, description, origin, documentType, metadata or refId."""
        found = self.document(doc_id)
        if found is None:
            raise StoreError(f"No document with id {doc_id}")
        fs_id, doc = found
        unknown = sorted(set(changes) - _DOCUMENT_KEYS)
        if unknown:
            raise StoreError(
                f"Cannot change {unknown[0]!r} of a document; it has {', '.join(sorted(_DOCUMENT_KEYS))}"
            )
        docs = self.documents[fs_id]
        old_name, new_name = doc["name"], changes.get("name", doc["name"])
        if not new_name:
            raise StoreError("A document needs a name")
        if new_name != old_name and new_name in docs:
            raise StoreError(f"The fact sheet has a document called {new_name!r} already")
        saved, before = dict(doc), list(docs.items())

        def undo() -> None:
            doc.clear()
            doc.update(saved)
            docs.clear()
            docs.update(before)

        self._on_undo(undo)
        doc.update(changes)
        if new_name != old_name:
            renamed = [(new_name if n == old_name else n, d) for n, d in before]
            docs.clear()
            docs.update(renamed)
        self.version += 1
        rec = self._all[fs_id]
        self.log(
            "DOCUMENT_UPDATED",
            fs_id,
            path=f"/documents/{doc_id}",
            old={k: saved[k] for k in changes},
            new={k: doc[k] for k in changes},
            message=f"Document '{doc['name']}' of {rec['type']} '{rec['name']}' was updated",
        )
        return doc

    def delete_document(self, doc_id: str) -> dict[str, Any]:
        """Remove a document from its fact sheet; returns it."""
        found = self.document(doc_id)
        if found is None:
            raise StoreError(f"No document with id {doc_id}")
        fs_id, doc = found
        docs = self.documents[fs_id]
        before = list(docs.items())
        del docs[doc["name"]]

        def undo() -> None:
            docs.clear()
            docs.update(before)
            self.documents[fs_id] = docs

        self._on_undo(undo)
        if not docs:
            del self.documents[fs_id]
        self.version += 1
        rec = self._all[fs_id]
        self.log(
            "DOCUMENT_DELETED",
            fs_id,
            path=f"/documents/{doc_id}",
            old=doc.get("url") or doc["name"],
            message=f"Document '{doc['name']}' was removed from {rec['type']} '{rec['name']}'",
        )
        return doc

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

    def _na_fields(self, type_name: str, names: Iterable[str]) -> list[str]:
        """``naFields``: fields and relations of the type marked as intentionally empty ("not applicable")."""
        known = {f.name for f in self.metamodel.type(type_name).fields} | set(
            self.metamodel.relations_of(type_name)
        )
        out: list[str] = []
        for name in names:
            if name not in known:
                raise StoreError(
                    f"{name!r} is no field or relation of {type_name}; naFields takes names like "
                    f"{', '.join(sorted(known)[:4])}"
                )
            if name not in out:
                out.append(name)
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


_SEAL_EVENTS = {
    "APPROVED": "QUALITY_SEAL_APPROVED",
    "BROKEN_QUALITY_SEAL": "QUALITY_SEAL_BROKEN",
    "REJECTED": "QUALITY_SEAL_REJECTED",
    "DRAFT": "QUALITY_SEAL_RESET",
}


def _event_value(value: Any) -> Any:
    """A field value as an event shows it: an external id by its id, a lifecycle by its phases."""
    if isinstance(value, Mapping) and "externalId" in value:
        return value["externalId"]
    if isinstance(value, Mapping) and "phases" in value:
        return [dict(p) for p in value["phases"]]
    return value


def _insert_at(table: dict[str, Any], position: int, key: str, value: Any) -> None:
    """Put ``key`` back at ``position`` of an insertion-ordered dict (rebuilds it in place)."""
    items = list(table.items())
    items.insert(position, (key, value))
    table.clear()
    table.update(items)


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
