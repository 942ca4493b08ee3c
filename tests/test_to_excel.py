"""Every frame the kit returns is a :class:`kit.frames.Frame` and round-trips through ``frame.to_excel``.

Excel refuses zoned timestamps; a Frame writes them as UTC wall time with " (UTC)" in the header. Each
frame is written with ``frame.to_excel(path)`` exactly as a user would, read back with openpyxl, and
compared cell by cell with the frame's own values converted by hand (below) the way Excel stores them:
UTC-naive datetimes, durations as days, lists as comma-separated text, missing values as empty cells.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kit import health, inventory, metrics
from kit.frames import Frame
from kit.previews.frames import FRAMES
from kit.previews.preview import preview
from kit.shipped import DATA

TIME = dt.datetime(2024, 3, 1, 12, 30)


def _cell(value: Any) -> Any:
    """What Excel holds for one frame value (written by hand from openpyxl's rules, not by the kit)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert("UTC").tz_localize(None)
        return value.to_pydatetime()
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return pd.Timedelta(value).total_seconds() / 86400
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None  # an empty list: an empty cell
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if value == "":
        return None
    return value


def _same(expected: Any, found: Any) -> bool:
    if isinstance(expected, float) and isinstance(found, int | float):
        return math.isclose(expected, found, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, dt.datetime) and isinstance(found, dt.datetime):
        return abs(expected - found) < dt.timedelta(milliseconds=1)  # Excel keeps milliseconds
    if isinstance(expected, bool) or isinstance(found, bool):
        return expected == found
    if isinstance(expected, int) and isinstance(found, int | float):
        return expected == found
    return expected == found or str(expected) == str(found)


def assert_round_trip(frame: pd.DataFrame, path: Path, what: str) -> list[str]:
    """Write ``frame`` with to_excel (no index), read it back, compare headers and every cell."""
    assert isinstance(frame, Frame), f"{what}: a {type(frame).__name__}, not a kit Frame"
    frame.to_excel(path, index=False)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    zoned = [isinstance(frame[c].dtype, pd.DatetimeTZDtype) for c in frame.columns]
    headers = [f"{c} (UTC)" if z else str(c) for c, z in zip(frame.columns, zoned, strict=True)]
    assert list(rows[0]) == headers if len(frame.columns) else True, what
    assert len(rows) - 1 == len(frame), what
    for i, row in enumerate(rows[1:]):
        for j, column in enumerate(frame.columns):
            expected, found = _cell(frame[column].iloc[i]), row[j]
            assert _same(expected, found), f"{what}: row {i}, column {column!r}: {expected!r} != {found!r}"
    return headers


@pytest.fixture(scope="module")
def synclog(sandbox, client_module):
    return client_module.synclog(limit=300)


@pytest.fixture(scope="module")
def client_module(sandbox):
    from kit.client import LeanIXClient
    from kit.config import Secret
    from kit.sandbox import SANDBOX_TOKEN
    from kit.workspace import Workspace

    from .conftest import FAST_RETRY

    with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as c:
        yield Workspace(c, page_size=500, progress=False)


def test_a_hand_made_frame_writes_zoned_timestamps_as_utc(tmp_path):
    frame = Frame(
        {
            "name": ["AC Management", "HR Suite"],
            "updatedAt": pd.to_datetime(["2024-03-01T14:30:00+02:00", None], utc=True),
            "count": pd.array([3, None], dtype="Int64"),
        }
    )
    frame.to_excel(tmp_path / "x.xlsx", index=False)
    rows = list(openpyxl.load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True))
    assert rows == [
        ("name", "updatedAt (UTC)", "count"),
        ("AC Management", TIME, 3),  # 14:30 at +02:00 is 12:30 UTC
        ("HR Suite", None, None),
    ]
    # the frame itself keeps its zone: the conversion is only in the written copy
    assert str(frame["updatedAt"].dt.tz) == "UTC"
    back = pd.read_excel(tmp_path / "x.xlsx")
    assert back.loc[0, "updatedAt (UTC)"] == pd.Timestamp("2024-03-01 12:30")


def test_a_zoned_index_and_operations_stay_frames(tmp_path):
    frame = Frame(
        {"runs": [1, 2]}, index=pd.DatetimeIndex(["2024-03-01", "2024-03-02"], tz="UTC", name="day")
    )
    assert type(frame[frame["runs"] > 1]) is Frame
    assert type(frame.reset_index()) is Frame
    assert type(pd.concat([frame, frame])) is Frame
    frame.to_excel(tmp_path / "i.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "i.xlsx").active.iter_rows(values_only=True))
    assert rows == [("day (UTC)", "runs"), (dt.datetime(2024, 3, 1), 1), (dt.datetime(2024, 3, 2), 2)]


def test_a_plain_dataframe_still_refuses_zones(tmp_path):
    """The reason for Frame: pandas itself refuses (if this ever passes, Frame can go)."""
    plain = pd.DataFrame({"t": pd.to_datetime(["2024-03-01T12:30:00Z"], utc=True)})
    with pytest.raises(ValueError, match="timezones"):
        plain.to_excel(tmp_path / "p.xlsx")


def test_workspace_frames_round_trip(ws, tmp_path):
    """Fact sheets, relations, tags, lifecycles, subscriptions and fields, read from the session sandbox."""
    app = ws.factsheets("Application")
    headers = assert_round_trip(app, tmp_path / "app.xlsx", "factsheets(Application)")
    assert {"createdAt (UTC)", "updatedAt (UTC)"} <= set(headers)
    assert_round_trip(ws.factsheets("ITComponent"), tmp_path / "itc.xlsx", "factsheets(ITComponent)")
    relations = ws.relations("Application", "relApplicationToITComponent")
    assert len(relations) > 0
    assert_round_trip(relations, tmp_path / "rel.xlsx", "relations")
    assert_round_trip(ws.tags("Application"), tmp_path / "tags.xlsx", "tags")
    lifecycles = ws.lifecycles("Application")
    headers = assert_round_trip(lifecycles, tmp_path / "life.xlsx", "lifecycles")
    assert "startDate (UTC)" in headers
    assert_round_trip(ws.subscriptions("Application"), tmp_path / "subs.xlsx", "subscriptions")
    assert_round_trip(ws.fields("Application"), tmp_path / "fields.xlsx", "fields")


def test_run_frames_round_trip(client_module, synclog, tmp_path):
    ws = client_module
    runs = ws.runs()
    assert len(runs) > 0
    assert_round_trip(runs, tmp_path / "runs.xlsx", "runs")
    run_id = str(runs["id"].iloc[0])
    stats = ws.run_stats(run_id)
    assert_round_trip(stats.status_changes, tmp_path / "sc.xlsx", "run_stats.status_changes")
    assert_round_trip(stats.processors, tmp_path / "proc.xlsx", "run_stats.processors")
    assert_round_trip(stats.run_levels, tmp_path / "lev.xlsx", "run_stats.run_levels")
    assert_round_trip(ws.run_status(run_id), tmp_path / "st.xlsx", "run_status")
    assert_round_trip(ws.run_progress(run_id), tmp_path / "pr.xlsx", "run_progress")
    assert_round_trip(ws.run_warnings(run_id), tmp_path / "w.xlsx", "run_warnings")
    headers = assert_round_trip(synclog, tmp_path / "sync.xlsx", "synclog")
    assert "createdAt (UTC)" in headers and "duration" in headers
    assert_round_trip(ws.synclog_items(limit=200), tmp_path / "items.xlsx", "synclog_items")


def test_health_frames_round_trip(synclog, tmp_path):
    now = synclog["createdAt"].max()
    daily = health.daily_status(synclog, days=14, now=now)
    assert isinstance(daily, Frame)
    daily.to_excel(tmp_path / "daily.xlsx")  # the index is the UTC day
    rows = list(openpyxl.load_workbook(tmp_path / "daily.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("day (UTC)", "OK", "INFO", "WARNING", "ERROR")
    assert len(rows) == 15
    connectors = health.connector_health(synclog, days=30, now=now)
    assert_round_trip(connectors.reset_index(), tmp_path / "health.xlsx", "connector_health")
    alerts = health.alerts(connectors, max_failure_rate=0.0)
    assert_round_trip(alerts.reset_index(), tmp_path / "alerts.xlsx", "alerts")
    assert_round_trip(health.in_window(synclog, 30, now), tmp_path / "win.xlsx", "in_window")


def test_inventory_and_kpi_frames_round_trip(ws, tmp_path):
    app = ws.factsheets("Application")
    assert_round_trip(inventory.fill_rates(app), tmp_path / "fill.xlsx", "fill_rates")
    overview = inventory.overview({"Application": app})
    assert_round_trip(overview.reset_index(), tmp_path / "ov.xlsx", "overview")
    past = inventory.past_end_of_life(app, ws.lifecycles("Application"))
    assert_round_trip(past, tmp_path / "eol.xlsx", "past_end_of_life")
    values = metrics.evaluate(metrics.default_catalogue(), ws)
    assert len(values) > 0
    assert_round_trip(values, tmp_path / "kpis.xlsx", "metrics.evaluate")


def test_snapshot_frames_round_trip(ws, tmp_path):
    from kit.snapshot import load_snapshot

    snap = load_snapshot(ws.snapshot(tmp_path / "snap", types=["Application", "ITComponent"]))
    headers = assert_round_trip(
        snap.factsheets("Application"), tmp_path / "s_app.xlsx", "snapshot factsheets"
    )
    assert "updatedAt (UTC)" in headers
    assert_round_trip(snap.relations("Application"), tmp_path / "s_rel.xlsx", "snapshot relations")
    assert_round_trip(snap.tags(), tmp_path / "s_tags.xlsx", "snapshot tags")
    assert_round_trip(snap.lifecycles(), tmp_path / "s_life.xlsx", "snapshot lifecycles")
    assert_round_trip(snap.subscriptions(), tmp_path / "s_subs.xlsx", "snapshot subscriptions")
    assert_round_trip(snap.runs(), tmp_path / "s_runs.xlsx", "snapshot runs")
    assert_round_trip(snap.fields("Application"), tmp_path / "s_fields.xlsx", "snapshot fields")


def test_preview_frames_round_trip(tmp_path):
    result = preview(DATA / "processors" / "starter.json", DATA / "ldif" / "starter.json")
    written = 0
    for name in FRAMES:
        frame = getattr(result, name)
        assert isinstance(frame, Frame), name
        if len(frame.columns):
            assert_round_trip(frame, tmp_path / f"{name}.xlsx", f"preview.{name}")
            written += 1
    assert written >= 5
