"""One schedule run with a stand-in runner: attempts and backoff, refusals, alerts, locks, state."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest

from kit.reports.errors import ReportError
from kit.reports.schedules.execute import backoff, run_schedule
from kit.reports.schedules.spec import load_schedules
from kit.reports.schedules.state import RunLock, acquire, read_state
from tests.reports.schedules.support import FakeRunner, recording_sleep, write_notebook, write_schedules

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def setup(quiet_env):
    write_notebook(quiet_env / "nb.ipynb", "print(x)")

    def make(extra: str = "", workspace: str = "sandbox"):
        path = write_schedules(
            quiet_env,
            f"""
            schedules:
              - name: weekly
                notebook: nb.ipynb
                cron: "0 6 * * 1"
                workspace: {workspace}
                parameters: {{x: 5}}
            {extra}
            """,
        )
        file = load_schedules(path)
        return file, file.schedules[0]

    return make


def run(file, schedule, runner, **kwargs):
    waits, sleep = recording_sleep()
    printed: list[str] = []
    outcome = run_schedule(
        file,
        schedule,
        now=NOW,
        runner=runner,
        sleep=sleep,
        echo=printed.append,
        warn=printed.append,
        **kwargs,
    )
    return outcome, waits, printed


def test_backoff_doubles_and_stops_at_an_hour():
    assert [backoff(60, k) for k in (1, 2, 3, 4, 5, 6, 7)] == [60, 120, 240, 480, 960, 1920, 3600]
    assert backoff(0, 5) == 0


def test_a_failing_attempt_is_retried_after_the_backoff_then_the_run_succeeds(setup, quiet_env):
    file, schedule = setup("    retries: {attempts: 3, backoff_seconds: 10}")
    runner = FakeRunner(["fail", "fail", "ok"])
    outcome, waits, printed = run(file, schedule, runner)
    assert (outcome.status, outcome.exit_code, outcome.attempts) == ("succeeded", 0, 3)
    assert waits == [10.0, 20.0]
    assert printed[0] == "weekly: workspace the embedded demo sandbox (profile 'sandbox')"
    assert "weekly: attempt 1 of 3 failed: report 'nb' failed at In [2]: ZeroDivisionError" in printed[1]
    assert printed[2] == "weekly: next attempt in 10 s"
    call = runner.calls[0]
    assert call["notebook"] == quiet_env / "nb.ipynb" and call["parameters"] == {"x": 5}
    assert call["out"] == quiet_env / "reports" / "weekly" and call["cwd"] == quiet_env
    assert call["workspace"] == "sandbox"
    folders = sorted((quiet_env / "reports" / "weekly" / "nb").iterdir())
    assert [json.loads((f / "schedule.json").read_text())["attempt"] for f in folders] == [1, 2, 3]
    assert [json.loads((f / "run.json").read_text())["status"] for f in folders] == [
        "failed",
        "failed",
        "succeeded",
    ]
    assert outcome.folder == folders[-1]
    state = read_state(quiet_env / ".lxkit")["weekly"]
    assert state["status"] == "succeeded" and state["attempts"] == 3 and state["exit_code"] == 0
    assert state["slot"] == "2026-12-07T06:00:00+00:00" and state["run_folder"] == str(folders[-1])
    assert (quiet_env / "reports" / "index.html").is_file()


def test_every_attempt_failing_records_a_failed_run(setup, quiet_env):
    file, schedule = setup("    retries: {attempts: 4, backoff_seconds: 1000}")
    outcome, waits, _ = run(file, schedule, FakeRunner(["fail"]))
    assert (outcome.status, outcome.exit_code, outcome.attempts) == ("failed", 1, 4)
    assert waits == [1000.0, 2000.0, 3600.0]  # no wait after the last attempt; at most an hour
    state = read_state(quiet_env / ".lxkit")["weekly"]
    assert (state["status"], state["exit_code"], state["attempts"]) == ("failed", 1, 4)
    assert "ZeroDivisionError: division by zero" in state["error"]


def test_a_refusal_before_the_kernel_is_not_retried(setup, quiet_env):
    file, schedule = setup("    retries: {attempts: 3, backoff_seconds: 10}")
    runner = FakeRunner([ReportError("cannot write reports to x: the folder is not writable")])
    outcome, waits, printed = run(file, schedule, runner)
    assert (outcome.status, outcome.exit_code, len(runner.calls), waits) == ("refused", 1, 1, [])
    assert printed[-1] == "weekly: cannot write reports to x: the folder is not writable"
    assert read_state(quiet_env / ".lxkit")["weekly"]["status"] == "refused"


@pytest.mark.parametrize(
    ("alert_on", "status", "code"),
    [
        ("", "alerts", 2),
        ("alert_on: [connector]", "alerts", 2),
        ("alert_on: [kpi]", "succeeded", 0),
        ("alert_on: []", "succeeded", 0),
    ],
)
def test_alerts_count_when_their_kind_is_in_alert_on(setup, alert_on, status, code):
    file, schedule = setup(f"    {alert_on}")
    outcome, _, _ = run(file, schedule, FakeRunner(["alerts"]))
    assert (outcome.status, outcome.exit_code) == (status, code)


def test_default_workspace_with_nothing_configured_is_refused_and_nothing_runs(setup, quiet_env):
    file, schedule = setup(workspace="default")
    runner = FakeRunner(["ok"])
    outcome, _, printed = run(file, schedule, runner)
    assert (outcome.status, outcome.exit_code, runner.calls) == ("refused", 1, [])
    assert printed[-1].startswith(
        "weekly: workspace default resolves to no workspace (the embedded demo sandbox ("
    )
    assert "so the schedule would run on the demo sandbox; refused, nothing ran" in printed[-1]
    assert "LEANIX_HOST and LEANIX_API_TOKEN" in printed[-1] and "'workspace: sandbox'" in printed[-1]
    assert not (quiet_env / "reports").exists()


def test_a_configured_default_workspace_is_named_before_the_run(setup, quiet_env, monkeypatch):
    (quiet_env / ".env").write_text("LEANIX_HOST=acme.leanix.net\nLEANIX_API_TOKEN=LXT_not_used_here\n")
    monkeypatch.delenv("LXKIT_DOTENV")
    file, schedule = setup(workspace="default")
    outcome, _, printed = run(file, schedule, FakeRunner(["ok"]))
    assert outcome.status == "succeeded"
    assert printed[0] == f"weekly: workspace https://acme.leanix.net (LEANIX_HOST in {quiet_env / '.env'})"
    assert "LXT_not_used_here" not in "\n".join(printed)


def test_a_profile_that_is_not_configured_is_refused(setup):
    file, schedule = setup(workspace="prod")
    runner = FakeRunner(["ok"])
    outcome, _, printed = run(file, schedule, runner)
    assert (outcome.status, outcome.exit_code, runner.calls) == ("refused", 1, [])
    assert "LEANIX_PROD_HOST" in printed[-1]


def test_a_schedule_already_running_is_skipped_with_who_runs_it(setup, quiet_env):
    file, schedule = setup()
    held = acquire(quiet_env / ".lxkit", "weekly")
    assert isinstance(held, RunLock)
    try:
        runner = FakeRunner(["ok"])
        outcome, _, printed = run(file, schedule, runner)
    finally:
        held.release()
    assert (outcome.status, outcome.exit_code, runner.calls) == ("skipped", 1, [])
    assert printed[0].startswith(f"weekly is already running (pid {os.getpid()}, since 20")
    assert printed[0].endswith(" UTC); skipped")
    outcome, _, _ = run(file, schedule, FakeRunner(["ok"]))  # released: runs
    assert outcome.status == "succeeded"


def test_run_due_mode_does_not_rerun_a_slot_that_ran_meanwhile(setup, quiet_env):
    file, schedule = setup()
    first, _, _ = run(file, schedule, FakeRunner(["ok"]), due_only=True)
    runner = FakeRunner(["ok"])
    second, _, _ = run(file, schedule, runner, due_only=True)
    assert (first.status, second.status, runner.calls) == ("succeeded", "not due", [])
