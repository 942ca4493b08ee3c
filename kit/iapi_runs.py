"""Integration API runs against a workspace: test runs by default, real runs only when asked.

``ws.run(config, ldif)`` validates both, predicts the outcome offline (the same engine as ``kit.preview``,
reading the live workspace), starts a **test** run, polls its status with backoff until it ends, and returns
the reported stats and warnings next to the prediction. A real run needs ``test=False``; if the
configuration's deletion scope would delete anything, the run is refused until ``confirm_deletions`` names
the predicted number — so the deletions are always seen before they happen.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.client import LeanIXError
from kit.errors import LxkitError

if TYPE_CHECKING:
    from kit.runs import RunStats
    from kit.workspace import Workspace

__all__ = ["DeletionsNotConfirmed", "RunResult", "RunTimeout", "run_integration"]

log = logging.getLogger("kit.runs")
IAPI = "/services/integration-api/v1"
TERMINAL = ("FINISHED", "FAILED", "STOPPED")


class DeletionsNotConfirmed(LxkitError):
    """A real run would delete or archive something and the caller has not confirmed the predicted number."""


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


def _compare(
    preview: Any, ldif: dict, progress: dict, stats: RunStats, warnings: pd.DataFrame
) -> pd.DataFrame:
    rows = [("processed content items", _content_count(ldif), progress.get("processedContentCount"))]
    if preview is not None:
        predicted = preview.warnings
        rows.append(("warnings", len(predicted), len(warnings)))
        names = Counter(predicted["processorName"]) if len(predicted) else Counter()
        reported = Counter(warnings["processorName"]) if len(warnings) else Counter()
        for name in sorted(set(names) | set(reported)):
            rows.append((f"warnings of {name!r}", names.get(name, 0), reported.get(name, 0)))
        deletions = preview.deletions
        predicted_deleted = 0 if deletions is None or deletions.cancelled else len(deletions.frame())
        rows.append(("deleted objects", predicted_deleted, len(stats.deleted_objects)))
    frame = pd.DataFrame(rows, columns=["measure", "predicted", "reported"])
    frame["match"] = frame["predicted"] == frame["reported"]
    return frame


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
    from kit.integration.inputs import load_config, load_ldif

    config_data, ldif_data = load_config(config).data, load_ldif(ldif).data
    prediction = None
    if predict or not test:
        from kit.integration.preview import preview
        from kit.integration.views import LiveView

        prediction = preview(config_data, ldif_data, workspace=LiveView(ws))
        _check_deletions(prediction, test, confirm_deletions)
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


def _check_deletions(prediction: Any, test: bool, confirm: int | None) -> None:
    deletions = prediction.deletions
    if deletions is None:
        return
    for line in deletions.summary():
        log.warning("predicted deletions: %s", line)
    count = 0 if deletions.cancelled else len(deletions.frame())
    if test or count == 0 or confirm == count:
        return
    lines = "\n  ".join(deletions.summary())
    raise DeletionsNotConfirmed(
        f"This real run would delete or archive {count} object(s):\n  {lines}\n"
        f"Check them (preview.deletions.frame()), then run again with confirm_deletions={count}; "
        "or narrow the deletion scope (e.g. a test tag such as TEST_PRJ)."
    )


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
