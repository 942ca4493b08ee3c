"""Run health over hand-built sync logs with known answers, and invariants over the sandbox's history."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kit import health
from kit.frames.columns import build_frame
from kit.frames.runs import RUN_STATUSES, SYNC_COLUMNS

NOW = pd.Timestamp("2026-03-10 15:00", tz="UTC")
TODAY = NOW.floor("D")


def synclog(rows: list[dict]) -> pd.DataFrame:
    """A frame exactly as ``Workspace.synclog`` builds it from API rows."""
    frame = build_frame(rows, SYNC_COLUMNS)
    frame["duration"] = frame["finishedAt"] - frame["startedAt"]
    return frame


def sync(
    name: str, status: str, days_ago: int, hour: int = 2, minutes: float = 1.0, run_id: str | None = "r"
):
    created = TODAY - pd.Timedelta(days=days_ago) + pd.Timedelta(hours=hour)
    started = created + pd.Timedelta(seconds=5)
    return {
        "id": f"{name}-{days_ago}-{hour}",
        "type": "INTEGRATION_API",
        "name": name,
        "runId": f"{run_id}-{name}-{days_ago}" if run_id else None,
        "status": status,
        "progress": "FINISHED",
        "createdAt": created.isoformat(),
        "startedAt": started.isoformat(),
        "finishedAt": (started + pd.Timedelta(minutes=minutes)).isoformat(),
    }


# Three connectors in the 7-day window (days 0..6 ago), nothing 4 and 6 days ago, one run long before.
ROWS = [
    sync("beta", "ERROR", 3, minutes=4),
    sync("alpha", "ERROR", 1, minutes=2),
    sync("gamma", "WARNING", 0, minutes=1),
    sync("alpha", "OK", 5, minutes=10),
    sync("beta", "OK", 0, minutes=1),
    sync("alpha", "ERROR", 2, minutes=3),
    sync("beta", "ERROR", 1, hour=3, minutes=2),
    sync("gamma", "INFO", 1, minutes=1),
    sync("alpha", "ERROR", 3, minutes=1),
    sync("beta", "WARNING", 2, minutes=3),
    sync("beta", "OK", 5, minutes=5),
    sync("delta", "ERROR", 40, minutes=1),
]


@pytest.fixture
def log() -> pd.DataFrame:
    return synclog(ROWS)  # deliberately not newest first


def test_daily_status_counts_every_day_of_the_window(log):
    daily = health.daily_status(log, days=7, now=NOW)
    assert daily.index.name == "day"
    assert list(daily.columns) == ["OK", "INFO", "WARNING", "ERROR"]
    assert list(daily.index) == [TODAY - pd.Timedelta(days=d) for d in range(6, -1, -1)]
    assert all(str(dtype) == "int64" for dtype in daily.dtypes)
    expected = {  # days ago: OK, INFO, WARNING, ERROR
        6: [0, 0, 0, 0],
        5: [2, 0, 0, 0],
        4: [0, 0, 0, 0],
        3: [0, 0, 0, 2],
        2: [0, 0, 1, 1],
        1: [0, 1, 0, 2],
        0: [1, 0, 1, 0],
    }
    for days_ago, counts in expected.items():
        assert daily.loc[TODAY - pd.Timedelta(days=days_ago)].to_list() == counts
    assert daily.to_numpy().sum() == 11  # delta, 40 days ago, is outside


def test_window_is_whole_utc_days_ending_on_the_day_of_now():
    rows = [
        {**sync("a", "OK", 3), "createdAt": "2026-03-06T23:59:59Z"},  # the day before the window
        {**sync("a", "OK", 3), "id": "first", "createdAt": "2026-03-07T00:00:00Z"},
        {**sync("a", "OK", 0), "id": "late", "createdAt": "2026-03-10T23:59:00Z"},
    ]
    frame = synclog(rows)
    for now in ("2026-03-10T00:00:01", pd.Timestamp("2026-03-10 23:59", tz="UTC")):  # naive means UTC
        assert list(health.in_window(frame, days=4, now=now)["id"]) == ["first", "late"]
        assert health.daily_status(frame, days=4, now=now)["OK"].to_list() == [1, 0, 0, 1]
    # 20:00 at UTC-5 is 01:00 UTC on the 11th: the window moves on by a day.
    assert list(health.in_window(frame, days=4, now="2026-03-10T20:00:00-05:00")["id"]) == ["late"]


def test_now_defaults_to_the_current_utc_day():
    before = pd.Timestamp.now(tz="UTC").floor("D")
    frame = synclog([{**sync("a", "ERROR", 0), "createdAt": pd.Timestamp.now(tz="UTC").isoformat()}])
    daily = health.daily_status(frame, days=3)
    after = pd.Timestamp.now(tz="UTC").floor("D")
    assert daily.index[-1] in (before, after)
    assert daily["ERROR"].sum() == 1
    assert health.connector_health(frame, days=3).loc["a", "consecutive_failures"] == 1


def test_days_below_one_are_refused(log):
    with pytest.raises(ValueError, match="at least 1"):
        health.daily_status(log, days=0, now=NOW)


def test_connector_health_values(log):
    table = health.connector_health(log, days=7, now=NOW)
    assert list(table.index) == ["alpha", "beta", "gamma"]  # worst first; delta is outside the window
    assert list(table.columns) == list(health.HEALTH_COLUMNS)
    alpha, beta, gamma = (table.loc[n] for n in ("alpha", "beta", "gamma"))
    assert (alpha["runs"], alpha["errors"], alpha["warnings"]) == (4, 3, 0)
    assert alpha["failure_rate"] == pytest.approx(0.75)
    assert alpha["consecutive_failures"] == 3
    assert alpha["median_duration"] == pd.Timedelta(minutes=2.5)
    assert alpha["last_run"] == TODAY - pd.Timedelta(days=1) + pd.Timedelta(hours=2)
    assert alpha["last_status"] == "ERROR"
    assert (beta["runs"], beta["errors"], beta["warnings"]) == (5, 2, 1)
    assert beta["failure_rate"] == pytest.approx(0.4)
    assert beta["consecutive_failures"] == 0  # newest run was OK
    assert beta["median_duration"] == pd.Timedelta(minutes=3)
    assert beta["last_status"] == "OK"
    assert (gamma["runs"], gamma["errors"], gamma["failure_rate"]) == (2, 0, 0.0)
    assert gamma["last_status"] == "WARNING"
    assert table["failure_rate"].dtype == "float64"
    assert table["median_duration"].dtype.kind == "m"
    assert str(table["last_run"].dt.tz) == "UTC"


def test_consecutive_failures_is_the_trailing_streak_only():
    rows = [
        sync("all-failed", "ERROR", 2),
        sync("all-failed", "ERROR", 1),
        sync("all-failed", "ERROR", 0),
        sync("broken-once", "ERROR", 3),
        sync("broken-once", "ERROR", 2),
        sync("broken-once", "WARNING", 1),
        sync("broken-once", "ERROR", 0),
        sync("recovered", "ERROR", 1),
        sync("recovered", "OK", 0),
    ]
    table = health.connector_health(synclog(rows), days=7, now=NOW)
    assert table["consecutive_failures"].to_dict() == {"all-failed": 3, "broken-once": 1, "recovered": 0}
    assert list(table.index) == ["all-failed", "broken-once", "recovered"]


def test_ties_are_ordered_by_name():
    rows = [sync(n, s, 0) for n in ("zulu", "bravo", "mike") for s in ("OK",)]
    assert list(health.connector_health(synclog(rows), days=2, now=NOW).index) == ["bravo", "mike", "zulu"]


def test_alerts_with_reasons(log):
    table = health.connector_health(log, days=7, now=NOW)
    found = health.alerts(table)
    assert list(found.index) == ["alpha", "beta"]
    assert list(found.columns) == [*health.HEALTH_COLUMNS, "reason"]
    assert found.loc["alpha", "reason"] == (
        "failed 3 of 4 runs (75%, above 20%); last 3 runs failed in a row (alert from 2)"
    )
    assert found.loc["beta", "reason"] == "failed 2 of 5 runs (40%, above 20%)"


def test_alert_thresholds_are_above_rate_and_from_streak(log):
    table = health.connector_health(log, days=7, now=NOW)
    assert list(health.alerts(table, max_failure_rate=0.4, max_consecutive_failures=9).index) == ["alpha"]
    streak_only = health.alerts(table, max_failure_rate=0.75, max_consecutive_failures=3)
    assert streak_only["reason"].to_list() == ["last 3 runs failed in a row (alert from 3)"]
    none = health.alerts(table, max_failure_rate=0.75, max_consecutive_failures=4)
    assert none.empty and list(none.columns) == [*health.HEALTH_COLUMNS, "reason"]


def test_alert_records_are_plain_alert_objects(log):
    records = health.alert_records(health.alerts(health.connector_health(log, days=7, now=NOW)))
    assert records == [
        {
            "kind": "connector",
            "name": "alpha",
            "message": "alpha failed 3 of 4 runs (75%, above 20%); last 3 runs failed in a row (alert from 2)",
            "runs": 4,
            "errors": 3,
            "failure_rate": 0.75,
            "consecutive_failures": 3,
            "last_status": "ERROR",
            "last_run": "2026-03-09T02:00:00+00:00",
            "synchronization_id": "alpha-1-2",  # its newest ERROR: 1 day ago at 02:00
            "links": [],
        },
        {
            "kind": "connector",
            "name": "beta",
            "message": "beta failed 2 of 5 runs (40%, above 20%)",
            "runs": 5,
            "errors": 2,
            "failure_rate": 0.4,
            "consecutive_failures": 0,
            "last_status": "OK",
            "last_run": "2026-03-10T02:00:00+00:00",
            "synchronization_id": "beta-1-3",  # its newest ERROR: 1 day ago at 03:00
            "links": [],
        },
    ]
    plain = (str, int, float, list)
    # plain Python values, not numpy or pandas ones: json and YAML take them as they are
    for record in records:
        assert all(type(value) in plain for value in record.values()), record
    assert json.loads(json.dumps(records)) == records
    assert health.alert_records(health.alerts(health.connector_health(synclog([]), days=7, now=NOW))) == []


def test_alert_records_link_the_failed_run_in_the_sync_log(log):
    found = health.alerts(health.connector_health(log, days=7, now=NOW))
    records = health.alert_records(found, workspace_url="https://acme.leanix.net/Acme")
    # the deep link of reference §7.2: https://{host}/{WorkspaceName}/admin/synclog/{synchronizationId}
    assert [r["links"] for r in records] == [
        [{"title": "sync log", "url": "https://acme.leanix.net/Acme/admin/synclog/alpha-1-2"}],
        [{"title": "sync log", "url": "https://acme.leanix.net/Acme/admin/synclog/beta-1-3"}],
    ]


def test_latest_failed_is_the_newest_error_with_a_run(log):
    assert health.latest_failed(log) == "r-beta-1"  # beta failed at 03:00, alpha at 02:00 the same day
    rows = [r for r in ROWS if not (r["name"] == "beta" and r["createdAt"].startswith("2026-03-09"))]
    rows.append(sync("beta", "ERROR", 1, hour=3, run_id=None))  # newest failure but no run to inspect
    assert health.latest_failed(synclog(rows)) == "r-alpha-1"
    assert health.latest_failed(synclog([sync("a", "OK", 0), sync("b", "WARNING", 0)])) is None


def test_empty_sync_log_gives_empty_answers():
    empty = synclog([])
    daily = health.daily_status(empty, days=5, now=NOW)
    assert daily.shape == (5, 4) and daily.to_numpy().sum() == 0
    table = health.connector_health(empty, days=5, now=NOW)
    assert table.empty and list(table.columns) == list(health.HEALTH_COLUMNS)
    found = health.alerts(table)
    assert found.empty and list(found.columns) == [*health.HEALTH_COLUMNS, "reason"]
    assert health.latest_failed(empty) is None
    assert health.daily_status(pd.DataFrame(), days=2, now=NOW).to_numpy().sum() == 0  # not even columns


def test_a_frame_without_the_columns_is_refused():
    with pytest.raises(ValueError, match="lacks the columns"):
        health.connector_health(pd.DataFrame({"name": ["a"]}), now=NOW)


def test_health_over_sandbox_http(sandbox, ws):
    log = ws.synclog()
    raw = list(sandbox.history.synchronizations)
    now = log["createdAt"].max()  # the demo history ends on the sandbox's fixed reference day
    start = now.floor("D") - pd.Timedelta(days=29)
    window = [s for s in raw if pd.Timestamp(s["createdAt"]) >= start]
    assert 0 < len(window) < len(raw)

    daily = health.daily_status(log, days=30, now=now)
    assert len(daily) == 30 and daily.to_numpy().sum() == len(window)
    for status in health.STATUSES:
        assert daily[status].sum() == sum(s["status"] == status for s in window)

    table = health.connector_health(log, days=30, now=now)
    assert set(table.index) == {s["name"] for s in window}
    assert table["runs"].sum() == len(window)
    assert table["errors"].sum() == daily["ERROR"].sum()
    assert table["failure_rate"].between(0, 1).all()
    assert (table["consecutive_failures"] <= table["errors"]).all()
    assert ((table["consecutive_failures"] > 0) == (table["last_status"] == "ERROR")).all()
    worst = table[["consecutive_failures", "failure_rate"]].apply(tuple, axis=1).to_list()
    assert worst == sorted(worst, reverse=True)

    run_id = health.latest_failed(log)
    failed = [s for s in raw if s["status"] == "ERROR" and s.get("runId")]
    assert run_id == max(failed, key=lambda s: pd.Timestamp(s["createdAt"]))["runId"]
    assert run_id in set(ws.runs()["id"])
    status = ws.run_status(run_id)["status"].iloc[0]
    assert status in RUN_STATUSES
    warnings = ws.run_warnings(run_id)
    assert status == "FAILED" or (warnings["status"] == "ERROR").any()
    kinds = health.top_warnings(warnings, n=len(warnings) + 1)
    assert kinds["count"].sum() == len(warnings)
    assert not kinds.duplicated(["status", "category", "processorName"]).any()


def warning(processor: str, category: str, status: str, message: str) -> dict:
    return {"processorName": processor, "category": category, "status": status, "message": message}


def test_top_warnings_counts_kinds_errors_first():
    rows = [
        warning("Apps", "NO_VALUE_FOUND", "WARNING", "no value for 'a-1'"),
        warning("Apps", "NO_VALUE_FOUND", "WARNING", "no value for 'a-2'"),
        warning("Apps", "NO_VALUE_FOUND", "WARNING", "no value for 'a-3'"),
        warning("Rels", "GRAPHQL_ERROR", "ERROR", "validation of 'r-1'"),
        warning("Apps", "INVALID_VALUE", "WARNING", "bad value in 'a-4'"),
        warning("Apps", "INVALID_VALUE", "WARNING", "bad value in 'a-5'"),
        warning("Rels", "NO_VALUE_FOUND", "WARNING", "no value for 'r-2'"),
    ]
    top = health.top_warnings(pd.DataFrame(rows))
    assert list(top.columns) == ["status", "category", "processorName", "count", "example"]
    assert top[["status", "category", "processorName", "count"]].values.tolist() == [
        ["ERROR", "GRAPHQL_ERROR", "Rels", 1],
        ["WARNING", "NO_VALUE_FOUND", "Apps", 3],
        ["WARNING", "INVALID_VALUE", "Apps", 2],
        ["WARNING", "NO_VALUE_FOUND", "Rels", 1],
    ]
    assert top.loc[1, "example"] == "no value for 'a-1'"
    assert len(health.top_warnings(pd.DataFrame(rows), n=2)) == 2
    empty = health.top_warnings(pd.DataFrame(columns=["processorName", "category", "status", "message"]))
    assert empty.empty and list(empty.columns) == list(top.columns)
