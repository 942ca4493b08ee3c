"""Airflow: the weekly Integration API health report as a DAG (Airflow 2.4+ and 3.x, TaskFlow API).

Copy this file into the DAGs folder of an Airflow installation where lxkit is installed (the workers need it,
with the workspace's settings in their environment or a ``.env`` file: see README.md). Airflow owns the
schedule, the retries and the history; lxkit runs the notebook and keeps the report folder.

* The notebook raised: ``ReportFailed`` fails the task and Airflow retries it (twice, 5 minutes apart).
* It ran through with alerts: the task succeeds and returns them (the XCom ``return_value``:
  status, exit code, paths and alerts); with ``FAIL_ON_ALERT`` it fails at once instead, without retries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.decorators import dag, task
from airflow.exceptions import AirflowFailException

from kit.reports import run_report
from kit.reports.outcome import ReportAlerted, outcome

OUT = "/srv/lxkit/reports"  # where run folders go: a folder every worker can write to
WORKSPACE = "default"  # the configured workspace (refuses to run when none is); or a profile name, "sandbox"
FAIL_ON_ALERT = False  # True: a run with alerts fails the task (and the DAG run)


@task(retries=2, retry_delay=timedelta(minutes=5))
def lxkit_report(
    notebook: str,
    parameters: dict[str, Any],
    out: str = OUT,
    workspace: str = WORKSPACE,
    fail_on_alert: bool = FAIL_ON_ALERT,
) -> dict[str, Any]:
    """Run one lxkit notebook; return its outcome (paths, status, exit code, alerts) as the XCom value."""
    record = run_report(notebook, parameters, out=out, workspace=workspace)  # ReportFailed: retried
    try:
        return outcome(record, fail_on_alert=fail_on_alert)
    except ReportAlerted as exc:  # the same data would raise the same alerts: fail without retrying
        raise AirflowFailException(str(exc)) from exc


@dag(
    schedule="0 6 * * 1",  # Mondays 06:00 in the DAG's time zone
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,  # a missed week is not run late
    tags=["lxkit"],
)
def lxkit_weekly_health() -> None:
    """Integration API run health of the last 7 days."""
    lxkit_report("run_health", {"days": 7})


lxkit_weekly_health()
