"""Integration API run stats and the sync log as DataFrames, checked against the sandbox's history."""

from __future__ import annotations

import pandas as pd


def test_runs_list_every_run(sandbox, ws):
    frame = ws.runs()
    history = sandbox.history.runs
    assert len(frame) == len(history)
    assert list(frame["id"]) == [r["id"] for r in history]
    assert set(frame["status"]) == {r["status"] for r in history}
    assert frame["status"].dtype == "category"


def test_status_and_progress(sandbox, ws):
    run = sandbox.history.runs[-1]
    status = ws.run_status(run["id"])
    assert status.iloc[0]["status"] == run["status"] and status.iloc[0]["description"] == run["description"]
    progress = ws.run_progress(run["id"]).iloc[0]
    assert progress["processedContentCount"] == run["progress"]["processedContentCount"]
    assert progress["graphQLRequestCount"] == run["progress"]["graphQLRequestCount"]


def test_stats_parse_durations_and_timestamps(sandbox, ws):
    run = next(r for r in sandbox.history.runs if r["stats"]["deletedObjects"])
    stats = ws.run_stats(run["id"])
    raw = run["stats"]
    assert list(stats.status_changes["status"]) == [c["status"] for c in raw["statusChanges"]]
    assert stats.final_status == run["status"]
    first, last = raw["statusChanges"][0]["timestamp"], raw["statusChanges"][-1]["timestamp"]
    assert stats.duration == pd.Timestamp(last) - pd.Timestamp(first)
    expected = pd.Timedelta(raw["processorStatistics"][0]["processingTotalDuration"])
    assert stats.processors["processingTotalDuration"].iloc[0] == expected
    assert stats.processors["processingTotalDuration"].dtype.kind == "m"  # timedelta
    assert list(stats.run_levels["singleRunIndex"]) == [
        s["singleRunIndex"] for s in raw["singleRunLevelStatistics"]
    ]
    assert len(stats.deleted_objects) == len(raw["deletedObjects"])
    assert stats.total_blocking_time == pd.Timedelta(raw["totalBlockingTime"])
    assert run["id"] in stats._repr_html_()


def test_warnings_are_paged_100_at_a_time(sandbox, ws):
    run = max(sandbox.history.runs, key=lambda r: len(r["warnings"]))
    assert len(run["warnings"]) > 100
    before = len(sandbox.log)
    frame = ws.run_warnings(run["id"])
    assert len(frame) == len(run["warnings"])
    assert list(frame["message"]) == [w["message"] for w in run["warnings"]]
    pages = [r for r in list(sandbox.log)[before:] if r.path.endswith("/warnings")]
    assert len(pages) == len(run["warnings"]) // 100 + 1
    assert len(ws.run_warnings(run["id"], limit=42)) == 42


def test_synclog_and_items(sandbox, ws):
    syncs = ws.synclog()
    assert len(syncs) == len(sandbox.history.synchronizations)
    assert syncs["createdAt"].is_monotonic_decreasing  # newest first
    assert (syncs["duration"] >= pd.Timedelta(0)).all()
    sync = syncs.iloc[0]
    items = ws.synclog_items(sync["id"])
    assert len(items) == len(sandbox.history.sync_items[sync["id"]])
    errors = ws.synclog_items(status="ERROR", limit=500)
    assert len(errors) and set(errors["status"]) == {"ERROR"}
