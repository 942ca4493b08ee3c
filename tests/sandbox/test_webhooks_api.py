"""The sandbox's Webhooks API (docs/alerts.md §3, reference §8): subscriptions CRUD, 404, 409, validation."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import requests

from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions

WEBHOOKS = "/services/webhooks/v1"
_names = itertools.count()


class Api:
    """Plain HTTP to a sandbox with a bearer token from its MTM endpoint: answers as (status, JSON)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(
            f"{sandbox.url}/services/mtm/v1/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=("apitoken", sandbox.options.api_token),
            timeout=10,
        )
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        response = self.http.request(
            method, f"{self.sandbox.url}{path}", json=body, params=params or None, timeout=10
        )
        return response.status_code, (response.json() if response.content else None)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        status, answer = self.call(method, path, body, **params)
        assert status in (200, 204), (status, answer)
        return answer


def subscription(target_url: str = "http://127.0.0.1:9/hook", **changes: Any) -> dict[str, Any]:
    """A PUSH subscription body as reference §8.2 writes one, with a fresh identifier."""
    return {
        "identifier": f"test subscription {next(_names)}",
        "deliveryType": "PUSH",
        "tagSets": [["integrations", "INTEGRATION_RUN_FINISHED"]],
        "targetUrl": target_url,
        **changes,
    }


@pytest.fixture(scope="module")
def api():
    with Sandbox(SandboxOptions(size=200, seed=3, run_delay=0)) as server:
        yield Api(server)


def test_a_created_subscription_comes_back_in_the_envelope_with_the_defaults(api):
    body = subscription(callback=None, myOwnKey={"kept": True})
    answer = api.ok("POST", f"{WEBHOOKS}/subscriptions", body)
    assert (answer["status"], answer["type"], answer["total"]) == ("OK", "Subscription", 1)
    created = answer["data"]
    assert created["identifier"] == body["identifier"]
    assert created["tagSets"] == [["integrations", "INTEGRATION_RUN_FINISHED"]]
    defaults = {
        "targetMethod": "POST",
        "ignoreError": False,
        "active": True,
        "payloadMode": "DEFAULT",
        "workspaceConstraint": "WORKSPACE",
        "maxBatchSize": 512,
        "workspaceId": api.sandbox.store.workspace_id,
        "lastDeliveryStatus": None,
        "errorCount": 0,
        "myOwnKey": {"kept": True},
    }
    assert {k: created[k] for k in defaults} == defaults
    assert len(created["id"]) == 36 and created["createdAt"].endswith("Z")


def test_read_list_update_delete_and_then_404(api):
    created = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription())["data"]
    path = f"{WEBHOOKS}/subscriptions/{created['id']}"
    assert api.ok("GET", path)["data"]["identifier"] == created["identifier"]

    listed = api.ok("GET", f"{WEBHOOKS}/subscriptions", identifier=created["identifier"])
    assert (listed["total"], [s["id"] for s in listed["data"]]) == (1, [created["id"]])
    everything = api.ok("GET", f"{WEBHOOKS}/subscriptions")
    assert created["id"] in [s["id"] for s in everything["data"]]
    assert everything["total"] == len(everything["data"])

    changed = subscription(identifier=created["identifier"], active=False, targetUrl="http://localhost:9/x")
    updated = api.ok("PUT", path, {**changed, "id": "ignored", "errorCount": 99})["data"]
    assert (updated["id"], updated["active"], updated["targetUrl"]) == (
        created["id"],
        False,
        "http://localhost:9/x",
    )
    assert (updated["errorCount"], updated["createdAt"]) == (0, created["createdAt"])

    deleted = api.ok("DELETE", path)
    assert deleted["status"] == "OK"
    for method, body in (("GET", None), ("PUT", changed), ("DELETE", None)):
        status, answer = api.call(method, path, body)
        assert status == 404
        assert answer["status"] == "ERROR"
        assert answer["errors"][0]["value"] == "id"
        assert created["id"] in answer["errors"][0]["messages"][0]
    assert api.call("GET", f"{path}/deliveries")[0] == 404
    assert api.ok("GET", f"{WEBHOOKS}/subscriptions", identifier=created["identifier"])["data"] == []


def test_an_identifier_that_exists_in_the_workspace_is_a_409(api):
    first = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription())["data"]
    status, answer = api.call(
        "POST", f"{WEBHOOKS}/subscriptions", subscription(identifier=first["identifier"])
    )
    assert status == 409
    assert answer["errors"][0]["value"] == "identifier"
    assert first["id"] in answer["errors"][0]["messages"][0]

    second = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription())["data"]
    renamed = subscription(identifier=first["identifier"])
    assert api.call("PUT", f"{WEBHOOKS}/subscriptions/{second['id']}", renamed)[0] == 409
    same = subscription(identifier=first["identifier"], active=False)  # updating itself is no conflict
    assert api.ok("PUT", f"{WEBHOOKS}/subscriptions/{first['id']}", same)["data"]["active"] is False


def test_missing_required_keys_are_all_named_in_one_400(api):
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", {"targetUrl": "http://127.0.0.1:9/"})
    assert status == 400
    assert answer["status"] == "ERROR"
    assert [e["value"] for e in answer["errors"]] == ["identifier", "deliveryType", "tagSets"]
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", [1, 2])
    assert (status, answer["errors"][0]["value"]) == (400, "body")


@pytest.mark.parametrize(
    ("changes", "value"),
    [
        ({"tagSets": [["integrations"], []]}, "tagSets"),
        ({"tagSets": "integrations"}, "tagSets"),
        ({"deliveryType": "EMAIL"}, "deliveryType"),
        ({"payloadMode": "FULL"}, "payloadMode"),
        ({"workspaceConstraint": "MINE"}, "workspaceConstraint"),
        ({"ignoreError": "no"}, "ignoreError"),
        ({"maxBatchSize": 0}, "maxBatchSize"),
        ({"targetMethod": "GET"}, "targetMethod"),
        ({"targetUrl": None}, "targetUrl"),
        ({"targetUrl": "ftp://127.0.0.1/x"}, "targetUrl"),
    ],
)
def test_invalid_values_are_a_400_naming_the_key(api, changes, value):
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", subscription(**changes))
    assert status == 400
    assert [e["value"] for e in answer["errors"]] == [value]


@pytest.mark.parametrize(
    "url", ["https://hooks.slack.com/services/T000/B000/XXXX", "http://10.0.0.1/hook", "http://example.com/"]
)
def test_a_target_that_is_not_loopback_is_refused_naming_the_rule(api, url):
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", subscription(url))
    assert status == 400
    [error] = answer["errors"]
    assert error["value"] == "targetUrl"
    assert "loopback" in error["messages"][0]
    created = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription())["data"]
    status, _ = api.call("PUT", f"{WEBHOOKS}/subscriptions/{created['id']}", subscription(url))
    assert status == 400


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/x", "https://[::1]:9000/"])
def test_loopback_targets_are_accepted(api, url):
    assert api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription(url))["data"]["targetUrl"] == url


def test_a_pull_subscription_needs_no_target(api):
    body = subscription(deliveryType="PULL")
    del body["targetUrl"]
    assert api.ok("POST", f"{WEBHOOKS}/subscriptions", body)["data"]["deliveryType"] == "PULL"


def test_a_callback_with_a_syntax_error_is_refused_with_line_and_column(api):
    callback = "var payload = delivery.payload;\nvar text = ;\n"
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", subscription(callback=callback))
    assert status == 400
    [error] = answer["errors"]
    assert error["value"] == "callback"
    assert "line 2, column 12" in error["messages"][0]  # the ';' after 'var text = ' is the 12th character
    created = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription())["data"]
    status, answer = api.call(
        "PUT", f"{WEBHOOKS}/subscriptions/{created['id']}", subscription(callback=callback)
    )
    assert (status, answer["errors"][0]["value"]) == (400, "callback")


def test_a_callback_that_only_fails_at_run_time_is_stored(api):
    callback = "delivery.payload = {text: delivery.payload.missing.field};"  # throws for every payload
    created = api.ok("POST", f"{WEBHOOKS}/subscriptions", subscription(callback=callback))["data"]
    assert created["callback"] == callback


def test_a_subscription_carrying_the_api_token_is_refused_and_the_answer_does_not_quote_it(api):
    body = subscription(authorizationHeader=f"Bearer {SANDBOX_TOKEN}")
    status, answer = api.call("POST", f"{WEBHOOKS}/subscriptions", body)
    assert status == 400
    assert [e["value"] for e in answer["errors"]] == ["body"]
    assert SANDBOX_TOKEN not in str(answer)


def test_event_tags_list_the_run_events(api):
    answer = api.ok("GET", f"{WEBHOOKS}/eventTags")
    assert answer["status"] == "OK"
    assert set(answer["data"]) == {
        "integrations",
        "statistics",
        "INTEGRATION_RUN_STARTED",
        "INTEGRATION_RUN_FINISHED",
        "INTEGRATION_RUN_ABORTED",
    }


def test_the_api_needs_a_token(api):
    response = requests.get(f"{api.sandbox.url}{WEBHOOKS}/subscriptions", timeout=10)
    assert response.status_code == 401
