"""Deletion predictions on the sandbox's generated workspace (through StoreView), applied to its store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from kit.integration.deletion import predict_deletions
from kit.integration.plan import FactSheetRef, RunPlan, StatusWrite, TagWrite
from kit.integration.view import Touched
from kit.sandbox.apply import apply_plan
from kit.sandbox.demo import REFERENCE_DATE, generate_workspace
from kit.sandbox.view import StoreView

FIXTURES = Path(__file__).parent / "fixtures" / "deletion"
NOW = datetime(2026, 11, 1, 6, 0)


def config(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def store():
    return generate_workspace(2000, seed=7)


def tagged_projects(store) -> list[str]:
    ids = [
        r["id"]
        for r in store.factsheets("Project")
        if r["status"] == "ACTIVE" and any(t["name"] == "TEST_PRJ" for t in r["tags"])
    ]
    assert len(ids) == 5  # the demo tags a few projects TEST_PRJ; the scope must find exactly these
    return ids


def test_safety_net_scope_holds_only_the_test_projects(store):
    tagged = tagged_projects(store)
    view = StoreView(store)
    assert view.today == REFERENCE_DATE
    cancelled = predict_deletions(
        config("test_prj_safety_net"), view, Touched(factsheets=set(tagged[:3])), header={}, now=NOW
    )
    assert cancelled.summary() == [
        "2 Project fact sheets would be archived (40%): deletion would be cancelled at the 30% limit"
    ]
    allowed = predict_deletions(
        config("test_prj_safety_net"), view, Touched(factsheets=set(tagged[:4])), header={}, now=NOW
    )
    assert allowed.summary() == ["1 Project fact sheet would be archived (20%, limit 30%)"]
    assert allowed.writes() == [StatusWrite(origin=None, target=FactSheetRef(id=tagged[4]), action="archive")]
    active_projects = sum(1 for r in store.factsheets("Project") if r["status"] == "ACTIVE")
    assert active_projects == 80  # the other 75 projects were never at risk


def test_applying_the_predicted_writes_archives_exactly_those_projects(store):
    tagged = tagged_projects(store)
    view = StoreView(store)
    prediction = predict_deletions(
        config("test_prj_safety_net"), view, Touched(factsheets=set(tagged[:4])), header={}, now=NOW
    )
    applied = apply_plan(store, RunPlan(writes=prediction.writes()))
    assert applied.applied == 1 and applied.skipped == []
    assert store.factsheet(tagged[4])["status"] == "ARCHIVED"
    again = predict_deletions(
        config("test_prj_safety_net"), view, Touched(factsheets=set(tagged[:4])), header={}, now=NOW
    )
    assert again.summary() == ["0 fact sheets would be archived (0%, limit 30%)"]  # the view saw the change


def test_pure_cleanup_of_one_tag_group(store):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "maximumDeletionRatio": {"tags": 101},
            "tags": [
                {
                    "tagScopes": [{"group": "Region", "tag": "EMEA|APAC"}],
                    "scope": {
                        "facetFilters": [
                            {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}
                        ]
                    },
                }
            ],
        },
        "processors": [],
    }
    expected = [
        (r["id"], t["name"])
        for r in store.factsheets("Application")
        if r["status"] == "ACTIVE"
        for t in r["tags"]
        if t["tagGroup"] and t["tagGroup"]["name"] == "Region" and t["name"] in ("EMEA", "APAC")
    ]
    prediction = predict_deletions(cfg, StoreView(store), Touched(), header={}, now=NOW)
    assert len(expected) > 50
    assert prediction.summary() == [f"{len(expected)} tag assignments would be removed (100%, limit 101%)"]
    assert prediction.writes() == [
        TagWrite(None, "remove", FactSheetRef(id=fs_id), "Region", name) for fs_id, name in expected
    ]
    assert apply_plan(store, RunPlan(writes=prediction.writes())).applied == len(expected)
    left = [
        t["name"]
        for r in store.factsheets("Application")
        if r["status"] == "ACTIVE"
        for t in r["tags"]
        if t["name"] in ("EMEA", "APAC")
    ]
    assert left == []  # the assignments are gone; the tags themselves stay
    assert {"EMEA", "APAC"} <= {t["name"] for t in store.tags.values()}


def test_demo_aliases_are_not_owner_lists_so_nothing_is_archived(store):
    cfg = config("owner_multiple_sources")
    cfg["deletionScope"]["factSheets"][0]["scope"]["facetFilters"][0]["keys"] = ["Application"]
    prediction = predict_deletions(cfg, StoreView(store), Touched(), header={}, now=NOW)
    with_alias = [r for r in store.factsheets("Application") if r["status"] == "ACTIVE" and r["alias"]]
    without_alias = [
        r["id"] for r in store.factsheets("Application") if r["status"] == "ACTIVE" and not r["alias"]
    ]
    assert with_alias and all(not r["alias"].startswith("[") for r in with_alias)
    assert [i.id for i in prediction.kinds["factSheets"].to_delete] == without_alias
    assert prediction.kinds["factSheets"].in_scope == len(with_alias) + len(without_alias)


def test_documents_kept_beside_the_store_records_are_in_scope(store):
    tagged = tagged_projects(store)
    store.documents[tagged[0]] = {
        "MyDocs_plan": {"name": "MyDocs_plan", "url": "https://x.example/plan", "documentType": "jira"},
        "Charter": {"name": "Charter", "url": "https://x.example/charter", "documentType": "documentation"},
    }
    cfg = config("auto_deletion_projects")
    cfg["deletionScope"] = {
        "maximumDeletionRatio": {"documents": 101},
        "documents": cfg["deletionScope"]["documents"],
    }
    prediction = predict_deletions(cfg, StoreView(store), Touched(), header={}, now=NOW)
    assert prediction.summary() == ["1 document would be deleted (100%, limit 101%)"]
    apply_plan(store, RunPlan(writes=prediction.writes()))
    assert list(store.documents[tagged[0]]) == ["Charter"]


def test_an_unknown_facet_key_skips_its_scope_with_a_warning(store):
    cfg = {
        "processingMode": "full",
        "deletionScope": {
            "factSheets": [
                {"scope": {"facetFilters": [{"facetKey": "colour", "operator": "OR", "keys": ["red"]}]}}
            ]
        },
    }
    prediction = predict_deletions(cfg, StoreView(store), Touched(), header={}, now=NOW)
    assert prediction.summary() == [
        "0 fact sheets would be archived (0%, limit 50%)",
        "Warning: deletionScope.factSheets[0].scope: Unknown facet key 'colour'. Use one of "
        "FactSheetTypes, _TAGS_, lifecycle, Subscriptions, TrashBin, lxState, hierarchyLevel, DataQuality, "
        "category, a tag group id, a relation name or a single-select field name; this scope is skipped",
    ]
