"""``preview``: frames, notes, summary, deletions (FULL mode), exports, and inputs in every accepted form."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit.integration.engine import BindingError
from kit.integration.plan import FactSheetRef, StatusWrite
from kit.previews.preview import Preview, preview
from kit.sources import NodesView
from tests.builders import EXTERNAL, Inputs, item, update

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
NOW = datetime(2025, 3, 1, 12, 0)
INPUTS = Inputs("prv", "prv-1")
HEADER = INPUTS.header
config = INPUTS.config
ldif = INPUTS.ldif


def apps(*updates: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "processorType": "inboundFactSheet",
        "processorName": "Apps",
        "type": "Application",
        "filter": {"exactType": "App"},
        "identifier": EXTERNAL,
        "updates": list(updates),
        **extra,
    }


def records() -> list[dict[str, Any]]:
    def app(fs_id: str, ext: str, name: str, **extra: Any) -> dict[str, Any]:
        return {
            "id": fs_id,
            "type": "Application",
            "name": name,
            "status": "ACTIVE",
            "description": f"{name} app",
            "alias": name.lower(),
            "externalId": {"externalId": ext},
            "tags": [],
            **extra,
        }

    return [
        app("a-1", "crm", "CRM"),
        app("a-2", "erp", "ERP"),
        app("a-3", "hr", "HR"),
        app("a-4", "old", "Old"),
        {"id": "p-1", "type": "Project", "name": "P", "status": "ACTIVE", "tags": []},
    ]


def starter() -> Preview:
    return preview(FIXTURES / "starter_config.json", str(FIXTURES / "starter_ldif.json"), now=NOW)


def test_the_starter_example_as_frames() -> None:
    shown = starter()
    assert list(shown.writes.columns) == [
        "level",
        "processor",
        "processor_index",
        "content_id",
        "content_type",
        "target_id",
        "target_ref",
        "target_type",
        "target_name",
        "target_external_field",
        "target_external_id",
        "action",
        "key",
        "before",
        "after",
        "changed",
    ]
    # a new fact sheet's external id is data, not only part of the display text (starter_ldif.json's ids)
    externals = shown.writes[["target_external_field", "target_external_id"]].values.tolist()
    assert externals == [
        ["externalId", "634c16bf-198c-1129-9d08-92630b573fbf"],
        ["externalId", "634c16bf-198c-1129-9d08-92630b573fbf"],
        ["externalId", "westeurope"],
        ["externalId", "westeurope"],
    ]
    rows = shown.writes[["processor", "target_ref", "target_name", "action", "key", "after"]].values.tolist()
    assert rows == [
        [
            "Apps from Deployments",
            "new Application externalId=634c16bf-198c-1129-9d08-92630b573fbf",
            "HR Service",
            "create",
            "name",
            "HR Service",
        ],
        [
            "Apps from Deployments",
            "new Application externalId=634c16bf-198c-1129-9d08-92630b573fbf",
            "HR Service",
            "create",
            "description",
            "HR Service - 1.8.4",
        ],
        [
            "ITComponent from Cluster",
            "new ITComponent externalId=westeurope",
            "westeurope",
            "create",
            "name",
            "westeurope",
        ],
        [
            "ITComponent from Cluster",
            "new ITComponent externalId=westeurope",
            "westeurope",
            "create",
            "location",
            "1600 Pennsylvania Ave Nw, Washington, DC 20500",
        ],
    ]
    assert shown.changes.equals(shown.writes)
    rel = shown.relations.iloc[0]
    assert (rel["level"], rel["type"], rel["source_name"], rel["target_name"], rel["action"]) == (
        1,
        "relApplicationToITComponent",
        "HR Service",
        "westeurope",
        "upsert",
    )
    assert shown.warnings.empty and shown.tags.empty and shown.deletions is None
    assert shown.stats["processorStatistics"][2]["processedContentCount"] == 1
    assert list(shown.stats_levels["singleRunIndex"]) == [0, 1]
    assert shown.summary().splitlines()[:5] == [
        "Run of inboundExample/inbound-example 1.0.0 (PARTIAL): 2 content items, 2 run level(s)",
        "Fact sheets: 2 created (4 field writes, 4 changing a value)",
        "Relations: 1 upsert",
        "Warnings: none",
        "Would archive or delete: nothing",
    ]
    assert shown.notes[0].startswith("no workspace given: external ids are assumed new")


def test_inputs_as_json_text_and_several_configurations() -> None:
    text = (FIXTURES / "starter_config.json").read_text()
    other = {**json.loads(text), "connectorId": "other"}
    shown = preview([other, text], (FIXTURES / "starter_ldif.json").read_text(), now=NOW)
    assert shown.configuration["connectorId"] == "inbound-example"
    with pytest.raises(BindingError, match="connectorId differs"):
        preview(other, FIXTURES / "starter_ldif.json")


def test_changes_compare_with_the_workspace_given_as_records() -> None:
    processor = apps(
        update("description", "${data.text}"),
        update("alias", "${data.alias}"),
        update("name", "${data.name}"),
    )
    items = [
        item("crm", text="CRM app", alias="crm", name="CRM 2"),
        item("new", text="x", alias="n", name="New"),
    ]
    shown = preview(config(processor), ldif(*items), records(), now=NOW)
    writes = shown.writes
    assert writes[["target_id", "action", "key", "before", "after", "changed"]].values.tolist() == [
        ["a-1", "update", "description", "CRM app", "CRM app", False],
        ["a-1", "update", "alias", "crm", "crm", False],
        ["a-1", "update", "name", "CRM", "CRM 2", True],
        [None, "create", "description", None, "x", True],
        [None, "create", "alias", None, "n", True],
        [None, "create", "name", None, "New", True],
    ]
    assert shown.changes["key"].tolist() == ["name", "description", "alias", "name"]
    # an existing fact sheet is named by its id; only the one the run creates carries its external id
    externals = writes[["target_external_field", "target_external_id"]].values.tolist()
    assert externals == [[None, None]] * 3 + [["externalId", "new"]] * 3
    assert writes["target_name"].tolist()[:3] == ["CRM 2", "CRM 2", "CRM 2"]
    assert shown.notes == []
    assert "Fact sheets: 1 created, 1 updated (6 field writes, 4 changing a value)" in shown.summary()


def full_config(**scope: Any) -> dict[str, Any]:
    deletion = {
        "factSheets": [
            {
                "scope": {
                    "facetFilters": [
                        {"facetKey": "FactSheetTypes", "operator": "OR", "keys": ["Application"]}
                    ],
                    "ids": [],
                }
            }
        ],
        **scope,
    }
    return config(apps(update("name", "${data.name}")), processingMode="full", deletionScope=deletion)


def test_full_mode_predicts_deletions_through_the_deletion_module() -> None:
    view = NodesView(records(), today=date(2025, 3, 1))
    items = [item("crm", name="CRM"), item("erp", name="ERP"), item("hr", name="HR")]
    shown = preview(full_config(), ldif(*items, processingMode="full"), view, now=NOW)
    assert shown.deletions is not None and not shown.deletions.cancelled
    assert shown.deletions_frame[["kind", "id", "name"]].values.tolist() == [["factSheets", "a-4", "Old"]]
    archived = shown.plan.writes[-1]
    assert isinstance(archived, StatusWrite)
    assert (archived.action, archived.target.id, archived.origin) == ("archive", "a-4", None)
    assert len(shown.plan.writes) == len(shown.result.plan.writes) + 1
    assert shown.stats["deletedObjects"] == [
        {"kind": "factSheets", "id": "a-4", "type": "Application", "name": "Old"}
    ]
    assert any(
        line.startswith("Deletions: 1 Application fact sheet would be archived (25%")
        for line in shown.summary().splitlines()
    )
    assert "Would archive or delete: 1 fact sheet (archived)" in shown.summary().splitlines()
    assert shown.removals_frame[["by", "factsheet_id", "name"]].values.tolist() == [
        ["deletion scope", "a-4", "Old"]
    ]


def test_full_mode_deletion_cancelled_at_the_ratio_limit() -> None:
    view = NodesView(records(), today=date(2025, 3, 1))
    shown = preview(
        full_config(maximumDeletionRatio={"factSheets": 20}),
        ldif(item("crm", name="CRM"), processingMode="full"),
        view,
        now=NOW,
    )
    assert shown.deletions is not None and shown.deletions.cancelled
    assert len(shown.plan.writes) == len(shown.result.plan.writes)
    assert shown.stats["deletedObjects"] == []
    assert "deletion would be cancelled at the 20% limit" in shown.summary()
    assert "Would archive or delete: nothing" in shown.summary().splitlines()


def test_notes_for_partial_mode_and_missing_workspace() -> None:
    partial = {**full_config(), "processingMode": "partial"}
    assert (
        "PARTIAL mode: deletion scopes are ignored"
        in preview(partial, ldif(item("crm", name="CRM")), records(), now=NOW).notes
    )
    shown = preview(full_config(), ldif(item("crm", name="CRM"), processingMode="full"), now=NOW)
    assert "no workspace given: deletions cannot be computed" in shown.notes
    assert shown.deletions is None


def test_other_frames_variables_warnings_metrics_and_output_ldif() -> None:
    processors = [
        apps(
            update("name", "${data.name}"),
            update("description", "${data.none}"),
            variables=[{"key": "n", "value": "${data.n}"}],
        ),
        {
            "processorType": "inboundMetrics",
            "processorName": "m",
            "filter": {"exactType": "App"},
            "updates": [
                update("measurement", "cost"),
                update("fieldKey", "v"),
                update("fieldValueNumber", "${data.n}"),
            ],
        },
        {
            "processorType": "writeToLdif",
            "processorName": "out",
            "filter": {"exactType": "App"},
            "run": 1,
            "updates": [
                update("content.id", "${content.id}"),
                update("content.type", "Copy"),
                update("total", "${variables.n.sum()}"),
            ],
        },
    ]
    shown = preview(
        config(*processors), ldif(item("a", name="A", n="2"), item("b", name="B", n="3")), now=NOW
    )
    assert shown.variables.to_dict("records") == [{"key": "n", "level": 0, "count": 2, "values": ["2", "3"]}]
    assert shown.warnings[
        ["processor", "processor_index", "content", "category", "status"]
    ].values.tolist() == [
        ["Apps", 0, "a", "NO_VALUE_FOUND", "WARNING"],
        ["Apps", 0, "b", "NO_VALUE_FOUND", "WARNING"],
    ]
    assert shown.metrics[["content_id", "measurement", "fields"]].values.tolist() == [
        ["a", "cost", {"v": 2.0}],
        ["b", "cost", {"v": 3.0}],
    ]
    assert shown.output_ldif is not None
    assert [c["data"] for c in shown.output_ldif["content"]] == [{"total": 5.0}, {"total": 5.0}]
    assert "Metrics points: 2" in shown.summary() and "Output LDIF: 2 content items" in shown.summary()


def test_the_warnings_frame_names_the_key_a_warning_is_about() -> None:
    processors = [
        apps(update("name", "${data.name}"), update("description", "${data.none}"), update("notAField", "x")),
        {
            "processorType": "inboundRelation",
            "processorName": "rel",
            "type": "relApplicationToITComponent",
            "filter": {"exactType": "App"},
            "from": {"internal": "${data.app}"},
            "to": {"internal": "${data.app}"},
        },
    ]
    fields = {"Application": {"description": "STRING"}}  # a known meta model: unknown keys are warned
    shown = preview(
        config(*processors), ldif(item("a", name="A", app="nope")), records(), fields=fields, now=NOW
    )
    assert list(shown.warnings.columns) == [
        "processor",
        "processor_index",
        "content",
        "key",
        "message",
        "detail",
        "category",
        "status",
    ]
    assert shown.warnings[["processor", "key", "category"]].values.tolist() == [
        ["Apps", "description", "NO_VALUE_FOUND"],
        ["Apps", "notAField", "UNKNOWN_FIELD"],
        ["rel", None, "FACT_SHEET_NOT_FOUND"],
    ]


def test_exports_and_notebook_html(tmp_path: Path) -> None:
    shown = preview(
        config(apps(update("name", "${data.name}"), update("description", "${data.none}"))),
        ldif(item("a", name="A")),
        now=NOW,
    )
    book = shown.to_excel(tmp_path / "p.xlsx")
    with zipfile.ZipFile(book) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
        first = archive.read("xl/worksheets/sheet2.xml").decode()
    assert sheets == ["summary", "changes", "writes", "warnings", "stats_processors", "stats_levels"]
    assert "<t>name</t>" in first and "<t>A</t>" in first
    page = shown.to_html(tmp_path / "p.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<section id='warnings'><h2>Warnings</h2>" in page and "NO_VALUE_FOUND" in page
    assert "<h1>Preview of prv-1 1.0.0</h1>" in page and "PARTIAL mode" in page
    # one new fact sheet, 2 writes (name, description); PARTIAL mode without a deletion scope: no callout
    assert "data-stat='created'><div class='lx-stat-value'>1</div>" in page
    assert "data-stat='writes'><div class='lx-stat-value'>2</div>" in page
    assert "data-guard" not in page
    notebook = shown._repr_html_()
    assert notebook.startswith("<div class='lxkit-preview'><style>")
    assert "<section id='created'><h2>What would be created</h2>" in notebook
    assert "<section id='warnings'><h2>Warnings</h2>" in notebook
    assert "id='writes'" not in notebook  # every write only on the page


def test_restore_and_archive_rows_in_the_writes_frame() -> None:
    nodes = records()
    nodes[3]["status"] = "ARCHIVED"
    processors = [
        apps(
            update("description", "back"),
            identifier={"internal": "${data.id}"},
            filter={"exactType": "Restore"},
        ),
        apps(mode="delete", filter={"exactType": "Drop"}, processorName="drop"),
    ]
    shown = preview(
        config(*processors), ldif(item("r", "Restore", id="a-4"), item("erp", "Drop")), nodes, now=NOW
    )
    assert shown.writes[["target_id", "action", "key", "before", "after", "changed"]].values.tolist() == [
        ["a-4", "restore", "status", "ARCHIVED", "ACTIVE", True],
        ["a-4", "update", "description", "Old app", "back", True],
        ["a-2", "archive", "status", "ACTIVE", "ARCHIVED", True],
    ]
    assert "Fact sheets: 1 updated, 1 archived, 1 restored" in shown.summary()
    assert "Would archive or delete: 1 fact sheet (archived)" in shown.summary().splitlines()
    assert shown.removals.items[["processor", "factsheet_id", "name"]].values.tolist() == [
        ["drop", "a-2", "ERP"]
    ]
    assert shown.plan.writes[0].target == FactSheetRef(id="a-4", type="Application")
