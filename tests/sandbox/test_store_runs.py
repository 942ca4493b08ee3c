"""A sandbox over a store of the test's own: the engine's view of it, and runs applied to it over loopback."""

from __future__ import annotations

import pytest

from kit.client import BadRequest, LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxError, SandboxOptions
from kit.sandbox.metamodel import DEFAULT_METAMODEL
from kit.sandbox.store import Store
from kit.sandbox.view import StoreView
from tests.builders import Inputs, fact_sheets, item, update
from tests.conftest import FAST_RETRY

FAST_RUN = "/services/integration-api/v1/fastSynchronizationRuns/withConfig"
RUN = "/services/integration-api/v1/synchronizationRuns/withConfig"
INPUTS = Inputs("shop", mode="partial")
CONFIG = INPUTS.config(fact_sheets("Application", update("name", "${data.name}")))
LDIF = INPUTS.ldif(item("app-1", "App", name="CRM 2"), item("app-2", "App", name="ERP"))


def small_store() -> Store:
    store = Store(workspace_name="shop")
    crm = store.add_factsheet("Application", "CRM", fields={"externalId": "app-1"})
    store.documents[crm["id"]] = {"Wiki": {"url": "https://wiki.example.com/crm"}}
    store.add_factsheet("ITComponent", "Postgres")
    return store


def names_by_external_id(store: Store) -> dict[str, str]:
    return {r["externalId"]["externalId"]: r["name"] for r in StoreView(store).records("Application")}


@pytest.fixture
def served():
    store = small_store()
    with Sandbox(SandboxOptions(size=0, run_delay=0), store=store) as sandbox:
        with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
            yield sandbox, client


# -- the engine's view of the store ------------------------------------------------------------------------------
def test_the_view_reads_records_and_the_stores_meta_model():
    store = small_store()
    view = StoreView(store)
    assert view.metamodel is store.metamodel
    assert view.metamodel is DEFAULT_METAMODEL
    assert [r["name"] for r in view.records("Application")] == ["CRM"]
    assert sorted(r["name"] for r in view.records()) == ["CRM", "Postgres"]
    assert view.records("Project") == []
    assert view.record("no-such-id") is None


def test_a_record_carries_its_documents_as_a_connection():
    store = small_store()
    crm = StoreView(store).records("Application")[0]
    record = StoreView(store).record(crm["id"])
    assert record is not None
    assert record["name"] == "CRM"
    assert record["documents"] == {
        "totalCount": 1,
        "edges": [{"node": {"id": None, "name": "Wiki", "url": "https://wiki.example.com/crm"}}],
    }


def test_the_view_follows_changes_to_the_store():
    store = small_store()
    view = StoreView(store)
    assert len(view.records("Application")) == 1
    store.add_factsheet("Application", "HR", fields={"externalId": "app-3"})
    assert sorted(r["name"] for r in view.records("Application")) == ["CRM", "HR"]
    assert view.find_external("Application", "externalId", "app-3")["name"] == "HR"


# -- a sandbox over a given store ----------------------------------------------------------------------------------
def test_a_sandbox_serves_the_store_it_is_given(served):
    sandbox, client = served
    answer = client.graphql(
        "{ allFactSheets(factSheetType: Application) { totalCount edges { node { name } } } }"
    )
    assert answer["allFactSheets"] == {"totalCount": 1, "edges": [{"node": {"name": "CRM"}}]}
    assert sandbox.store.workspace_name == "shop"


def test_a_sandbox_refuses_a_store_that_is_not_one():
    with pytest.raises(SandboxError) as caught:
        Sandbox(SandboxOptions(size=0), store={"Application": []})  # type: ignore[arg-type]  # the refusal is the test
    assert str(caught.value) == "store must be a kit.sandbox.store.Store, got a dict."


# -- runs applied through predict() -------------------------------------------------------------------------------
def test_a_fast_run_updates_and_creates_what_the_ldif_says(served):
    sandbox, client = served
    answer = client.post(FAST_RUN, {"input": LDIF, "processorConfiguration": CONFIG})
    assert answer["status"] == "FINISHED"
    assert answer["warnings"] == []
    assert answer["stats"]["processedContentCount"] == 2
    assert answer["stats"]["processorCount"] == 1
    assert names_by_external_id(sandbox.store) == {"app-1": "CRM 2", "app-2": "ERP"}


def test_a_fast_test_run_changes_nothing(served):
    sandbox, client = served
    version = sandbox.store.version
    answer = client.post(FAST_RUN, {"input": LDIF, "processorConfiguration": CONFIG}, params={"test": "true"})
    assert answer["status"] == "FINISHED"
    assert sandbox.store.version == version
    assert names_by_external_id(sandbox.store) == {"app-1": "CRM"}


def test_an_invalid_configuration_fails_the_run_with_the_validation_message(served):
    sandbox, client = served
    broken = {**CONFIG, "processors": [{**CONFIG["processors"][0], "processorType": "inboundFactsheet"}]}
    answer = client.post(FAST_RUN, {"input": LDIF, "processorConfiguration": broken})
    assert answer["status"] == "FAILED"
    [warning] = answer["warnings"]
    assert (warning["category"], warning["status"]) == ("RUN_FAILED", "ERROR")
    assert "inboundFactsheet" in warning["message"]
    assert names_by_external_id(sandbox.store) == {"app-1": "CRM"}


@pytest.mark.parametrize("path", [FAST_RUN, RUN])
def test_a_configuration_that_is_not_an_object_is_refused(served, path):
    _, client = served
    with pytest.raises(BadRequest, match="'processorConfiguration' must be a JSON object"):
        client.post(path, {"input": LDIF, "processorConfiguration": "config.json"})
