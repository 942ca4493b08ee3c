"""An outbound configuration run on the sandbox: the exported LDIF at ``/results`` (reference §4.2), as LeanIX's
outbound runs do; fast runs refuse outbound ("Fast execution does not support outbound yet.", [IAPI-SW])."""

from __future__ import annotations

import time

import pytest

from kit.client import BadRequest, LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sandbox.store import Store
from tests.conftest import FAST_RETRY

IAPI = "/services/integration-api/v1"
HEADER = {
    "connectorType": "lxExport",
    "connectorId": "007",
    "connectorVersion": "1.0.0",
    "processingDirection": "outbound",
    "processingMode": "partial",
}
TRIGGER = {**HEADER, "lxVersion": "1.0.0"}
# "Setting the Scope" (SAP docs, Outbound Processors): a processor scope on FactSheetTypes Application.
CONFIG = {
    **HEADER,
    "scope": {},
    "processors": [
        {
            "processorType": "outboundFactSheet",
            "processorName": "Export to LDIF",
            "scope": {
                "ids": [],
                "facetFilters": [{"keys": ["Application"], "facetKey": "FactSheetTypes", "operator": "OR"}],
            },
            "fields": ["description"],
            "output": [
                {"key": {"expr": "content.id"}, "values": [{"expr": "${lx.factsheet.id}"}]},
                {"key": {"expr": "content.type"}, "values": [{"expr": "${lx.factsheet.type}"}]},
                {"key": {"expr": "name"}, "values": [{"expr": "${lx.factsheet.name}"}]},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def served():
    store = Store(workspace_name="export")
    crm = store.add_factsheet("Application", "CRM")
    erp = store.add_factsheet("Application", "ERP")
    store.add_factsheet("ITComponent", "Postgres")
    with Sandbox(SandboxOptions(size=0, run_delay=0), store=store) as sandbox:
        with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            yield client, {crm["id"]: "CRM", erp["id"]: "ERP"}


def _finished(client: LeanIXClient, run_id: str) -> dict:
    for _ in range(200):
        status = client.get(f"{IAPI}/synchronizationRuns/{run_id}/status")
        if status["status"] in ("FINISHED", "FAILED", "STOPPED"):
            return status
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} did not finish")


def test_an_outbound_run_exports_the_ldif_at_results(served):
    client, apps = served
    created = client.post(
        f"{IAPI}/synchronizationRuns/withConfig",
        {"input": TRIGGER, "processorConfiguration": CONFIG},
        params={"start": "true"},
    )
    assert _finished(client, created["id"])["status"] == "FINISHED"
    results = client.get(f"{IAPI}/synchronizationRuns/{created['id']}/results")
    assert results["connectorType"] == "lxExport"
    assert results["processingDirection"] == "INBOUND"
    assert results["description"] == f"The resulting LDIF of the outbound run {created['id']}"
    assert sorted((c["type"], c["id"], c["data"]["name"]) for c in results["content"]) == sorted(
        ("Application", fs_id, name) for fs_id, name in apps.items()
    )
    stats = client.get(f"{IAPI}/synchronizationRuns/{created['id']}/stats")
    (processor,) = stats["processorStatistics"]
    assert (processor["itemsInScopeCount"], processor["processedContentCount"], processor["errorCount"]) == (
        2,
        2,
        0,
    )


def test_a_fast_run_refuses_outbound(served):
    client, _ = served
    with pytest.raises(BadRequest) as caught:
        client.post(
            f"{IAPI}/fastSynchronizationRuns/withConfig", {"input": TRIGGER, "processorConfiguration": CONFIG}
        )
    assert "Fast execution does not support outbound yet." in str(caught.value)
