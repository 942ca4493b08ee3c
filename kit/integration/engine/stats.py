"""Run statistics in the shape of iAPI's ``GET /synchronizationRuns/{id}/stats``.

``processorStatistics[{processorIndex, processorName, processedContentCount, graphQLRequestCount,
errorCount, processingTotalDuration}]``, ``singleRunLevelStatistics[{singleRunIndex, processedContentCount,
errorCount, totalTime}]`` and ``deletedObjects``. Durations are measured locally (this evaluator, not
LeanIX) and written as ISO-8601 (``PT0.067352728S``).

Counting rules:

* ``processedContentCount`` (processor): content items whose filter matched (once per item, whatever its
  ``forEach`` or search matches); (level): items that matched at least one processor of the level.
* ``errorCount``: Warning records with status ERROR (suppressed ones with ``logLevel: off`` not counted).
* The document keeps iAPI's keys only; :class:`ProcessorStats` also counts ``warnings`` (records with status
  WARNING or ERROR) and ``infos`` (INFO records: ``optional`` processors' expected misses) apart, which the
  preview's ``stats_processors`` frame shows as ``warningCount`` / ``infoCount``.
* ``graphQLRequestCount`` is an **estimate** of the Pathfinder requests iAPI would make: one request per
  identifier lookup (internal/external ids, each search scope once per run level), plus one mutation per
  processor execution that changes a fact sheet's fields or status (iAPI batches a fact sheet's patches),
  plus one per relation, tag assignment, tag or tag group creation, subscription, document, impact and
  to-do write. Metrics points go to the Metrics API and variables/writeToLdif stay inside iAPI: zero.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ProcessorStats", "iso_duration", "stats_document"]


def iso_duration(seconds: float) -> str:
    """``PT1.5S``-style ISO-8601 duration with nanosecond digits, as iAPI writes them."""
    text = f"{max(seconds, 0.0):.9f}".rstrip("0").rstrip(".")
    return f"PT{text or '0'}S"


class ProcessorStats:
    """Mutable counters of one processor during a run."""

    __slots__ = ("duration", "errors", "executions", "infos", "processed", "requests", "warnings")

    def __init__(self) -> None:
        self.processed = 0
        self.executions = 0
        self.requests = 0
        self.errors = 0
        self.duration = 0.0
        #: Warning records of status WARNING or ERROR, and of status INFO
        self.warnings = 0
        self.infos = 0


def stats_document(
    processors: list[Any],
    levels: list[dict[str, Any]],
    errors_by_processor: dict[int, int],
    deleted: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The stats dict: ``processors`` have ``index``, ``name``, ``stats``; ``levels`` are finished rows."""
    return {
        "processorStatistics": [
            {
                "processorIndex": p.index,
                "processorName": p.name,
                "processingTotalDuration": iso_duration(p.stats.duration),
                "processedContentCount": p.stats.processed,
                "graphQLRequestCount": p.stats.requests,
                "errorCount": errors_by_processor.get(p.index, 0),
            }
            for p in processors
        ],
        "singleRunLevelStatistics": levels,
        "deletedObjects": list(deleted or []),
    }
