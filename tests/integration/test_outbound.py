"""outboundFactSheet evaluated offline: the LDIF an outbound run exports, over a small hand-built workspace.

The configurations are the SAP LeanIX documentation's own examples ("Outbound Processors" pages, mirrored in
Knuckles-Team/leanix-agent @7d6ffc2, leanix_agent/skills/leanix-agent-docs/reference/outbound-processors/);
each test names its page. Expected values are written by hand from those pages and the workspace below.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from kit.integration.engine import ConfigurationError, evaluate
from kit.previews.preview import preview
from kit.sources import NodesView

NOW = datetime(2024, 1, 1, 12, 0)
HEADER = {
    "connectorType": "lxExport",
    "connectorId": "007",
    "connectorVersion": "1.0.0",
    "processingDirection": "outbound",
    "processingMode": "partial",
}
TRIGGER = {**HEADER, "lxVersion": "1.0.0"}


def _rel(rel_id: str, target: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"node": {"id": rel_id, **fields, "factSheet": target}}


VS = {"id": "it-1", "type": "ITComponent", "name": "Visual Studio 2011", "displayName": "Visual Studio 2011"}
NODES = [
    {
        "id": "app-1",
        "type": "Application",
        "name": "Brewery",
        "displayName": "Brewery",
        "description": "",
        "createdAt": "2018-04-17T21:44:27.214Z",
        "updatedAt": "2023-12-30T10:00:00Z",
        "status": "ACTIVE",
        "lifecycle": {
            "asString": "phaseOut",
            "phases": [
                {"phase": "phaseIn", "startDate": "2018-05-06"},
                {"phase": "active", "startDate": "2018-08-06"},
                {"phase": "phaseOut", "startDate": "2021-05-06"},
                {"phase": "endOfLife", "startDate": "2021-08-06"},
            ],
        },
        "tags": [
            {"id": "t-1", "name": "Cloud Ready", "tagGroup": {"id": "g-1", "name": "Cloud Transformation"}},
            {"id": "t-2", "name": "Legacy", "tagGroup": None},
            {"id": "t-3", "name": "Europe", "tagGroup": {"id": "g-2", "name": "Region"}},
        ],
        "relApplicationToITComponent": {"edges": [_rel("rel-1", VS, description="", activeFrom=None)]},
        "relApplicationToBusinessCapability": {
            "edges": [
                _rel(
                    "rel-2", {"id": "bc-1", "type": "BusinessCapability", "name": "Sales"}, description="keep"
                ),
                _rel(
                    "rel-3", {"id": "bc-2", "type": "BusinessCapability", "name": "HR"}, description="skipme"
                ),
            ]
        },
        "subscriptions": {
            "edges": [
                {
                    "node": {
                        "id": "s-1",
                        "type": "RESPONSIBLE",
                        "user": {"id": "u-1", "email": "abel.tuter@example.com"},
                        "roles": [{"id": "r-1", "name": "Application Owner Deputy"}],
                    }
                },
                {"node": {"id": "s-2", "type": "OBSERVER", "user": {"id": "u-2", "email": "o@example.com"}}},
            ]
        },
    },
    {
        "id": "app-2",
        "type": "Application",
        "name": "Mailsnake",
        "displayName": "Mailsnake",
        "description": "Newsletter mailing",
        "createdAt": "2018-04-17T21:44:27.212Z",
        "updatedAt": "2020-01-01T00:00:00Z",
        "status": "ACTIVE",
        "lifecycle": {
            "asString": "active",
            "phases": [
                {"phase": "phaseIn", "startDate": "2018-05-06"},
                {"phase": "active", "startDate": "2018-08-06"},
            ],
        },
        "tags": [],
    },
    {
        "id": "bc-1",
        "type": "BusinessCapability",
        "name": "Sales",
        "displayName": "Sales",
        "description": None,
        "createdAt": "2018-04-17T21:44:28.663Z",
        "updatedAt": "2020-01-01T00:00:00Z",
        "status": "ACTIVE",
        "tags": [],
    },
    {
        "id": "bc-9",
        "type": "BusinessCapability",
        "name": "Old Capability",
        "displayName": "Old Capability",
        "description": "gone",
        "createdAt": "2017-01-01T00:00:00Z",
        "updatedAt": "2020-01-01T00:00:00Z",
        "status": "ARCHIVED",
        "tags": [],
    },
]

ID_AND_TYPE = [
    {"key": {"expr": "content.id"}, "values": [{"expr": "${lx.factsheet.id}"}]},
    {"key": {"expr": "content.type"}, "values": [{"expr": "${lx.factsheet.type}"}]},
]


def view() -> NodesView:
    return NodesView(NODES, today=date(2024, 1, 1))


def export(config: dict[str, Any], trigger: dict[str, Any] = TRIGGER) -> Any:
    return evaluate({**HEADER, **config}, trigger, view(), now=NOW)


def processor(**keys: Any) -> dict[str, Any]:
    return {"processorType": "outboundFactSheet", "processorName": "Export to LDIF", "enabled": True, **keys}


# "Setting the Fields": fields createdAt/description; Description optional, creationDateTime selectFirst.
SETTING_THE_FIELDS = {
    "scope": {"facetFilters": [], "ids": []},
    "processors": [
        processor(
            fields=["createdAt", "description"],
            output=[
                *ID_AND_TYPE,
                {
                    "key": {"expr": "Description"},
                    "values": [{"expr": "${lx.factsheet.description}"}],
                    "optional": True,
                },
                {
                    "key": {"expr": "creationDateTime"},
                    "mode": "selectFirst",
                    "values": [{"expr": "${lx.factsheet.createdAt}"}],
                },
            ],
        )
    ],
}


def test_setting_the_fields_exports_one_object_per_active_fact_sheet_with_the_documented_header() -> None:
    result = export(SETTING_THE_FIELDS)
    assert result.plan.output_ldif == {
        "connectorType": "lxExport",
        "connectorId": "007",
        "connectorVersion": "1.0.0",
        "processingDirection": "INBOUND",
        "processingMode": "PARTIAL",
        "lxWorkspace": None,
        "lxVersion": "1.0.0",
        "description": "The resulting LDIF of the outbound run",
        "content": [
            {
                "type": "Application",
                "id": "app-1",
                "data": {"Description": "", "creationDateTime": "2018-04-17T21:44:27.214Z"},
            },
            {
                "type": "Application",
                "id": "app-2",
                "data": {"Description": "Newsletter mailing", "creationDateTime": "2018-04-17T21:44:27.212Z"},
            },
            # no description: the optional key is silently omitted, no warning
            {
                "type": "BusinessCapability",
                "id": "bc-1",
                "data": {"creationDateTime": "2018-04-17T21:44:28.663Z"},
            },
        ],
        "chunkInformation": {"firstDataObject": 0, "lastDataObject": 2, "maxDataObject": 2},
    }
    assert result.warnings == []
    (stats,) = result.stats["processorStatistics"]
    assert (stats["itemsInScopeCount"], stats["processedContentCount"], stats["errorCount"]) == (3, 3, 0)


def test_a_field_that_is_not_listed_is_not_read_and_a_missing_value_warns() -> None:
    config = {
        **SETTING_THE_FIELDS,
        "processors": [{**SETTING_THE_FIELDS["processors"][0], "fields": ["createdAt"]}],
    }
    result = export(config)
    assert [c["data"] for c in result.plan.output_ldif["content"]] == [
        {"creationDateTime": "2018-04-17T21:44:27.214Z"},
        {"creationDateTime": "2018-04-17T21:44:27.212Z"},
        {"creationDateTime": "2018-04-17T21:44:28.663Z"},
    ]
    assert result.warnings == []  # Description is optional


def test_the_processor_scope_overrides_the_global_one() -> None:
    # "Setting the Scope": global {} and a processor scope on FactSheetTypes Application.
    scope = {
        "ids": [],
        "facetFilters": [{"keys": ["Application"], "facetKey": "FactSheetTypes", "operator": "OR"}],
    }
    config = {"scope": {}, "processors": [processor(scope=scope, output=ID_AND_TYPE)]}
    assert [(c["type"], c["id"]) for c in export(config).plan.output_ldif["content"]] == [
        ("Application", "app-1"),
        ("Application", "app-2"),
    ]


def test_archived_fact_sheets_are_exported_only_with_omit_archived_false() -> None:
    # "How to export Fact Sheets that are archived"
    archived = {
        "ids": [],
        "facetFilters": [
            {"keys": ["BusinessCapability"], "facetKey": "FactSheetTypes", "operator": "OR"},
            {"keys": ["archived"], "facetKey": "TrashBin", "operator": "OR"},
        ],
    }
    with_flag = export(
        {
            "scope": {"omitArchivedFactSheets": False, **archived},
            "processors": [processor(output=ID_AND_TYPE)],
        }
    )
    assert [c["id"] for c in with_flag.plan.output_ldif["content"]] == ["bc-9"]
    without = export({"scope": archived, "processors": [processor(output=ID_AND_TYPE)]})
    assert without.plan.output_ldif["content"] == []
    assert "chunkInformation" not in without.plan.output_ldif


def test_setting_filters_advanced_and_an_unknown_field_warns_without_failing() -> None:
    # "Setting Filters": advanced ${lx.factsheet.name.startsWith('Br')}; fields list "nonExistingField".
    config = {
        "scope": {},
        "processors": [
            processor(
                filter={"advanced": "${lx.factsheet.name.startsWith('Br')}"},
                fields=["nonExistingField", "createdAt"],
                output=[
                    *ID_AND_TYPE,
                    {
                        "key": {"expr": "creationTime"},
                        "mode": "selectFirst",
                        "values": [{"expr": "${lx.factsheet.createdAt}"}],
                    },
                ],
            )
        ],
    }
    result = export(config)
    assert result.plan.output_ldif["content"] == [
        {"type": "Application", "id": "app-1", "data": {"creationTime": "2018-04-17T21:44:27.214Z"}}
    ]
    assert [(w["category"], w["content"], w["detail"]) for w in result.warnings] == [
        ("UNKNOWN_FIELD", "app-1", "processors[0].fields[0]"),  # once per fact sheet type
        ("UNKNOWN_FIELD", "bc-1", "processors[0].fields[0]"),
    ]
    assert {w["status"] for w in result.warnings} == {"WARNING"}


def test_filter_type_and_id_are_regexes_on_the_fact_sheet() -> None:
    config = {
        "scope": {},
        "processors": [processor(filter={"type": "Business", "id": "bc-"}, output=ID_AND_TYPE)],
    }
    assert [c["id"] for c in export(config).plan.output_ldif["content"]] == ["bc-1"]


def test_mode_list_lifecycle_times_as_documented() -> None:
    # "Write LDIF using Modes, Map and ForEach": lifecycleTimes, mode list, regexMatch ".*:.+$".
    config = {
        "scope": {"facetFilters": [], "ids": []},
        "processors": [
            processor(
                fields=["lifecycle"],
                scope={
                    "facetFilters": [
                        {"keys": ["Application"], "facetKey": "FactSheetTypes", "operator": "OR"}
                    ]
                },
                output=[
                    *ID_AND_TYPE,
                    {
                        "key": {"expr": "lifecycleTimes"},
                        "mode": "list",
                        "values": [
                            {"expr": "endOfLife:${lx.factsheet.lifecycle.endOfLife}", "regexMatch": ".*:.+$"},
                            {"expr": "active:${lx.factsheet.lifecycle.active}", "regexMatch": ".*:.+$"},
                            {"expr": "phaseOut:${lx.factsheet.lifecycle.phaseOut}", "regexMatch": ".*:.+$"},
                            {"expr": "phaseIn:${lx.factsheet.lifecycle.phaseIn}", "regexMatch": ".*:.+$"},
                        ],
                    },
                ],
            )
        ],
    }
    assert [c["data"] for c in export(config).plan.output_ldif["content"]] == [
        {
            "lifecycleTimes": [
                "endOfLife:2021-08-06",
                "active:2018-08-06",
                "phaseOut:2021-05-06",
                "phaseIn:2018-05-06",
            ]
        },
        {"lifecycleTimes": ["active:2018-08-06", "phaseIn:2018-05-06"]},
    ]


def test_relations_map_with_for_each_as_documented() -> None:
    # "Write LDIF using Modes, Map and ForEach" / "LDIF from Processor Writing Relations: Map".
    config = {
        "scope": {"facetFilters": [], "ids": ["app-1"]},
        "processors": [
            processor(
                fields=[],
                relations={
                    "filter": ["relApplicationToITComponent"],
                    "fields": ["description"],
                    "targetFields": ["displayName", "externalId"],
                },
                output=[
                    *ID_AND_TYPE,
                    {
                        "key": {"expr": "relations"},
                        "mode": "list",
                        "values": [
                            {
                                "forEach": {"elementOf": "${lx.relations}", "filter": "${true}"},
                                "map": [
                                    {
                                        "key": "relationName",
                                        "value": "${integration.output.valueOfForEach.type}",
                                    },
                                    {"key": "object", "value": "${integration.output.valueOfForEach}"},
                                ],
                            }
                        ],
                    },
                ],
            )
        ],
    }
    assert export(config).plan.output_ldif["content"] == [
        {
            "type": "Application",
            "id": "app-1",
            "data": {
                "relations": [
                    {
                        "relationName": "relApplicationToITComponent",
                        "object": {
                            "id": "rel-1",
                            "type": "relApplicationToITComponent",
                            "target": {
                                "id": "it-1",
                                "type": "ITComponent",
                                "displayName": "Visual Studio 2011",
                            },
                            "description": "",
                        },
                    }
                ]
            },
        }
    ]


def test_tags_of_listed_groups_and_subscriptions_of_listed_types() -> None:
    # "Exporting Tags and Subscriptions": groups ["Other tags", "Cloud Transformation"], types ["RESPONSIBLE"].
    config = {
        "scope": {"ids": ["app-1"]},
        "processors": [
            processor(
                tags={"groups": ["Other tags", "Cloud Transformation"]},
                subscriptions={"types": ["RESPONSIBLE"]},
                output=[
                    *ID_AND_TYPE,
                    {
                        "key": {"expr": "tags"},
                        "mode": "list",
                        "values": [
                            {
                                "forEach": {"elementOf": "${lx.tags}", "filter": "${true}"},
                                "map": [
                                    {
                                        "key": "tagGroup",
                                        "value": "${integration.output.valueOfForEach.tagGroup.name}",
                                    },
                                    {"key": "tagName", "value": "${integration.output.valueOfForEach.name}"},
                                ],
                            }
                        ],
                    },
                    {
                        "key": {"expr": "subscriptions"},
                        "mode": "list",
                        "values": [
                            {
                                "forEach": {"elementOf": "${lx.subscriptions}", "filter": "${true}"},
                                "map": [
                                    {
                                        "key": "subscriptionType",
                                        "value": "${integration.output.valueOfForEach.type}",
                                    },
                                    {
                                        "key": "user",
                                        "value": "${integration.output.valueOfForEach.user.email}",
                                    },
                                ],
                            }
                        ],
                    },
                ],
            )
        ],
    }
    (item,) = export(config).plan.output_ldif["content"]
    assert item["data"] == {
        "tags": [
            {"tagGroup": "Cloud Transformation", "tagName": "Cloud Ready"},
            {"tagGroup": None, "tagName": "Legacy"},
        ],
        "subscriptions": [{"subscriptionType": "RESPONSIBLE", "user": "abel.tuter@example.com"}],
    }


def test_processor_for_each_over_relations_makes_one_object_per_relation() -> None:
    # "Use Relations to Create Separate Data Object": forEach ${lx.relations}, advanced filter skips 'skipme'.
    config = {
        "scope": {
            "facetFilters": [{"keys": ["Application"], "facetKey": "FactSheetTypes", "operator": "OR"}],
            "ids": [],
        },
        "processors": [
            processor(
                processorName="Relations relFromApp",
                filter={"advanced": "${integration.valueOfForEach.description!='skipme'}"},
                fields=["description", "name"],
                relations={
                    "filter": ["relApplicationToBusinessCapability"],
                    "fields": ["description", "activeFrom", "activeUntil", "functionalSuitability"],
                    "targetFields": [],
                },
                forEach="${lx.relations}",
                output=[
                    {"key": {"expr": "content.id"}, "values": [{"expr": "0"}]},
                    {
                        "key": {"expr": "content.type"},
                        "values": [{"expr": "lxRelApplicationToBusinessCapability"}],
                    },
                    {"key": {"expr": "lxId"}, "values": [{"expr": "${lx.factsheet.id}"}]},
                    {
                        "key": {"expr": "lxTargetId"},
                        "values": [{"expr": "${integration.valueOfForEach.target.id}"}],
                    },
                    {"key": {"expr": "lxFsName"}, "values": [{"expr": "${lx.factsheet.name}"}]},
                ],
            )
        ],
    }
    assert export(config).plan.output_ldif["content"] == [
        {
            "type": "lxRelApplicationToBusinessCapability",
            "id": "0",
            "data": {"lxId": "app-1", "lxTargetId": "bc-1", "lxFsName": "Brewery"},
        }
    ]


def test_updated_in_duration_from_the_trigger_ldif() -> None:
    # "Filtering on items that have changed recently": updatedInDuration ${header.customFields.age}.
    config = {
        "scope": {},
        "processors": [
            processor(filter={"updatedInDuration": "${header.customFields.age}"}, output=ID_AND_TYPE)
        ],
    }
    result = export(config, {**TRIGGER, "customFields": {"age": "P3D"}})
    assert [c["id"] for c in result.plan.output_ldif["content"]] == ["app-1"]  # updated 2023-12-30


def test_a_missing_root_scope_and_missing_content_keys_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError) as caught:
        export({"processors": [processor(output=ID_AND_TYPE[:1])]})
    assert [path for path, _ in caught.value.problems] == ["scope", "processors[0].output"]
    assert "content.type" in caught.value.problems[1][1]


def test_the_preview_shows_the_export_as_a_frame_and_lists_metrics_as_not_evaluated() -> None:
    metrics = [{"name": "variableName", "measurement": "money", "fieldName": "dollars_per_day"}]
    base = SETTING_THE_FIELDS["processors"][0]
    config = {**HEADER, **SETTING_THE_FIELDS, "processors": [{**base, "metrics": metrics}]}
    shown = preview(config, TRIGGER, view(), now=NOW)
    frame = shown.output
    assert list(frame.columns) == ["id", "type", "Description", "creationDateTime"]
    assert frame.to_dict("records") == [
        {
            "id": "app-1",
            "type": "Application",
            "Description": "",
            "creationDateTime": "2018-04-17T21:44:27.214Z",
        },
        {
            "id": "app-2",
            "type": "Application",
            "Description": "Newsletter mailing",
            "creationDateTime": "2018-04-17T21:44:27.212Z",
        },
        {
            "id": "bc-1",
            "type": "BusinessCapability",
            "Description": None,
            "creationDateTime": "2018-04-17T21:44:28.663Z",
        },
    ]
    assert shown.not_evaluated[["what", "path"]].to_dict("records") == [
        {"what": "metrics export 'variableName'", "path": "processors[0].metrics[0]"}
    ]
    assert "output" in shown.frames()
    assert "Output LDIF: 3 content items" in shown.summary()
