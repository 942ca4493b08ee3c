"""``inboundSubscription``: subscribe users to fact sheets.

Keys: ``user`` (an email) or ``newUser`` / ``newUser.email`` (+ ``newUser.userName``, ``.firstName``,
``.lastName``: the user is created when missing), ``subscriptionType`` (required: RESPONSIBLE, ACCOUNTABLE,
OBSERVER), ``subscriptionRoles`` (list of ``{roleName, comment}`` maps or role names; replaces the roles),
``addSubscriptionRoles`` (adds to the current roles), ``comment``. A role's own ``comment`` is kept in the
written subscription (``SubscriptionWrite.role_comments``), as the subscription roles of LeanIX carry one each.

Rules: a user the workspace lacks (and no ``newUser``) is USER_NOT_FOUND; an existing ACCOUNTABLE
subscription of another user is never replaced (SUBSCRIPTION_CONFLICT); a user has one subscription per fact
sheet, so a new type replaces the old one. Without a workspace users are assumed to exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.integration.plan import SubscriptionWrite

from .metamodel import FieldInfo
from .scoped import ScopedProcessor
from .warnings import Category

__all__ = ["SubscriptionProcessor"]

TYPES = ("RESPONSIBLE", "ACCOUNTABLE", "OBSERVER")
_KEYS = {
    "user": FieldInfo("user", "user", None, "STRING"),
    "newUser": FieldInfo("newUser", "newUser", None, "STRING"),
    "newUser.userName": FieldInfo("newUser.userName", "newUser", "userName", "STRING"),
    "newUser.email": FieldInfo("newUser.email", "newUser", "email", "STRING"),
    "newUser.firstName": FieldInfo("newUser.firstName", "newUser", "firstName", "STRING"),
    "newUser.lastName": FieldInfo("newUser.lastName", "newUser", "lastName", "STRING"),
    "subscriptionType": FieldInfo(
        "subscriptionType", "subscriptionType", None, "SINGLE_SELECT", allowed=TYPES
    ),
    "subscriptionRoles": FieldInfo("subscriptionRoles", "subscriptionRoles", None, None, multi=True),
    "addSubscriptionRoles": FieldInfo("addSubscriptionRoles", "addSubscriptionRoles", None, None, multi=True),
    "comment": FieldInfo("comment", "comment", None, "STRING"),
}


def subscription_key(key: str) -> FieldInfo | str:
    return _KEYS.get(key) or f"Key '{key}' is not supported by inboundSubscription (keys: {', '.join(_KEYS)})"


def role_comments(value: Any) -> dict[str, str]:
    """Role name -> ``comment`` of the ``{roleName, comment}`` maps that carry a non-empty comment."""
    found: dict[str, str] = {}
    for entry in value if isinstance(value, list) else [value]:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("roleName") or entry.get("name")
        comment = entry.get("comment")
        if name not in (None, "") and comment not in (None, ""):
            found.setdefault(str(name), str(comment))
    return found


def role_names(value: Any) -> tuple[str, ...]:
    """Role names from ``[{roleName, comment}]`` maps, names, or JSON text of either."""
    names: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        name = entry.get("roleName") or entry.get("name") if isinstance(entry, Mapping) else entry
        if name not in (None, "") and str(name) not in names:
            names.append(str(name))
    return tuple(names)


class SubscriptionProcessor(ScopedProcessor):
    processor_type = "inboundSubscription"

    def key_check(self, key: str) -> FieldInfo | str:
        return subscription_key(key)

    def execute(self, run: Any, ctx: dict[str, Any], item: Mapping[str, Any]) -> None:
        content_id = item.get("id")
        state = run.state
        for sheet, values in self.found_values(run, ctx, content_id):
            email = values.get("user") or values.get("newUser.email") or values.get("newUser")
            kind = values.get("subscriptionType")
            if not email or not kind:
                missing = "'user' (an email) or 'newUser.email'" if not email else "'subscriptionType'"
                run.warn(self, content_id, Category.MISSING_KEY, f"A subscription needs {missing}", self.path)
                continue
            email = str(email)
            user = state.user(email)
            new_user = False
            if user is None and state.view is not None:
                if values.get("newUser.email") or values.get("newUser"):
                    new_user = True
                    user = {
                        "email": email,
                        **{k[8:]: v for k, v in values.items() if k.startswith("newUser.")},
                    }
                    state.add_user(email, user)
                else:
                    run.warn(
                        self,
                        content_id,
                        Category.USER_NOT_FOUND,
                        f"User '{email}' does not exist in the workspace",
                        self.path,
                    )
                    continue
            current = sheet.current_subscriptions()
            lower = email.lower()
            if kind == "ACCOUNTABLE":
                others = [e for (e, t) in current if t == "ACCOUNTABLE" and e != lower]
                if others:
                    run.warn(
                        self,
                        content_id,
                        Category.SUBSCRIPTION_CONFLICT,
                        f"The fact sheet already has an ACCOUNTABLE subscription ({others[0]}); it is not replaced",
                        self.path,
                    )
                    continue
            previous = next((roles for (e, t), roles in current.items() if e == lower), ())
            roles = role_names(values["subscriptionRoles"]) if "subscriptionRoles" in values else previous
            comments = role_comments(values["subscriptionRoles"]) if "subscriptionRoles" in values else {}
            if "addSubscriptionRoles" in values:
                roles = tuple(dict.fromkeys(roles + role_names(values["addSubscriptionRoles"])))
                for name, text in role_comments(values["addSubscriptionRoles"]).items():
                    comments.setdefault(name, text)
            for key in [k for k in current if k[0] == lower]:
                del current[key]
            current[(lower, kind)] = roles
            run.writes.append(
                SubscriptionWrite(
                    self.origin(run, item),
                    "upsert",
                    sheet.ref,
                    email,
                    kind,
                    roles,
                    values.get("comment"),
                    new_user,
                    {name: text for name, text in comments.items() if name in roles},
                )
            )
            run.count_mutation(self)
            user_id = (user or {}).get("id")
            if sheet.id is not None and user_id is not None:
                run.touched.subscriptions.add((sheet.id, user_id, kind))
        self.collect_variables(run, ctx, item)
