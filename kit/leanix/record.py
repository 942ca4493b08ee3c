"""Reading a fact sheet record: small functions over the GraphQL node shape (see :mod:`kit.integration.view`).

Every function takes a record (a mapping) and tolerates missing or null parts: a record without tags has
no tag names, one without a lifecycle no current phase. Edges may be mappings or objects with ``["node"]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kit.leanix.constants import LIFECYCLE_PHASES

__all__ = [
    "current_phase",
    "edges",
    "external_id",
    "is_archived",
    "lifecycle_phases",
    "nodes",
    "related_ids",
    "subscribers",
    "subscriptions",
    "tag_group_id",
    "tag_ids",
    "tag_names",
    "tags",
]

Record = Mapping[str, Any]
_EMPTY: Mapping[str, Any] = {}


def external_id(rec: Record, field: str = "externalId") -> str | None:
    """The value of the external id field ``field`` (``rec[field]["externalId"]``), or None."""
    value = rec.get(field)
    return value.get("externalId") or None if isinstance(value, Mapping) else None


def is_archived(rec: Record) -> bool:
    return rec.get("status") == "ARCHIVED"


def tags(rec: Record) -> Sequence[Mapping[str, Any]]:
    """``[{"id", "name", "tagGroup": {"id", "name"} | None}, ...]``."""
    return rec.get("tags") or ()


def tag_ids(rec: Record) -> list[str]:
    return [t["id"] for t in rec.get("tags") or ()]


def tag_names(rec: Record) -> list[str]:
    return [t["name"] for t in rec.get("tags") or ()]


def tag_group_id(tag: Mapping[str, Any]) -> str | None:
    """The id of a tag's group (None: a tag without a group, "Other tags")."""
    group = tag.get("tagGroup")
    return group.get("id") if group else None


def lifecycle_phases(rec: Record) -> Sequence[Mapping[str, Any]]:
    """``[{"phase", "startDate"}, ...]`` in the record's order (empty without a lifecycle)."""
    return (rec.get("lifecycle") or _EMPTY).get("phases") or ()


def current_phase(
    rec: Record, today: date | None = None, phases: Sequence[str] = LIFECYCLE_PHASES
) -> str | None:
    """The phase the fact sheet is in: without ``today`` the record's ``lifecycle.asString``; with it the
    phase started last on or before ``today`` (on the same day the later one in ``phases`` wins)."""
    if today is None:
        return (rec.get("lifecycle") or _EMPTY).get("asString") or None
    order = {p: i for i, p in enumerate(phases)}
    day = today.isoformat()
    started = [p for p in lifecycle_phases(rec) if p.get("startDate") and str(p["startDate"])[:10] <= day]
    if not started:
        return None
    last = max(started, key=lambda p: (str(p["startDate"])[:10], order.get(str(p.get("phase")), -1)))
    return last.get("phase")


def edges(rec: Record, connection: str) -> Sequence[Any]:
    """The edges of a connection (a relation name, ``subscriptions``, ``documents``)."""
    return (rec.get(connection) or _EMPTY).get("edges") or ()


def nodes(rec: Record, connection: str) -> list[Mapping[str, Any]]:
    """The nodes of a connection's edges."""
    return [e["node"] for e in edges(rec, connection)]


def related_ids(rec: Record, connection: str) -> list[str]:
    """Ids of the fact sheets at the other end of a relation connection."""
    return [n["factSheet"]["id"] for n in nodes(rec, connection)]


def subscriptions(rec: Record) -> list[Mapping[str, Any]]:
    """Subscription nodes: ``{"id", "type", "user": {...}, "roles": [...]}``."""
    return nodes(rec, "subscriptions")


def subscribers(rec: Record) -> list[str]:
    """Ids of the subscribed users, in the record's order."""
    return [s["user"]["id"] for s in subscriptions(rec)]
