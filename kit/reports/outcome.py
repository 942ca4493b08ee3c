"""What an orchestrator task does with a report run: one rule, so Airflow, Prefect and Dagster tasks agree.

:func:`outcome` turns a :class:`~kit.reports.runner.RunRecord` into a small JSON-ready summary (status,
exit code, paths as strings, alerts) that a task returns (Airflow pushes it as its XCom return value), and
applies the exit code rule of ``lxkit report`` (docs/schedules.md §4):

* the notebook raised (exit code 1): :class:`~kit.reports.errors.ReportFailed`, so the orchestrator retries;
  :func:`~kit.reports.run_report` raises it itself, this covers a record obtained some other way;
* it ran through with alerts (exit code 2): the summary lists them; with ``fail_on_alert`` it raises
  :class:`ReportAlerted` instead, which a task should turn into a failure *without* retries (the notebook
  would find the same alerts again);
* otherwise (exit code 0): the summary.

The examples in ``examples/`` show it in each orchestrator.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kit.reports.errors import ReportAlerted, ReportFailed

if TYPE_CHECKING:
    from kit.reports.runner import RunRecord

__all__ = ["ReportAlerted", "outcome"]


def outcome(
    record: RunRecord, fail_on_alert: bool = False, *, alert_on: Collection[str] | None = None
) -> dict[str, Any]:
    """The summary of ``record`` for an orchestrator; raises as the module docstring says.

    Returns ``{"status", "exit_code", "paths": {"directory", "notebook", "html", "record"}, "alerts"}``:
    plain JSON values (paths as strings, ``html`` None when no HTML was written, ``alerts`` every alert of
    the record). ``alert_on`` limits the kinds of alert that count (None: every kind), as
    ``RunRecord.exit_code`` does.
    """
    code = record.exit_code(alert_on)
    if code == 1:
        raise ReportFailed(record)
    counted = [alert for alert in record.alerts if alert_on is None or alert.get("kind") in alert_on]
    if code == 2 and fail_on_alert:
        raise ReportAlerted(record, counted)
    return {
        "status": record.status,
        "exit_code": code,
        "paths": {
            "directory": str(record.directory),
            "notebook": str(record.notebook_path),
            "html": str(record.html_path) if record.html_path is not None else None,
            "record": str(record.directory / "run.json"),
        },
        "alerts": [dict(alert) for alert in record.alerts],
    }
