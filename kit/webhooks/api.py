"""A workspace's webhook subscriptions through LeanIX's Webhooks API (reference §8, docs/alerts.md §2).

``ws.webhooks`` is a :class:`Webhooks`: list subscriptions as a DataFrame, read, create (or update the one
with the same identifier, so running a notebook twice leaves one subscription), change and delete them, and
read a subscription's delivery log. Paths are under ``/services/webhooks/v1``; answers come in LeanIX's
envelope ``{"status", "type", "data", "total"}``, which is unwrapped here. Failures are the client's typed
errors (:class:`kit.client.NotFound`, :class:`kit.client.BadRequest` ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kit.client import LeanIXClient, LeanIXError
from kit.frame import as_frame

__all__ = ["DELIVERY_COLUMNS", "SUBSCRIPTION_COLUMNS", "WEBHOOKS", "Webhooks"]

WEBHOOKS = "/services/webhooks/v1"
SUBSCRIPTION_COLUMNS = [
    "id",
    "identifier",
    "deliveryType",
    "active",
    "targetUrl",
    "tagSets",
    "lastDeliveryStatus",
    "errorCount",
]
DELIVERY_COLUMNS = [
    "id",
    "subscriptionId",
    "eventType",
    "createdAt",
    "status",
    "attempts",
    "responseStatus",
    "error",
]
#: keys LeanIX sets itself; they are not sent back on update
_READ_ONLY = ("id", "createdAt", "lastDeliveryStatus", "errorCount", "firstTimeDeliveryFailed")
_PAGE_SIZE = 100


def _data(answer: Any, what: str) -> Any:
    """The ``data`` of a LeanIX envelope; an answer without one is returned as it is."""
    if isinstance(answer, Mapping) and "data" in answer and "status" in answer:
        return answer["data"]
    if answer is None:
        raise LeanIXError(f"the Webhooks API answered {what} with an empty body; expected a JSON envelope")
    return answer


def _frame(rows: list[dict[str, Any]], columns: list[str], counts: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    for column in counts:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


class Webhooks:
    """The webhook subscriptions of the workspace ``client`` is connected to."""

    def __init__(self, client: LeanIXClient) -> None:
        self.client = client

    def __repr__(self) -> str:
        return f"Webhooks({self.client.base_url!r})"

    def _subscriptions(self, identifier: str | None = None) -> list[dict[str, Any]]:
        params = {"workspaceId": self.client.workspace_id, "identifier": identifier}
        found = _data(
            self.client.get(f"{WEBHOOKS}/subscriptions", {k: v for k, v in params.items() if v is not None}),
            "GET /subscriptions",
        )
        return [s for s in found or [] if identifier is None or s.get("identifier") == identifier]

    def list(self, identifier: str | None = None) -> pd.DataFrame:
        """One row per subscription of this workspace (those named ``identifier`` when given), columns
        ``id, identifier, deliveryType, active, targetUrl, tagSets, lastDeliveryStatus, errorCount``."""
        frame = _frame(self._subscriptions(identifier), SUBSCRIPTION_COLUMNS, ("errorCount",))
        frame["active"] = frame["active"].astype("boolean")
        return as_frame(frame)

    def get(self, subscription_id: str) -> dict[str, Any]:
        """The subscription with id ``subscription_id`` (:class:`kit.client.NotFound` if there is none)."""
        found: dict[str, Any] = _data(
            self.client.get(f"{WEBHOOKS}/subscriptions/{subscription_id}"), "GET /subscriptions/{id}"
        )
        return found

    def _body(self, sub: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(sub, Mapping):
            raise TypeError(
                f"a subscription must be a dict (e.g. from kit.webhooks.alert_subscription), got a "
                f"{type(sub).__name__}"
            )
        body = {k: v for k, v in sub.items() if k not in _READ_ONLY}
        if body.get("workspaceId") is None and self.client.workspace_id is not None:
            body["workspaceId"] = self.client.workspace_id
        return body

    def create(self, sub: Mapping[str, Any]) -> dict[str, Any]:
        """Store subscription ``sub``; returns it as stored (with its ``id``).

        A subscription with the same ``identifier`` in this workspace is updated instead (as LeanIX's own
        client does), so creating the same alert twice leaves one subscription. ``workspaceId`` defaults to
        the workspace of the API token.
        """
        body = self._body(sub)
        identifier = body.get("identifier")
        if not isinstance(identifier, str) or not identifier:
            raise ValueError("the subscription has no identifier: give it a name (the 'identifier' key)")
        existing = self._subscriptions(identifier)
        if existing:
            return self.update(existing[0]["id"], body, merge=False)
        try:
            created: dict[str, Any] = _data(self.client.post(f"{WEBHOOKS}/subscriptions", body), "POST")
        except LeanIXError as exc:
            if exc.status != 409:
                raise
            existing = self._subscriptions(identifier)  # made meanwhile by someone else: update that one
            if not existing:
                raise
            return self.update(existing[0]["id"], body, merge=False)
        return created

    def update(self, subscription_id: str, sub: Mapping[str, Any], *, merge: bool = True) -> dict[str, Any]:
        """Change subscription ``subscription_id``; returns it as stored.

        With ``merge`` (the default) the keys of ``sub`` replace those of the stored subscription and the
        others stay, so ``update(id, {"active": False})`` pauses it; ``merge=False`` sends ``sub`` as the
        whole subscription (LeanIX's PUT replaces it).
        """
        body = self._body(sub)
        if merge:
            body = {**self._body(self.get(subscription_id)), **body}
        stored: dict[str, Any] = _data(
            self.client.put(f"{WEBHOOKS}/subscriptions/{subscription_id}", body), "PUT /subscriptions/{id}"
        )
        return stored

    def delete(self, subscription_id: str) -> None:
        """Delete subscription ``subscription_id`` (:class:`kit.client.NotFound` if there is none)."""
        self.client.delete(f"{WEBHOOKS}/subscriptions/{subscription_id}")

    def deliveries(self, subscription_id: str) -> pd.DataFrame:
        """The delivery log of subscription ``subscription_id``, all pages, as LeanIX lists it (newest first):
        columns ``id, subscriptionId, eventType, createdAt`` (UTC), ``status, attempts, responseStatus,
        error``."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.client.get(
                f"{WEBHOOKS}/subscriptions/{subscription_id}/deliveries", {"page": page, "size": _PAGE_SIZE}
            )
            found = _data(answer, "GET /subscriptions/{id}/deliveries") or []
            rows += found
            total = answer.get("total") if isinstance(answer, Mapping) else None
            if len(found) < _PAGE_SIZE or (isinstance(total, int) and len(rows) >= total):
                break
            page += 1
        frame = _frame(rows, DELIVERY_COLUMNS, ("attempts", "responseStatus"))
        frame["createdAt"] = pd.to_datetime(frame["createdAt"], utc=True, errors="coerce")
        return as_frame(frame)
