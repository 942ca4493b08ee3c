"""Pathfinder's JSON patches (``{op, path, value}``) applied to a fact sheet in the sandbox store.

What each path means follows the SAP LeanIX documentation (``docs/sandbox.md`` §2): ``/name``, ``/<field>``,
``/lifecycle``, ``/externalId``, ``/status``, ``/lxState``, ``/tags``, ``/naFields``, ``/<relation>/new_<N>`` or
``/<relation>/<relationId>``, ``/subscriptions/new_<N>`` or ``/subscriptions/<subscriptionId>``. Values are
strings; complex ones are JSON, and a single value is taken where a list is expected. A patch that cannot
apply raises :class:`PatchError` with LeanIX's ``errorType``; the caller's transaction undoes the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kit.leanix.metamodel import FieldDef, FieldKind
from kit.sandbox.store import LX_STATES, STATUSES, SUBSCRIPTION_TYPES, Store, StoreError

__all__ = ["PatchError", "apply_patches"]

_BASE_PATHS = ("name", "description", "category", "status", "lxState")


class PatchError(Exception):
    """A patch LeanIX would refuse: ``error_type`` is its ``extensions.errorType``, ``path`` the patch's path."""

    def __init__(self, message: str, error_type: str = "BUSINESS_LOGIC", path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.path = path


def apply_patches(
    store: Store, fs_id: str, patches: Sequence[Mapping[str, Any]] | None, *, comment: str | None = None
) -> None:
    """Apply ``patches`` in order to fact sheet ``fs_id``; field changes are made in one store update (one
    ``rev``). Run inside :meth:`Store.transaction`: a :class:`PatchError` leaves earlier patches applied."""
    rec = store.factsheet(fs_id)
    if rec is None:
        raise PatchError(f"Fact sheet with id '{fs_id}' does not exist.", "NOT_FOUND")
    changes: dict[str, Any] = {}
    for patch in patches or ():
        path = str(patch.get("path") or "")
        try:
            _apply_one(store, rec, str(patch.get("op")), path, patch.get("value"), comment, changes)
        except PatchError as error:
            error.path = error.path or path
            raise
        except StoreError as error:
            raise PatchError(str(error), "MODEL_COMPLIANT", path) from None
    if changes:
        try:
            store.update_factsheet(fs_id, **changes)
        except StoreError as error:
            raise PatchError(str(error), "MODEL_COMPLIANT") from None


def _apply_one(
    store: Store,
    rec: dict[str, Any],
    op: str,
    path: str,
    value: Any,
    comment: str | None,
    changes: dict[str, Any],
) -> None:
    if op not in ("add", "replace", "remove"):
        raise PatchError(f"Unknown patch operation '{op}' at path '{path}'; use add, replace or remove.")
    parts = path.split("/")
    if len(parts) < 2 or parts[0] != "" or not parts[1]:
        raise _invalid_path(path, rec)
    key, rest = parts[1], parts[2:]
    type_name = rec["type"]
    relations = store.metamodel.relations_of(type_name)
    if key in relations and len(rest) <= 1:
        _relation(store, rec, key, rest[0] if rest else None, op, value, path)
    elif key == "subscriptions" and len(rest) == 1:
        _subscription(store, rec, rest[0], op, value)
    elif rest:
        raise _invalid_path(path, rec)
    elif key == "tags":
        changes["tags"] = _tags(store, rec, op, value, changes.get("tags"))
    elif key == "naFields":
        changes["naFields"] = _na_fields(rec, op, value, changes.get("naFields"))
    elif key in _BASE_PATHS:
        changes[key] = _base_value(key, op, value, comment, rec)
    else:
        fdef = store.metamodel.type(type_name).field(key)
        if fdef is None:
            raise _invalid_path(path, rec)
        changes[key] = None if op == "remove" else _field_value(fdef, value, type_name)
        if fdef.kind is FieldKind.LIFECYCLE and changes[key] is not None:
            store.lifecycle(changes[key])  # phase names checked here, so the error names this patch


def _invalid_path(path: str, rec: Mapping[str, Any]) -> PatchError:
    # The message LeanIX gives for an unknown path (docs: error-handling-in-graphql, batch mutations).
    return PatchError(f"The path '{path}' is invalid in FactSheet schema {rec['type']}.", "BUSINESS_LOGIC")


def _json(value: Any, path_hint: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise PatchError(
            f"The value for '{path_hint}' is not valid JSON ({error.msg} at column {error.colno}): {value!r}"
        ) from None


def _maybe_json_string(value: Any) -> Any:
    """A value that may have been sent as a JSON string literal (``"\\"x\\""``) as its plain string."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _as_list(value: Any) -> list[Any]:
    """A JSON list, or the single value given where a list is expected."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# -- fields ------------------------------------------------------------------------------------------------


def _na_fields(rec: Mapping[str, Any], op: str, value: Any, pending: list[str] | None) -> list[str]:
    """``/naFields``: names of fields and relations set as intentionally empty ("Setting an Empty Relation on
    a Fact Sheet"): ``add`` adds to them, ``replace`` sets them, ``remove`` takes the given ones (all without
    a value) off. The store checks the names against the fact sheet's type."""
    current = list(rec.get("naFields") or []) if pending is None else pending
    given = [str(v) for v in _as_list(_json(value, "/naFields"))]
    if op == "replace":
        return given
    if op == "add":
        return [*current, *(n for n in given if n not in current)]
    return [] if value is None else [n for n in current if n not in given]


def _base_value(key: str, op: str, value: Any, comment: str | None, rec: Mapping[str, Any]) -> Any:
    if key == "description":
        return None if op == "remove" else value
    if op == "remove" or value in (None, ""):
        raise PatchError(
            f"'/{key}' of a {rec['type']} fact sheet cannot be removed or empty; replace it instead."
        )
    value = _maybe_json_string(value)
    if key == "status":
        if value not in STATUSES:
            raise PatchError(
                f"'{value}' is not a fact sheet status; use ACTIVE or ARCHIVED.", "MODEL_COMPLIANT"
            )
        if value == "ARCHIVED" and rec["status"] != "ARCHIVED" and not comment:
            raise PatchError(
                "Archiving a fact sheet needs a reason: give updateFactSheet a 'comment' argument.",
                "BUSINESS_LOGIC",
            )
    if key == "lxState" and value not in LX_STATES:
        raise PatchError(
            f"'{value}' is not a quality seal state; use one of {', '.join(LX_STATES)}.", "MODEL_COMPLIANT"
        )
    return value


def _field_value(fdef: FieldDef, value: Any, type_name: str) -> Any:
    where = f"/{fdef.name}"
    kind = fdef.kind
    if kind is FieldKind.STRING:
        return value
    if value is None or value == "":
        return None
    if kind is FieldKind.SINGLE_SELECT:
        value = _maybe_json_string(value)
        if value not in fdef.values:
            raise PatchError(
                f"'{value}' is not a value of {type_name}.{fdef.name}; allowed: {', '.join(fdef.values)}.",
                "MODEL_COMPLIANT",
            )
        return value
    if kind is FieldKind.MULTIPLE_SELECT:
        try:
            parsed = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            parsed = value  # one plain value where a list is expected
        items = list(dict.fromkeys(_as_list(parsed)))
        bad = [v for v in items if v not in fdef.values]
        if bad:
            raise PatchError(
                f"'{bad[0]}' is not a value of {type_name}.{fdef.name}; allowed: {', '.join(fdef.values)}.",
                "MODEL_COMPLIANT",
            )
        return items
    if kind is FieldKind.LIFECYCLE:
        return _lifecycle(_json(value, where))
    if kind is FieldKind.EXTERNALID:
        return _external_id(value, where)
    if kind in (FieldKind.DOUBLE, FieldKind.INTEGER):
        number = _maybe_json_string(value)
        try:
            return int(number) if kind is FieldKind.INTEGER else float(number)
        except (TypeError, ValueError):
            wanted = "a whole number" if kind is FieldKind.INTEGER else "a number"
            raise PatchError(f"'{where}' needs {wanted}, got {value!r}.", "MODEL_COMPLIANT") from None
    text = str(_maybe_json_string(value))  # DATE
    try:
        date.fromisoformat(text)
    except ValueError:
        raise PatchError(
            f"'{where}' needs a date like 2024-01-31, got {value!r}.", "MODEL_COMPLIANT"
        ) from None
    return text


def _lifecycle(parsed: Any) -> dict[str, Any] | None:
    phases = _as_list(parsed.get("phases") if isinstance(parsed, Mapping) else parsed)
    out: dict[str, str] = {}
    for phase in phases:
        if not isinstance(phase, Mapping) or "phase" not in phase:
            raise PatchError(
                'A lifecycle value is {"phases": [{"phase": "plan", "startDate": "2024-01-31"}, ...]}.'
            )
        start = str(phase.get("startDate") or "")
        try:
            date.fromisoformat(start)
        except ValueError:
            raise PatchError(
                f"Lifecycle phase '{phase['phase']}' needs a startDate like 2024-01-31, got {start!r}.",
                "MODEL_COMPLIANT",
            ) from None
        out[str(phase["phase"])] = start
    return {"phases": [{"phase": k, "startDate": v} for k, v in out.items()]} if out else None


def _external_id(value: Any, where: str) -> dict[str, Any] | None:
    parsed: Any = value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
    if isinstance(parsed, str):
        return {"externalId": parsed}
    if not isinstance(parsed, Mapping) or not parsed.get("externalId"):
        raise PatchError(
            f'\'{where}\' needs {{"externalId": "..."}} (optionally externalUrl, comment), got {value!r}.'
        )
    return {k: parsed.get(k) for k in ("externalId", "externalUrl", "comment")}


# -- tags --------------------------------------------------------------------------------------------------


def _tags(store: Store, rec: Mapping[str, Any], op: str, value: Any, pending: list[str] | None) -> list[str]:
    current = pending if pending is not None else [t["id"] for t in rec["tags"]]
    if op == "remove" and value in (None, "", "[]"):
        return []
    wanted = [_tag_id(store, ref, create=op != "remove") for ref in _as_list(_json(value, "/tags"))]
    if op != "remove":
        seen: dict[str, str] = {}
        for tag_id in dict.fromkeys(wanted):
            tag = store.tags[tag_id]
            group = tag["tagGroup"]
            if group and group["mode"] == "SINGLE":
                if group["id"] in seen:
                    raise PatchError(
                        f"Tag group '{group['name']}' allows one tag per fact sheet; the patch gives "
                        f"'{seen[group['id']]}' and '{tag['name']}'.",
                        "MODEL_COMPLIANT",
                    )
                seen[group["id"]] = tag["name"]
    if op == "replace":
        return list(dict.fromkeys(wanted))
    if op == "remove":
        return [t for t in current if t not in wanted]
    out = list(current)
    for tag_id in wanted:
        group = store.tags[tag_id]["tagGroup"]
        if group and group["mode"] == "SINGLE":  # a SINGLE group's new tag takes the place of its other one
            out = [t for t in out if store.tags[t]["tagGroup"] is not group]
        if tag_id not in out:
            out.append(tag_id)
    return out


def _tag_id(store: Store, ref: Any, *, create: bool) -> str:
    if not isinstance(ref, Mapping):
        raise PatchError('A tag is {"tagId": "..."} or {"tagName": "...", "tagGroupName": "..."}.')
    if ref.get("tagId"):
        if ref["tagId"] not in store.tags:
            raise PatchError(f"Tag with id '{ref['tagId']}' does not exist.", "NOT_FOUND")
        return str(ref["tagId"])
    name = ref.get("tagName")
    if not name:
        raise PatchError('A tag is {"tagId": "..."} or {"tagName": "...", "tagGroupName": "..."}.')
    group_name = ref.get("tagGroupName")
    if group_name:
        group = next((g for g in store.tag_groups.values() if g["name"] == group_name), None)
        if group is None:
            raise PatchError(f"Tag group '{group_name}' does not exist.", "NOT_FOUND")
        found = [t for t in store.tags.values() if t["name"] == name and t["tagGroup"] is group]
    else:
        # "Other tags" first, then a tag of that name in exactly one group
        found = [t for t in store.tags.values() if t["name"] == name and t["tagGroup"] is None]
        if not found:
            named = [t for t in store.tags.values() if t["name"] == name]
            found = named if len(named) == 1 else []
    if found:
        return str(found[0]["id"])
    if not create:
        raise PatchError(f"Tag '{name}' does not exist.", "NOT_FOUND")
    return str(store.upsert_tag(name, group_name=group_name)["id"])


# -- relations and subscriptions -----------------------------------------------------------------------------


def _relation(
    store: Store, rec: dict[str, Any], conn: str, ref: str | None, op: str, value: Any, path: str
) -> None:
    edges = [e.node for e in rec[conn]["edges"]]
    if ref is None or ref.startswith("new_"):
        if op == "remove":
            if ref is not None:
                raise PatchError(f"'{path}' names no relation to remove; use /{conn}/<relation id>.")
            for node in edges:
                store.remove_relation(node["id"])
            return
        _add_relation(store, rec, conn, _relation_value(value, path), edges, path)
        return
    node = next((n for n in edges if n["id"] == ref), None)
    if node is None:
        raise PatchError(
            f"Relation '{ref}' is not a {conn} relation of fact sheet '{rec['id']}'.", "NOT_FOUND"
        )
    if op == "remove":
        store.remove_relation(ref)
        return
    given = _relation_value(value, path)
    target = given.pop("factSheetId", None)
    if target and target != node["factSheet"]["id"]:
        values = {k: v for k, v in node.items() if k not in ("id", "type", "factSheet")}
        values.update(given)
        store.remove_relation(ref)
        others = [n for n in edges if n["id"] != ref]
        _add_relation(store, rec, conn, {"factSheetId": target, **values}, others, path, rel_id=ref)
    elif given:
        store.update_relation(ref, **given)


def _relation_value(value: Any, path: str) -> dict[str, Any]:
    parsed = _json(value, path)
    if isinstance(parsed, list) and len(parsed) == 1:
        parsed = parsed[0]
    if not isinstance(parsed, Mapping):
        raise PatchError(f'\'{path}\' needs {{"factSheetId": "...", <relation fields>}}, got {value!r}.')
    return dict(parsed)


def _add_relation(
    store: Store,
    rec: dict[str, Any],
    conn: str,
    given: dict[str, Any],
    edges: list[dict[str, Any]],
    path: str,
    rel_id: str | None = None,
) -> None:
    target_id = given.pop("factSheetId", None)
    if not target_id:
        raise PatchError(f"'{path}' needs \"factSheetId\", the id of the fact sheet to relate to.")
    target = store.factsheet(str(target_id))
    if target is None:
        raise PatchError(f"Fact sheet with id '{target_id}' does not exist.", "NOT_FOUND")
    if any(n["factSheet"] is target for n in edges):
        rdef = store.metamodel.relation(rec["type"], conn)
        raise PatchError(
            "[FS_VALIDATION_RELATION_NOT_UNIQUE_OUTGOING] Outgoing relation occurred twice! "
            f"relation name = '{conn}', from = '{rec['name']}', from type = '{rec['type']}', "
            f"to = '{target['name']}', to type = '{rdef.target}'",
            "MODEL_COMPLIANT",
        )
    store.add_relation(conn, rec["id"], target["id"], id=rel_id, **given)


def _subscription(store: Store, rec: dict[str, Any], ref: str, op: str, value: Any) -> None:
    fs_id = rec["id"]
    if ref.startswith("new_"):
        if op == "remove":
            raise PatchError(f"'/subscriptions/{ref}' names no subscription to remove.")
        given = _json(value, f"/subscriptions/{ref}")
        if not isinstance(given, Mapping):
            raise PatchError(
                'A subscription is {"user": {"id": "..."}, "type": "RESPONSIBLE", "roles": [...]}.'
            )
        user = find_user(store, given.get("user"))
        sub_type = given.get("type") or "OBSERVER"
        if sub_type not in SUBSCRIPTION_TYPES:
            raise PatchError(f"'{sub_type}' is not a subscription type; use {', '.join(SUBSCRIPTION_TYPES)}.")
        if any(e.node["user"] is user for e in rec["subscriptions"]["edges"]):
            raise PatchError(f"User '{user['email']}' is subscribed to this fact sheet already.")
        roles, comments = role_ids(store, given.get("roles"))
        sub = store.subscribe(fs_id, user["id"], sub_type, roles)
        if comments:
            store.update_subscription(fs_id, sub["id"], role_ids=roles, role_comments=comments)
        return
    if not any(e.node["id"] == ref for e in rec["subscriptions"]["edges"]):
        raise PatchError(f"Subscription '{ref}' is not on fact sheet '{fs_id}'.", "NOT_FOUND")
    if op == "remove":
        store.unsubscribe(fs_id, ref)
        return
    given = _json(value, f"/subscriptions/{ref}")
    if not isinstance(given, Mapping):
        raise PatchError('A subscription is {"type": "RESPONSIBLE", "roles": [{"id": "..."}]}.')
    if "roles" in given:
        roles, comments = role_ids(store, given.get("roles"))
        store.update_subscription(fs_id, ref, type=given.get("type"), role_ids=roles, role_comments=comments)
    else:
        store.update_subscription(fs_id, ref, type=given.get("type"))


def find_user(store: Store, ref: Any) -> dict[str, Any]:
    """The workspace user ``{"id"}`` or ``{"email"}`` names (NOT_FOUND otherwise)."""
    if isinstance(ref, Mapping):
        if ref.get("id") and ref["id"] in store.users:
            return store.users[ref["id"]]
        email = str(ref.get("email") or "").lower()
        found = next((u for u in store.users.values() if email and u["email"].lower() == email), None)
        if found is not None:
            return found
    raise PatchError(
        f"User {ref!r} does not exist in this workspace; give an existing user's id or email.", "NOT_FOUND"
    )


def role_ids(store: Store, roles: Any) -> tuple[list[str], dict[str, str]]:
    """Subscription role ids (and comments by id) from ``[{"id"|"name", "comment"}]`` or a single one."""
    ids: list[str] = []
    comments: dict[str, str] = {}
    for ref in _as_list(roles):
        role = None
        if isinstance(ref, Mapping):
            role = store.subscription_roles.get(str(ref.get("id"))) or next(
                (r for r in store.subscription_roles.values() if r["name"] == ref.get("name")), None
            )
        elif isinstance(ref, str):
            role = store.subscription_roles.get(ref)
        if role is None:
            raise PatchError(f"Subscription role {ref!r} does not exist.", "NOT_FOUND")
        ids.append(role["id"])
        if isinstance(ref, Mapping) and ref.get("comment"):
            comments[role["id"]] = str(ref["comment"])
    return ids, comments
