"""History.prune: every snapshot of the last ``keep_daily`` days, the earliest of each of the last
``keep_monthly`` months, always the newest; nothing that is not a dated snapshot folder."""

from __future__ import annotations

import datetime as dt

import pytest

import kit
from kit import metrics

NEWEST = dt.date(2026, 11, 15)


def _snapshot(folder, day: dt.date) -> None:
    path = folder / day.isoformat()
    path.mkdir()
    (path / "manifest.json").write_text("{}")  # prune looks for the manifest only
    (path / "factsheets-Application.parquet").write_bytes(b"x")


@pytest.fixture
def folder(tmp_path):
    day = dt.date(2024, 1, 10)
    while day <= NEWEST:
        _snapshot(tmp_path, day)
        day += dt.timedelta(days=1)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.md").write_text("mine")
    (tmp_path / "2024-01-01").mkdir()  # dated, but not a snapshot
    (tmp_path / "2024-01-01" / "data.csv").write_text("mine")
    (tmp_path / "README.txt").write_text("mine")
    (tmp_path / ".kpis").mkdir()
    for name in ("2024-01-10", "2026-11-15"):
        (tmp_path / ".kpis" / f"{name}.json").write_text("{}")
    return tmp_path


def test_prune_keeps_days_and_months_as_documented(folder):
    before = metrics.History(folder).dates
    removed = metrics.History(folder).prune(keep_daily=31, keep_monthly=24)
    kept = metrics.History(folder).dates
    # by hand: 16 Oct .. 15 Nov 2026 (31 days), and the 1st of each month Dec 2024 .. Nov 2026 (24 months)
    daily = [dt.date(2026, 10, 16) + dt.timedelta(days=i) for i in range(31)]
    monthly = [dt.date(2024 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(24)]
    assert monthly[0] == dt.date(2024, 12, 1) and monthly[-1] == dt.date(2026, 11, 1)
    assert kept == sorted(set(daily) | set(monthly))
    assert removed == [d for d in before if d not in set(kept)]
    assert not (folder / "2024-01-10").exists()
    assert (folder / "notes" / "keep.md").read_text() == "mine"
    assert (folder / "2024-01-01" / "data.csv").read_text() == "mine"
    assert (folder / "README.txt").exists()
    assert not (folder / ".kpis" / "2024-01-10.json").exists()
    assert (folder / ".kpis" / "2026-11-15.json").exists()


def test_prune_never_removes_the_newest(folder):
    kit.history(folder).prune(keep_daily=0, keep_monthly=0)  # kit.history(folder) is metrics.History(folder)
    assert metrics.History(folder).dates == [NEWEST]
    assert (folder / "notes").is_dir() and (folder / "2024-01-01").is_dir()


def test_prune_keeps_the_earliest_snapshot_of_a_month(tmp_path):
    for day in (dt.date(2026, 9, 20), dt.date(2026, 9, 25), dt.date(2026, 10, 3), dt.date(2026, 11, 1)):
        _snapshot(tmp_path, day)
    removed = metrics.History(tmp_path).prune(keep_daily=1, keep_monthly=3)
    assert removed == [dt.date(2026, 9, 25)]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_prune_refuses_bad_counts(tmp_path, bad):
    with pytest.raises(metrics.KpiError, match="keep_daily"):
        metrics.History(tmp_path).prune(keep_daily=bad)


def test_demo_dates_are_the_same_day_of_each_month():
    assert metrics.demo_dates(dt.date(2026, 11, 1), months=3) == [
        dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1),
    ]  # fmt: skip
    dates = metrics.demo_dates("2026-03-31")
    assert len(dates) == 13 and dates[0] == dt.date(2025, 3, 31) and dates[-1] == dt.date(2026, 3, 31)
    assert dt.date(2026, 2, 28) in dates and dt.date(2025, 11, 30) in dates  # clamped to the month's end
