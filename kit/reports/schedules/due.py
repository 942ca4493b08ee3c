"""When a schedule is due: cron slots in the schedule's time zone (croniter), compared in UTC.

A *slot* is a time the cron expression matches. A schedule is due at ``now`` when its newest slot at or
before ``now`` is later than the slot its last run covered (``state.json``'s ``slot``); a schedule that never
ran is due. However many slots were missed (the machine was off for a week), the schedule runs once, and the
run covers the newest slot. Every run stores the slot it covers, whether it was started by ``run-due`` or
by ``run`` (cron, or by hand), and whether it succeeded or failed: the retries belong to the run, and the
next slot is the next chance.

Slots are computed in the schedule's zone (``0 6 * * 1`` in Europe/Berlin is 06:00 Berlin time, summer and
winter) and stored as UTC ISO times. croniter decides what happens across daylight saving changes: a slot in
the skipped hour moves to the first minute after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter  # type: ignore[import-untyped]

__all__ = ["is_due", "latest_slot", "next_slot", "parse_now"]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def latest_slot(cron: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The newest time at or before ``now`` that ``cron`` matches in ``zone``, in UTC."""
    # croniter's get_prev is strictly before its start; slots fall on whole minutes, so starting from the
    # next whole minute finds a slot at ``now``'s own minute too.
    start = _aware(now).astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    slot: datetime = croniter(cron, start.astimezone(zone)).get_prev(datetime)
    return slot.astimezone(UTC)


def next_slot(cron: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The first time after ``now`` that ``cron`` matches in ``zone``, in UTC."""
    slot: datetime = croniter(cron, _aware(now).astimezone(zone)).get_next(datetime)
    return slot.astimezone(UTC)


def is_due(cron: str, zone: ZoneInfo, now: datetime, last_slot: str | None) -> tuple[bool, datetime]:
    """Whether the schedule is due at ``now`` given the slot its last run covered, and the newest slot."""
    slot = latest_slot(cron, zone, now)
    if not last_slot:
        return True, slot
    return slot > _aware(datetime.fromisoformat(last_slot)), slot


def parse_now(text: str) -> datetime:
    """``--now``: an ISO date and time; without an offset it is UTC. ValueError says what was expected."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--now {text!r} is not an ISO date and time; give e.g. 2026-12-07T06:00:00+01:00 (no offset: UTC)"
        ) from None
    return _aware(moment)
