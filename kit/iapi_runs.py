"""Integration API runs against a workspace: test runs by default, real runs only when asked.

``ws.run(config, ldif)`` validates both, predicts the outcome offline (the same engine as ``kit.preview``,
reading the live workspace), starts a **test** run, polls its status with backoff until it ends, and returns
the reported stats and warnings next to the prediction. A real run needs ``test=False``; if it would archive
or delete anything — processors in ``mode: delete``, constraining relations, single-select tag groups, or
the deletion scopes of a FULL-mode run (:mod:`kit.integration.removals` counts them all) — the run is
refused until ``confirm_deletions`` names the predicted total, so removals are always seen before they
happen. Test runs are never refused.
"""

from __future__ import annotations

import logging
import numbers
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.client import LeanIXError
from kit.errors import LxkitError
from kit.frame import as_frame
from kit.integration.inputs import load_config, load_ldif
from kit.previews.preview import preview
from kit.sources import LiveView

if TYPE_CHECKING:
    from kit.frames.reader import WorkspaceReader as Workspace
    from kit.frames.runs import RunStats
    from kit.integration.removals import Removals

__all__ = ["DeletionsNotConfirmed", "RunResult", "RunTimeout", "require_confirmation", "run_integration"]

log = logging.getLogger("kit.frames.runs")
IAPI = "/services/integration-api/v1"
TERMINAL = ("FINISHED", "FAILED", "STOPPED")


class DeletionsNotConfirmed(LxkitError):
    """A real run would delete or archive something and the caller has not confirmed the predicted number;
    ``removals`` holds the prediction (counts per kind, one row per item)."""

    def __init__(self, message: str, removals: Removals | None = None) -> None:
        super().__init__(message)
        self.removals = removals


class RunTimeout(LeanIXError):
    """The run did not end within the timeout; it keeps running in the workspace."""


@dataclass(frozen=True)
class RunResult:
    """A finished run: what LeanIX reported, next to what the preview predicted."""

    run_id: str
    status: str
    test: bool
    stats: RunStats
    warnings: pd.DataFrame
    preview: Any
    comparison: pd.DataFrame
    results: dict | None

    @property
    def ok(self) -> bool:
        return self.status == "FINISHED"

    def _repr_html_(self) -> str:
        kind = "Test run" if self.test else "Run"
        head = f"<p><b>{kind} {self.run_id}</b>: {self.status}, {len(self.warnings)} warning(s)</p>"
        return head + self.comparison.to_html(index=False)


def _content_count(ldif: dict) -> int:
    return len(ldif.get("content") or [])


def _by_processor(frame: pd.DataFrame, index: str, name: str) -> Counter:
    """Rows per (processor index, processor name); index -1 / name "" for run-level rows."""
    if not len(frame):
        return Counter()
    indexes = [-1 if pd.isna(i) else int(i) for i in frame[index]]
    names = ["" if n is None or (isinstance(n, float) and pd.isna(n)) else str(n) for n in frame[name]]
    return Counter(zip(indexes, names, strict=True))


def _compare(
    preview: Any, ldif: dict, progress: dict, stats: RunStats, warnings: pd.DataFrame
) -> pd.DataFrame:
    """Predicted next to reported: content items (in all and per processor), warnings (in all and per
    processor, by index and name as processor names need not be unique), deleted objects. Fact sheet creates
    and updates are not compared: LeanIX's run stats do not report them (reference §4.2)."""
    rows: list[tuple[str, Any, Any]] = [
        ("processed content items", _content_count(ldif), progress.get("processedContentCount"))
    ]
    if preview is not None:
        predicted_stats = {p["processorIndex"]: p for p in preview.stats.get("processorStatistics") or ()}
        reported_stats = {
            int(i): int(n) if not pd.isna(n) else None
            for i, n in zip(
                stats.processors["processorIndex"], stats.processors["processedContentCount"], strict=True
            )
            if not pd.isna(i)
        }
        for index in sorted(set(predicted_stats) | set(reported_stats)):
            name = (predicted_stats.get(index) or {}).get("processorName")
            rows.append(
                (
                    f"content items of processor {index} {name!r}",
                    (predicted_stats.get(index) or {}).get("processedContentCount"),
                    reported_stats.get(index),
                )
            )
        predicted = preview.warnings
        rows.append(("warnings", len(predicted), len(warnings)))
        names = _by_processor(predicted, "processor_index", "processor")
        reported = _by_processor(warnings, "processorIndex", "processorName")
        for index, name in sorted(set(names) | set(reported)):
            rows.append(
                (
                    f"warnings of processor {index} {name!r}",
                    names.get((index, name), 0),
                    reported.get((index, name), 0),
                )
            )
        rows.append(
            ("deleted objects", len(preview.stats.get("deletedObjects") or ()), len(stats.deleted_objects))
        )
    frame = pd.DataFrame(rows, columns=["measure", "predicted", "reported"], dtype=object)
    frame["match"] = [p == r for p, r in zip(frame["predicted"], frame["reported"], strict=True)]
    return as_frame(frame)


def run_integration(
    ws: Workspace,
    config: Any,
    ldif: Any,
    *,
    test: bool = True,
    confirm_deletions: int | None = None,
    predict: bool = True,
    timeout: float = 3600.0,
    poll: tuple[float, float] = (0.25, 10.0),
) -> RunResult:
    """Run ``ldif`` through ``config`` in the workspace; see :meth:`kit.Workspace.run`."""
    config_data, ldif_data = load_config(config).data, load_ldif(ldif).data
    prediction = None
    if predict or not test:
        prediction = preview(config_data, ldif_data, workspace=LiveView(ws))
        require_confirmation(prediction, test=test, confirm_deletions=confirm_deletions)
    if test:
        answer = ws.client.post(
            f"{IAPI}/synchronizationRuns/withConfig",
            {"input": ldif_data, "processorConfiguration": config_data},
            params={"start": "true", "test": "true"},
        )
    else:
        ws.client.put(f"{IAPI}/configurations", config_data)
        answer = ws.client.post(f"{IAPI}/synchronizationRuns", ldif_data, params={"start": "true"})
    run_id = (answer[0] if isinstance(answer, list) else answer)["id"]
    log.info("%s run %s started", "test" if test else "REAL", run_id)
    status = _wait(ws, run_id, timeout, poll)
    stats = ws.run_stats(run_id)
    warnings = ws.run_warnings(run_id)
    progress = ws.client.get(f"{IAPI}/synchronizationRuns/{run_id}/progress") or {}
    results = ws.client.get(f"{IAPI}/synchronizationRuns/{run_id}/results")
    comparison = _compare(prediction, ldif_data, progress, stats, warnings)
    return RunResult(run_id, status, test, stats, warnings, prediction, comparison, results)


def require_confirmation(prediction: Any, *, test: bool, confirm_deletions: int | None) -> Removals:
    """The guard of :func:`run_integration`: a real run that would archive or delete anything needs
    ``confirm_deletions`` equal to the predicted total (``prediction.removals.total``); a test run is never
    refused. Returns the removals; raises :class:`DeletionsNotConfirmed` naming the count per kind."""
    removals = prediction.removals
    for line in prediction.deletions.summary() if prediction.deletions is not None else ():
        log.warning("predicted deletions: %s", line)
    if removals.total or removals.unknown:
        log.warning("predicted removals: %s", removals.line())
    if test:
        return removals
    total = removals.total
    whole = confirm_deletions is None or (
        isinstance(confirm_deletions, numbers.Integral) and not isinstance(confirm_deletions, bool)
    )
    if whole and (confirm_deletions == total or (confirm_deletions is None and total == 0)):
        return removals
    sources = "\n".join(f"  by {source}: {text}" for source, text in removals.by_source().items())
    head = (
        f"This real run would archive or delete {total:,} item(s): {removals.phrase()}."
        if total
        else "This real run would archive or delete nothing."
    )
    if not whole:
        head += f" confirm_deletions must be a whole number (the total), not {confirm_deletions!r}."
    elif confirm_deletions is not None:
        head += f" confirm_deletions={confirm_deletions} does not match that total."
    advice = (
        f"Check them (preview.removals.items), then run again with confirm_deletions={total}; "
        "or narrow the deletion scope (e.g. a test tag such as TEST_PRJ) or the processors in mode delete."
        if total
        else "Run again with confirm_deletions=0 or without it (the workspace may differ from what you saw)."
    )
    raise DeletionsNotConfirmed("\n".join(p for p in (head, sources, advice) if p), removals)


def _wait(ws: Workspace, run_id: str, timeout: float, poll: tuple[float, float]) -> str:
    delay, cap = poll
    deadline = time.monotonic() + timeout
    while True:
        status = (ws.client.get(f"{IAPI}/synchronizationRuns/{run_id}/status") or {}).get("status")
        if status in TERMINAL:
            return status
        if time.monotonic() >= deadline:
            raise RunTimeout(
                f"Run {run_id} is still {status} after {timeout:.0f} s; it keeps running in the workspace. "
                f"Follow it with ws.run_status({run_id!r}) or stop it in Administration → Integration API."
            )
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(cap, delay * 1.5)
