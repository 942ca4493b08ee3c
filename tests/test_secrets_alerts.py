"""The canary token never reaches anything alerts touch: webhook subscriptions and their deliveries (LeanIX's
PUSH webhooks, run by the sandbox), and lxkit's own notifications with the run record they are noted in."""

from __future__ import annotations

import logging

import pytest

import kit
from kit import health
from kit.reports import run_report
from kit.sandbox import Sandbox, SandboxOptions
from kit.webhooks import alert_subscription, preview_callback
from tests.builders import Inputs, fact_sheets, item, update
from tests.conftest import CANARY
from tests.receivers import Receiver

SHOP = Inputs("shop")  # connectorId "shop-1"
CONFIG = SHOP.config(fact_sheets("Application", update("name", "${data.name}")))
LDIF = SHOP.ldif(item("a1", "App", name="Alpha"), item("a2", "App"))  # a2 has no name: a warning


@pytest.fixture(scope="module")
def canary_sandbox():
    options = SandboxOptions(size=300, seed=5, api_token=CANARY, run_delay=0, webhook_retry_interval=0.05)
    with Sandbox(options) as server:
        yield server


@pytest.fixture
def canary_env(canary_sandbox, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", canary_sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", CANARY)
    monkeypatch.delenv("LEANIX_PROFILE", raising=False)
    monkeypatch.setenv("LXKIT_NOTIFY_BACKOFF", "0")
    return canary_sandbox


def test_subscriptions_and_their_deliveries_never_carry_the_token(canary_env, caplog):
    caplog.set_level(logging.DEBUG)
    receiver = Receiver()
    try:
        ws = kit.connect(progress=False)
        link = health.workspace_url(ws)
        slack = ws.webhooks.create(alert_subscription("slack", receiver.url("/slack"), workspace_url=link))
        wrapped = {
            **alert_subscription("teams", receiver.url("/teams"), identifier="teams, wrapped"),
            "payloadMode": "WRAPPED_EVENT",
            "callback": None,
        }
        ws.webhooks.create(wrapped)
        result = ws.run(CONFIG, LDIF)
        assert result.status == "FINISHED"
        assert canary_env.deliveries_settled(10)

        texts = [r.body.decode() + repr(r.headers) for r in receiver.requests]
        assert {r.path for r in receiver.requests} == {"/slack", "/teams"}  # both were delivered
        texts += [
            ws.webhooks.list().to_string(),
            repr(ws.webhooks.get(slack["id"])),
            ws.webhooks.deliveries(slack["id"]).to_string(),
            str(preview_callback(slack["callback"])),
        ]
        texts += [record.getMessage() for record in caplog.records]
        assert all(CANARY not in text for text in texts)
        assert any("shop-1" in text for text in texts)  # the texts searched are the real ones
    finally:
        receiver.close()


def test_notifications_and_the_record_never_carry_the_token(canary_env, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    receiver = Receiver()
    try:
        out = tmp_path / "reports"
        record = run_report(
            "run_health",
            out=out,
            notify=[
                f"slack:{receiver.url('/slack')}",
                f"teams:{receiver.url('/teams')}",
                receiver.url("/any"),
            ],
            notify_when="always",
        )
        assert [n["status"] for n in record.notifications] == ["sent", "sent", "sent"]
        texts = [r.body.decode() + repr(r.headers) for r in receiver.requests]
        texts += [f.read_bytes().decode("latin-1") for f in out.rglob("*") if f.is_file()]
        texts += [repr(record), record.to_json() if hasattr(record, "to_json") else str(record)]
        texts += [message.getMessage() for message in caplog.records]
        assert all(CANARY not in text for text in texts)
        assert any("servicenow-cmdb" in text for text in texts)  # the demo's failing connector was reported
    finally:
        receiver.close()
