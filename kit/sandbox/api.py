"""Endpoint handlers of the sandbox's read side (MTM, Pathfinder, Integration API reads, sync log).

Each takes the sandbox and the request parts and returns (status, JSON), or raises
:class:`~kit.sandbox.errors.ApiError`.
"""

from __future__ import annotations

import base64
import binascii
import json
from email.message import Message
from typing import TYPE_CHECKING, Any

from kit.sandbox.errors import ApiError
from kit.sandbox.request_parts import Query, form, int_param, param

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox

__all__ = [
    "configurations",
    "find_run",
    "graphql",
    "run_part",
    "run_warnings",
    "runs",
    "sync_items",
    "synchronization",
    "synchronizations",
    "token",
]

STATUS_KEYS = ("id", "status", "description")
Answer = tuple[int, Any]


# -- MTM ------------------------------------------------------------------------------------------------
def token(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    fields = {**{k: v[-1] for k, v in query.items()}, **form(body)}
    if fields.get("grant_type") != "client_credentials":
        raise ApiError(
            400, {"error": "unsupported_grant_type", "error_description": "use client_credentials"}
        )
    auth = headers.get("Authorization") or ""
    presented = ""
    if auth.startswith("Basic "):
        try:
            user, _, presented = base64.b64decode(auth[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user != "apitoken":
            presented = ""
    if not presented or not sandbox.issuer.check_api_token(presented):
        raise ApiError(401, {"error": "unauthorized", "error_description": "Bad credentials"})
    return 200, sandbox.issuer.issue()


# -- Pathfinder ------------------------------------------------------------------------------------------
def graphql(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    try:
        request = json.loads(body or b"null")
    except ValueError as exc:
        raise ApiError(400, {"errors": [{"message": f"Request body is not valid JSON: {exc}"}]}) from None
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        raise ApiError(400, {"errors": [{"message": "Expected a JSON object with a 'query' string."}]})
    variables = request.get("variables") or None
    if variables is not None and not isinstance(variables, dict):
        raise ApiError(400, {"errors": [{"message": "'variables' must be a JSON object."}]})
    with sandbox.lock:
        return 200, sandbox.graphql.execute(request["query"], variables, request.get("operationName"))


# -- Integration API -------------------------------------------------------------------------------------
def find_run(sandbox: Sandbox, run_id: str) -> dict[str, Any]:
    """The run ``run_id`` of the sandbox's history; 404 if there is none."""
    run = sandbox.history.run(run_id)
    if run is None:
        raise ApiError(404, {"errors": [f"No synchronization run with id '{run_id}'."]})
    return run


def runs(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    return 200, [{k: r[k] for k in STATUS_KEYS} for r in sandbox.history.runs]


def run_part(sandbox: Sandbox, query: Query, body: bytes, headers: Message, run_id: str, part: str) -> Answer:
    run = find_run(sandbox, run_id)
    if part == "status":
        return 200, {k: run[k] for k in STATUS_KEYS}
    if part == "results":
        return (200, run["results"]) if run.get("results") else (204, None)
    return 200, run[part]


def run_warnings(sandbox: Sandbox, query: Query, body: bytes, headers: Message, run_id: str) -> Answer:
    run = find_run(sandbox, run_id)
    offset, limit = int_param(query, "offset", 0), int_param(query, "limit", 100)
    if not 1 <= limit <= 100:
        raise ApiError(400, {"errors": ["'limit' must be between 1 and 100."]})
    if offset < 0 or offset % limit:
        raise ApiError(400, {"errors": ["'offset' must be a non-negative multiple of 'limit'."]})
    return 200, run["warnings"][offset : offset + limit]


def configurations(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    keys = ("connectorType", "connectorId", "connectorVersion", "processingDirection", "processingMode")
    wanted = {k: param(query, k) for k in keys if param(query, k) is not None}
    found = [c for c in sandbox.history.configurations if all(c.get(k) == v for k, v in wanted.items())]
    return 200, found


# -- Sync log --------------------------------------------------------------------------------------------
def _page(query: Query, items: list[dict[str, Any]]) -> Answer:
    size = int_param(query, "size", 30)
    page = int_param(query, "page", 1)
    if size < 1 or page < 1:
        raise ApiError(400, {"errors": ["'page' starts at 1 and 'size' must be positive."]})
    if (param(query, "sort") or "createdAt-desc") == "createdAt-desc":
        items = items[::-1]
    return 200, {"data": items[(page - 1) * size : page * size], "total": len(items)}


def synchronizations(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    return _page(query, sandbox.history.synchronizations)


def synchronization(sandbox: Sandbox, query: Query, body: bytes, headers: Message, sync_id: str) -> Answer:
    found = sandbox.history.synchronization(sync_id)
    if found is None:
        raise ApiError(404, {"errors": [f"No synchronization with id '{sync_id}'."]})
    return 200, {"data": found}


def sync_items(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, sync_id: str | None = None
) -> Answer:
    if sync_id is not None and sandbox.history.synchronization(sync_id) is None:
        raise ApiError(404, {"errors": [f"No synchronization with id '{sync_id}'."]})
    if sync_id is not None:
        items = sandbox.history.sync_items[sync_id]
    else:
        items = [
            item for s in sandbox.history.synchronizations for item in sandbox.history.sync_items[s["id"]]
        ]
    status = param(query, "status")
    if status:
        items = [i for i in items if i["status"] == status]
    return _page(query, items)
