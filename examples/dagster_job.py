"""Dagster 1.x: the weekly Integration API health report as a job of one op, with a schedule.

Load it where lxkit is installed (with the workspace's settings in the environment or a ``.env`` file: see
README.md), e.g. ``dagster dev -f dagster_job.py``. Dagster owns the schedule, the retries and the history;
lxkit runs the notebook and keeps the report folder.

* The notebook raised: ``ReportFailed`` fails the op and the retry policy retries it.
* It ran through with alerts: the op succeeds and outputs them (status, exit code, paths and alerts); with
  ``fail_on_alert`` in the op's config it raises ``Failure`` instead, which skips the retries.
"""

# No ``from __future__ import annotations`` here: Dagster reads the op's ``config: ReportConfig`` annotation
# at decoration time and cannot resolve it from a string.
from typing import Any

from dagster import Backoff, Config, Definitions, Failure, RetryPolicy, ScheduleDefinition, job, op

from kit.reports import run_report
from kit.reports.outcome import ReportAlerted, outcome

OUT = "/srv/lxkit/reports"  # where run folders go: a folder every worker can write to
WORKSPACE = "default"  # the configured workspace (refuses to run when none is); or a profile name, "sandbox"
RETRY_POLICY = RetryPolicy(max_retries=2, delay=60, backoff=Backoff.EXPONENTIAL)


class ReportConfig(Config):
    """Which notebook to run, with which parameters, where; set per run in the launchpad or a schedule."""

    notebook: str = "run_health"
    parameters: dict[str, Any] = {"days": 7}  # noqa: RUF012 - Dagster's Config copies its defaults
    out: str = OUT
    workspace: str = WORKSPACE
    fail_on_alert: bool = False


@op(retry_policy=RETRY_POLICY)
def lxkit_report(config: ReportConfig) -> dict[str, Any]:
    """Run one lxkit notebook; output its outcome (paths, status, exit code, alerts)."""
    record = run_report(config.notebook, config.parameters, out=config.out, workspace=config.workspace)
    try:
        return outcome(record, fail_on_alert=config.fail_on_alert)
    except ReportAlerted as exc:  # the same data would raise the same alerts: fail without retrying
        raise Failure(description=str(exc), allow_retries=False) from exc


@job
def lxkit_weekly_health() -> None:
    """Integration API run health (the op's config says how many days)."""
    lxkit_report()


weekly = ScheduleDefinition(job=lxkit_weekly_health, cron_schedule="0 6 * * 1", execution_timezone="UTC")
defs = Definitions(jobs=[lxkit_weekly_health], schedules=[weekly])
