"""Issue 9's acceptance for schedules, with the real runner and real kernels on small notebooks.

``lxkit schedule`` runs as a subprocess in a cron-like environment (a short PATH, a HOME, no LEANIX_*), through
``python -m kit.reports.schedules.command`` (the same code ``lxkit schedule`` calls once kit/cli.py adds the
command). Every schedule says ``workspace: sandbox``; the notebooks never connect.

Note for the lead: these need the runner's ``run_report(..., workspace=...)`` and ``alerts.json`` merging
(docs/schedules.md §4-5); written while that change was in progress.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reports.chromium import render
from tests.reports.page_rules import shoot
from tests.reports.schedules.support import write_notebook, write_schedules

ALERT = "servicenow-cmdb failed 9 of 29 runs (31%, above 20%)"


def bare_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: a short PATH, a HOME, no LEANIX_*; and no .env search outside the test."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / "xdg"),
    }


def lxkit_schedule(folder: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "kit.reports.schedules.command",
        *args,
        "--file",
        str(folder / "schedules.yaml"),
    ]
    return subprocess.run(
        command, cwd=cwd or folder, env=bare_environment(folder), capture_output=True, text=True, timeout=300
    )


def start(folder: Path, *args: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "kit.reports.schedules.command",
        *args,
        "--file",
        str(folder / "schedules.yaml"),
    ]
    return subprocess.Popen(
        command,
        cwd=folder,
        env=bare_environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_folders(folder: Path, name: str) -> list[Path]:
    return sorted(p.parent for p in (folder / "reports" / name).glob("*/*/run.json"))


@pytest.fixture
def project(tmp_path):
    write_notebook(tmp_path / "nb" / "ok.ipynb", "print('x is', x)")
    write_notebook(tmp_path / "nb" / "fail.ipynb", "print(x)", "1 / 0")
    write_notebook(
        tmp_path / "nb" / "alerts.ipynb",
        "from kit.alerts import write_alerts\n"
        f"write_alerts([{{'kind': 'connector', 'name': 'servicenow-cmdb', 'message': {ALERT!r}}}])",
    )
    write_notebook(tmp_path / "nb" / "sleepy.ipynb", "import time\ntime.sleep(8)")
    write_schedules(
        tmp_path,
        """
        defaults:
          workspace: sandbox
          retries: {attempts: 3, backoff_seconds: 0}
        schedules:
          - {name: weekly, notebook: nb/ok.ipynb, cron: "0 6 * * 1", timezone: Europe/Berlin, parameters: {x: 7}}
          - {name: daily-alerts, notebook: nb/alerts.ipynb, cron: "@daily"}
          - {name: broken, notebook: nb/fail.ipynb, cron: "0 0 1 1 *"}
          - {name: sleepy, notebook: nb/sleepy.ipynb, cron: "0 0 1 1 *"}
          - {name: pruned, notebook: nb/ok.ipynb, cron: "0 0 1 1 *", retention: {keep_runs: 2}}
        """,
    )
    return tmp_path


def only_due(folder: Path) -> None:
    """Mark broken, sleepy and pruned (yearly) as run for this year's slot, so run-due leaves them alone."""
    state = folder / ".lxkit" / "state.json"
    state.parent.mkdir(exist_ok=True)
    slot = {"slot": "2026-01-01T00:00:00+00:00", "status": "succeeded"}
    state.write_text(
        json.dumps({"format": 1, "schedules": {n: slot for n in ("broken", "sleepy", "pruned")}})
    )


def test_run_due_twice_in_a_row_runs_each_due_schedule_once_and_the_index_lists_the_runs(project):
    only_due(project)
    first = lxkit_schedule(project, "run-due", "--now", "2026-12-07T06:00:00+01:00")
    assert first.returncode == 2, first.stderr  # daily-alerts recorded an alert
    lines = first.stdout.splitlines()
    assert lines[0] == "weekly: workspace the embedded demo sandbox (profile 'sandbox')"
    assert re.fullmatch(
        r"weekly  succeeded  \d{4}-\d\d-\d\d \d\d:\d\d UTC  reports/weekly/ok/\d{8}T\d{12}Z", lines[1]
    )
    assert lines[2] == "daily-alerts: workspace the embedded demo sandbox (profile 'sandbox')"
    assert re.fullmatch(r"daily-alerts  alerts  .* UTC  reports/daily-alerts/alerts/\d{8}T\d{12}Z", lines[3])
    assert len(lines) == 4
    assert [len(run_folders(project, n)) for n in ("weekly", "daily-alerts", "broken")] == [1, 1, 0]

    second = lxkit_schedule(project, "run-due", "--now", "2026-12-07T06:00:00+01:00")
    assert (second.returncode, second.stdout) == (0, "nothing due at 2026-12-07 05:00 UTC\n")
    assert [len(run_folders(project, n)) for n in ("weekly", "daily-alerts")] == [1, 1]

    state = json.loads((project / ".lxkit" / "state.json").read_text())["schedules"]
    assert state["weekly"]["slot"] == "2026-12-07T05:00:00+00:00"  # Monday 06:00 in Berlin
    assert state["daily-alerts"]["slot"] == "2026-12-07T00:00:00+00:00"
    assert (state["daily-alerts"]["status"], state["daily-alerts"]["exit_code"]) == ("alerts", 2)
    (run,) = run_folders(project, "daily-alerts")
    record = json.loads((run / "run.json").read_text())
    assert record["status"] == "succeeded"
    assert [(a["kind"], a["name"], a["message"]) for a in record["alerts"]] == [
        ("connector", "servicenow-cmdb", ALERT)
    ]

    # the next day: only the daily schedule is due again
    third = lxkit_schedule(project, "run-due", "--now", "2026-12-08T00:00:30+00:00")
    assert third.returncode == 2 and "weekly" not in third.stdout
    assert [len(run_folders(project, n)) for n in ("weekly", "daily-alerts")] == [1, 2]

    index = project / "reports" / "index.html"
    page = render(index)
    text = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", page.dom, flags=re.S))
    )
    assert page.script_errors == []
    weekly = text[
        text.index(" weekly ok · cron 0 6 * * 1 (Europe/Berlin)") : text.index(" daily-alerts alerts · cron")
    ]
    assert "1 run kept" in weekly and "✓ succeeded" in weekly and "1 of 3 report · run.json" in weekly
    daily = text[text.index(" daily-alerts alerts · cron") : text.index(" broken fail · cron")]
    assert (
        "2 runs kept" in daily and daily.count("! alerts") == 2 and daily.count(f"[connector] {ALERT}") == 2
    )
    assert "No runs yet." in text[text.index(" broken fail · cron") :]
    shoot(index, "schedules_index", height=900)  # saved for review (tests/reports/page_rules.py)


def test_a_failing_notebook_is_retried_then_recorded_as_failed(project):
    done = lxkit_schedule(project, "run", "broken")
    assert done.returncode == 1
    assert (
        done.stderr.count("broken: attempt ") == 2
        and "broken: attempt 2 of 3 failed: report 'fail' failed" in done.stderr
    )
    assert re.search(
        r"^broken  failed \(3 attempts\)  .* UTC  reports/broken/fail/\d{8}T\d{12}Z$", done.stdout, re.M
    )
    folders = run_folders(project, "broken")
    assert len(folders) == 3
    for attempt, folder in enumerate(folders, 1):
        record = json.loads((folder / "run.json").read_text())
        assert (record["status"], record["error"]["ename"]) == ("failed", "ZeroDivisionError")
        assert json.loads((folder / "schedule.json").read_text())["attempt"] == attempt
    state = json.loads((project / ".lxkit" / "state.json").read_text())["schedules"]["broken"]
    assert (state["status"], state["exit_code"], state["attempts"]) == ("failed", 1, 3)
    assert state["run_folder"] == str(folders[-1])


def test_two_runs_of_one_schedule_at_once_run_it_once(project):
    first = start(project, "run", "sleepy")
    lock = project / ".lxkit" / "locks" / "sleepy.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text()):
        assert time.monotonic() < deadline and first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = lxkit_schedule(project, "run", "sleepy")
    out, err = first.communicate(timeout=120)
    assert second.returncode == 1 and second.stdout.startswith("sleepy  skipped  ")
    assert re.fullmatch(
        rf"sleepy is already running \(pid {first.pid}, since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); skipped\n",
        second.stderr,
    )
    assert first.returncode == 0, err
    assert len(run_folders(project, "sleepy")) == 1


def test_retention_keeps_the_newest_runs(project):
    for _ in range(3):
        assert lxkit_schedule(project, "run", "pruned").returncode == 0
    kept = run_folders(project, "pruned")
    assert len(kept) == 2
    state = json.loads((project / ".lxkit" / "state.json").read_text())["schedules"]["pruned"]
    assert state["run_folder"] == str(kept[-1])  # the newest survived
    lines = (project / "reports" / "pruned" / "runs.jsonl").read_text().splitlines()
    assert len(lines) == 3  # the log keeps the whole history


def test_in_a_cron_like_environment_a_default_workspace_is_refused(project):
    write_schedules(
        project,
        """
        schedules:
          - {name: prod-health, notebook: nb/ok.ipynb, cron: "@daily", workspace: default}
        """,
    )
    done = lxkit_schedule(project, "run", "prod-health", cwd=Path("/"))
    assert done.returncode == 1
    assert "prod-health: workspace default resolves to no workspace (the embedded demo sandbox" in done.stderr
    assert "would run on the demo sandbox; refused, nothing ran" in done.stderr
    assert not (project / "reports").exists()
