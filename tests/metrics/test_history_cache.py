"""The KPI cache under ``<history>/.kpis/``: reused while valid, recomputed when the snapshot, the KPI's
version or its code changes; a complete cache reads no snapshot at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil

import pandas as pd
import pytest

from kit import metrics
from kit.snapshot import SnapshotError

DATES = [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 15), dt.date(2026, 11, 1)]


@pytest.fixture
def folder(tmp_path, demo_snapshot):
    """Four dated copies of the demo snapshot."""
    for day in DATES:
        shutil.copytree(demo_snapshot.path, tmp_path / day.isoformat())
    return tmp_path


def counting(calls: list, name: str = "application_count", version: str = "1") -> metrics.Kpi:
    def compute(inv):
        calls.append(inv.today)
        return len(inv.factsheets("Application"))

    return metrics.Kpi(name, compute, unit="count", version=version)


def test_a_complete_cache_reads_no_snapshot(folder, demo_raw):
    catalogue = metrics.default_catalogue()
    first = metrics.History(folder).evaluate(catalogue)
    assert sorted(p.name for p in (folder / ".kpis").iterdir()) == [f"{d.isoformat()}.json" for d in DATES]
    for parquet in folder.glob("*/*.parquet"):
        parquet.unlink()  # any read of a snapshot's data would fail now
    again = metrics.History(folder).evaluate(metrics.default_catalogue())
    pd.testing.assert_frame_equal(first.values, again.values)
    active = sum(n["status"] == "ACTIVE" for n in demo_raw["Application"])
    assert again.series("factsheets", "type=Application").tolist() == [active] * len(DATES)


def test_only_missing_dates_and_kpis_are_computed(folder):
    calls: list = []
    metrics.History(folder).evaluate([counting(calls)])
    assert calls == DATES
    calls.clear()
    metrics.History(folder).evaluate([counting(calls)])
    assert calls == []
    newest = dt.date(2026, 11, 2)
    shutil.copytree(folder / DATES[-1].isoformat(), folder / newest.isoformat())
    metrics.History(folder).evaluate([counting(calls)])
    assert calls == [newest]


def test_a_stale_manifest_sha_is_recomputed(folder):
    calls: list = []
    metrics.History(folder).evaluate([counting(calls)])
    calls.clear()
    manifest = folder / DATES[1].isoformat() / "manifest.json"
    manifest.write_text(manifest.read_text() + "\n")  # the same snapshot, written again: another SHA-256
    metrics.History(folder).evaluate([counting(calls)])
    assert calls == [DATES[1]]
    cached = json.loads((folder / ".kpis" / f"{DATES[1].isoformat()}.json").read_text())
    assert cached["manifestSha256"] == hashlib.sha256(manifest.read_bytes()).hexdigest()


def test_a_version_bump_is_recomputed(folder):
    calls: list = []
    metrics.History(folder).evaluate([counting(calls)])
    calls.clear()
    metrics.History(folder).evaluate([counting(calls, version="2")])
    assert calls == DATES


def test_other_kpis_cached_entries_are_kept(folder):
    calls_a: list = []
    calls_b: list = []
    metrics.History(folder).evaluate([counting(calls_a, "count_a")])
    metrics.History(folder).evaluate([counting(calls_b, "count_b")])
    calls_a.clear()
    metrics.History(folder).evaluate([counting(calls_a, "count_a")])
    assert calls_a == []


def test_folders_that_are_not_snapshots_are_skipped_with_a_warning(folder, caplog):
    (folder / "notes").mkdir()
    (folder / "README.txt").write_text("not a snapshot")
    (folder / "2026-02-30").mkdir()  # not a real date
    (folder / "2026-08-01").mkdir()  # a date, but no manifest
    with caplog.at_level(logging.WARNING, logger="kit.metrics"):
        assert metrics.History(folder).dates == DATES
    text = caplog.text
    assert "notes" in text and "README.txt" in text and "2026-02-30" in text
    assert "2026-08-01" in text and "not a snapshot" in text
    assert ".kpis" not in text


def test_a_damaged_snapshot_raises_its_snapshot_error(folder):
    parquet = folder / DATES[2].isoformat() / "factsheets-Application.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-10])
    with pytest.raises(SnapshotError, match="factsheets-Application.parquet"):
        metrics.History(folder).evaluate(metrics.default_catalogue())


def test_an_empty_folder_says_how_to_fill_it(tmp_path):
    with pytest.raises(metrics.KpiError, match=r"take\(ws\)"):
        metrics.History(tmp_path).evaluate()


def test_take_writes_todays_snapshot(tmp_path, demo_ws):
    history = metrics.History(tmp_path / "history")
    path = history.take(demo_ws, date=dt.date(2026, 11, 5))
    assert path == tmp_path / "history" / "2026-11-05"
    assert history.dates == [dt.date(2026, 11, 5)]
    with pytest.raises(SnapshotError):
        history.take(demo_ws, date="2026-11-05")
    history.take(demo_ws, date="2026-11-05", overwrite=True)
