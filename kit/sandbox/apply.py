"""Apply a run's plan (``kit.integration.plan``) to the sandbox store: what a real run does to LeanIX.

Records are applied in plan order. A fact sheet the run creates is made at its first write, with every
``create`` write of that fact sheet at once (LeanIX needs the name and external id together); later writes
refer to it through the same :class:`FactSheetRef`. Writes that cannot apply (an unknown field, a value the
meta model rejects) are skipped and counted, like the Integration API's per-item warnings.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    FieldWrite,
    MetricPoint,
    RelationWrite,
    RunPlan,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
)
from kit.sandbox.store import Store, StoreError

__all__ = ["AppliedRun", "apply_plan"]

log = logging.getLogger("kit.sandbox")
BASE_KEYS = {"name", "description", "category", "status", "lxState", "qualitySeal"}


@dataclass
class AppliedRun:
    created: dict[FactSheetRef, str] = field(default_factory=dict)
    applied: int = 0
    skipped: list[str] = field(default_factory=list)
    metrics: list[MetricPoint] = field(default_factory=list)


class _Applier:
    def __init__(self, store: Store, writes: list[Any]) -> None:
        self.store = store
        self.result = AppliedRun()
        self.creates: dict[FactSheetRef, list[FieldWrite]] = defaultdict(list)
        for write in writes:
            if isinstance(write, FieldWrite) and write.target.is_new:
                self.creates[write.target].append(write)

    # -- references ----------------------------------------------------------------------------------
    def resolve(self, ref: FactSheetRef) -> str | None:
        if ref.id is not None:
            return ref.id if self.store.factsheet(ref.id) else None
        if ref in self.result.created:
            return self.result.created[ref]
        if ref in self.creates:
            return self.create(ref)
        return None

    def _record(self, fs_id: str) -> dict[str, Any]:
        record = self.store.factsheet(fs_id)
        if record is None:
            raise StoreError(f"no fact sheet with id {fs_id}")
        return record

    def create(self, ref: FactSheetRef) -> str | None:
        writes = self.creates[ref]
        values = _merge(writes)
        name = values.pop("name", None) or (ref.external[1] if ref.external else None)
        if ref.type is None or not name:  # LeanIX creates a fact sheet only with its type and name
            self.result.skipped.append(f"create {ref.type} {name!r}: no type or no name")
            return None
        base = {k: values.pop(k) for k in list(values) if k in ("description", "category")}
        fields = self._fields(ref.type, values)
        if ref.external:
            field_name, value = ref.external
            fields[field_name] = value  # the store takes an external id as its plain value
        try:
            record = self.store.add_factsheet(ref.type, name, fields=fields, **base)
        except StoreError as exc:
            self.result.skipped.append(f"create {ref.type} {name!r}: {exc}")
            return None
        self.result.created[ref] = record["id"]
        self.result.applied += len(writes)
        return record["id"]

    def _fields(self, type_name: str, values: dict[str, Any]) -> dict[str, Any]:
        """Turn plan keys (``lifecycle.active``, ``externalId.externalUrl``) into store field values."""
        plan = {f.name: f for f in self.store.metamodel.type(type_name).fields}
        fields: dict[str, Any] = {}
        for key, value in values.items():
            head, _, sub = key.partition(".")
            if head not in plan:
                self.result.skipped.append(f"{type_name} has no field {head!r}")
                continue
            if sub and plan[head].kind == "LIFECYCLE":
                fields.setdefault(head, {})[sub] = value
            elif sub and plan[head].kind == "EXTERNALID":
                if sub == "externalId":
                    fields[head] = value
            else:
                fields[head] = value
        return fields

    # -- writes --------------------------------------------------------------------------------------
    def apply(self, write: Any) -> None:
        handlers: dict[type, Callable[[Any], None]] = {
            FieldWrite: self.field,
            StatusWrite: self.status,
            RelationWrite: self.relation,
            TagWrite: self.tag,
            SubscriptionWrite: self.subscription,
            DocumentWrite: self.document,
            MetricPoint: self.metric,
        }
        handler = handlers.get(type(write))
        if handler is None:
            return  # impacts and to-dos are not modelled in the sandbox
        try:
            handler(write)
        except StoreError as exc:
            self.result.skipped.append(f"{type(write).__name__}: {exc}")

    def field(self, write: FieldWrite) -> None:
        if write.target.is_new and write.action == "create":
            self.resolve(write.target)
            return
        fs_id = self.resolve(write.target)
        if fs_id is None:
            return
        record = self._record(fs_id)
        head, _, sub = write.key.partition(".")
        if write.key in BASE_KEYS:
            self.store.update_factsheet(fs_id, **{write.key: write.value})
        elif head == "lifecycle" and sub:
            phases = {p["phase"]: p["startDate"] for p in (record.get("lifecycle") or {}).get("phases") or []}
            phases[sub] = write.value
            self.store.update_factsheet(fs_id, lifecycle={k: v for k, v in phases.items() if v})
        else:
            fields = self._fields(record["type"], {write.key: write.value})
            if fields:
                self.store.update_factsheet(fs_id, **fields)
        self.result.applied += 1

    def status(self, write: StatusWrite) -> None:
        fs_id = self.resolve(write.target)
        if fs_id is not None:
            self.store.update_factsheet(fs_id, status="ARCHIVED" if write.action == "archive" else "ACTIVE")
            self.result.applied += 1

    def relation(self, write: RelationWrite) -> None:
        source, target = self.resolve(write.source), self.resolve(write.target)
        if source is None or target is None:
            return
        existing = [
            e.node for e in self._record(source)[write.type]["edges"] if e.node["factSheet"]["id"] == target
        ]
        if write.action == "delete":
            for node in existing:
                self.store.remove_relation(node["id"])
        else:
            for node in existing:  # upsert: replace with the new relation fields
                self.store.remove_relation(node["id"])
            self.store.add_relation(
                write.type, source, target, **{k: v for k, v in write.fields.items() if v is not None}
            )
        self.result.applied += 1

    def tag(self, write: TagWrite) -> None:
        if write.action == "create":  # make the tag (and group) without assigning it
            if self._tag_id(write) is not None:
                self.result.applied += 1
            return
        fs_id = self.resolve(write.target)
        if fs_id is None:
            return
        tag_id = self._tag_id(write)
        if tag_id is None:
            return
        current = [t["id"] for t in self._record(fs_id)["tags"]]
        if write.action == "remove":
            wanted = [t for t in current if t != tag_id]
        else:
            group = self.store.tags[tag_id]["tagGroup"]
            if group and group["mode"] == "SINGLE":  # a single-select group keeps one tag
                current = [
                    t for t in current if (self.store.tags[t]["tagGroup"] or {}).get("id") != group["id"]
                ]
            wanted = [*current, tag_id] if tag_id not in current else current
        self.store.update_factsheet(fs_id, tags=wanted)
        self.result.applied += 1

    def _tag_id(self, write: TagWrite) -> str | None:
        group = next((g for g in self.store.tag_groups.values() if g["name"] == write.group), None)
        if write.group and group is None:
            if not write.create_group:
                return None
            group = self.store.add_tag_group(write.group, mode=write.details.get("group.mode", "MULTIPLE"))
        group_id = group["id"] if group else None
        for tag in self.store.tags.values():
            if tag["name"] == write.tag and ((tag["tagGroup"] or {}).get("id") == group_id):
                return tag["id"]
        if write.action == "remove" or not write.create_tag:
            return None
        details = {k: v for k, v in write.details.items() if k in ("description", "color") and v}
        return self.store.add_tag(write.tag, group_id=group_id, **details)["id"]

    def subscription(self, write: SubscriptionWrite) -> None:
        fs_id = self.resolve(write.target)
        if fs_id is None:
            return
        user = next((u for u in self.store.users.values() if u["email"].lower() == write.user.lower()), None)
        if user is None:
            if not write.new_user:
                self.result.skipped.append(f"no user {write.user}")
                return
            first, _, last = write.user.partition("@")[0].partition(".")
            user = self.store.add_user(first.title() or "New", last.title() or "User", write.user)
        edges = self._record(fs_id)["subscriptions"]["edges"]
        existing = next((e.node for e in edges if e.node["user"]["id"] == user["id"]), None)
        if existing is not None:
            if write.action == "upsert" and existing["type"] == "ACCOUNTABLE" and write.type != "ACCOUNTABLE":
                return  # an existing ACCOUNTABLE subscription is not replaced
            self.store.unsubscribe(fs_id, existing["id"])
        if write.action == "upsert":
            chosen = [r for r in self.store.subscription_roles.values() if r["name"] in write.roles]
            sub = self.store.subscribe(fs_id, user["id"], write.type, [r["id"] for r in chosen])
            comments = {
                r["id"]: write.role_comments[r["name"]] for r in chosen if write.role_comments.get(r["name"])
            }
            if comments:  # a role's comment belongs to this subscription (LeanIX: roles { id name comment })
                ids = [r["id"] for r in chosen]
                self.store.update_subscription(fs_id, sub["id"], role_ids=ids, role_comments=comments)
        self.result.applied += 1

    def document(self, write: DocumentWrite) -> None:
        fs_id = self.resolve(write.target)
        if fs_id is None:
            return
        documents = self.store.documents.setdefault(fs_id, {})
        if write.action == "delete":
            documents.pop(write.name, None)
        else:
            documents[write.name] = {"name": write.name, **write.values}
        self.result.applied += 1

    def metric(self, write: MetricPoint) -> None:
        self.result.metrics.append(write)
        self.result.applied += 1


def _merge(writes: list[FieldWrite]) -> dict[str, Any]:
    """Create writes of one new fact sheet folded into one value per key (the last write wins)."""
    values: dict[str, Any] = {}
    for write in writes:
        if write.value is not None:
            values[write.key] = write.value
    return values


def apply_plan(store: Store, plan: RunPlan) -> AppliedRun:
    """Apply ``plan.writes`` in order to ``store`` (a preview's plan ends with its deletions, as LeanIX
    performs them last)."""
    writes = list(plan.writes)
    applier = _Applier(store, writes)
    for write in writes:
        applier.apply(write)
    if applier.result.skipped:
        log.info(
            "sandbox run skipped %d write(s): %s", len(applier.result.skipped), applier.result.skipped[:5]
        )
    return applier.result
