"""``notify`` and ``publish`` in schedules.yaml (docs/alerts.md §4-§5): checked at load with file, line,
column and key; one message per scheduled run (after the last attempt), never changing its outcome.

The acceptance test runs ``run_health`` on the demo (workspace: sandbox) as cron would, with a Slack target
on a local receiver; the failing connectors and the newest failed sync of servicenow-cmdb are found by hand
from the sync log's raw JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit.reports.notify.targets import EmailSettings, Target
from kit.reports.schedules import ScheduleError
from kit.reports.schedules.execute import run_schedule
from kit.reports.schedules.spec import load_schedules
from tests.receivers import SLACK_PATH, Receiver
from tests.reports.schedules.support import FakeRunner, recording_sleep, write_notebook, write_schedules
from tests.reports.test_cron_environment import demo_synclog, failing_connectors_by_hand

PUBLISHING = 'publish: str = ""  # metrics-api or integration-api\npublish_dry_run: bool = True  # only show'


def refusal(folder: Path, text: str) -> str:
    path = write_schedules(folder, text)
    with pytest.raises(ScheduleError) as refused:
        load_schedules(path)
    return str(refused.value)


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv("LXKIT_NOTIFY_BACKOFF", "0")
    server = Receiver()
    yield server
    server.close()


def test_notify_loads_with_defaults_and_replacements(quiet_env):
    write_notebook(quiet_env / "nb" / "a.ipynb")
    path = write_schedules(
        quiet_env,
        """
        defaults:
          workspace: sandbox
          notify_base_url: https://reports.example.com/lx
          notify:
            - slack_env: LXKIT_SLACK_URL
            - {email: {host: smtp.example.com, to: [ops@example.com], from: lx@example.com}, when: failure}
        schedules:
          - {name: inherits, notebook: nb/a.ipynb, cron: "@daily"}
          - {name: own, notebook: nb/a.ipynb, cron: "@daily", notify: [{teams: "https://x.example.com/w/1"}]}
          - {name: quiet, notebook: nb/a.ipynb, cron: "@daily", notify: []}
        """,
    )
    inherits, own, quiet = load_schedules(path).schedules
    assert inherits.notify == (
        Target("slack", url_env="LXKIT_SLACK_URL"),
        Target(
            "email",
            email=EmailSettings("smtp.example.com", ("ops@example.com",), 587, True, "lx@example.com"),
            when="failure",
        ),
    )
    assert inherits.notify_base_url == "https://reports.example.com/lx"
    assert own.notify == (Target("teams", url="https://x.example.com/w/1"),)
    assert quiet.notify == ()


def test_notify_refusals_name_line_column_and_key(quiet_env):
    write_notebook(quiet_env / "nb" / "a.ipynb")
    message = refusal(
        quiet_env,
        """
        schedules:
          - name: a
            notebook: nb/a.ipynb
            cron: "@daily"
            workspace: sandbox
            notify:
              - slack: not-a-url
              - {email: {host: smtp.example.com, to: [ops@example.com], password: hunter2}}
              - {slack: "https://hooks.slack.com/x", when: sometimes}
            notify_base_url: ftp://x
        """,
    )
    assert "has 4 problems" in message
    assert (
        "schedules.yaml, line 7, column 16: schedules[0].notify[0].slack: the slack URL must be an http(s) URL"
        in message
    )
    assert (
        "line 8, column 75: schedules[0].notify[1].email.password: unknown key 'password' in email" in message
    )
    assert "the password comes only from the environment variable LXKIT_SMTP_PASSWORD" in message
    assert "line 9, column 52: schedules[0].notify[2].when: must be one of alerts, always, failure" in message
    assert "line 10, column 22: schedules[0].notify_base_url: 'ftp://x' is not an http(s) URL" in message


def test_publish_sets_the_notebook_parameters(quiet_env):
    write_notebook(quiet_env / "nb" / "kpis.ipynb", parameters=PUBLISHING)
    write_notebook(quiet_env / "nb" / "plain.ipynb")
    path = write_schedules(
        quiet_env,
        """
        defaults:
          workspace: sandbox
          publish: {via: metrics-api}
        schedules:
          - {name: kpis, notebook: nb/kpis.ipynb, cron: "@daily"}
          - {name: real, notebook: nb/kpis.ipynb, cron: "@daily", publish: {via: integration-api, dry_run: false}}
          - {name: plain, notebook: nb/plain.ipynb, cron: "@daily"}
          - {name: unpublished, notebook: nb/kpis.ipynb, cron: "@daily", publish: null}
        """,
    )
    kpis, real, plain, unpublished = load_schedules(path).schedules
    assert kpis.parameters == {"publish": "metrics-api", "publish_dry_run": True}
    assert real.parameters == {"publish": "integration-api", "publish_dry_run": False}
    assert plain.parameters == {}  # defaults.publish is for the notebooks that can publish
    assert unpublished.parameters == {}


def test_publish_is_refused_for_a_notebook_without_the_parameter(quiet_env):
    write_notebook(quiet_env / "nb" / "plain.ipynb")
    write_notebook(quiet_env / "nb" / "kpis.ipynb", parameters=PUBLISHING)
    message = refusal(
        quiet_env,
        """
        schedules:
          - {name: a, notebook: nb/plain.ipynb, cron: "@daily", workspace: sandbox, publish: {via: metrics-api}}
          - {name: b, notebook: nb/kpis.ipynb, cron: "@daily", workspace: sandbox, publish: {via: smoke-signals}}
          - name: c
            notebook: nb/kpis.ipynb
            cron: "@daily"
            workspace: sandbox
            publish: {via: metrics-api}
            parameters: {publish: integration-api}
        """,
    )
    assert "has 3 problems" in message
    assert (
        "line 2, column 86: schedules[0].publish: the notebook declares no publish and no publish_dry_run"
        in message
    )
    assert "plain.ipynb (its parameters: x)" in message
    assert (
        "line 3, column 85: schedules[1].publish: via must be one of metrics-api, integration-api, not "
        "'smoke-signals'" in message
    )
    assert "line 8, column 14: schedules[2].publish: parameters sets publish as well; say it once" in message


def test_one_message_after_the_last_attempt_and_a_refusal_is_announced(quiet_env, receiver):
    write_notebook(quiet_env / "nb" / "a.ipynb")
    path = write_schedules(
        quiet_env,
        f"""
        schedules:
          - name: flaky
            notebook: nb/a.ipynb
            cron: "@daily"
            workspace: sandbox
            retries: {{attempts: 3, backoff_seconds: 0}}
            notify: [{{slack: "{receiver.url(SLACK_PATH)}"}}]
          - name: nowhere
            notebook: nb/a.ipynb
            cron: "@daily"
            workspace: nosuchprofile
            notify: [{{webhook: "{receiver.url("/hook/SECRET")}"}}]
        """,
    )
    file = load_schedules(path)
    runner = FakeRunner(["fail", "fail", "alerts"])
    _, sleep = recording_sleep()
    outcome = run_schedule(
        file, file.get("flaky"), runner=runner, sleep=sleep, echo=lambda _: None, warn=lambda _: None
    )
    assert (outcome.status, outcome.exit_code, outcome.attempts) == ("alerts", 2, 3)
    (request,) = receiver.requests  # the two failed attempts sent nothing
    assert request.json()["blocks"][0]["text"]["text"] == "⚠️ flaky (a): 1 alert"
    record = json.loads((outcome.folder / "run.json").read_text())
    assert [(n["status"], n["target"]) for n in record["notifications"]] == [("sent", receiver.base)]

    refused = run_schedule(file, file.get("nowhere"), echo=lambda _: None, warn=lambda _: None)
    assert (refused.status, refused.exit_code) == ("refused", 1)
    body = receiver.requests[1].json()
    assert (body["schedule"], body["status"], body["exit_code"]) == ("nowhere", "failed", 1)
    assert body["error"].startswith("Refused: refused, nothing ran: ")
    state = json.loads((quiet_env / ".lxkit" / "state.json").read_text())["schedules"]
    assert [n["status"] for n in state["nowhere"]["notifications"]] == ["sent"]
    assert state["flaky"]["notifications"] is None


# -- acceptance: run_health on the demo, as cron runs it ---------------------------------------------------


def newest_failed_sync_id(name: str) -> str:
    """The id of ``name``'s newest synchronization with status ERROR, from the demo's raw sync log JSON."""
    rows = demo_synclog()
    failed = [r for r in rows if r["name"] == name and r["status"] == "ERROR"]
    return max(failed, key=lambda r: r["createdAt"])["id"]


def run(folder: Path, name: str, slack_url: str) -> subprocess.CompletedProcess[str]:
    """``lxkit schedule run NAME`` as cron runs it, the Slack URL in the environment (``slack_env``)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kit.reports.schedules.command",
            "run",
            name,
            "--file",
            str(folder / "schedules.yaml"),
        ],
        cwd=folder,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(folder),
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": str(folder / "xdg"),
            "LXKIT_NOTIFY_BACKOFF": "0",
            "LXKIT_SLACK_URL": slack_url,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_scheduled_run_health_sends_one_grouped_message_per_run(tmp_path, receiver):
    expected = failing_connectors_by_hand(30, 0.2, 2)
    assert "servicenow-cmdb" in expected
    sync_id = newest_failed_sync_id("servicenow-cmdb")
    write_schedules(
        tmp_path,
        """
        defaults:
          workspace: sandbox
          notify: [{slack_env: LXKIT_SLACK_URL}]
          notify_base_url: https://reports.example.com
        schedules:
          - {name: weekly-health, notebook: run_health, cron: "0 6 * * 1"}
          - name: healthy
            notebook: run_health
            cron: "0 6 * * 1"
            parameters: {max_failure_rate: 1.0, max_consecutive_failures: 1000}
        """,
    )
    first = run(tmp_path, "weekly-health", receiver.url(SLACK_PATH))
    assert first.returncode == 2, first.stdout + first.stderr
    (request,) = receiver.requests  # ONE message for the run, however many alerts
    body = request.json()
    assert body["blocks"][0]["text"]["text"] == f"⚠️ weekly-health (run_health): {len(expected)} alerts"
    section = body["blocks"][1]["text"]["text"]
    assert f"*Connectors* ({len(expected)})" in section
    line = next(item for item in section.splitlines() if item.startswith("• servicenow-cmdb "))
    assert re.search(rf"<http://127\.0\.0\.1:\d+/Demo%20Corp/admin/synclog/{sync_id}\|sync log>$", line), line
    (folder,) = sorted(p.parent for p in (tmp_path / "reports" / "weekly-health").glob("*/*/run.json"))
    link = body["blocks"][2]["elements"][0]["text"]
    assert (
        link
        == f"<https://reports.example.com/weekly-health/run_health/{folder.name}/run_health.html|HTML report>"
    )
    record = json.loads((folder / "run.json").read_text())
    assert [(n["channel"], n["target"], n["status"]) for n in record["notifications"]] == [
        ("slack", "$LXKIT_SLACK_URL", "sent")
    ]
    assert {a["name"] for a in record["alerts"]} == expected

    second = run(tmp_path, "weekly-health", receiver.url(SLACK_PATH))
    assert second.returncode == 2, second.stdout + second.stderr
    assert len(receiver.requests) == 2  # the same schedule run again: a second message

    healthy = run(tmp_path, "healthy", receiver.url(SLACK_PATH))
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert len(receiver.requests) == 2  # nothing wrong: no message
    (quiet,) = (tmp_path / "reports" / "healthy").glob("*/*/run.json")
    assert [n["status"] for n in json.loads(quiet.read_text())["notifications"]] == ["skipped"]
