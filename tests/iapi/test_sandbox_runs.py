"""The sandbox's Integration API write endpoints, called over loopback HTTP like a real client would."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kit.client import BadRequest, LeanIXClient, NotFound
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from tests.conftest import FAST_RETRY

IAPI = "/services/integration-api/v1"
DATA = Path(__file__).resolve().parents[2] / "data"
KEYS = ("connectorType", "connectorId", "connectorVersion", "processingDirection", "processingMode")


@pytest.fixture(scope="module")
def server():
    with Sandbox(SandboxOptions(size=200, seed=4, run_delay=0.3)) as sandbox:
        yield sandbox


@pytest.fixture
def client(server):
    with LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as c:
        yield c


def starter():
    config = json.loads((DATA / "processors/starter.json").read_text())
    ldif = json.loads((DATA / "ldif/starter.json").read_text())
    return config, ldif


def wait(client, run_id):
    for _ in range(200):
        status = client.get(f"{IAPI}/synchronizationRuns/{run_id}/status")["status"]
        if status in ("FINISHED", "FAILED", "STOPPED"):
            return status
        time.sleep(0.05)
    raise AssertionError("run did not end")


def test_configurations_upsert_list_and_delete(client):
    config, _ = starter()
    assert client.put(f"{IAPI}/configurations", config) is None  # 204
    listed = client.get(f"{IAPI}/configurations", {"connectorId": config["connectorId"]})
    assert [c["processors"] for c in listed] == [config["processors"]]
    changed = {**config, "processors": config["processors"][:1]}
    client.put(f"{IAPI}/configurations", changed)  # same identity: replaced, not added
    listed = client.get(f"{IAPI}/configurations", {"connectorId": config["connectorId"]})
    assert len(listed) == 1 and len(listed[0]["processors"]) == 1
    with pytest.raises(BadRequest, match="Not all necessary fields"):
        client.delete(f"{IAPI}/configurations", {"connectorId": config["connectorId"]})
    client.delete(f"{IAPI}/configurations", {k: config[k] for k in KEYS})
    assert client.get(f"{IAPI}/configurations", {"connectorId": config["connectorId"]}) == []
    with pytest.raises(NotFound, match="No such processor configuration"):
        client.delete(f"{IAPI}/configurations", {k: config[k] for k in KEYS})


def test_create_start_and_results_of_a_test_run(server, client):
    config, ldif = starter()
    client.put(f"{IAPI}/configurations", config)
    before = server.store.version
    run_id = client.post(f"{IAPI}/synchronizationRuns", ldif)["id"]
    assert client.get(f"{IAPI}/synchronizationRuns/{run_id}/status")["status"] == "CREATED"
    client.post(f"{IAPI}/synchronizationRuns/{run_id}/start", params={"test": "true"})
    with pytest.raises(BadRequest, match="started already"):
        client.post(f"{IAPI}/synchronizationRuns/{run_id}/start")
    assert wait(client, run_id) == "FINISHED"
    stats = client.get(f"{IAPI}/synchronizationRuns/{run_id}/stats")
    assert [c["status"] for c in stats["statusChanges"]] == ["CREATED", "PENDING", "IN_PROGRESS", "FINISHED"]
    assert {p["processorName"] for p in stats["processorStatistics"]} == {
        p["processorName"] for p in config["processors"]
    }
    assert client.get(f"{IAPI}/synchronizationRuns/{run_id}/progress")["processedContentCount"] == 3
    assert client.get(f"{IAPI}/synchronizationRuns/{run_id}/results") is None  # 204: no writeToLdif
    assert server.store.version == before  # a test run changes nothing


def test_a_pending_run_can_be_stopped_and_nothing_is_applied(server, client):
    config, ldif = starter()
    before = server.store.version
    run_id = client.post(
        f"{IAPI}/synchronizationRuns/withConfig",
        {"input": ldif, "processorConfiguration": config},
        params={"start": "true"},
    )["id"]
    client.post(f"{IAPI}/synchronizationRuns/{run_id}/stop")
    assert wait(client, run_id) == "STOPPED"
    with pytest.raises(BadRequest, match="not pending or running"):
        client.post(f"{IAPI}/synchronizationRuns/{run_id}/stop")
    assert server.store.version == before
    sync = next(s for s in server.history.synchronizations if s["runId"] == run_id)
    assert sync["progress"] == "ABORTED"


def test_fast_runs_answer_synchronously(server, client):
    config, ldif = starter()
    bad = {
        **ldif,
        "content": [*ldif["content"], {"type": "Deployment", "id": "x-1", "data": {"version": "1"}}],
    }
    answer = client.post(
        f"{IAPI}/fastSynchronizationRuns/withConfig",
        {"input": bad, "processorConfiguration": config},
        params={"test": "true"},
    )
    assert answer["status"] == "FINISHED"
    assert answer["stats"]["processedContentCount"] == 4 and answer["stats"]["processorCount"] == 3
    assert answer["stats"]["duration"].startswith("PT")
    messages = [w["message"] for w in answer["warnings"]]
    assert any("name" in m for m in messages), messages  # the deployment without an app has no name
    assert all(w["content"] == "x-1" for w in answer["warnings"])
    outbound = {**ldif, "processingDirection": "outbound"}
    with pytest.raises(BadRequest, match="does not support outbound"):
        client.post(f"{IAPI}/fastSynchronizationRuns", outbound)


def test_a_run_without_a_matching_configuration_fails_with_a_reason(client):
    _, ldif = starter()
    orphan = {**ldif, "connectorId": "nobody-configured-this"}
    run_id = client.post(f"{IAPI}/synchronizationRuns", orphan, params={"start": "true"})["id"]
    assert wait(client, run_id) == "FAILED"
    warnings = client.get(f"{IAPI}/synchronizationRuns/{run_id}/warnings")
    assert (
        warnings and warnings[0]["status"] == "ERROR" and "nobody-configured-this" in warnings[0]["message"]
    )
