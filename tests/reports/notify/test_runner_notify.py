"""Notifications from real report runs (papermill kernels): ``run_report(notify=...)`` and ``lxkit report
--notify``. The run's outcome and ``run.json`` never depend on the receiver."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit.reports import ReportFailed, run_report
from kit.reports.notify import NotifyError
from tests.receivers import SLACK_PATH, dead_url
from tests.reports.schedules.support import write_notebook
from tests.reports.test_cron_environment import failing_connectors_by_hand

LXKIT = str(Path(sys.executable).parent / "lxkit")
ALERT = {
    "kind": "connector",
    "name": "sn",
    "message": "sn failed 9 of 29 runs (31%, above 20%)",
    "links": [{"title": "sync log", "url": "https://acme.leanix.net/Acme/admin/synclog/abc"}],
}


@pytest.fixture
def alerting(tmp_path):
    return write_notebook(
        tmp_path / "alerting.ipynb", f"import kit.alerts\nkit.alerts.write_alerts([{ALERT!r}])"
    )


def only_record(out: Path) -> dict:
    (path,) = out.glob("*/*/run.json")
    return json.loads(path.read_text())


def test_a_report_with_alerts_sends_one_message(tmp_path, alerting, slack):
    out = tmp_path / "reports"
    record = run_report(
        alerting,
        out=out,
        workspace="sandbox",
        notify=[f"slack:{slack.url(SLACK_PATH)}"],
        report_url="https://r.example.com",
    )
    (request,) = slack.requests
    body = request.json()
    assert body["blocks"][0]["text"]["text"] == "⚠️ alerting: 1 alert"
    section = body["blocks"][1]["text"]["text"]
    assert (
        "sn failed 9 of 29 runs (31%, above 20%)  <https://acme.leanix.net/Acme/admin/synclog/abc|sync log>"
        in section
    )
    stamp = record.directory.name
    assert body["blocks"][2]["elements"][0]["text"] == (
        f"<https://r.example.com/alerting/{stamp}/alerting.html|HTML report>"
    )
    written = only_record(out)
    (note,) = written["notifications"]
    assert {k: note[k] for k in ("channel", "target", "status", "attempts", "error")} == {
        "channel": "slack",
        "target": slack.base,
        "status": "sent",
        "attempts": 1,
        "error": None,
    }
    assert record.notifications == written["notifications"]
    assert written["alerts"][0]["name"] == "sn" and written["status"] == "succeeded"
    (line,) = (out / "runs.jsonl").read_text().splitlines()
    assert json.loads(line)["notifications"] == written["notifications"]
    assert "XXXXSECRET" not in (out / "runs.jsonl").read_text() + json.dumps(written)


def test_a_dead_receiver_changes_nothing_but_the_record(tmp_path, alerting):
    out = tmp_path / "reports"
    url = dead_url()
    record = run_report(alerting, out=out, workspace="sandbox", notify=[f"slack:{url}", url])
    assert record.status == "succeeded" and record.exit_code() == 2
    written = only_record(out)
    assert [(n["channel"], n["status"], n["attempts"]) for n in written["notifications"]] == [
        ("slack", "failed", 3),
        ("webhook", "failed", 3),
    ]
    assert "SECRETPATH" not in json.dumps(written)
    assert written["alerts"] == [ALERT]  # the rest of the record is as without notifications
    assert (written["html_path"], written["error"]) == (str(record.html_path), None)


def test_a_failed_report_says_so(tmp_path, slack):
    book = write_notebook(tmp_path / "broken.ipynb", "1 / 0")
    out = tmp_path / "reports"
    with pytest.raises(ReportFailed):
        run_report(
            book,
            out=out,
            workspace="sandbox",
            notify=[f"slack:{slack.url(SLACK_PATH)}"],
            notify_when="failure",
        )
    body = slack.requests[0].json()
    assert body["blocks"][0]["text"]["text"] == "❌ broken failed"
    assert "*Error:* `ZeroDivisionError: division by zero (cell In [2])`" in body["blocks"][1]["text"]["text"]
    assert only_record(out)["notifications"][0]["status"] == "sent"


def test_a_bad_target_is_refused_before_anything_runs(tmp_path, alerting):
    with pytest.raises(NotifyError, match="is not a target"):
        run_report(alerting, out=tmp_path / "reports", workspace="sandbox", notify=["gopher://x"])
    assert not (tmp_path / "reports").exists()


def test_lxkit_report_notify_from_the_command_line(tmp_path, slack):
    """run_health on the demo names the connectors counted by hand (servicenow-cmdb, jira-portfolio) and links
    each one's newest failed run in the sync log."""
    expected = failing_connectors_by_hand(30, 0.2, 2)
    out = tmp_path / "reports"
    done = subprocess.run(
        [
            LXKIT,
            "report",
            "run_health",
            "--workspace",
            "sandbox",
            "--out",
            str(out),
            "--notify",
            f"slack:{slack.url(SLACK_PATH)}",
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8", "LXKIT_NOTIFY_BACKOFF": "0"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Notify slack {slack.base}: sent" in done.stdout
    (request,) = slack.requests
    section = request.json()["blocks"][1]["text"]["text"]
    for name in expected:
        assert re.search(
            rf"• {name} failed .*<http://127\.0\.0\.1:\d+/Demo%20Corp/admin/synclog/[0-9a-f-]{{36}}\|sync log>",
            section,
        ), section
    assert request.json()["blocks"][0]["text"]["text"] == f"⚠️ run_health: {len(expected)} alerts"
