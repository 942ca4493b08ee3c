"""The demo workspace's past: when each fact sheet, value, tag, subscription and relation appeared.

The generator (:mod:`kit.sandbox.demo`) draws the workspace as it is on :data:`REFERENCE_DATE`. For an earlier
``as_of`` it hands every fact sheet, subscription and relation to :class:`Past`, which draws when each part
came about from a second random stream (``"{seed}/history"``) and writes to the store only what existed at
the start of ``as_of`` (00:00 UTC, the store's clock). The stream is drawn in creation order and the number
of draws never depends on ``as_of``, so one fact sheet's past is the same whatever day is asked for.

How the past is drawn (times are milliseconds after :data:`HISTORY_START`; ``c`` the fact sheet's createdAt,
``u`` its updatedAt on the reference day):

- a fact sheet exists from ``c``; one archived on the reference day was archived at ``u`` (its last change);
- each value filled on the reference day (fields, description, lifecycle, external id) and each tag was set
  at ``c`` (:data:`AT_CREATION`), in the last change at ``u`` (:data:`AT_LAST_CHANGE`) or in between, mostly
  late (:data:`RECENCY`), so completion rises year by year;
- a BROKEN quality seal broke between ``c`` and ``u``; until then the fact sheet was APPROVED;
- updatedAt is ``u`` once ``u`` has passed, else the latest of ``c`` and the changes so far; rev likewise;
- a subscription was added at ``c`` (40 %) or later, up to the reference day; its createdAt is that moment;
- a relation was documented when its second end was created (half) or later, up to the reference day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from kit.sandbox.guards import HISTORY_START, REFERENCE_DATE
from kit.sandbox.store import Store

__all__ = ["HISTORY_START", "REFERENCE_DATE", "Past", "clock_of", "ms_of_day"]

AT_CREATION = 0.45  # share of the values and tags of the reference day that a fact sheet had from the start
AT_LAST_CHANGE = 0.3  # share set in its last change (updatedAt on the reference day)
RECENCY = 0.25  # the others were set at createdAt + (updatedAt - createdAt) * U**RECENCY: mostly late
_REFERENCE_MS = float((REFERENCE_DATE - HISTORY_START).days * 86_400_000)


def ms_of_day(day: date) -> float:
    """The start of ``day`` (00:00 UTC) in milliseconds after :data:`HISTORY_START`."""
    return float((day - HISTORY_START).days * 86_400_000)


def clock_of(day: date) -> Callable[[], datetime]:
    """A store clock that always reads the start of ``day`` (00:00 UTC)."""
    moment = datetime.combine(day, time(), tzinfo=UTC)
    return lambda: moment


class Past:
    """Writes to ``store`` the parts of the reference workspace that existed at the start of ``as_of``.

    The generator passes what it drew for the reference day; :meth:`add_factsheet` returns a small stand-in
    (id, name, reference status and level, createdAt) that the generator keeps in its lists whether or not
    the fact sheet exists yet, so its own draws stay those of the reference day.
    """

    def __init__(self, store: Store, as_of: date, rng: Any, stamp: Callable[[float], str]) -> None:
        self.store = store
        self.cut = ms_of_day(as_of)
        self.random: Callable[[], float] = rng.random
        self.stamp = stamp

    def add_factsheet(
        self,
        type_name: str,
        name: str,
        fs_id: str,
        *,
        description: str | None,
        category: str | None,
        archived: bool,
        fields: Mapping[str, Any],
        tags: list[str],
        lx_state: str,
        quality_seal: str | None,
        rev: int,
        created: float,
        updated: float,
    ) -> dict[str, Any]:
        """Draw this fact sheet's past; add it to the store as it was on ``as_of`` if it existed then."""
        r, cut, span = self.random, self.cut, updated - created
        latest, changes = created, 0

        def when() -> float:
            roll = r()
            if roll < AT_CREATION:
                return created
            return updated if roll < AT_CREATION + AT_LAST_CHANGE else created + span * r() ** RECENCY

        if description is not None:
            t = when()
            if t > cut:
                description = None
            else:
                latest, changes = max(latest, t), changes + 1
        values: dict[str, Any] = {}
        for fname, value in fields.items():
            if value is not None:
                t = when()
                if t > cut:
                    continue
                latest, changes = max(latest, t), changes + 1
                values[fname] = value
        applied: list[str] = []
        for tag in tags:
            t = when()
            if t <= cut:
                applied.append(tag)
                latest, changes = max(latest, t), changes + 1
        if lx_state == "BROKEN_QUALITY_SEAL":
            t = created + span * r() ** 0.5
            if t > cut:
                lx_state = "APPROVED"
            else:
                latest, changes = max(latest, t), changes + 1
        exists = created <= cut
        if exists:
            done = updated <= cut
            self.store.add_factsheet(
                type_name,
                name,
                id=fs_id,
                description=description,
                category=category,
                status="ARCHIVED" if archived and done else "ACTIVE",
                fields=values,
                tags=applied,
                lx_state=lx_state,
                quality_seal=quality_seal,
                rev=rev if done else min(rev, 1 + changes),
                created_at=self.stamp(created),
                updated_at=self.stamp(updated if done else latest),
            )
        status = "ARCHIVED" if archived else "ACTIVE"
        return {"id": fs_id, "name": name, "status": status, "level": 1, "c": created, "on": exists}

    def subscribe(
        self, rec: Mapping[str, Any], user_id: str, sub_type: str, role_ids: list[str], sub_id: str
    ) -> None:
        """A subscription of the reference day, added on a drawn day (its createdAt) if that is past."""
        r, created = self.random, rec["c"]
        t = created if r() < 0.4 else created + (_REFERENCE_MS - created) * r() ** 0.5
        if rec["on"] and t <= self.cut:
            self.store.subscribe(rec["id"], user_id, sub_type, role_ids, id=sub_id, created_at=self.stamp(t))

    def relate(
        self,
        name: str,
        src: Mapping[str, Any],
        dst: Mapping[str, Any],
        rel_id: str,
        values: Mapping[str, Any],
    ) -> None:
        """A relation of the reference day, documented on a drawn day after both ends exist, if that is past."""
        r = self.random
        first = max(src["c"], dst["c"])
        t = first if r() < 0.5 else first + (_REFERENCE_MS - first) * r() ** 0.5
        if src["on"] and dst["on"] and t <= self.cut:
            self.store.add_relation(name, src["id"], dst["id"], id=rel_id, **values)
