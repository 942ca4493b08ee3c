"""Delivery to local receivers: retries, dead receivers, redaction, e-mail over SMTP, ``when``."""

from __future__ import annotations

import time

import pytest

from kit.reports.notify import notify, parse_cli_target, parse_entry
from tests.receivers import SLACK_PATH, Receiver, dead_url

RECORD = {
    "notebook": "run_health",
    "status": "succeeded",
    "started_at": "2026-12-07T05:00:00+00:00",
    "finished_at": "2026-12-07T05:00:04+00:00",
    "duration_seconds": 3.94,
    "directory": "/tmp/r/run_health/x",
    "html_path": "/tmp/r/run_health/x/run_health.html",
    "notebook_path": "/tmp/r/run_health/x/run_health.ipynb",
    "workspace": "embedded sandbox",
    "error": None,
    "alerts": [{"kind": "connector", "name": "sn", "message": "sn failed 9 of 29 runs (31%, above 20%)"}],
}
HEALTHY = {**RECORD, "alerts": []}


def test_slack_gets_one_message(slack):
    (result,) = notify(RECORD, [parse_cli_target(f"slack:{slack.url(SLACK_PATH)}")])
    assert (result["channel"], result["status"], result["attempts"], result["error"]) == (
        "slack",
        "sent",
        1,
        None,
    )
    assert result["target"] == slack.base  # scheme and host (and port) only
    (request,) = slack.requests
    assert request.path == "/services/T000/B000/XXXXSECRET"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert body["blocks"][0]["text"]["text"] == "⚠️ run_health: 1 alert"
    assert "sn failed 9 of 29 runs" in body["blocks"][1]["text"]["text"]


def test_a_500_once_is_retried(flaky):
    (result,) = notify(RECORD, [parse_cli_target(f"teams:{flaky.url('/teams/SECRET')}")])
    assert (result["status"], result["attempts"]) == ("sent", 2)
    assert len(flaky.requests) == 2
    assert flaky.requests[0].body == flaky.requests[1].body
    assert flaky.requests[1].json()["attachments"][0]["content"]["version"] == "1.4"


def test_a_receiver_failing_every_time_is_tried_three_times():
    server = Receiver(default=503)
    try:
        (result,) = notify(RECORD, [parse_cli_target(f"webhook:{server.url('/hook/SECRET')}")])
    finally:
        server.close()
    assert (result["status"], result["attempts"]) == ("failed", 3)
    assert len(server.requests) == 3
    assert result["error"] == f"{server.base} answered HTTP 503: server_error"


def test_a_400_is_not_retried():
    server = Receiver(default=404)
    try:
        (result,) = notify(RECORD, [parse_cli_target(server.url("/hook/SECRET"))])
    finally:
        server.close()
    assert (result["status"], result["attempts"], len(server.requests)) == ("failed", 1, 1)


def test_retry_after_is_respected():
    server = Receiver(statuses=[429], headers={"Retry-After": "1"})
    try:
        clock = time.perf_counter()
        (result,) = notify(RECORD, [parse_cli_target(f"slack:{server.url(SLACK_PATH)}")])
        waited = time.perf_counter() - clock
    finally:
        server.close()
    assert (result["status"], result["attempts"]) == ("sent", 2)
    assert waited >= 1.0


def test_a_dead_receiver_is_recorded_without_the_url():
    url = dead_url()
    (result,) = notify(RECORD, [parse_cli_target(f"slack:{url}")])
    assert result["status"] == "failed" and result["attempts"] == 3
    assert "SECRETPATH" not in str(result)
    assert result["target"] == url.split("/hooks")[0]
    assert "no answer from http://127.0.0.1:" in result["error"]
    assert "Connection refused" in result["error"]


def test_slack_env_is_read_at_send_time(slack, monkeypatch):
    target = parse_entry({"slack_env": "LXKIT_TEST_SLACK"})
    monkeypatch.delenv("LXKIT_TEST_SLACK", raising=False)
    (missing,) = notify(RECORD, [target])
    assert (missing["status"], missing["attempts"], missing["target"]) == ("failed", 0, "$LXKIT_TEST_SLACK")
    assert "LXKIT_TEST_SLACK" in missing["error"] and "is not set" in missing["error"]
    monkeypatch.setenv("LXKIT_TEST_SLACK", slack.url(SLACK_PATH))
    (sent,) = notify(RECORD, [target])
    assert (sent["status"], sent["target"]) == ("sent", "$LXKIT_TEST_SLACK")
    assert len(slack.requests) == 1


@pytest.mark.parametrize(
    ("when", "record", "sends"),
    [
        ("alerts", HEALTHY, False),
        ("alerts", RECORD, True),
        ("alerts", {**HEALTHY, "status": "failed"}, True),
        ("failure", RECORD, False),
        ("failure", {**HEALTHY, "status": "failed"}, True),
        ("always", HEALTHY, True),
    ],
)
def test_when(slack, when, record, sends):
    (result,) = notify(record, [parse_cli_target(f"slack:{slack.url(SLACK_PATH)}", when)])
    assert result["status"] == ("sent" if sends else "skipped")
    assert len(slack.requests) == (1 if sends else 0)


def test_webhook_json_reaches_the_receiver(slack):
    notify(RECORD, [parse_cli_target(slack.url("/any/SECRET"))], schedule="weekly")
    body = slack.requests[0].json()
    assert (body["report"], body["schedule"], body["status"], body["exit_code"]) == (
        "run_health",
        "weekly",
        "alerts",
        2,
    )
    assert body["alerts"] == RECORD["alerts"]


def test_email_over_smtp(mail, monkeypatch):
    monkeypatch.delenv("LXKIT_SMTP_PASSWORD", raising=False)
    target = parse_entry(
        {
            "email": {
                "host": "127.0.0.1",
                "port": mail.port,
                "starttls": False,
                "from": "lx@example.com",
                "to": ["ops@example.com", "dev@example.com"],
            }
        }
    )
    (result,) = notify(RECORD, [target])
    assert (result["channel"], result["status"], result["attempts"]) == ("email", "sent", 1)
    assert result["target"] == f"smtp://127.0.0.1:{mail.port}"
    assert mail.envelopes == [("lx@example.com", ["ops@example.com", "dev@example.com"])]
    (message,) = mail.messages
    assert message["Subject"] == "⚠️ run_health: 1 alert"
    assert "sn failed 9 of 29 runs (31%, above 20%)" in message.get_body(("plain",)).get_content()
    assert "<li>sn failed 9 of 29 runs (31%, above 20%)</li>" in message.get_body(("html",)).get_content()


def test_email_login_without_password_is_refused_clearly(mail, monkeypatch):
    monkeypatch.delenv("LXKIT_SMTP_PASSWORD", raising=False)
    target = parse_cli_target(
        f"mailto:ops@example.com?smtp=127.0.0.1:{mail.port}&starttls=false&username=bot"
    )
    (result,) = notify(RECORD, [target])
    assert (result["status"], result["attempts"]) == ("failed", 0)
    assert "LXKIT_SMTP_PASSWORD is not set" in result["error"]
    assert mail.messages == []


def test_one_failing_target_does_not_stop_the_others(slack):
    results = notify(
        RECORD, [parse_cli_target(f"slack:{dead_url()}"), parse_cli_target(f"slack:{slack.url(SLACK_PATH)}")]
    )
    assert [r["status"] for r in results] == ["failed", "sent"]
