"""Hand-made workspaces: fact sheets written as small dicts, checked, and served as a source.

One dict per fact sheet; only ``type`` and ``name`` are required::

    {"type": "Application", "name": "CRM", "externalId": "app-1", "status": "ARCHIVED",
     "description": "...", "category": "...", "lxState": "APPROVED",
     "tags": [{"group": "Region", "name": "EU"}, {"name": "Legacy"}],          # no group: "Other tags"
     "lifecycle": {"plan": "2023-01-01", "active": "2024-01-01"},             # phase -> start date
     "subscriptions": [{"user": "ann@example.com", "type": "RESPONSIBLE", "roles": ["Owner"]}],
     "relations": [{"type": "relApplicationToITComponent", "target": "itc-1",
                    "fields": {"technicalSuitability": "adequate"},
                    "activeFrom": "2024-01-01", "activeUntil": None, "description": None}],
     "fields": {"businessCriticality": "missionCritical", "alias": {"kind": "STRING", "value": "C"}}}

- **Ids** are never invented by hand: each fact sheet gets a stable id, ``uuid5`` of its type and external id
  (or name when it has none), unless it gives ``"id"``; tags, tag groups, users, roles, subscriptions and
  relations get stable ids the same way (:func:`stable_id`).
- A relation's ``target`` is an external id, a name or an id of another fact sheet (an ambiguous name is an
  error). The target gets the reverse side: its name comes from the meta model when one is given, else from
  LeanIX's naming convention ``rel<A>To<B>`` <-> ``rel<B>To<A>`` (``relToParent`` <-> ``relToChild``).
- **Users**: declare them (``users=["ann@example.com", {"email": ..., "firstName": ...}]``) or choose
  ``users="any"`` (every e-mail is a user); a subscriber who is not declared is an error otherwise.
- **Field kinds** come from ``metamodel=`` (a :class:`~kit.leanix.MetaModel`; unknown types, fields, select
  values and relations are then errors) or per field as ``{"kind": "MULTIPLE_SELECT", "value": [...]}``
  (kinds: :class:`~kit.leanix.FieldKind`). Without either a value is kept as given (the engine infers kinds).
  An ``EXTERNALID`` field may be a plain string. A field's kind matters for ``EXTERNALID`` (matched by
  ``find_external``) and ``LIFECYCLE`` values (``{phase: date}``).
- Every key is checked: an unknown or misspelt key (``extrnalId``, ``tpye``, ``type`` for ``kind``) raises
  :class:`RecordShapeError` with its JSON path (``[3].relations[0].tpye``) and what to write instead.

:class:`HandMadeView` serves such records; :class:`NodesView` serves records already in the GraphQL node
shape (:mod:`kit.integration.view`), as tests and older notebooks write them.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from kit.errors import LxkitError
from kit.leanix import LIFECYCLE_PHASES, FieldDef, FieldKind, MetaModel, MetaModelError
from kit.leanix.constants import FACT_SHEET_STATUSES, KNOWN_REVERSES, SUBSCRIPTION_TYPES
from kit.sources.base import Record, RecordView, group_of, groups_of, tag_of, tags_of, user_of, users_of

__all__ = ["HandMadeView", "NodesView", "RecordShapeError", "hand_made", "is_node_shaped", "stable_id"]

NAMESPACE = uuid.UUID("5f1c1d2e-7a0b-4c1e-9a53-6c6b69746b01")
"""The namespace of every id :func:`stable_id` makes (fixed: ids stay the same across runs and machines)."""

_TOP = ("id", "type", "name", "externalId", "status", "description", "category", "lxState", "tags",
        "lifecycle", "subscriptions", "relations", "fields")  # fmt: skip
_TAG = ("group", "name")
_SUBSCRIPTION = ("user", "type", "roles")
_RELATION = ("type", "target", "fields", "activeFrom", "activeUntil", "description")
_KINDED = ("kind", "value")
_USER = ("email", "firstName", "lastName", "id")
_HINTS = {
    ("kinded", "type"): "a field's kind is given as 'kind' (e.g. {'kind': 'SINGLE_SELECT', 'value': ...})",
    ("top", "relation"): "relations are a list under 'relations'",
    ("top", "tag"): "tags are a list under 'tags'",
    ("top", "subscription"): "subscriptions are a list under 'subscriptions'",
}


class RecordShapeError(LxkitError, ValueError):
    """A hand-made fact sheet record does not have the documented shape (the message names the JSON path)."""


def stable_id(*parts: str) -> str:
    """A UUID that depends only on ``parts`` (``uuid5``), e.g. ``stable_id("factsheet", "Application", "app-1")``."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def is_node_shaped(item: Mapping[str, Any]) -> bool:
    """True for a record in the GraphQL node shape (served as it is by :class:`NodesView`): it has an ``id``
    and none of the hand-made forms (``fields``, ``relations``, a list of ``subscriptions``, tags without
    ids, a lifecycle as ``{phase: date}``)."""
    if "id" not in item or "fields" in item or "relations" in item:
        return False
    if isinstance(item.get("subscriptions"), list):
        return False
    if any(isinstance(t, Mapping) and "id" not in t for t in item.get("tags") or ()):
        return False
    lifecycle = item.get("lifecycle")
    return not (isinstance(lifecycle, Mapping) and lifecycle and not {"asString", "phases"} & set(lifecycle))


def hand_made(
    items: Iterable[Mapping[str, Any]],
    *,
    metamodel: MetaModel | None = None,
    users: str | Iterable[str | Mapping[str, Any]] | None = None,
    today: date | None = None,
) -> HandMadeView:
    """A source over hand-made records (the shape in this module's docstring)."""
    return HandMadeView(items, metamodel=metamodel, users=users, today=today)


class NodesView(RecordView):
    """A plain list of fact sheet records in the GraphQL node shape, e.g. hand-written in a test.

    Tags, tag groups and users default to those found on the records. A plain-string external id
    (``"externalId": "prj-1"``) is read as ``{"externalId": "prj-1"}``.
    """

    def __init__(
        self,
        nodes: Iterable[Mapping[str, Any]],
        *,
        tag_groups: Iterable[Mapping[str, Any]] | None = None,
        tags: Iterable[Mapping[str, Any]] | None = None,
        users: Iterable[Mapping[str, Any]] | None = None,
        today: date | None = None,
        metamodel: MetaModel | None = None,
    ) -> None:
        super().__init__(today, metamodel)
        self._nodes = [_with_external_ids(n, metamodel) for n in nodes]
        self._tags = tags_of(self._nodes) if tags is None else [tag_of(t) for t in tags]
        self._groups = groups_of(self._tags) if tag_groups is None else [group_of(g) for g in tag_groups]
        self._users = users_of(self._nodes) if users is None else [dict(u) for u in users]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._nodes)} fact sheets)"

    def _load(self, type: str | None) -> list[Record]:  # noqa: A002
        return [r for r in self._nodes if type is None or r.get("type") == type]

    def _known_types(self) -> Collection[str] | None:
        return self.metamodel.type_names if self.metamodel is not None else None

    def tag_groups(self) -> list[Mapping[str, Any]]:
        return list(self._groups)

    def tags(self) -> list[Mapping[str, Any]]:
        return list(self._tags)

    def users(self) -> list[Mapping[str, Any]]:
        return list(self._users)


def _with_external_ids(node: Mapping[str, Any], metamodel: MetaModel | None) -> Mapping[str, Any]:
    """The node with plain-string external ids (``externalId`` and EXTERNALID fields) in LeanIX's shape."""
    names = {"externalId"}
    if metamodel is not None and metamodel.has_type(str(node.get("type"))):
        names |= {f.name for f in metamodel.type(str(node["type"])).fields if f.kind == FieldKind.EXTERNALID}
    plain = [n for n in names if isinstance(node.get(n), str)]
    if not plain:
        return node
    return {**node, **{n: _external(node[n]) for n in plain}}


def _external(value: str) -> dict[str, Any]:
    return {"externalId": value, "externalUrl": None, "comment": None, "status": "ACTIVE"}


class HandMadeView(NodesView):
    """Hand-made records (this module's shape), checked and turned into GraphQL-node records.

    ``metamodel`` gives field kinds and relation names and is the view's ``metamodel``; ``users`` declares
    who may subscribe (``"any"``: every e-mail). Raises :class:`RecordShapeError` on the first problem.
    """

    def __init__(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        metamodel: MetaModel | None = None,
        users: str | Iterable[str | Mapping[str, Any]] | None = None,
        today: date | None = None,
    ) -> None:
        builder = _Builder(metamodel, users, today or date.today())
        nodes = builder.build(list(items))
        super().__init__(
            nodes,
            tag_groups=builder.groups.values(),
            tags=builder.tags.values(),
            users=[user_of(u) for u in builder.used_users()],
            today=today,
            metamodel=metamodel,
        )
        self.roles: list[dict[str, Any]] = list(builder.roles.values())
        """Subscription roles by name, as ``{"id", "name"}``."""


class _Builder:
    """Turns hand-made items into node records, collecting tags, groups, users and roles on the way."""

    def __init__(
        self, metamodel: MetaModel | None, users: str | Iterable[str | Mapping[str, Any]] | None, today: date
    ) -> None:
        self.metamodel = metamodel
        self.today = today.isoformat()
        self.any_user = users == "any"
        self.users: dict[str, dict[str, Any]] = {}
        self.used: dict[str, None] = {}
        if isinstance(users, str) and users != "any":
            raise RecordShapeError(
                f"users={users!r}: give a list of users (e-mails or {{'email', 'firstName', 'lastName'}}), "
                "or users='any' to make every subscriber's e-mail a user."
            )
        if users is not None and not isinstance(users, str):
            for i, user in enumerate(users):
                self._declare(user, f"users[{i}]")
        self.groups: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, dict[str, Any]] = {}

    # -- users ---------------------------------------------------------------------------------------
    def _declare(self, user: str | Mapping[str, Any], where: str) -> dict[str, Any]:
        if isinstance(user, str):
            user = {"email": user}
        if not isinstance(user, Mapping):
            raise RecordShapeError(f"{where} is {type(user).__name__}; give an e-mail or an object.")
        _check_keys(user, _USER, where, "user")
        email = user.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise RecordShapeError(f"{where}.email is {email!r}; a user needs an e-mail address.")
        local = email.split("@")[0]
        record = {
            "id": user.get("id") or stable_id("user", email.lower()),
            "email": email,
            "userName": email,
            "firstName": user.get("firstName", local),
            "lastName": user.get("lastName", ""),
        }
        record["displayName"] = f"{record['firstName']} {record['lastName']}".strip()
        self.users[email.lower()] = record
        return record

    def _user(self, email: Any, where: str) -> dict[str, Any]:
        if not isinstance(email, str):
            raise RecordShapeError(f"{where} is {email!r}; a subscription's user is an e-mail address.")
        found = self.users.get(email.lower())
        if found is None:
            if not self.any_user:
                raise RecordShapeError(
                    f"{where}: {email!r} is not a declared user. Declare it (users=[{email!r}, ...]) or pass "
                    "users='any' to make every subscriber's e-mail a user."
                )
            found = self._declare(email, where)
        self.used[email.lower()] = None
        return found

    def used_users(self) -> list[dict[str, Any]]:
        """Declared users first (in order), then any others that subscribe."""
        return list(self.users.values())

    # -- fact sheets ---------------------------------------------------------------------------------
    def build(self, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        by_id: dict[str, dict[str, Any]] = {}
        for i, item in enumerate(items):
            node = self._node(item, f"[{i}]")
            if node["id"] in by_id:
                raise RecordShapeError(
                    f"[{i}] has the same id as another {node['type']} called {node['name']!r} (ids come from "
                    "type and external id, else name); give it its own externalId or an 'id'."
                )
            by_id[node["id"]] = node
            nodes.append(node)
        resolve = _Targets(nodes)
        for i, (item, node) in enumerate(zip(items, nodes, strict=True)):
            for j, rel in enumerate(item.get("relations") or ()):
                self._relation(node, rel, f"[{i}].relations[{j}]", resolve)
        return nodes

    def _node(self, item: Any, where: str) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            raise RecordShapeError(f"{where} is {type(item).__name__}; each fact sheet is an object.")
        _check_keys(item, _TOP, where, "top")
        for key in ("type", "name"):
            if not isinstance(item.get(key), str) or not item[key]:
                raise RecordShapeError(f"{where}.{key} is missing or not text; every fact sheet needs one.")
        fs_type: str = item["type"]
        if self.metamodel is not None:
            try:
                self.metamodel.type(fs_type)
            except MetaModelError as exc:
                raise RecordShapeError(f"{where}.type: {exc}") from None
        status = item.get("status", "ACTIVE")
        if status not in FACT_SHEET_STATUSES:
            raise RecordShapeError(
                f"{where}.status is {status!r}; it is one of {', '.join(FACT_SHEET_STATUSES)}."
            )
        external = item.get("externalId")
        if isinstance(external, Mapping):
            _check_keys(
                external, ("externalId", "externalUrl", "comment", "status"), f"{where}.externalId", "ext"
            )
            external_value = external.get("externalId")
        else:
            external_value = external
        if external_value is not None and not isinstance(external_value, str):
            raise RecordShapeError(f"{where}.externalId is {external_value!r}; an external id is text.")
        fs_id = item.get("id") or stable_id("factsheet", fs_type, external_value or item["name"])
        node: dict[str, Any] = {
            "id": fs_id,
            "type": fs_type,
            "name": item["name"],
            "displayName": item["name"],
            "description": item.get("description"),
            "category": item.get("category"),
            "status": status,
            "lxState": item.get("lxState", "DRAFT"),
            "externalId": _external(external_value) if external_value is not None else None,
            "tags": [self._tag(t, f"{where}.tags[{k}]") for k, t in enumerate(item.get("tags") or ())],
        }
        if isinstance(external, Mapping) and external_value is not None:
            node["externalId"] = {**_external(external_value), **external}
        if "lifecycle" in item or self._has_field(fs_type, "lifecycle"):
            node["lifecycle"] = self._lifecycle(item.get("lifecycle"), f"{where}.lifecycle")
        subs = [
            self._subscription(fs_id, s, f"{where}.subscriptions[{k}]")
            for k, s in enumerate(item.get("subscriptions") or ())
        ]
        node["subscriptions"] = {"totalCount": len(subs), "edges": [{"node": s} for s in subs]}
        fields = item.get("fields") or {}
        if not isinstance(fields, Mapping):
            raise RecordShapeError(f"{where}.fields is {type(fields).__name__}; fields are an object.")
        for name, value in fields.items():
            node[name] = self._field(fs_type, name, value, f"{where}.fields.{name}")
        if self.metamodel is not None:
            for fdef in self.metamodel.type(fs_type).fields:
                node.setdefault(fdef.name, None)
            for rel_name in self.metamodel.relations_of(fs_type):
                node[rel_name] = {"totalCount": 0, "edges": []}
        return node

    def _has_field(self, fs_type: str, name: str) -> bool:
        return self.metamodel is not None and self.metamodel.type(fs_type).field(name) is not None

    def _tag(self, tag: Any, where: str) -> dict[str, Any]:
        if not isinstance(tag, Mapping):
            raise RecordShapeError(f"{where} is {tag!r}; a tag is {{'group': ..., 'name': ...}}.")
        _check_keys(tag, _TAG, where, "tag")
        name, group = tag.get("name"), tag.get("group")
        if not isinstance(name, str) or not name or not (group is None or isinstance(group, str)):
            raise RecordShapeError(f"{where} needs a 'name' (text) and may give a 'group' (text).")
        group_ref = None
        if group:
            held = self.groups.get(group)
            if held is None:
                held = self.groups[group] = group_of({"id": stable_id("tagGroup", group), "name": group})
            group_ref = {"id": held["id"], "name": group}
        tag_id = stable_id("tag", group or "", name)
        if tag_id not in self.tags:
            self.tags[tag_id] = tag_of({"id": tag_id, "name": name, "tagGroup": group_ref})
        return self.tags[tag_id]

    def _lifecycle(self, value: Any, where: str) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise RecordShapeError(f"{where} is {value!r}; a lifecycle is {{phase: 'YYYY-MM-DD'}}.")
        order = self.metamodel.lifecycle_phases if self.metamodel is not None else LIFECYCLE_PHASES
        for phase, start in value.items():
            if phase not in order:
                raise RecordShapeError(
                    f"{where}.{phase}: no such phase{_hint(phase, order)}; phases: {', '.join(order)}."
                )
            if not isinstance(start, str | date) or not str(start)[:10].count("-") == 2:
                raise RecordShapeError(f"{where}.{phase} is {start!r}; a start date is 'YYYY-MM-DD'.")
        phases = [{"phase": p, "startDate": str(value[p])[:10]} for p in order if value.get(p)]
        if not phases:
            return None
        current = phases[0]["phase"]
        for p in phases:
            if p["startDate"] <= self.today:
                current = p["phase"]
        return {"asString": current, "phases": phases}

    def _subscription(self, fs_id: str, sub: Any, where: str) -> dict[str, Any]:
        if not isinstance(sub, Mapping):
            raise RecordShapeError(f"{where} is {sub!r}; a subscription is {{'user': e-mail, 'type': ...}}.")
        _check_keys(sub, _SUBSCRIPTION, where, "subscription")
        user = self._user(sub.get("user"), f"{where}.user")
        kind = sub.get("type", "OBSERVER")
        if kind not in SUBSCRIPTION_TYPES:
            raise RecordShapeError(f"{where}.type is {kind!r}; it is one of {', '.join(SUBSCRIPTION_TYPES)}.")
        roles = []
        for k, role in enumerate(sub.get("roles") or ()):
            if not isinstance(role, str) or not role:
                raise RecordShapeError(f"{where}.roles[{k}] is {role!r}; a role is given by its name.")
            roles.append(self.roles.setdefault(role, {"id": stable_id("role", role), "name": role}))
        return {
            "id": stable_id("subscription", fs_id, user["id"]),
            "type": kind,
            "user": user,
            "roles": roles,
        }

    def _field(self, fs_type: str, name: str, value: Any, where: str) -> Any:
        fdef: FieldDef | None = None
        if isinstance(value, Mapping) and set(value) & {"kind", "value", "type"}:
            _check_keys(value, _KINDED, where, "kinded")
            try:
                kind = FieldKind(str(value.get("kind")))
            except ValueError:
                raise RecordShapeError(
                    f"{where}.kind is {value.get('kind')!r}; kinds: {', '.join(k.value for k in FieldKind)}."
                ) from None
            fdef, value = FieldDef(name, kind), value.get("value")
        if self.metamodel is not None:
            declared = self.metamodel.type(fs_type).field(name)
            if declared is None:
                known = [f.name for f in self.metamodel.type(fs_type).fields]
                raise RecordShapeError(
                    f"{where}: {fs_type} has no field {name!r}{_hint(name, known)}; its fields: {', '.join(known)}."
                )
            if fdef is not None and fdef.kind != declared.kind:
                raise RecordShapeError(
                    f"{where}.kind is {fdef.kind.value}, but the meta model says {declared.kind.value}."
                )
            fdef = declared
        return _value(fdef, value, where, self) if fdef is not None else value

    def _relation(self, node: dict[str, Any], rel: Any, where: str, targets: _Targets) -> None:
        if not isinstance(rel, Mapping):
            raise RecordShapeError(f"{where} is {rel!r}; a relation is {{'type': ..., 'target': ...}}.")
        _check_keys(rel, _RELATION, where, "relation")
        name, target_ref = rel.get("type"), rel.get("target")
        if not isinstance(name, str) or not name.startswith("rel"):
            raise RecordShapeError(
                f"{where}.type is {name!r}; give the relation's name, e.g. 'relApplicationToITComponent'."
            )
        target_type = None
        fdefs: dict[str, FieldDef] = {}
        if self.metamodel is not None:
            try:
                rdef = self.metamodel.relation(node["type"], name)
            except MetaModelError as exc:
                raise RecordShapeError(f"{where}.type: {exc}") from None
            target_type, reverse = rdef.target, rdef.reverse_name
            fdefs = {f.name: f for f in rdef.fields}
        else:
            reverse = _reverse_name(name, node["type"], where)
        target = targets.find(target_ref, target_type, f"{where}.target")
        fields = rel.get("fields") or {}
        if not isinstance(fields, Mapping):
            raise RecordShapeError(
                f"{where}.fields is {type(fields).__name__}; relation fields are an object."
            )
        values: dict[str, Any] = {k: rel.get(k) for k in ("activeFrom", "activeUntil", "description")}
        for fname, value in fields.items():
            fdef = fdefs.get(fname)
            if self.metamodel is not None and fdef is None:
                known = [f for f in fdefs if f not in ("activeFrom", "activeUntil", "description")]
                raise RecordShapeError(
                    f"{where}.fields.{fname}: {name} has no field {fname!r}{_hint(fname, known)}; "
                    f"its fields: {', '.join(known) or 'none'}."
                )
            values[fname] = _value(fdef, value, f"{where}.fields.{fname}", self) if fdef else value
        rel_id = stable_id("relation", name, node["id"], target["id"])
        values = {k: v for k, v in values.items() if v is not None}
        _add_edge(node, name, {"id": rel_id, "type": name, **values, "factSheet": _ref(target)})
        _add_edge(target, reverse, {"id": rel_id, "type": reverse, **values, "factSheet": _ref(node)})


def _value(fdef: FieldDef, value: Any, where: str, builder: _Builder) -> Any:
    """A field value checked against its kind, in the record's shape."""
    if value is None:
        return None
    kind = fdef.kind
    if kind == FieldKind.EXTERNALID:
        if isinstance(value, str):
            return _external(value)
        if isinstance(value, Mapping) and isinstance(value.get("externalId"), str):
            _check_keys(value, ("externalId", "externalUrl", "comment", "status"), where, "ext")
            return {**_external(value["externalId"]), **value}
        raise RecordShapeError(f"{where} is {value!r}; an external id is text.")
    if kind == FieldKind.LIFECYCLE:
        return builder._lifecycle(value, where)
    if kind == FieldKind.MULTIPLE_SELECT:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise RecordShapeError(f"{where} is {value!r}; a multiple select value is a list of values.")
        value = list(value)
        for v in value:
            _check_choice(fdef, v, where)
        return value
    if kind == FieldKind.SINGLE_SELECT:
        _check_choice(fdef, value, where)
        return value
    if kind in (FieldKind.DOUBLE, FieldKind.INTEGER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecordShapeError(f"{where} is {value!r}; a {kind.value} field takes a number.")
        return float(value) if kind == FieldKind.DOUBLE else int(value)
    if not isinstance(value, str):
        raise RecordShapeError(f"{where} is {value!r}; a {kind.value} field takes text.")
    return value


def _check_choice(fdef: FieldDef, value: Any, where: str) -> None:
    if fdef.values and value not in fdef.values:
        raise RecordShapeError(
            f"{where}: {value!r} is not a value of {fdef.name}{_hint(str(value), fdef.values)}; "
            f"values: {', '.join(fdef.values)}."
        )


class _Targets:
    """Finds a relation's target by id, external id or name."""

    def __init__(self, nodes: list[dict[str, Any]]) -> None:
        self.by_id = {n["id"]: n for n in nodes}
        self.by_key: dict[str, list[dict[str, Any]]] = {}
        for n in nodes:
            ext = (n.get("externalId") or {}).get("externalId")
            for key in dict.fromkeys(k for k in (ext, n["name"]) if k):
                self.by_key.setdefault(key, []).append(n)

    def find(self, ref: Any, target_type: str | None, where: str) -> dict[str, Any]:
        if not isinstance(ref, str) or not ref:
            raise RecordShapeError(f"{where} is {ref!r}; give the target's external id, name or id.")
        found = [self.by_id[ref]] if ref in self.by_id else self.by_key.get(ref, [])
        if target_type is not None:
            found = [n for n in found if n["type"] == target_type]
        active = [n for n in found if n["status"] == "ACTIVE"]
        found = active if len(found) > 1 and active else found
        if not found:
            what = f"{target_type} " if target_type else ""
            raise RecordShapeError(f"{where}: no {what}fact sheet has the external id, name or id {ref!r}.")
        if len(found) > 1:
            raise RecordShapeError(
                f"{where}: {ref!r} names {len(found)} fact sheets; give the target's external id or id."
            )
        return found[0]


def _reverse_name(name: str, source_type: str, where: str) -> str:
    """LeanIX's naming convention: ``rel<A>To<B>`` seen from B is ``rel<B>To<A>``."""
    hierarchy = {"relToParent": "relToChild", "relToChild": "relToParent"}
    if name in hierarchy or name in KNOWN_REVERSES:
        return hierarchy.get(name) or KNOWN_REVERSES[name]
    prefix = f"rel{source_type}To"
    if not name.startswith(prefix) or len(name) == len(prefix):
        raise RecordShapeError(
            f"{where}.type is {name!r}, which does not follow rel{source_type}To<Target>; without a meta model "
            "the reverse name cannot be derived. Pass metamodel=... or name the relation from this side."
        )
    return f"rel{name[len(prefix) :]}To{source_type}"


def _ref(node: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": node["id"], "type": node["type"], "name": node["name"], "displayName": node["displayName"]}


def _add_edge(node: dict[str, Any], name: str, edge_node: dict[str, Any]) -> None:
    conn = node.get(name)
    if not conn:
        conn = node[name] = {"totalCount": 0, "edges": []}
    conn["edges"].append({"node": edge_node})
    conn["totalCount"] = len(conn["edges"])


def _check_keys(obj: Mapping[str, Any], allowed: Sequence[str], where: str, what: str) -> None:
    for key in obj:
        if key not in allowed:
            close = _close(key, allowed)
            hint = _HINTS.get((what, key)) or (f"did you mean {close!r}?" if close else "")
            raise RecordShapeError(
                f"{where}.{key}: unknown key{f' ({hint})' if hint else ''}. Allowed here: {', '.join(allowed)}."
            )


def _close(word: str, options: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return found[0] if found else None


def _hint(word: str, options: Iterable[str]) -> str:
    close = _close(word, options)
    return f" (did you mean {close!r}?)" if close else ""
