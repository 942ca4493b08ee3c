"""Preview, test run and real run on the sandbox: the real run's effect equals the preview's prediction."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.iapi_runs import DeletionsNotConfirmed
from kit.integration.plan import FieldWrite, RelationWrite, StatusWrite, TagWrite
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.sources import LiveView
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def fresh():
    """A sandbox of its own: these tests change the workspace."""
    with Sandbox(SandboxOptions(size=400, seed=21, run_delay=0.01)) as server:
        client = LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY)
        yield server, Workspace(client, progress=False)
        client.close()


def state(ws: Workspace) -> dict[str, pd.DataFrame]:
    return {
        "apps": ws.factsheets("Application", include_archived=True).sort_values("id", ignore_index=True),
        "its": ws.factsheets("ITComponent", include_archived=True).sort_values("id", ignore_index=True),
        "projects": ws.factsheets("Project", include_archived=True).sort_values("id", ignore_index=True),
        "rels": ws.relations("Application", "relApplicationToITComponent", include_archived=True).sort_values(
            "relationId", ignore_index=True
        ),
    }


def starter():
    return json.loads((DATA / "processors/starter.json").read_text()), json.loads(
        (DATA / "ldif/starter.json").read_text()
    )


def test_preview_test_run_and_real_run_agree(fresh):
    server, ws = fresh
    config, ldif = starter()
    before = state(ws)
    prediction = kit.preview(config, ldif, workspace=LiveView(ws))
    creates = {
        (w.target.type, w.value)
        for w in prediction.plan.writes
        if isinstance(w, FieldWrite) and w.action == "create" and w.key == "name"
    }
    assert creates == {
        ("Application", "HR Service"),
        ("Application", "Warehousing"),
        ("ITComponent", "westeurope"),
    }
    relations = [w for w in prediction.plan.writes if isinstance(w, RelationWrite)]
    assert len(relations) == 2 and {w.origin.level for w in relations} == {1}

    tested = ws.run(config, ldif)  # a test run: nothing changes
    assert tested.status == "FINISHED" and tested.test
    assert tested.comparison["match"].all(), tested.comparison
    after_test = state(ws)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after_test[name], frame, obj=name)

    real = ws.run(config, ldif, test=False)
    assert real.status == "FINISHED" and not real.test
    after = state(ws)
    new_apps = after["apps"][~after["apps"]["id"].isin(before["apps"]["id"])]
    new_its = after["its"][~after["its"]["id"].isin(before["its"]["id"])]
    created = {("Application", n) for n in new_apps["name"]} | {("ITComponent", n) for n in new_its["name"]}
    assert created == creates
    described = dict(zip(new_apps["name"], new_apps["description"], strict=True))
    assert described == {"HR Service": "HR Service - 1.8.4", "Warehousing": "Warehousing - 2.0.1"}
    new_rels = after["rels"][~after["rels"]["relationId"].isin(before["rels"]["relationId"])]
    assert sorted(zip(new_rels["fromName"], new_rels["toName"], strict=True)) == [
        ("HR Service", "westeurope"),
        ("Warehousing", "westeurope"),
    ]
    runs = ws.runs()
    assert {tested.run_id, real.run_id} <= set(runs["id"])
    synced = ws.synclog()
    assert {tested.run_id, real.run_id} <= set(synced["runId"])

    again = kit.preview(config, ldif, workspace=LiveView(ws))  # the workspace now has them: updates only
    assert not [w for w in again.plan.writes if isinstance(w, FieldWrite) and w.action == "create"]


def test_deletion_scope_is_shown_and_confirmed_before_a_real_run(fresh):
    server, ws = fresh
    store = server.store
    group = next(g for g in store.tag_groups.values() if g["name"] == "Testing")
    tag = next(t for t in store.tags.values() if t["name"] == "TEST_PRJ")
    tagged = [
        r
        for r in store.factsheets("Project")
        if r["status"] == "ACTIVE" and any(t["id"] == tag["id"] for t in r["tags"])
    ]
    assert len(tagged) >= 2
    keep = tagged[0]
    config = {
        "connectorType": "prj",
        "connectorId": "test-projects",
        "connectorVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": "full",
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "Projects",
                "type": "Project",
                "filter": {"exactType": "Project"},
                "identifier": {"internal": "${content.id}"},
                "updates": [{"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]}],
            }
        ],
        "deletionScope": {
            "maximumDeletionRatio": {"factSheets": 101},
            "factSheets": [
                {
                    "scope": {
                        "facetFilters": [
                            {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Project"]},
                            {
                                "facetKey": "${integration.tags.getTagGroupId('Testing')}",
                                "operator": "OR",
                                "keys": ["${integration.tags.getTagId('Testing','TEST_PRJ')}"],
                            },
                        ],
                        "ids": [],
                    }
                }
            ],
        },
    }
    ldif = {
        "connectorType": "prj",
        "connectorId": "test-projects",
        "connectorVersion": "1.0.0",
        "lxVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": "full",
        "content": [{"type": "Project", "id": keep["id"], "data": {"name": keep["name"]}}],
    }
    assert group["id"]
    prediction = kit.preview(config, ldif, workspace=LiveView(ws))
    doomed = {w.target.id for w in prediction.deletions.writes() if isinstance(w, StatusWrite)}
    assert doomed == {r["id"] for r in tagged[1:]}

    before = state(ws)
    with pytest.raises(DeletionsNotConfirmed) as refused:
        ws.run(copy.deepcopy(config), ldif, test=False)
    assert f"confirm_deletions={len(doomed)}" in str(refused.value)
    pd.testing.assert_frame_equal(state(ws)["projects"], before["projects"])  # nothing ran

    real = ws.run(config, ldif, test=False, confirm_deletions=len(doomed))
    assert real.status == "FINISHED"
    projects = state(ws)["projects"].set_index("id")
    assert (
        set(projects.index[projects["status"] == "ARCHIVED"])
        - set(before["projects"].loc[before["projects"]["status"] == "ARCHIVED", "id"])
        == doomed
    )
    assert projects.loc[keep["id"], "status"] == "ACTIVE"


def test_tags_written_by_a_real_run_are_the_predicted_ones(fresh):
    server, ws = fresh
    config, ldif = starter()
    config["processors"].append(
        {
            "processorType": "inboundTag",
            "processorName": "Cluster tags",
            "run": 1,
            "filter": {"exactType": "Cluster"},
            "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
            "forEach": "${data.tags}",
            "updates": [
                {"key": {"expr": "name"}, "values": [{"expr": "${integration.valueOfForEach}"}]},
                {"key": {"expr": "group.name"}, "values": [{"expr": "Cluster maturity"}]},
            ],
        }
    )
    prediction = kit.preview(config, ldif, workspace=LiveView(ws))
    predicted = {
        (w.group, w.tag) for w in prediction.plan.writes if isinstance(w, TagWrite) and w.action == "add"
    }
    assert predicted == {("Cluster maturity", "Important"), ("Cluster maturity", "Mature")}
    before = ws.tags("ITComponent")
    assert ws.run(config, ldif, test=False).status == "FINISHED"
    after = ws.tags("ITComponent")
    added = after.merge(before, how="left", indicator=True).query("_merge == 'left_only'")
    assert set(added["name"]) == {"westeurope"}
    assert set(zip(added["tagGroup"], added["tag"], strict=True)) == predicted
