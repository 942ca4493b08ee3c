"""When a schedule is due: the newest cron slot at or before now, in the schedule's zone (times by hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kit.reports.schedules.due import is_due, latest_slot, next_slot, parse_now


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "zone", "now", "slot"),
    [
        # Monday 2026-12-07 06:00 UTC exactly: that slot counts (at or before now)
        ("0 6 * * 1", "UTC", "2026-12-07T06:00:00", "2026-12-07T06:00:00"),
        ("0 6 * * 1", "UTC", "2026-12-07T06:00:59", "2026-12-07T06:00:00"),
        # a second earlier it is still the Monday before
        ("0 6 * * 1", "UTC", "2026-12-07T05:59:59", "2026-11-30T06:00:00"),
        # 06:00 in Berlin is 05:00 UTC in winter (CET) ...
        ("0 6 * * 1", "Europe/Berlin", "2026-12-07T05:30:00", "2026-12-07T05:00:00"),
        ("0 6 * * 1", "Europe/Berlin", "2026-12-07T04:59:00", "2026-11-30T05:00:00"),
        # ... and 04:00 UTC in summer (CEST)
        ("0 6 * * 1", "Europe/Berlin", "2026-07-06T05:00:00", "2026-07-06T04:00:00"),
        # midnight in New York (EST, UTC-5): 23:59 on 3 December there is before the 4 December slot
        ("@daily", "America/New_York", "2026-12-04T04:59:00", "2026-12-03T05:00:00"),
        ("@daily", "America/New_York", "2026-12-04T05:00:00", "2026-12-04T05:00:00"),
        # 02:30 does not exist in Berlin on 2026-03-29 (clocks go 02:00 -> 03:00): croniter takes 03:00 CEST
        ("30 2 * * *", "Europe/Berlin", "2026-03-29T02:00:00", "2026-03-29T01:00:00"),
        ("*/15 * * * *", "UTC", "2026-12-04T10:14:59", "2026-12-04T10:00:00"),
        ("0 9 1 * *", "UTC", "2026-12-04T10:00:00", "2026-12-01T09:00:00"),
        ("0 6 * * mon-fri", "UTC", "2026-12-06T12:00:00", "2026-12-04T06:00:00"),  # a Sunday: Friday's slot
    ],
)
def test_latest_slot(cron, zone, now, slot):
    assert latest_slot(cron, ZoneInfo(zone), utc(now)) == utc(slot)


def test_latest_slot_takes_any_offset_and_answers_in_utc():
    berlin_morning = datetime(2026, 12, 7, 6, 30, tzinfo=timezone(timedelta(hours=1)))
    assert latest_slot("0 6 * * 1", ZoneInfo("Europe/Berlin"), berlin_morning) == utc("2026-12-07T05:00:00")


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (None, True),  # never ran
        ("2026-11-30T06:00:00+00:00", True),  # last week's slot: this week's is newer
        ("2026-12-07T06:00:00+00:00", False),  # this slot ran already
        ("2026-12-07T07:00:00+01:00", False),  # the same instant written with another offset
        ("2026-12-14T06:00:00+00:00", False),  # a later slot (the clock was set back): not again
    ],
)
def test_is_due(last, due):
    assert is_due("0 6 * * 1", ZoneInfo("UTC"), utc("2026-12-07T09:00:00"), last) == (
        due,
        utc("2026-12-07T06:00:00"),
    )


def test_missed_slots_make_one_due_run_covering_the_newest():
    # last ran four weeks ago; the machine was off since: due once, for this Monday's slot
    assert is_due("0 6 * * 1", ZoneInfo("UTC"), utc("2026-12-08T00:00:00"), "2026-11-09T06:00:00+00:00") == (
        True,
        utc("2026-12-07T06:00:00"),
    )


def test_next_slot():
    assert next_slot("0 6 * * 1", ZoneInfo("Europe/Berlin"), utc("2026-12-07T05:00:00")) == utc(
        "2026-12-14T05:00:00"
    )


def test_parse_now():
    assert parse_now("2026-12-07T06:00") == utc("2026-12-07T06:00:00")
    assert parse_now("2026-12-07T07:00:00+01:00") == utc("2026-12-07T06:00:00")
    with pytest.raises(ValueError) as bad:
        parse_now("next monday")
    assert str(bad.value) == (
        "--now 'next monday' is not an ISO date and time; give e.g. 2026-12-07T06:00:00+01:00 (no offset: UTC)"
    )
