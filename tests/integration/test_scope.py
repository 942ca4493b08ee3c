"""``scope_check``: matched items, search and deletion scope sizes, the request estimate and its warnings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kit.previews.scope import ScopeCheck, scope_check
from kit.sources import NodesView
from tests.builders import Inputs

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
INPUTS = Inputs("scope", "scope-1")
HEADER = INPUTS.header
ldif = INPUTS.ldif
APPLICATIONS = {
    "facetFilters": [{"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}],
    "ids": [],
}


def view(apps: int = 12) -> NodesView:
    nodes: list[dict[str, Any]] = [
        {
            "id": f"a-{i}",
            "type": "Application",
            "name": f"App {i}",
            "status": "ACTIVE",
            "tags": [{"id": "t-1", "name": "Prod", "tagGroup": {"id": "g-1", "name": "Env"}}]
            if i % 2
            else [],
            "relApplicationToITComponent": {
                "edges": [{"node": {"id": f"r-{i}", "factSheet": {"id": "c-1", "type": "ITComponent"}}}]
            },
        }
        for i in range(apps)
    ]
    nodes.append({"id": "c-1", "type": "ITComponent", "name": "DB", "status": "ACTIVE", "tags": []})
    return NodesView(nodes, today=date(2025, 1, 1))


def search_config(**root: Any) -> dict[str, Any]:
    return {
        **HEADER,
        "processors": [
            {
                "processorType": "inboundFactSheet",
                "processorName": "by search",
                "type": "Application",
                "filter": {"exactType": "App", "advanced": "${data.go == 'yes'}"},
                "identifier": {
                    "search": {"scope": APPLICATIONS, "filter": "${lx.factsheet.name == data.name}"}
                },
                "updates": [{"key": {"expr": "description"}, "values": [{"expr": "x"}]}],
            },
            {
                "processorType": "inboundTag",
                "processorName": "tags",
                "filter": {"type": "App"},
                "forEach": "${data.tags}",
                "identifier": {"internal": "${data.id}"},
                "updates": [{"key": {"expr": "name"}, "values": [{"expr": "${integration.valueOfForEach}"}]}],
            },
            {
                "processorType": "variableProcessor",
                "processorName": "never",
                "filter": {"exactType": "Nothing"},
            },
        ],
        **root,
    }


def items() -> list[dict[str, Any]]:
    return [
        {"id": "1", "type": "App", "data": {"go": "yes", "name": "App 1", "tags": ["a", "b"], "id": "a-1"}},
        {"id": "2", "type": "App", "data": {"go": "no", "name": "App 2", "tags": ["c"], "id": "a-2"}},
        {"id": "3", "type": "Other", "data": {}},
    ]


def test_matched_items_executions_and_search_scope_sizes() -> None:
    check = scope_check(search_config(), ldif(*items()), view())
    assert isinstance(check, ScopeCheck)
    frame = check.frame()
    assert frame[
        ["index", "matched_items", "executions", "search_scopes", "search_fact_sheets_max"]
    ].to_numpy().tolist() == [
        [0, 1, 1, 1, 12],
        [1, 2, 2 + 1, 0, None],
        [2, 0, 0, 0, None],
    ]
    # search: one page read + up to 12 updates; tags: 3 executions x (lookup + mutation)
    assert frame["estimated_requests"].tolist() == [1 + 12, 6, 0]
    assert check.estimated_requests == 19
    assert check.search_frame()[["processor", "role", "fact_sheets"]].values.tolist() == [
        ["by search", "identifier", 12]
    ]
    assert "processor 2 (never) matches no content item" in check.notes
    assert check.warnings == []


def test_thresholds_turn_sizes_into_warnings() -> None:
    check = scope_check(search_config(), ldif(*items()), view(), search_limit=10, request_limit=15)
    assert check.warnings == [
        "processor 0 (by search): a search scope holds 12 fact sheets (more than 10); restrict it while testing",
        "about 19 GraphQL requests (more than 15): the run would be long",
    ]
    assert "Warning: about 19 GraphQL requests" in check.summary()


def test_deletion_scopes_are_sized_in_full_mode_only() -> None:
    deletion = {
        "factSheets": [{"scope": APPLICATIONS}],
        "relations": [{"relationTypes": ["relApplicationToITComponent"], "scope": APPLICATIONS}],
        "tags": [{"tagScopes": [{"group": "Env", "tag": ".*"}], "scope": APPLICATIONS}],
    }
    full = search_config(processingMode="full", deletionScope=deletion)
    check = scope_check(full, ldif(*items(), processingMode="full"), view(), search_limit=10)
    assert check.deletion_frame()[["kind", "index", "fact_sheets", "items"]].values.tolist() == [
        ["factSheets", 0, 12, 12],
        ["relations", 0, 12, 12],
        ["tags", 0, 12, 6],
    ]
    assert check.estimated_requests == 19 + (1 + 12) + (1 + 12) + (1 + 6)
    assert sum("deletion scope" in w for w in check.warnings) == 3
    # touched: a-1 (search match, tags), a-2 (tags); 10 of 12 untouched apps reach the default 50% limit, so
    # iAPI cancels all deletion and the run would remove nothing
    assert check.removals is not None and check.removals.total == 0
    assert "Would archive or delete: nothing" in check.summary().splitlines()
    partial = scope_check(search_config(deletionScope=deletion), ldif(*items()), view())
    assert partial.deletion_scopes == [] and "PARTIAL mode: deletion scopes are ignored" in partial.notes


def test_without_a_workspace_scopes_are_not_sized() -> None:
    check = scope_check(FIXTURES / "starter_config.json", FIXTURES / "starter_ldif.json")
    assert check.frame()["matched_items"].tolist() == [1, 1, 1]
    assert check.estimated_requests == 2 + 2 + 3
    assert "no workspace given: search and deletion scopes cannot be sized" in check.notes
    html = check._repr_html_()
    assert html.startswith("<div class='lxkit-scope'><ul><li>3 processor(s) match 3 (item, processor) pairs")
