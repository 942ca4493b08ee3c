"""A client killed (SIGKILL) in the middle of a confirmed real ``ws.run`` leaves the sandbox consistent.

The sandbox runs in its own process (``lxkit sandbox serve`` on a free loopback port); a second process
calls ``ws.run(..., test=False, confirm_deletions=1)`` and is killed at several moments (during the
prediction, right after the run starts, while it polls). Afterwards the sandbox still answers, and the run
applied whole or not at all: all 12 applications created and the named one archived, or none of it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN
from tests.conftest import FAST_RETRY, free_port

ROOT = Path(__file__).resolve().parents[2]
CREATED = 12
IAPI = "/services/integration-api/v1"
CHILD = """
import json, sys
import kit
config, ldif = json.loads(sys.argv[1]), json.loads(sys.argv[2])
from kit.iapi_runs import run_integration
ws = kit.connect(progress=False)
print("go", flush=True)
run_integration(ws, config, ldif, test=False, confirm_deletions=1, poll=(0.01, 0.05))
print("done", flush=True)
"""

VICTIMS = """{ allFactSheets(filter: {facetFilters: [{facetKey: "FactSheetTypes", operator: OR,
  keys: ["Application"]}]}, first: 40) { edges { node { id name status } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--port", str(port), "--size", "150"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(url + "/", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        with LeanIXClient(url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            yield url, client, tmp_path_factory.mktemp("killed")
    finally:
        process.terminate()
        process.wait(timeout=30)


def apps(client, prefix: str) -> dict[str, str]:
    """name -> status of the applications whose name starts with ``prefix`` (archived ones included)."""
    query = """query($f: FilterInput) { allFactSheets(filter: $f) { edges { node { name status } } } }"""
    facets = [
        {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]},
        {"facetKey": "TrashBin", "operator": "OR", "keys": ["archived", "active"]},
    ]
    data = client.graphql(query, {"f": {"facetFilters": facets, "fullTextSearch": prefix}})
    nodes = [e["node"] for e in data["allFactSheets"]["edges"]]
    return {n["name"]: n["status"] for n in nodes if n["name"].startswith(prefix)}


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8, 1.5])
def test_a_killed_client_leaves_the_run_whole_or_absent(served, delay) -> None:
    url, client, cwd = served
    prefix = f"Killed{int(delay * 10)}"
    victims = [e["node"] for e in client.graphql(VICTIMS)["allFactSheets"]["edges"]]
    victim = [v for v in victims if v["status"] == "ACTIVE"][int(delay * 10) % 10]
    connector = f"killed-{int(delay * 10)}"
    header = {
        "connectorType": connector,
        "connectorId": connector,
        "connectorVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": "partial",
    }
    config = {
        **header,
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Create",
                "type": "Application",
                "filter": {"exactType": "New"},
                "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
                "updates": [{"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]}],
            },
            {
                "processorType": "inboundFactSheet",
                "processorName": "Retire",
                "type": "Application",
                "mode": "delete",
                "filter": {"exactType": "Retire"},
                "identifier": {"internal": "${content.id}"},
            },
        ],
    }
    items = [
        {"type": "New", "id": f"{connector}-{i}", "data": {"name": f"{prefix} app {i:02d}"}}
        for i in range(CREATED)
    ]
    items.append({"type": "Retire", "id": victim["id"], "data": {}})
    ldif = {**header, "lxVersion": "1.0.0", "content": items}
    runs_before = {r["id"] for r in client.get(f"{IAPI}/synchronizationRuns")}

    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env.update(LEANIX_HOST=url, LEANIX_API_TOKEN=SANDBOX_TOKEN, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(config), json.dumps(ldif)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "go"
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL or child.returncode == 0

    # the sandbox answers, and any run the child started ends
    new_runs = [r for r in client.get(f"{IAPI}/synchronizationRuns") if r["id"] not in runs_before]
    assert len(new_runs) <= 1
    for _ in range(600):
        statuses = [client.get(f"{IAPI}/synchronizationRuns/{r['id']}/status")["status"] for r in new_runs]
        if all(s in ("FINISHED", "FAILED", "STOPPED") for s in statuses):
            break
        time.sleep(0.05)
    created = apps(client, prefix)
    victim_status = client.graphql("query($id: ID!) { factSheet(id: $id) { status } }", {"id": victim["id"]})[
        "factSheet"
    ]["status"]
    if new_runs and statuses == ["FINISHED"]:  # applied whole
        assert created == {f"{prefix} app {i:02d}": "ACTIVE" for i in range(CREATED)}
        assert victim_status == "ARCHIVED"
    else:  # never started: nothing changed
        assert new_runs == []
        assert created == {}
        assert victim_status == "ACTIVE"
