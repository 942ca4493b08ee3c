"""The sandbox's Webhooks API (``/services/webhooks/v1``): subscriptions, their deliveries, run events.

Subscriptions are kept in memory per sandbox (:class:`Subscriptions`); the handlers answer in LeanIX's envelope
``{"status": "OK", "type", "data", "total"}`` and refuse with ``{"status": "ERROR", "errors": [{"value",
"messages"}]}`` (400, 404, 409). :func:`emit` turns an Integration API run event into one delivery per matching
active PUSH subscription; :mod:`kit.sandbox.webhook_deliveries` sends them in the background.

The rules are docs/alerts.md §3: an event carries the tags ``["integrations", "statistics", <EVENT_TYPE>]``
and matches a subscription when one of its tag sets is a subset of them (INFERRED, reference §8.3); the
sandbox's events all belong to its workspace; targets must be loopback URLs; a callback is parsed when it is
stored, so that a syntax error is a 400 with line and column rather than a failed delivery later.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from email.message import Message
from typing import TYPE_CHECKING, Any

from kit.callbacks import CallbackError, run_callback
from kit.leanix.events import RUN_FINISHED_EXAMPLE
from kit.sandbox.errors import ApiError
from kit.sandbox.guards import loopback_url_problem
from kit.sandbox.request_parts import Query, int_param, json_body, param
from kit.sandbox.webhook_deliveries import Deliveries

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox

__all__ = [
    "EVENT_TYPES",
    "Subscriptions",
    "create_subscription",
    "delete_subscription",
    "emit",
    "event_tags",
    "get_subscription",
    "list_subscriptions",
    "subscription_deliveries",
    "update_subscription",
]

EVENT_TYPES = ("INTEGRATION_RUN_STARTED", "INTEGRATION_RUN_FINISHED", "INTEGRATION_RUN_ABORTED")
BASE_TAGS = ("integrations", "statistics")
DELIVERY_TYPES = ("PUSH", "PULL")
PAYLOAD_MODES = ("DEFAULT", "WRAPPED_EVENT", "NO_PAYLOAD")
CONSTRAINTS = ("WORKSPACE", "NO_WORKSPACE", "ANY")
METHODS = ("POST", "PUT", "PATCH")
#: kept by the server: a client's values for these are ignored
READ_ONLY = ("id", "createdAt", "lastDeliveryStatus", "errorCount", "firstTimeDeliveryFailed")
Answer = tuple[int, Any]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ok(kind: str, data: Any, total: int | None = None) -> dict[str, Any]:
    if total is None:
        total = len(data) if isinstance(data, list) else 1
    return {"status": "OK", "type": kind, "data": data, "total": total}


def _refuse(status: int, problems: list[tuple[str, str]]) -> ApiError:
    """An error answer listing each ``(value, message)``; messages of one value are grouped."""
    grouped: dict[str, list[str]] = {}
    for value, message in problems:
        grouped.setdefault(value, []).append(message)
    errors = [{"value": value, "messages": messages} for value, messages in grouped.items()]
    return ApiError(status, {"status": "ERROR", "errors": errors})


class Subscriptions:
    """A sandbox's webhook subscriptions (in creation order) and their :class:`Deliveries`."""

    def __init__(self, workspace_id: str, deliveries: Deliveries) -> None:
        self.workspace_id = workspace_id
        self.deliveries = deliveries
        self.lock = threading.Lock()
        self.items: dict[str, dict[str, Any]] = {}

    def view(self, subscription: dict[str, Any]) -> dict[str, Any]:
        """A subscription as answered: stored keys plus its delivery statistics."""
        stats = self.deliveries.stats.get(subscription["id"], {})
        return {
            **subscription,
            "lastDeliveryStatus": stats.get("lastDeliveryStatus"),
            "errorCount": stats.get("errorCount", 0),
            "firstTimeDeliveryFailed": stats.get("firstTimeDeliveryFailed"),
        }

    def find(self, subscription_id: str) -> dict[str, Any]:
        found = self.items.get(subscription_id)
        if found is None:
            raise _refuse(404, [("id", f"No subscription with id '{subscription_id}' in this workspace.")])
        return found


# -- validation ------------------------------------------------------------------------------------------
def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(t, str) and t for t in value)


def _check_callback(source: object) -> list[tuple[str, str]]:
    if source is None or source == "":
        return []
    if not isinstance(source, str):
        return [("callback", f"callback must be JavaScript text or null, got a {type(source).__name__}.")]
    try:
        run_callback(source, dict(RUN_FINISHED_EXAMPLE), name="callback", time_limit=1.0)
    except CallbackError as exc:
        if exc.kind == "syntax":  # only syntax: a runtime error may depend on the payload
            return [("callback", str(exc))]
    return []


def _checked(sandbox: Sandbox, body: object) -> dict[str, Any]:
    """The subscription in ``body`` with defaults filled in, or a 400 listing every problem."""
    if not isinstance(body, dict):
        raise _refuse(400, [("body", "The body must be a subscription JSON object.")])
    sub = {k: v for k, v in body.items() if k not in READ_ONLY}
    sub.setdefault("workspaceId", sandbox.store.workspace_id)
    sub.setdefault("ignoreError", False)
    sub.setdefault("active", True)
    sub.setdefault("payloadMode", "DEFAULT")
    sub.setdefault("workspaceConstraint", "WORKSPACE")
    sub.setdefault("maxBatchSize", 512)
    problems: list[tuple[str, str]] = []
    identifier = sub.get("identifier")
    if not isinstance(identifier, str) or not identifier.strip() or len(identifier) > 255:
        problems.append(("identifier", "identifier is required: a name of 1 to 255 characters."))
    if sub.get("deliveryType") not in DELIVERY_TYPES:
        problems.append(("deliveryType", "deliveryType is required: PUSH or PULL."))
    tag_sets = sub.get("tagSets")
    if not isinstance(tag_sets, list) or not tag_sets or not all(_is_str_list(s) for s in tag_sets):
        problems.append(
            (
                "tagSets",
                'tagSets is required: a list of non-empty lists of tags, e.g. [["integrations", '
                '"INTEGRATION_RUN_FINISHED"]].',
            )
        )
    for key, allowed in (("payloadMode", PAYLOAD_MODES), ("workspaceConstraint", CONSTRAINTS)):
        if sub[key] not in allowed:
            problems.append((key, f"{key} must be one of {', '.join(allowed)}, got {sub[key]!r}."))
    for key in ("ignoreError", "active"):
        if not isinstance(sub[key], bool):
            problems.append((key, f"{key} must be true or false."))
    size = sub["maxBatchSize"]
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 51200:
        problems.append(("maxBatchSize", "maxBatchSize must be an integer from 1 to 51200 (kiB)."))
    header = sub.get("authorizationHeader")
    if header is not None and not isinstance(header, str):
        problems.append(("authorizationHeader", "authorizationHeader must be text or null."))
    if sub.get("deliveryType") == "PUSH":
        problem = loopback_url_problem(sub.get("targetUrl"))
        if problem:
            problems.append(("targetUrl", f"A PUSH subscription needs a targetUrl: {problem}"))
        sub["targetMethod"] = str(sub.get("targetMethod") or "POST").upper()
        if sub["targetMethod"] not in METHODS:
            problems.append(("targetMethod", f"targetMethod must be one of {', '.join(METHODS)}."))
    problems += _check_callback(sub.get("callback"))
    if sandbox.options.api_token in repr(sub):  # never keep the API token where answers would show it
        problems.append(
            ("body", "The subscription contains the sandbox's API token; a webhook never needs it.")
        )
    if problems:
        raise _refuse(400, problems)
    return sub


def _identifier_taken(subs: Subscriptions, sub: dict[str, Any], own_id: str | None) -> None:
    for other in subs.items.values():
        same = (other["identifier"], other.get("workspaceId")) == (sub["identifier"], sub.get("workspaceId"))
        if same and other["id"] != own_id:
            raise _refuse(
                409,
                [
                    (
                        "identifier",
                        f"A subscription with identifier {sub['identifier']!r} exists in this workspace "
                        f"(id {other['id']}); update it with PUT /subscriptions/{other['id']}.",
                    )
                ],
            )


# -- handlers --------------------------------------------------------------------------------------------
def list_subscriptions(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    subs = sandbox.webhooks
    wanted = {k: param(query, k) for k in ("workspaceId", "identifier") if param(query, k) is not None}
    with subs.lock:
        found = [subs.view(s) for s in subs.items.values() if all(s.get(k) == v for k, v in wanted.items())]
    return 200, _ok("Subscription", found)


def create_subscription(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    sub = _checked(sandbox, json_body(body))
    subs = sandbox.webhooks
    with subs.lock:
        _identifier_taken(subs, sub, None)
        sub = {"id": str(uuid.uuid4()), **sub, "createdAt": _now()}
        subs.items[sub["id"]] = sub
        return 200, _ok("Subscription", subs.view(sub))


def get_subscription(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, subscription_id: str
) -> Answer:
    subs = sandbox.webhooks
    with subs.lock:
        return 200, _ok("Subscription", subs.view(subs.find(subscription_id)))


def update_subscription(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, subscription_id: str
) -> Answer:
    subs = sandbox.webhooks
    with subs.lock:
        subs.find(subscription_id)
    sub = _checked(sandbox, json_body(body))  # outside the lock: it may run the callback (up to 1 s)
    with subs.lock:
        stored = subs.find(subscription_id)
        _identifier_taken(subs, sub, subscription_id)
        sub = {"id": subscription_id, **sub, "createdAt": stored["createdAt"]}
        subs.items[subscription_id] = sub
        return 200, _ok("Subscription", subs.view(sub))


def delete_subscription(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, subscription_id: str
) -> Answer:
    subs = sandbox.webhooks
    with subs.lock:
        subs.find(subscription_id)
        del subs.items[subscription_id]
    subs.deliveries.forget(subscription_id)
    return 200, _ok("Subscription", None, 0)


def subscription_deliveries(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, subscription_id: str
) -> Answer:
    """The subscription's deliveries, newest first; ``page`` from 1 (INFERRED), ``size`` default 30."""
    subs = sandbox.webhooks
    with subs.lock:
        subs.find(subscription_id)
    page, size = int_param(query, "page", 1), int_param(query, "size", 30)
    if page < 1 or not 1 <= size <= 1000:
        raise _refuse(400, [("page", "'page' starts at 1 and 'size' must be from 1 to 1000.")])
    records = subs.deliveries.listed(subscription_id)
    return 200, _ok("Delivery", records[(page - 1) * size : page * size], len(records))


def event_tags(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    return 200, _ok("EventTag", [*BASE_TAGS, *EVENT_TYPES])


# -- events ----------------------------------------------------------------------------------------------
def _matches(sub: dict[str, Any], tags: set[str], workspace_id: str | None, own_workspace: str) -> bool:
    constraint = sub.get("workspaceConstraint") or "WORKSPACE"
    if constraint == "NO_WORKSPACE" and workspace_id is not None:
        return False
    if constraint == "WORKSPACE" and workspace_id != own_workspace:
        return False
    return any(set(tag_set) <= tags for tag_set in sub.get("tagSets") or [])


def emit(sandbox: Sandbox, event_type: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Emit ``event_type`` with ``payload`` (reference §7.3) in the sandbox's workspace: one PENDING delivery
    per active PUSH subscription that matches. Returns the delivery records; never waits for them."""
    subs = sandbox.webhooks
    tags = [*BASE_TAGS, event_type]
    event = {
        "id": str(uuid.uuid4()),
        "createdAt": _now(),
        "type": event_type,
        "sourceName": "INTEGRATION_API",
        "workspaceId": subs.workspace_id,
        "tags": tags,
        "payload": payload,
    }
    with subs.lock:
        targets = [
            dict(s)
            for s in subs.items.values()
            if s.get("active")
            and s.get("deliveryType") == "PUSH"
            and _matches(s, set(tags), subs.workspace_id, subs.workspace_id)
        ]
    return [subs.deliveries.enqueue(s, event) for s in targets]
