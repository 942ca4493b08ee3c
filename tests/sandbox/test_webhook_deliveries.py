"""Run events of sandbox runs delivered to a local receiver (docs/alerts.md §3, reference §7.3, §8.4).

The receiver (tests/receivers.py) is an http.server on 127.0.0.1 in a thread; it records every request and
answers with the statuses a test queues (200 once the queue is empty).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxError, SandboxOptions
from tests.builders import Inputs, fact_sheets, item, update
from tests.receivers import Receiver
from tests.sandbox.test_webhooks_api import WEBHOOKS, Api, subscription

RUNS = "/services/integration-api/v1/synchronizationRuns"
SHOP = Inputs("shop")  # connectorType "shop", connectorId "shop-1", version 1.0.0, inbound, partial
CONFIG = SHOP.config(
    fact_sheets("Application", update("name", "${data.name}"), update("businessCriticality", "${data.crit}")),
    fact_sheets(
        "Application", update("colour", "${data.colour}"), name="Colours", filter={"exactType": "Coloured"}
    ),
)
# 4 content items; "notAValue" is no businessCriticality value (INVALID_VALUE: an ERROR) and "colour" no field of
# Application (UNKNOWN_FIELD: a WARNING): by the engine's warning table, 1 error and 1 warning
LDIF = SHOP.ldif(
    item("a1", "App", name="Alpha", crit="missionCritical"),
    item("a2", "App", name="Beta", crit="businessCritical"),
    item("a3", "App", name="Gamma", crit="notAValue"),
    item("a1", "Coloured", colour="red"),
)
CLEAN_LDIF = SHOP.ldif(item("a1", "App", name="Alpha", crit="missionCritical"))
PAYLOAD_KEYS = {
    "type",
    "scope",
    "version",
    "duration",
    "progress",
    "direction",
    "errorCount",
    "connectorId",
    "warningCount",
    "connectorType",
    "integratedTool",
    "processedCount",
    "synchronizationId",
}


@pytest.fixture(scope="module")
def api():
    options = SandboxOptions(size=200, seed=3, run_delay=0, webhook_retry_interval=0.05)
    with Sandbox(options) as server:
        yield Api(server)


@pytest.fixture
def receiver(api):
    found = Receiver()
    yield found
    found.close()
    for sub in api.ok("GET", f"{WEBHOOKS}/subscriptions")["data"]:  # each test starts with none
        api.ok("DELETE", f"{WEBHOOKS}/subscriptions/{sub['id']}")


def subscribe(api: Api, receiver: Receiver, **changes: Any) -> dict[str, Any]:
    return api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription(receiver.url(), **changes))["data"]


def run(api: Api, ldif: dict[str, Any] = LDIF, *, test: bool = False) -> dict[str, Any]:
    """Start a run with its configuration, wait until it has ended and its deliveries have settled."""
    params = {"start": "true", "test": str(test).lower()}
    run_id = api.ok(
        "POST", f"{RUNS}/withConfig", {"input": ldif, "processorConfiguration": CONFIG}, **params
    )["id"]
    end = time.monotonic() + 20
    while api.ok("GET", f"{RUNS}/{run_id}/status")["status"] not in ("FINISHED", "FAILED", "STOPPED"):
        assert time.monotonic() < end, "the run did not end"
        time.sleep(0.01)
    assert api.sandbox.deliveries_settled(10)
    return api.sandbox.history.run(run_id) or {}


def deliveries(api: Api, sub: dict[str, Any]) -> list[dict[str, Any]]:
    answer = api.ok("GET", f"{WEBHOOKS}/subscriptions/{sub['id']}/deliveries")
    assert answer["total"] == len(answer["data"])
    return answer["data"]


def test_a_finished_run_delivers_one_event_with_the_payload_keys_and_the_runs_counts(api, receiver):
    sub = subscribe(api, receiver)
    finished = run(api)
    [body] = receiver.bodies
    assert set(body) == PAYLOAD_KEYS
    expected = {
        "type": "INTEGRATION-API",
        "scope": "PARTIAL",
        "version": "1.0.0",
        "progress": "FINISHED",
        "direction": "INBOUND",
        "errorCount": 1,
        "warningCount": 1,
        "processedCount": 4,
        "connectorId": "shop-1",
        "connectorType": "shop",
        "integratedTool": "",
    }
    assert {k: body[k] for k in expected} == expected
    assert isinstance(body["duration"], float) and 0 <= body["duration"] < 20
    sync = api.ok("GET", f"/services/synclog/v1/synchronizations/{body['synchronizationId']}")["data"]
    assert sync["runId"] == finished["id"]
    assert receiver.requests[0].path == "/hook"
    assert receiver.requests[0].headers["Content-Type"] == "application/json"
    [record] = deliveries(api, sub)
    assert {
        k: record[k] for k in ("subscriptionId", "eventType", "status", "attempts", "responseStatus", "error")
    } == {
        "subscriptionId": sub["id"],
        "eventType": "INTEGRATION_RUN_FINISHED",
        "status": "DELIVERED",
        "attempts": 1,
        "responseStatus": 200,
        "error": None,
    }
    stored = api.ok("GET", f"{WEBHOOKS}/subscriptions/{sub['id']}")["data"]
    assert (stored["lastDeliveryStatus"], stored["errorCount"]) == (200, 0)


def test_the_legacy_statistics_tag_set_gets_started_and_finished(api, receiver):
    subscribe(api, receiver, tagSets=[["integrations", "statistics"]])
    run(api, CLEAN_LDIF)
    assert [b["progress"] for b in receiver.bodies] == ["RUNNING", "FINISHED"]
    started, finished = receiver.bodies
    assert (started["processedCount"], started["duration"]) == (0, 0.0)
    assert (finished["processedCount"], finished["warningCount"], finished["errorCount"]) == (1, 0, 0)
    assert started["synchronizationId"] == finished["synchronizationId"]


def test_tag_sets_select_event_types(api, receiver):
    only_aborted = subscribe(api, receiver, tagSets=[["integrations", "INTEGRATION_RUN_ABORTED"]])
    started = subscribe(api, receiver, tagSets=[["INTEGRATION_RUN_STARTED"], ["some", "other"]])
    no_match = subscribe(api, receiver, tagSets=[["integrations", "INTEGRATION_RUN_FINISHED", "shop-1"]])
    run(api, CLEAN_LDIF)
    assert deliveries(api, only_aborted) == []
    assert deliveries(api, no_match) == []  # connector filtering is the callback's job, not the tags'
    assert [d["eventType"] for d in deliveries(api, started)] == ["INTEGRATION_RUN_STARTED"]
    assert [b["progress"] for b in receiver.bodies] == ["RUNNING"]


def test_a_stopped_run_delivers_an_aborted_event(api, receiver):
    subscribe(api, receiver, tagSets=[["integrations", "INTEGRATION_RUN_ABORTED"]])
    run_id = api.ok("POST", f"{RUNS}/withConfig", {"input": CLEAN_LDIF, "processorConfiguration": CONFIG})[
        "id"
    ]
    api.ok("POST", f"{RUNS}/{run_id}/stop")
    assert api.sandbox.deliveries_settled(10)
    [body] = receiver.bodies
    assert (body["progress"], body["processedCount"], body["connectorId"]) == ("ABORTED", 0, "shop-1")


def test_a_callback_that_leaves_the_delivery_inactive_sends_nothing_and_records_skipped(api, receiver):
    callback = "if (delivery.payload.connectorId !== 'other-1') { delivery.active = false; }"
    sub = subscribe(api, receiver, callback=callback)
    run(api, CLEAN_LDIF)
    assert receiver.requests == []
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"], record["error"]) == ("SKIPPED", 0, None)


def test_a_callback_reshapes_what_is_sent(api, receiver):
    callback = (
        "var p = delivery.payload;\n"
        "delivery.payload = {text: p.connectorId + ': ' + p.warningCount + ' warning(s), ' + p.errorCount + ' error(s)'};"
    )
    subscribe(api, receiver, callback=callback)
    run(api)
    assert receiver.bodies == [{"text": "shop-1: 1 warning(s), 1 error(s)"}]


def test_a_callback_that_throws_is_recorded_failed_and_not_retried(api, receiver):
    sub = subscribe(api, receiver, callback="delivery.payload = {text: delivery.payload.missing.field};")
    run(api, CLEAN_LDIF)
    assert receiver.requests == []
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"]) == ("FAILED", 0)
    assert "threw" in record["error"] and "line 1" in record["error"]


def test_an_inactive_subscription_gets_no_delivery(api, receiver):
    sub = subscribe(api, receiver, active=False)
    run(api, CLEAN_LDIF)
    assert (receiver.requests, deliveries(api, sub)) == ([], [])


def test_a_receiver_that_fails_first_gets_the_delivery_on_retry(api, receiver):
    receiver.statuses.append(500)
    sub = subscribe(api, receiver)
    run(api, CLEAN_LDIF)
    assert len(receiver.requests) == 2
    assert receiver.bodies[0] == receiver.bodies[1]
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"], record["responseStatus"], record["error"]) == (
        "DELIVERED",
        2,
        200,
        None,
    )
    stored = api.ok("GET", f"{WEBHOOKS}/subscriptions/{sub['id']}")["data"]
    assert (stored["lastDeliveryStatus"], stored["errorCount"]) == (200, 1)


def test_ignore_error_sends_once(api, receiver):
    receiver.statuses.append(503)
    sub = subscribe(api, receiver, ignoreError=True)
    run(api, CLEAN_LDIF)
    assert len(receiver.requests) == 1
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"], record["responseStatus"]) == ("FAILED", 1, 503)
    assert "503" in record["error"]


def test_a_delivery_gives_up_after_the_retry_limit(api, receiver):
    receiver.statuses.extend([500] * 10)  # the default limit: 10 attempts, 0.05 s apart here
    sub = subscribe(api, receiver)
    run(api, CLEAN_LDIF)
    assert len(receiver.requests) == 10
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"], record["responseStatus"]) == ("FAILED", 10, 500)
    assert api.ok("GET", f"{WEBHOOKS}/subscriptions/{sub['id']}")["data"]["errorCount"] == 10


def test_an_unreachable_target_is_a_failed_attempt(api, receiver):
    receiver.close()  # nothing listens on its port any more
    sub = subscribe(api, receiver, ignoreError=True)
    run(api, CLEAN_LDIF)
    [record] = deliveries(api, sub)
    assert (record["status"], record["attempts"], record["responseStatus"]) == ("FAILED", 1, None)
    assert "ConnectionError" in record["error"]


def test_payload_modes(api, receiver):
    subscribe(api, receiver, payloadMode="WRAPPED_EVENT")
    run(api, CLEAN_LDIF)
    [event] = receiver.bodies
    assert event["type"] == "INTEGRATION_RUN_FINISHED"
    assert event["tags"] == ["integrations", "statistics", "INTEGRATION_RUN_FINISHED"]
    assert event["workspaceId"] == api.sandbox.store.workspace_id
    payload = json.loads(event["payload"])  # a text in LeanIX's event model (reference §8.3)
    assert set(payload) == PAYLOAD_KEYS and payload["processedCount"] == 1

    receiver.requests.clear()
    for sub in api.ok("GET", f"{WEBHOOKS}/subscriptions")["data"]:
        api.ok("DELETE", f"{WEBHOOKS}/subscriptions/{sub['id']}")
    subscribe(api, receiver, payloadMode="NO_PAYLOAD")
    run(api, CLEAN_LDIF)
    assert receiver.bodies == [{}]


@pytest.mark.parametrize(("constraint", "delivered"), [("WORKSPACE", 1), ("ANY", 1), ("NO_WORKSPACE", 0)])
def test_workspace_constraint(api, receiver, constraint, delivered):
    subscribe(api, receiver, workspaceConstraint=constraint)
    run(api, CLEAN_LDIF)
    assert len(receiver.requests) == delivered


def test_the_authorization_header_is_sent_but_never_shown(api, receiver):
    secret = "Basic dXNlcjpzM2NyZXQtd2ViaG9vaw=="
    sub = subscribe(api, receiver, authorizationHeader=secret, targetMethod="PUT")
    run(api, CLEAN_LDIF)
    [request] = receiver.requests
    assert request.headers["Authorization"] == secret
    records = api.call("GET", f"{WEBHOOKS}/subscriptions/{sub['id']}/deliveries")[1]
    assert secret not in json.dumps(records) and "dXNlcjpzM2NyZXQtd2ViaG9vaw" not in json.dumps(records)
    sent = repr([(r.path, r.headers, r.json()) for r in receiver.requests])
    assert SANDBOX_TOKEN not in sent
    assert SANDBOX_TOKEN not in json.dumps(api.ok("GET", f"{WEBHOOKS}/subscriptions"))


def test_a_callback_cannot_send_elsewhere(api, receiver):
    sub = subscribe(api, receiver, callback="delivery.targetUrl = 'https://example.com/collect';")
    run(api, CLEAN_LDIF)
    assert receiver.requests == []
    [record] = deliveries(api, sub)
    assert record["status"] == "FAILED" and "loopback" in record["error"]


def test_runs_are_not_held_up_by_a_slow_delivery(api, receiver):
    receiver.statuses.extend([500] * 3)
    subscribe(api, receiver)
    begun = time.monotonic()
    body = {"input": CLEAN_LDIF, "processorConfiguration": CONFIG}
    run_id = api.ok("POST", f"{RUNS}/withConfig", body, start="true")["id"]
    answered = time.monotonic() - begun
    assert answered < 1.0  # the retries (3 x 0.05 s) happen after the answer, on the worker
    end = time.monotonic() + 20
    while api.ok("GET", f"{RUNS}/{run_id}/status")["status"] != "FINISHED":
        assert time.monotonic() < end, "the run did not finish"
        time.sleep(0.01)
    assert api.sandbox.deliveries_settled(10)
    assert len(receiver.requests) == 4


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"webhook_retry_interval": 0}, "webhook_retry_interval"),
        ({"webhook_retry_interval": -1.0}, "webhook_retry_interval"),
        ({"webhook_retry_interval": float("nan")}, "webhook_retry_interval"),
        ({"webhook_retry_limit": 0}, "webhook_retry_limit"),
        ({"webhook_retry_limit": 2.5}, "webhook_retry_limit"),
        ({"webhook_retry_limit": True}, "webhook_retry_limit"),
    ],
)
def test_retry_options_out_of_range_are_refused(changes, named):
    with pytest.raises(SandboxError, match=named):
        SandboxOptions(**changes)


def test_the_defaults_are_leanix_s_retry_policy():
    options = SandboxOptions()
    assert (options.webhook_retry_interval, options.webhook_retry_limit) == (50.0, 10)


def test_stopping_a_sandbox_ends_pending_deliveries():
    with (
        Sandbox(SandboxOptions(size=0, run_delay=0, webhook_retry_interval=60)) as server,
        Receiver(statuses=[500]) as receiver,  # closed before the sandbox stops
    ):
        api = Api(server)
        sub = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription(receiver.url()))["data"]
        api.ok(
            "POST",
            f"{RUNS}/withConfig",
            {"input": CLEAN_LDIF, "processorConfiguration": CONFIG},
            start="true",
        )
        end = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < end:
            time.sleep(0.01)
        assert not server.deliveries_settled(0.2)  # the retry is a minute away
    assert server.deliveries_settled(0)
    [record] = server.webhooks.deliveries.listed(sub["id"])
    assert (record["status"], record["attempts"]) == ("FAILED", 1)
