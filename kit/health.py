"""Run health of Integration API synchronizations: daily status counts, per-connector health, alerts.

Pure pandas over :meth:`kit.Workspace.synclog` (no HTTP). The report window is made of whole UTC calendar
days: ``days`` days ending with the day of ``now`` (today by default), so a daily chart has exactly
``days`` bars and every synchronization of the window falls in one of them.

>>> synclog = ws.synclog()                                   # doctest: +SKIP
>>> health = connector_health(synclog, days=14)              # doctest: +SKIP
>>> alerts(health, max_failure_rate=0.1)                     # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import pandas as pd

from kit.frame import as_frame

__all__ = [
    "STATUSES",
    "HEALTH_COLUMNS",
    "in_window",
    "daily_status",
    "connector_health",
    "alerts",
    "alert_records",
    "workspace_url",
    "latest_failed",
    "top_warnings",
]

STATUSES = ("OK", "INFO", "WARNING", "ERROR")
HEALTH_COLUMNS = (
    "runs",
    "errors",
    "warnings",
    "failure_rate",
    "median_duration",
    "last_run",
    "last_status",
    "consecutive_failures",
    "synchronization_id",
)
_NEEDED = ("name", "runId", "status", "createdAt", "duration")
_WARNING_KEYS = ("status", "category", "processorName")
_STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES), ordered=True)

Moment = pd.Timestamp | datetime | str | None


def _prepare(synclog: pd.DataFrame) -> pd.DataFrame:
    """The columns health needs, with canonical dtypes (hand-built frames may hold plain strings)."""
    missing = [c for c in _NEEDED if c not in synclog.columns]
    if missing and len(synclog):
        raise ValueError(f"synclog lacks the columns {missing}; expected a frame from Workspace.synclog()")
    frame = pd.DataFrame(
        {c: synclog[c] if c in synclog.columns else pd.Series([None] * len(synclog)) for c in _NEEDED},
        index=synclog.index,
    )
    # the sync log's own id of each synchronization (for links into the sync log); optional in hand-made frames
    frame["id"] = synclog["id"].astype(object) if "id" in synclog.columns else None
    frame["status"] = frame["status"].astype(object).astype(_STATUS_DTYPE)
    frame["createdAt"] = pd.to_datetime(frame["createdAt"], utc=True)
    frame["duration"] = pd.to_timedelta(frame["duration"])
    return frame


def _day_bounds(days: int, now: Moment) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day of the window (UTC midnight) and the midnight after its last day."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    moment = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    end = moment.floor("D") + pd.Timedelta(days=1)
    return end - pd.Timedelta(days=days), end


def in_window(synclog: pd.DataFrame, days: int = 30, now: Moment = None) -> pd.DataFrame:
    """Rows of ``synclog`` created in the last ``days`` UTC days up to the day of ``now`` (today if None).

    A naive ``now`` is taken as UTC. Keeps all columns and the order of ``synclog``.
    """
    start, end = _day_bounds(days, now)
    created = _prepare(synclog)["createdAt"]
    return as_frame(synclog[((created >= start) & (created < end)).to_numpy(dtype=bool)])


def daily_status(synclog: pd.DataFrame, days: int = 30, now: Moment = None) -> pd.DataFrame:
    """Synchronizations per UTC day and status: one row per day of the window (zeros on quiet days).

    The index is named ``day`` (UTC midnights, oldest first); the columns are OK, INFO, WARNING and
    ERROR as int counts. Rows without a status are not counted.
    """
    start, _ = _day_bounds(days, now)
    frame = _prepare(in_window(synclog, days, now))
    index = pd.date_range(start, periods=days, freq="D", name="day")
    day = frame["createdAt"].dt.floor("D")
    counts = frame.groupby([day, frame["status"]], observed=False).size()
    table = counts.unstack("status", fill_value=0) if len(counts) else pd.DataFrame()
    table = table.reindex(index=index, columns=list(STATUSES), fill_value=0).fillna(0).astype("int64")
    table.index.name = "day"
    table.columns.name = "status"
    return as_frame(table)


def _empty_health() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "runs": pd.Series(dtype="int64"),
            "errors": pd.Series(dtype="int64"),
            "warnings": pd.Series(dtype="int64"),
            "failure_rate": pd.Series(dtype="float64"),
            "median_duration": pd.Series(dtype="timedelta64[us]"),
            "last_run": pd.Series(dtype="datetime64[us, UTC]"),
            "last_status": pd.Series(dtype=_STATUS_DTYPE),
            "consecutive_failures": pd.Series(dtype="int64"),
            "synchronization_id": pd.Series(dtype=object),
        }
    )
    frame.index = pd.Index([], dtype=object, name="name")
    return frame


def connector_health(synclog: pd.DataFrame, days: int = 30, now: Moment = None) -> pd.DataFrame:
    """One row per connector (index ``name``) over the window, worst first.

    Columns: runs, errors and warnings (synchronizations with that status), failure_rate (errors / runs),
    median_duration, last_run (newest ``createdAt``), last_status and consecutive_failures (how many of
    the newest runs in a row ended in ERROR), synchronization_id (the sync log id of its newest ERROR run, None
    when none failed or the sync log has no ``id`` column). Worst first means: most consecutive failures, then highest
    failure rate, then most errors, then by name. Rows without a connector name are skipped.
    """
    frame = _prepare(in_window(synclog, days, now))
    frame = frame[frame["name"].notna().to_numpy(dtype=bool)]
    if frame.empty:
        return _with_moments(_empty_health())
    newest_first = frame.sort_values("createdAt", ascending=False, kind="mergesort")
    newest_first = newest_first.assign(name=newest_first["name"].astype(object))
    by_name = newest_first.groupby("name", sort=True)
    is_error = (newest_first["status"] == "ERROR").astype("int64")
    is_warning = (newest_first["status"] == "WARNING").astype("int64")
    # A run belongs to the trailing failure streak while no newer run of its connector ended otherwise.
    broken = (1 - is_error).groupby(newest_first["name"]).cumsum()
    streak = (is_error * (broken == 0)).groupby(newest_first["name"]).sum()
    runs = by_name.size()
    errors = is_error.groupby(newest_first["name"]).sum()
    newest = newest_first.drop_duplicates("name").set_index("name").reindex(runs.index)
    failed = newest_first[(newest_first["status"] == "ERROR").to_numpy(dtype=bool)]
    failed = failed[failed["id"].notna().to_numpy(dtype=bool)]
    newest_failed = failed.drop_duplicates("name").set_index("name")["id"].reindex(runs.index)
    health = pd.DataFrame(
        {
            "runs": runs,
            "errors": errors,
            "warnings": is_warning.groupby(newest_first["name"]).sum(),
            "failure_rate": (errors / runs).astype("float64"),
            "median_duration": by_name["duration"].median(),
            "last_run": newest["createdAt"],
            "last_status": newest["status"],
            "consecutive_failures": streak,
            "synchronization_id": newest_failed.astype(object).where(newest_failed.notna(), None),
        },
        index=runs.index,
    )
    health.index.name = "name"
    health = health.sort_values(
        ["consecutive_failures", "failure_rate", "errors"], ascending=False, kind="mergesort"
    )
    # Ties stay in name order: the frame above is built from a name-sorted groupby.
    return _with_moments(
        health.astype({"runs": "int64", "errors": "int64", "warnings": "int64"})[list(HEALTH_COLUMNS)]
    )


def _with_moments(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a kit frame whose ``last_run`` tables show with its time (``kit.tables``)."""
    out = as_frame(frame)
    out.attrs["moments"] = ["last_run"]
    return out


def _percent(rate: float) -> str:
    return f"{rate:.0%}"


def alerts(
    health: pd.DataFrame, max_failure_rate: float = 0.2, max_consecutive_failures: int = 2
) -> pd.DataFrame:
    """Connectors of ``health`` (from :func:`connector_health`) that breach a threshold, worst first.

    A connector breaches when its failure_rate is above ``max_failure_rate`` or when its newest
    ``max_consecutive_failures`` (or more) runs all failed. The result has the columns of ``health`` plus
    ``reason``, a sentence per breach; it is empty, with the same columns, when nothing breaches.
    """
    columns = [*HEALTH_COLUMNS, "reason"]
    if health.empty:
        empty = _empty_health()
        empty["reason"] = pd.Series(dtype=object)
        return _with_moments(empty[columns])
    too_often = health["failure_rate"] > max_failure_rate
    in_a_row = health["consecutive_failures"] >= max_consecutive_failures
    breach = (too_often | in_a_row).to_numpy(dtype=bool)
    breaching = health[breach].copy()
    reasons = []
    rows = zip(too_often[breach], in_a_row[breach], breaching.iterrows(), strict=True)
    for failing_often, failing_in_a_row, (_, row) in rows:
        parts = []
        if failing_often:
            parts.append(
                f"failed {row['errors']} of {row['runs']} runs ({_percent(row['failure_rate'])}, "
                f"above {_percent(max_failure_rate)})"
            )
        if failing_in_a_row:
            parts.append(
                f"last {row['consecutive_failures']} runs failed in a row "
                f"(alert from {max_consecutive_failures})"
            )
        reasons.append("; ".join(parts))
    breaching["reason"] = pd.Series(reasons, index=breaching.index, dtype=object)
    return _with_moments(breaching[columns])


def _plain_int(value: object) -> int | None:
    return None if pd.isna(value) else int(value)  # type: ignore[call-overload]


def workspace_url(ws: Any) -> str | None:
    """``https://HOST/WORKSPACE`` of a :class:`kit.Workspace` (``ws.host`` and ``ws.name``): the base of the
    LeanIX UI's deep links, such as a sync log run at ``<workspace_url>/admin/synclog/<id>`` (reference §7.2).
    The name is URL-quoted (the demo's is "Demo Corp"); None when the workspace has no name or host."""
    host, name = getattr(ws, "host", None), getattr(ws, "name", None)
    if not host or not name:
        return None
    return f"{str(host).rstrip('/')}/{quote(str(name), safe='')}"


def alert_records(found: pd.DataFrame, workspace_url: str | None = None) -> list[dict[str, Any]]:
    """The rows of :func:`alerts` as alert objects for ``alerts.json`` (docs/schedules.md §4), worst first.

    One dict per connector, of plain Python types (JSON as it is): ``kind`` ("connector"), ``name``,
    ``message`` (the connector's name and its reason), ``runs``, ``errors``, ``failure_rate``,
    ``consecutive_failures``, ``last_status``, ``last_run`` (an ISO 8601 string in UTC),
    ``synchronization_id`` (the sync log id of the connector's newest failed run, or None) and ``links``
    (docs/alerts.md §4): ``[{"title": "sync log", "url": "<workspace_url>/admin/synclog/<id>"}]`` when
    ``workspace_url`` (see :func:`workspace_url`) and the id are known, else ``[]``. Write them with
    :func:`kit.alerts.write_alerts`.
    """
    records: list[dict[str, Any]] = []
    base = workspace_url.rstrip("/") if workspace_url else None
    for name, row in found.iterrows():
        rate, last_run, last_status = row["failure_rate"], row["last_run"], row["last_status"]
        sync_id = row.get("synchronization_id")
        sync_id = None if sync_id is None or pd.isna(sync_id) else str(sync_id)
        links = (
            [{"title": "sync log", "url": f"{base}/admin/synclog/{quote(sync_id, safe='')}"}]
            if base and sync_id
            else []
        )
        records.append(
            {
                "kind": "connector",
                "name": str(name),
                "message": f"{name} {row['reason']}",
                "runs": _plain_int(row["runs"]),
                "errors": _plain_int(row["errors"]),
                "failure_rate": None if pd.isna(rate) else float(rate),
                "consecutive_failures": _plain_int(row["consecutive_failures"]),
                "last_status": None if pd.isna(last_status) else str(last_status),
                "last_run": None if pd.isna(last_run) else pd.Timestamp(last_run).isoformat(),
                "synchronization_id": sync_id,
                "links": links,
            }
        )
    return records


def latest_failed(synclog: pd.DataFrame) -> str | None:
    """The runId of the newest ERROR synchronization that has a runId, or None when there is none."""
    frame = _prepare(synclog)
    run_ids = frame["runId"].astype(object)
    has_run = run_ids.notna() & (run_ids.astype(str).str.strip() != "")
    failed = frame[((frame["status"] == "ERROR") & has_run).to_numpy(dtype=bool)]
    if failed.empty:
        return None
    newest = failed.sort_values("createdAt", ascending=False, kind="mergesort", na_position="last")
    return str(newest["runId"].iloc[0])


def top_warnings(warnings: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` most frequent kinds of warning of a run (from ``Workspace.run_warnings``), errors first.

    A kind is a (status, category, processorName); messages name single records, so each kind keeps its
    first message as ``example``. Columns: status, category, processorName, count, example.
    """
    columns = [*_WARNING_KEYS, "count", "example"]
    if warnings.empty:
        return as_frame(
            pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else object) for c in columns})
        )
    keys = pd.DataFrame({k: warnings[k].astype(object).fillna("") for k in _WARNING_KEYS})
    keys["example"] = warnings["message"].astype(object)
    kinds = keys.groupby(list(_WARNING_KEYS), sort=True).agg(
        count=("example", "size"), example=("example", "first")
    )
    kinds = kinds.reset_index()
    kinds["_errors_first"] = (kinds["status"] != "ERROR").astype("int64")
    kinds = kinds.sort_values(["_errors_first", "count"], ascending=[True, False], kind="mergesort")
    return as_frame(kinds[columns].head(n).reset_index(drop=True))
