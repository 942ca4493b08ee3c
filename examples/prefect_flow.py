"""Prefect 3: the weekly Integration API health report as a flow with a retried task.

Serve it where lxkit is installed (with the workspace's settings in the environment or a ``.env`` file: see
README.md): ``python prefect_flow.py`` starts ``lxkit_weekly_health.serve`` with its cron schedule, or deploy
it to a work pool as usual. Prefect owns the schedule, the retries and the history; lxkit runs the notebook
and keeps the report folder.

* The notebook raised: ``ReportFailed`` fails the task and Prefect retries it (after 1 minute, then 5).
* It ran through with alerts: the flow returns them (status, exit code, paths and alerts); with
  ``fail_on_alert`` the flow fails with ``ReportAlerted`` instead. That check runs in the flow, which has no
  retries, so alerts are not re-run into the same alerts.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from kit.reports import RunRecord, run_report
from kit.reports.outcome import outcome

OUT = "/srv/lxkit/reports"  # where run folders go: a folder every worker can write to
WORKSPACE = "default"  # the configured workspace (refuses to run when none is); or a profile name, "sandbox"


@task(retries=2, retry_delay_seconds=[60, 300])
def lxkit_report(
    notebook: str, parameters: dict[str, Any], out: str = OUT, workspace: str = WORKSPACE
) -> RunRecord:
    """Run one lxkit notebook; a cell that raised (``ReportFailed``) fails the task, and it is retried."""
    return run_report(notebook, parameters, out=out, workspace=workspace)


@flow(name="lxkit-weekly-health")
def lxkit_weekly_health(
    days: int = 7, fail_on_alert: bool = False, out: str = OUT, workspace: str = WORKSPACE
) -> dict[str, Any]:
    """Integration API run health of the last ``days`` days; returns the run's outcome."""
    record = lxkit_report("run_health", {"days": days}, out=out, workspace=workspace)
    return outcome(record, fail_on_alert=fail_on_alert)  # ReportAlerted when asked to fail on alerts


if __name__ == "__main__":
    lxkit_weekly_health.serve(name="lxkit-weekly-health", cron="0 6 * * 1")
