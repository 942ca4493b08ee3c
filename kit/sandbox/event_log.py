"""The sandbox's event log: one entry per change to a fact sheet, whatever made it (GraphQL mutation,
Integration API run, test code calling :class:`~kit.sandbox.store.Store` methods).

LeanIX shows these on a fact sheet's "Last Update" tab and serves them through ``allLogEvents``
(https://help.sap.com/docs/leanix/ea/retrieving-event-logs-for-fact-sheet). The store appends to its log
only once it is live (:meth:`Store.start_event_log`), so a generated demo workspace starts with an empty log.
Event type names are those of LeanIX's webhook events (https://help.sap.com/docs/leanix/ea/webhook-events)
plus the ``QUALITY_SEAL_*`` ones of the event log page; ``DOCUMENT_*`` are the webhook catalogue's
"resources" events.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["EVENT_TYPES", "EventLog", "LogEvent"]

EVENT_TYPES = (
    "FACT_SHEET_CREATED",
    "FACT_SHEET_UPDATED",
    "FACT_SHEET_FIELD_UPDATED",
    "FACT_SHEET_ARCHIVED",
    "FACT_SHEET_RECOVERED",
    "FACT_SHEET_DELETED",
    "FACT_SHEET_TAG_ADDED",
    "FACT_SHEET_TAG_REMOVED",
    "RELATION_CREATED",
    "RELATION_UPDATED",
    "RELATION_SWITCH",
    "RELATION_ARCHIVED",
    "RELATION_DELETED",
    "DOCUMENT_CREATED",
    "DOCUMENT_UPDATED",
    "DOCUMENT_DELETED",
    "SUBSCRIPTION_CREATED",
    "SUBSCRIPTION_UPDATED",
    "SUBSCRIPTION_DELETED",
    "QUALITY_SEAL_APPROVED",
    "QUALITY_SEAL_BROKEN",
    "QUALITY_SEAL_REJECTED",
    "QUALITY_SEAL_RESET",
)
"""Every ``eventType`` the sandbox writes (the ``EventType`` enum of its schema)."""

LogEvent = dict[str, Any]
"""One event as ``allLogEvents`` serves it: id, eventType, path, oldValue, newValue, message, createdAt,
user, factSheetId (``secondsPast`` is worked out when read)."""


class EventLog:
    """Append-only (but for rollbacks) list of fact sheet events, with an index per fact sheet."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._events: list[LogEvent] = []
        self._by_factsheet: dict[str, list[int]] = {}
        self._next_id = 1
        self.enabled = False

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[LogEvent]:
        return iter(self._events)

    def append(
        self,
        event_type: str,
        fact_sheet_id: str,
        *,
        path: str,
        old: Any = None,
        new: Any = None,
        message: str,
        user: Mapping[str, Any] | None = None,
    ) -> LogEvent | None:
        """Record one event (nothing while the log is not enabled); values are kept as strings like LeanIX's."""
        if not self.enabled:
            return None
        if event_type not in EVENT_TYPES:
            raise ValueError(f"Unknown event type {event_type!r}; known: {', '.join(EVENT_TYPES)}")
        now = self._clock()
        event: LogEvent = {
            "id": str(self._next_id),
            "eventType": event_type,
            "factSheetId": fact_sheet_id,
            "path": path,
            "oldValue": _text(old),
            "newValue": _text(new),
            "message": message,
            "createdAt": now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "_at": now,
            "user": user,
        }
        self._next_id += 1
        self._by_factsheet.setdefault(fact_sheet_id, []).append(len(self._events))
        self._events.append(event)
        return event

    def truncate(self, length: int) -> None:
        """Forget every event after the first ``length`` (a rolled back transaction's)."""
        for event in self._events[length:]:
            positions = self._by_factsheet[event["factSheetId"]]
            del positions[bisect.bisect_left(positions, length) :]
        del self._events[length:]

    def query(
        self, fact_sheet_id: str | None = None, event_types: Collection[str] | None = None
    ) -> list[LogEvent]:
        """Events newest first, of one fact sheet (or all) and of some types (or all), ``secondsPast`` set."""
        if fact_sheet_id is None:
            found: list[LogEvent] = self._events
        else:
            found = [self._events[i] for i in self._by_factsheet.get(fact_sheet_id, ())]
        if event_types:
            wanted = set(event_types)
            found = [e for e in found if e["eventType"] in wanted]
        now = self._clock()
        return [{**e, "secondsPast": max(0, int((now - e["_at"]).total_seconds()))} for e in reversed(found)]


def _text(value: Any) -> str | None:
    """An event value as LeanIX writes it: None stays None, strings as they are, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str, sort_keys=True)
