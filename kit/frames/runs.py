"""Integration API run statistics and the sync log as DataFrames (mixed into :class:`kit.Workspace`)."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from kit import formatting as fmt
from kit.client import LeanIXClient
from kit.frame import Frame
from kit.frames.columns import Column, build_frame, key, path
from kit.tables import table

__all__ = ["RunStats", "RunsMixin", "RUN_STATUSES"]

IAPI = "/services/integration-api/v1"
SYNCLOG = "/services/synclog/v1"
RUN_STATUSES = ("CREATED", "SEQUENTIALIZED", "PENDING", "IN_PROGRESS", "FINISHED", "STOPPED", "FAILED")
SYNC_STATUSES = ("OK", "INFO", "WARNING", "ERROR")
SYNC_PROGRESS = ("PENDING", "RUNNING", "ABORTION_PENDING", "ABORTED", "FINISHED")

STATUS_COLUMNS = (
    Column("id", key("id")),
    Column("status", key("status"), "category", RUN_STATUSES),
    Column("description", key("description")),
)
PROGRESS_COLUMNS = (
    Column("id", key("id")),
    Column("status", key("status"), "category", RUN_STATUSES),
    Column("processedContentCount", key("processedContentCount"), "Int64"),
    Column("errorCount", key("errorCount"), "Int64"),
    Column("graphQLRequestCount", key("graphQLRequestCount"), "Int64"),
    Column("runLevelIndex", key("runLevelIndex"), "Int64"),
    Column("itemsInScopeCount", key("itemsInScopeCount"), "Int64"),
)
STATUS_CHANGE_COLUMNS = (
    Column("status", key("status"), "category", RUN_STATUSES),
    Column("timestamp", key("timestamp"), "datetime"),
)
PROCESSOR_COLUMNS = (
    Column("processorIndex", key("processorIndex"), "Int64"),
    Column("processorName", key("processorName")),
    Column("processingTotalDuration", key("processingTotalDuration"), "timedelta"),
    Column("processingNetworkDuration", key("processingNetworkDuration"), "timedelta"),
    Column("processedContentCount", key("processedContentCount"), "Int64"),
    Column("graphQLRequestCount", key("graphQLRequestCount"), "Int64"),
    Column("errorCount", key("errorCount"), "Int64"),
)
RUN_LEVEL_COLUMNS = (
    Column("singleRunIndex", key("singleRunIndex"), "Int64"),
    Column("totalTime", key("totalTime"), "timedelta"),
    Column("prefetchTime", key("prefetchTime"), "timedelta"),
    Column("processTime", key("processTime"), "timedelta"),
    Column("processedContentCount", key("processedContentCount"), "Int64"),
    Column("errorCount", key("errorCount"), "Int64"),
)
WARNING_COLUMNS = (
    Column("processorName", path("processor", "name")),
    Column("processorIndex", path("processor", "index"), "Int64"),
    Column("content", key("content")),
    Column("message", key("message")),
    Column("detail", key("detail")),
    Column("category", key("category"), "category"),
    Column("status", key("status"), "category", ("WARNING", "ERROR")),
)
SYNC_COLUMNS = (
    Column("id", key("id")),
    Column("type", key("type"), "category"),
    Column("name", key("name")),
    Column("runId", key("runId")),
    Column("trigger", key("trigger"), "category"),
    Column("progress", key("progress"), "category", SYNC_PROGRESS),
    Column("status", key("status"), "category", SYNC_STATUSES, True),
    Column("createdAt", key("createdAt"), "datetime"),
    Column("startedAt", key("startedAt"), "datetime"),
    Column("finishedAt", key("finishedAt"), "datetime"),
    Column("processedCount", key("processedCount"), "Int64"),
    Column("updateCount", key("updateCount"), "Int64"),
    Column("warningCount", key("warningCount"), "Int64"),
    Column("errorCount", key("errorCount"), "Int64"),
)
SYNC_ITEM_COLUMNS = (
    Column("id", key("id")),
    Column("synchronizationId", key("synchronizationId")),
    Column("createdAt", key("createdAt"), "datetime"),
    Column("status", key("status"), "category", SYNC_STATUSES, True),
    Column("action", key("action"), "category", ("CREATE", "UPDATE", "DELETE", "NONE")),
    Column("sourceType", path("source", "type")),
    Column("sourceId", path("source", "id")),
    Column("targetType", path("target", "type")),
    Column("targetId", path("target", "id")),
    Column("message", key("message")),
)


@dataclass(frozen=True)
class RunStats:
    """``GET /synchronizationRuns/{id}/stats`` as frames; durations are Timedeltas."""

    run_id: str
    status_changes: pd.DataFrame
    processors: pd.DataFrame
    run_levels: pd.DataFrame
    deleted_objects: pd.DataFrame
    total_blocking_time: pd.Timedelta | None

    @property
    def duration(self) -> pd.Timedelta | None:
        """From the first status change to the last (creation to the end state)."""
        times = self.status_changes["timestamp"]
        return (times.max() - times.min()) if len(times) else None

    @property
    def final_status(self) -> str | None:
        return str(self.status_changes["status"].iloc[-1]) if len(self.status_changes) else None

    def _repr_html_(self) -> str:
        """A heading sentence (status, how long, blocking time) and the processor and run-level tables,
        formatted for people (:mod:`kit.tables`)."""
        status = fmt.value_label(self.final_status) if self.final_status else "no status yet"
        head = f"Run {self.run_id}: {status}, took {fmt.duration(self.duration)}"
        if self.total_blocking_time is not None:
            head += f", blocking time {fmt.duration(self.total_blocking_time)}"
        parts = [f"<p><b>{html.escape(head)}</b></p>"]
        for frame, caption, empty in (
            (self.processors, "Processors", "No processor statistics."),
            (self.run_levels, "Run levels", "No run-level statistics."),
            (self.deleted_objects, "Deleted fact sheets", "Nothing deleted."),
        ):
            parts.append(table(frame, caption=caption, empty=empty).to_html())
        return "\n".join(parts)


class RunsMixin:
    """Integration API runs and the sync log; needs ``self.client``."""

    client: LeanIXClient

    def runs(self) -> pd.DataFrame:
        """All runs the workspace keeps: id, status, description (``GET /synchronizationRuns``)."""
        return build_frame(self.client.get(f"{IAPI}/synchronizationRuns") or [], STATUS_COLUMNS)

    def run_status(self, run_id: str) -> pd.DataFrame:
        """One row: id, status, description."""
        return build_frame([self.client.get(f"{IAPI}/synchronizationRuns/{run_id}/status")], STATUS_COLUMNS)

    def run_progress(self, run_id: str) -> pd.DataFrame:
        """One row: processed content, errors, GraphQL requests, run level, items in scope."""
        answer = self.client.get(f"{IAPI}/synchronizationRuns/{run_id}/progress") or {}
        return build_frame([{"id": run_id, **answer}], PROGRESS_COLUMNS)

    def run_stats(self, run_id: str) -> RunStats:
        """Status changes, processor and run-level statistics with ISO-8601 durations parsed."""
        stats = self.client.get(f"{IAPI}/synchronizationRuns/{run_id}/stats") or {}
        blocking = stats.get("totalBlockingTime")
        return RunStats(
            run_id=run_id,
            status_changes=build_frame(stats.get("statusChanges") or [], STATUS_CHANGE_COLUMNS),
            processors=build_frame(stats.get("processorStatistics") or [], PROCESSOR_COLUMNS),
            run_levels=build_frame(stats.get("singleRunLevelStatistics") or [], RUN_LEVEL_COLUMNS),
            deleted_objects=Frame(stats.get("deletedObjects") or [], dtype=object),
            total_blocking_time=pd.Timedelta(blocking) if blocking else None,
        )

    def run_warnings(self, run_id: str, limit: int | None = None) -> pd.DataFrame:
        """All warnings of a run (paged 100 at a time, as the API requires); ``limit`` caps the count."""
        found: list[dict] = []
        offset = 0
        while limit is None or len(found) < limit:
            page = (
                self.client.get(
                    f"{IAPI}/synchronizationRuns/{run_id}/warnings", params={"offset": offset, "limit": 100}
                )
                or []
            )
            found.extend(page)
            if len(page) < 100:
                break
            offset += 100
        return build_frame(found[:limit] if limit is not None else found, WARNING_COLUMNS)

    def synclog(self, limit: int | None = None, page_size: int = 100) -> pd.DataFrame:
        """Synchronizations of the sync log, newest first, with a ``duration`` column."""
        rows = self._synclog_pages(f"{SYNCLOG}/synchronizations", {}, limit, page_size)
        frame = build_frame(rows, SYNC_COLUMNS)
        frame["duration"] = frame["finishedAt"] - frame["startedAt"]
        return frame

    def synclog_items(
        self,
        synchronization_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        page_size: int = 100,
    ) -> pd.DataFrame:
        """Sync items (log lines), of one synchronization or of all; optionally only one ``status``."""
        where = f"/synchronizations/{synchronization_id}/syncItems" if synchronization_id else "/syncItems"
        params = {"status": status} if status else {}
        return build_frame(self._synclog_pages(SYNCLOG + where, params, limit, page_size), SYNC_ITEM_COLUMNS)

    def _synclog_pages(self, path_: str, params: dict, limit: int | None, size: int) -> list[dict]:
        rows: list[dict] = []
        page = 1
        while limit is None or len(rows) < limit:
            answer = self.client.get(
                path_, params={**params, "page": page, "size": size, "sort": "createdAt-desc"}
            )
            data = (answer or {}).get("data") or []
            rows.extend(data)
            if len(data) < size:
                break
            page += 1
        return rows[:limit] if limit is not None else rows
