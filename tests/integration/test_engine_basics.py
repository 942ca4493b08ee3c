"""The offline evaluator without a workspace: the documented examples, value rules, run levels, shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kit.integration.engine import BindingError, ConfigurationError, EngineError, bind, evaluate
from kit.integration.plan import FactSheetRef, FieldWrite, MetricPoint, RelationWrite, TagWrite
from tests.builders import Inputs, item, update

FIXTURES = Path(__file__).parent / "fixtures" / "engine"
INPUTS = Inputs("test", "test-1")
HEADER = INPUTS.header
config = INPUTS.config
ldif = INPUTS.ldif


def fact_sheets(type: str = "Application", *updates: dict[str, Any], **extra: Any) -> dict[str, Any]:  # noqa: A002
    return {
        "processorType": "inboundFactSheet",
        "processorName": extra.pop("name", "Apps"),
        "type": type,
        "filter": extra.pop("filter", {"exactType": "App"}),
        "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
        "updates": list(updates),
        **extra,
    }


def field_writes(result: Any) -> dict[tuple[str, str], Any]:
    """(external id, key) -> value of every FieldWrite."""
    return {(w.target.external[1], w.key): w.value for w in result.plan.writes if isinstance(w, FieldWrite)}


# -- the starter example (reference §6.10 with the LDIF of §5) ------------------------------------------


def starter() -> tuple[dict[str, Any], dict[str, Any]]:
    config_ = json.loads((FIXTURES / "starter_config.json").read_text())
    ldif_ = json.loads((FIXTURES / "starter_ldif.json").read_text())
    return config_, ldif_


def test_starter_example_writes_exactly_the_documented_fact_sheets_and_relation() -> None:
    result = evaluate(*starter())
    app = FactSheetRef(type="Application", external=("externalId", "634c16bf-198c-1129-9d08-92630b573fbf"))
    cluster = FactSheetRef(type="ITComponent", external=("externalId", "westeurope"))
    writes = result.plan.writes
    assert [(type(w).__name__, w.origin.level) for w in writes] == [
        ("FieldWrite", 0),
        ("FieldWrite", 0),
        ("FieldWrite", 0),
        ("FieldWrite", 0),
        ("RelationWrite", 1),
    ]
    assert [(w.target, w.action, w.key, w.value, w.before) for w in writes[:4]] == [
        (app, "create", "name", "HR Service", None),
        (app, "create", "description", "HR Service - 1.8.4", None),
        (cluster, "create", "name", "westeurope", None),
        (cluster, "create", "location", "1600 Pennsylvania Ave Nw, Washington, DC 20500", None),
    ]
    relation = writes[4]
    assert isinstance(relation, RelationWrite)
    assert (relation.action, relation.type, relation.source, relation.target, relation.fields) == (
        "upsert",
        "relApplicationToITComponent",
        app,
        cluster,
        {},
    )
    assert relation.origin.processor_name == "Rel from Apps to ITComponent"
    assert relation.origin.processor_index == 2
    assert relation.origin.content_id == "634c16bf-198c-1129-9d08-92630b573fbf"
    assert result.warnings == []


def test_starter_example_stats_have_the_iapi_shape() -> None:
    stats = evaluate(*starter()).stats
    assert set(stats) == {"processorStatistics", "singleRunLevelStatistics", "deletedObjects"}
    first = stats["processorStatistics"][0]
    assert set(first) == {
        "processorIndex",
        "processorName",
        "processingTotalDuration",
        "processedContentCount",
        "graphQLRequestCount",
        "errorCount",
    }
    assert [
        (
            p["processorIndex"],
            p["processorName"],
            p["processedContentCount"],
            p["graphQLRequestCount"],
            p["errorCount"],
        )
        for p in stats["processorStatistics"]
    ] == [
        (0, "Apps from Deployments", 1, 2, 0),
        (1, "ITComponent from Cluster", 1, 2, 0),
        (2, "Rel from Apps to ITComponent", 1, 3, 0),
    ]
    assert first["processingTotalDuration"].startswith("PT") and first["processingTotalDuration"].endswith(
        "S"
    )
    levels = stats["singleRunLevelStatistics"]
    assert [(lv["singleRunIndex"], lv["processedContentCount"], lv["errorCount"]) for lv in levels] == [
        (0, 2, 0),
        (1, 1, 0),
    ]
    assert set(levels[0]) == {"singleRunIndex", "processedContentCount", "errorCount", "totalTime"}
    assert stats["deletedObjects"] == []


def test_without_workspace_the_run_says_external_ids_are_assumed_new() -> None:
    notes = evaluate(*starter()).notes
    assert any(note.startswith("no workspace given: external ids are assumed new") for note in notes)


# -- binding ----------------------------------------------------------------------------------------------


def test_binding_picks_the_highest_semantic_version_when_the_ldif_has_none() -> None:
    configs = [config(connectorVersion=v) for v in ("1.2.0", "1.10.0", "1.9.9", "latest")]
    chosen = bind(configs, {**ldif(), "connectorVersion": None})
    assert chosen["connectorVersion"] == "1.10.0"


def test_binding_is_case_insensitive_for_direction_and_mode() -> None:
    chosen = bind(config(), ldif(processingDirection="INBOUND", processingMode="PARTIAL"))
    assert chosen["connectorId"] == "test-1"


def test_binding_error_names_the_key_that_differs() -> None:
    with pytest.raises(BindingError, match=r"connectorId differs \(LDIF 'other', configuration 'test-1'\)"):
        evaluate(config(), ldif(connectorId="other"))
    with pytest.raises(BindingError, match="connectorVersion differs"):
        evaluate([config(), config(connectorVersion="2.0.0")], ldif(connectorVersion="3.0.0"))


def test_an_outbound_configuration_without_its_root_scope_is_refused_with_the_path() -> None:
    # outbound runs are evaluated (tests/integration/test_outbound.py); the docs make the root scope required
    with pytest.raises(ConfigurationError, match="scope: an outbound configuration needs a root 'scope'"):
        evaluate(config(processingDirection="outbound"), ldif(processingDirection="outbound"))


def test_a_direction_other_than_inbound_or_outbound_is_refused() -> None:
    with pytest.raises(
        EngineError, match="processingDirection is 'sideways'; LeanIX knows 'inbound' and 'outbound'"
    ):
        evaluate(config(processingDirection="sideways"), ldif(processingDirection="sideways"))


def test_syntax_errors_are_reported_with_their_json_path() -> None:
    broken = config(fact_sheets("Application", update("name", "${data.name")))
    with pytest.raises(ConfigurationError) as caught:
        evaluate(broken, ldif())
    assert caught.value.problems[0][0] == "processors[0].updates[0].values[0].expr"


# -- value evaluation -------------------------------------------------------------------------------------

MAPPING = update(
    "businessCriticality",
    {
        "expr": "${data.category}",
        "regexMatch": "(cloud_service)",
        "regexReplace": {"match": "^.*$", "replace": "cloudService"},
    },
    {
        "expr": "${data.category}",
        "regexMatch": "(sample_software)",
        "regexReplace": {"match": "^.*$", "replace": "software"},
    },
)
CATCH_ALL = {
    "expr": "${data.category}",
    "regexMatch": ".*",
    "regexReplace": {"match": "^.*$", "replace": "other"},
}


def test_value_mapping_takes_the_first_match_and_warns_only_when_nothing_matched() -> None:
    items = [
        item("a", category="cloud_service"),
        item("b", category="sample_software"),
        item("c", category="hardware"),
    ]
    result = evaluate(
        config(fact_sheets("Application", update("name", "${content.id}"), MAPPING)), ldif(*items)
    )
    values = field_writes(result)
    assert values[("a", "businessCriticality")] == "cloudService"
    assert values[("b", "businessCriticality")] == "software"
    assert ("c", "businessCriticality") not in values
    assert result.warnings == [
        {
            "processor": {"name": "Apps", "index": 0},
            "content": "c",
            "message": "No value could be found for key 'businessCriticality'",
            "detail": "processors[0].updates[1]",
            "category": "NO_VALUE_FOUND",
            "status": "WARNING",
        }
    ]


def test_value_mapping_with_a_catch_all_never_warns() -> None:
    mapping = {**MAPPING, "values": [*MAPPING["values"], CATCH_ALL]}
    items = [item("a", category="cloud_service"), item("c", category="hardware"), item("d")]
    result = evaluate(
        config(fact_sheets("Application", update("name", "${content.id}"), mapping)), ldif(*items)
    )
    values = field_writes(result)
    assert [values[(i, "businessCriticality")] for i in "acd"] == ["cloudService", "other", "other"]
    assert result.warnings == []


def test_values_keep_their_type_and_list_results_are_taken_element_wise() -> None:
    fields = {
        "Application": {"name": "STRING", "tags": "MULTIPLE_SELECT", "cost": "DOUBLE", "users": "INTEGER"}
    }
    processor = fact_sheets(
        "Application",
        update("name", "${data.names}"),
        update("tags", "${data.names}", {"expr": "${data.extra}", "regexMatch": "keep.*"}),
        update("cost", "${data.cost}"),
        update("users", "${data.users}"),
    )
    data = {"names": ["", "first", "second"], "extra": ["keep-me", "drop"], "cost": "12.5", "users": 7.0}
    values = field_writes(evaluate(config(processor), ldif(item("a", **data)), fields=fields))
    assert values[("a", "name")] == "first"
    assert values[("a", "tags")] == ["first", "second", "keep-me"]
    assert values[("a", "cost")] == 12.5
    assert values[("a", "users")] == 7


def test_null_clears_with_a_warning_and_empty_string_clears_silently() -> None:
    processor = fact_sheets(
        "Application", update("name", "X"), update("description", "${data.missing}"), update("alias", "")
    )
    result = evaluate(config(processor), ldif(item("a")))
    values = field_writes(result)
    assert values[("a", "description")] is None
    assert values[("a", "alias")] == ""
    assert [(w["category"], w["message"]) for w in result.warnings] == [
        (
            "NO_VALUE_FOUND",
            "No value could be found for key 'description'; the value is null, so the field would be cleared",
        )
    ]


def test_optional_suppresses_the_no_value_warning() -> None:
    processor = fact_sheets(
        "Application",
        update("name", "X"),
        update("description", {"expr": "${data.x}", "regexMatch": "y"}, optional=True),
    )
    result = evaluate(config(processor), ldif(item("a")))
    assert ("a", "description") not in field_writes(result)
    assert result.warnings == []


def test_a_juel_error_in_one_value_is_one_warning_and_processing_continues() -> None:
    processor = fact_sheets(
        "Application",
        update("name", "${data.name}"),
        update("description", "${data.name.noSuchMethod()}"),
        update("alias", "${data.name.toUpperCase()}"),
    )
    result = evaluate(config(processor), ldif(item("a", name="crm"), item("b", name="erp")))
    values = field_writes(result)
    assert values[("a", "alias")] == "CRM" and values[("b", "alias")] == "ERP"
    assert ("a", "description") not in values
    assert [(w["content"], w["category"], w["status"]) for w in result.warnings] == [
        ("a", "JUEL_EVALUATION", "ERROR"),
        ("b", "JUEL_EVALUATION", "ERROR"),
    ]
    assert result.warnings[0]["message"].startswith(
        "Expression failed for key 'description': method 'noSuchMethod'"
    )
    assert result.stats["processorStatistics"][0]["errorCount"] == 2
    assert result.stats["singleRunLevelStatistics"][0]["errorCount"] == 2


def test_unknown_fields_warn_like_leanix_when_the_meta_model_is_known() -> None:
    fields = {"Application": {"alias": "STRING"}}
    processor = fact_sheets("Application", update("name", "X"), update("colour", "red"))
    result = evaluate(config(processor), ldif(item("a")), fields=fields)
    assert [(w["category"], w["message"]) for w in result.warnings] == [
        ("UNKNOWN_FIELD", "Field 'colour' does not exist for type Application")
    ]
    assert ("a", "colour") not in field_writes(result)


def test_select_values_numbers_and_lifecycle_dates_are_checked() -> None:
    fields = {
        "Application": {
            "businessCriticality": {"kind": "SINGLE_SELECT", "values": ["low", "high"]},
            "cost": "DOUBLE",
            "lifecycle": "LIFECYCLE",
            "externalId": "EXTERNALID",
        }
    }
    processor = fact_sheets(
        "Application",
        update("name", "X"),
        update("businessCriticality", "medium"),
        update("cost", "abc"),
        update("lifecycle.active", "2024-05-01"),
        update("lifecycle.retired", "2024-05-01"),
        update("externalId.externalUrl", "https://x"),
    )
    result = evaluate(config(processor), ldif(item("a")), fields=fields)
    assert field_writes(result) == {
        ("a", "name"): "X",
        ("a", "lifecycle.active"): "2024-05-01",
        ("a", "externalId.externalUrl"): "https://x",
    }
    assert [w["category"] for w in result.warnings] == ["INVALID_VALUE", "INVALID_VALUE", "UNKNOWN_FIELD"]
    assert (
        result.warnings[0]["message"]
        == "Value 'medium' is not allowed for key 'businessCriticality' (allowed: low, high)"
    )


def test_a_new_fact_sheet_needs_a_name() -> None:
    result = evaluate(config(fact_sheets("Application", update("description", "d"))), ldif(item("a")))
    assert result.plan.writes == []
    assert result.warnings[0]["category"] == "MISSING_KEY"
    assert result.warnings[0]["status"] == "ERROR"


# -- forEach, variables, run levels ---------------------------------------------------------------------


def test_tags_for_each_over_a_split_string() -> None:
    tags = {
        "processorType": "inboundTag",
        "processorName": "Tags",
        "filter": {"exactType": "App"},
        "factSheets": {"external": {"ids": "${content.id}", "type": {"expr": "externalId"}}},
        "forEach": "${helper:toList(data.tags.split(','))}",
        "run": 1,
        "updates": [update("name", "${integration.valueOfForEach.trim()}"), update("group.name", "Labels")],
    }
    result = evaluate(
        config(fact_sheets("Application", update("name", "A")), tags), ldif(item("a", tags="red, green,blue"))
    )
    added = [w for w in result.plan.writes if isinstance(w, TagWrite)]
    ref = FactSheetRef(type="Application", external=("externalId", "a"))
    assert [(w.action, w.target, w.group, w.tag, w.create_tag, w.create_group) for w in added] == [
        ("add", ref, "Labels", "red", True, True),
        ("add", ref, "Labels", "green", True, False),
        ("add", ref, "Labels", "blue", True, False),
    ]
    assert result.stats["processorStatistics"][1]["processedContentCount"] == 1


def test_processor_for_each_over_maps_scalars_and_empty_lists() -> None:
    processor = {
        "processorType": "variableProcessor",
        "processorName": "collect",
        "filter": {"exactType": "App"},
        "forEach": "${data.each}",
        "variables": [
            {
                "key": "seen",
                "value": "${integration.keyOfForEach}:${integration.valueOfForEach}:${integration.indexOfForEach}",
            }
        ],
    }
    items = [
        item("m", each={"x": 1, "y": 2}),
        item("s", each="one"),
        item("e", each=[]),
        item("n"),
        item("j", each="[1,2]"),
    ]
    result = evaluate(config(processor), ldif(*items))
    assert result.variables[("seen", 0)] == ["x:1:-1", "y:2:-1", ":one:0", ":1:0", ":2:1"]


def test_variables_written_at_one_level_are_read_at_the_next() -> None:
    counter = {
        "processorType": "variableProcessor",
        "processorName": "count",
        "filter": {"exactType": "App"},
        "variables": [
            {"key": "cost", "value": "${data.cost}"},
            {"key": "cost_${data.team}", "value": "${data.cost}"},
        ],
    }
    same_level = fact_sheets(
        "Application",
        update("name", "${content.id}"),
        update("description", "${variables.cost}"),
        name="same",
    )
    next_level = {
        "processorType": "inboundFactSheet",
        "processorName": "total",
        "type": "Application",
        "filter": {"exactType": "Total"},
        "run": 1,
        "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
        "updates": [
            update("name", "${variables.cost.sum()}"),
            update("description", "${variables['cost_red'].join('+')} of ${variables.cost.count()}"),
            update("alias", "${variables.budget.get()}"),
        ],
    }
    items = [item("a", cost="10", team="red"), item("b", cost=2.5, team="red"), item("t", "Total")]
    result = evaluate(config(counter, same_level, next_level, variables={"budget": 99}), ldif(*items))
    values = field_writes(result)
    assert values[("t", "name")] == "12.5"
    assert values[("t", "description")] == "10+2.5 of 2"
    assert values[("t", "alias")] == 99  # no meta model: written as evaluated
    assert values[("a", "description")] is None  # not readable at the level that writes it
    assert result.variables[("cost", 0)] == ["10", 2.5]


def test_reading_a_variable_method_at_the_writing_level_fails_as_a_warning() -> None:
    counter = {
        "processorType": "variableProcessor",
        "filter": {"exactType": "App"},
        "variables": [{"key": "n", "value": "1"}],
    }
    reader = fact_sheets("Application", update("name", "N"), update("description", "${variables.n.sum()}"))
    result = evaluate(config(counter, reader), ldif(item("a")))
    assert [w["category"] for w in result.warnings] == ["JUEL_EVALUATION"]
    assert "cannot call method 'sum' on null" in result.warnings[0]["message"]


def test_filters_type_prefix_id_regex_advanced_and_content_index() -> None:
    def names(flt: dict[str, Any]) -> list[str]:
        result = evaluate(
            config(fact_sheets("Application", update("name", "${content.id}"), filter=flt)), ldif(*items)
        )
        return [w.value for w in result.plan.writes]

    items = [
        item("app-1", "Application"),
        item("app-2", "ApplicationX"),
        item("x-3", "App"),
        item("app-4", "Component"),
    ]
    assert names({"type": "Application"}) == ["app-1", "app-2"]
    assert names({"type": "Application$"}) == ["app-1"]
    assert names({"exactType": "App"}) == ["x-3"]
    assert names({"id": "app-"}) == ["app-1", "app-2", "app-4"]
    assert names({"type": "App", "id": "x"}) == ["x-3"]
    assert names({"advanced": "${integration.contentIndex == integration.maxContentIndex}"}) == ["app-4"]


def test_header_custom_fields_default_to_empty_string() -> None:
    processor = fact_sheets(
        "Application",
        update("name", "${header.customFields.prefix}-${header.customFields.missing}-${header.connectorId}"),
    )
    result = evaluate(config(processor), ldif(item("a"), customFields={"prefix": "P"}))
    assert field_writes(result)[("a", "name")] == "P--test-1"


def test_update_and_value_level_for_each() -> None:
    fields = {"Application": {"name": "STRING", "tags": "MULTIPLE_SELECT", "a": "STRING", "b": "STRING"}}
    processor = fact_sheets(
        "Application",
        update("name", "N"),
        {
            "key": {"expr": "${integration.updates.keyOfForEach}"},
            "forEach": {
                "elementOf": "${data.fields}",
                "filter": "${integration.updates.valueOfForEach != 'skip'}",
            },
            "values": [{"expr": "${integration.updates.valueOfForEach}"}],
        },
        {
            "key": {"expr": "tags"},
            "values": [
                {
                    "forEach": {
                        "elementOf": "${data.list}",
                        "filter": "${integration.output.valueOfForEach > 1}",
                    },
                    "expr": "t${integration.output.valueOfForEach}",
                }
            ],
        },
    )
    values = field_writes(
        evaluate(
            config(processor), ldif(item("x", fields={"a": "1", "b": "skip"}, list=[1, 2, 3])), fields=fields
        )
    )
    assert values == {("x", "name"): "N", ("x", "a"): "1", ("x", "tags"): ["t2", "t3"]}


def test_map_and_object_values() -> None:
    fields = {"Project": {"name": "STRING", "lxMilestones": "MILESTONE"}}
    processor = fact_sheets(
        "Project",
        update("name", "P"),
        {
            "key": {"expr": "lxMilestones"},
            "values": [
                {"map": [{"key": "name", "value": "${data.m}"}, {"key": "date", "value": "2024-01-01"}]}
            ],
        },
        update("description", {"object": "${data.obj}"}),
    )
    values = field_writes(
        evaluate(config(processor), ldif(item("p", m="Go-live", obj={"a": 1})), fields=fields)
    )
    assert values[("p", "lxMilestones")] == [{"name": "Go-live", "date": "2024-01-01"}]
    assert values[("p", "description")] == "{a=1}"


# -- processor switches ---------------------------------------------------------------------------------


def test_log_level_off_suppresses_warnings_and_debug_adds_debug_info() -> None:
    quiet = fact_sheets(
        "Application", update("name", "X"), update("description", "${data.none}"), logLevel="off"
    )
    assert evaluate(config(quiet), ldif(item("a"))).warnings == []
    loud = fact_sheets(
        "Application", update("name", "X"), update("description", "${data.none}"), logLevel="debug"
    )
    warning = evaluate(config(loud), ldif(item("a"))).warnings[0]
    assert warning["debugInfo"] == {
        "processorName": "Apps",
        "processorIndex": 0,
        "processorType": "inboundFactSheet",
        "runLevel": 0,
        "key": "description",
    }


def test_disabled_processors_are_skipped() -> None:
    result = evaluate(config(fact_sheets("Application", update("name", "X"), enabled=False)), ldif(item("a")))
    assert result.plan.writes == []
    assert result.stats["processorStatistics"][0]["processedContentCount"] == 0
    assert result.stats["singleRunLevelStatistics"] == []


def test_relation_endpoints_missing_warn_unless_optional() -> None:
    relation = {
        "processorType": "inboundRelation",
        "processorName": "rel",
        "type": "relApplicationToITComponent",
        "filter": {"exactType": "App"},
        "from": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
        "to": {"internal": "${data.target}"},
    }
    result = evaluate(config(relation), ldif(item("a", target="123")))
    assert [w["category"] for w in result.warnings] == ["WORKSPACE_REQUIRED"]


# -- other processor types ------------------------------------------------------------------------------


def test_metrics_points() -> None:
    processor = {
        "processorType": "inboundMetrics",
        "processorName": "metrics",
        "filter": {"exactType": "Metrics", "advanced": "${data.measurement.equals('measurement')}"},
        "updates": [
            update("measurement", "${data.measurement}"),
            update("time", "${data.time}"),
            update("fieldKey", "dollars"),
            update("fieldValueNumber", "${data.value}"),
            update("tagKey", "factSheetId"),
            update("tagValue", "${data.fs}"),
            {
                "key": {"expr": "tags"},
                "values": [{"map": [{"key": "key", "value": "env"}, {"key": "value", "value": "prod"}]}],
            },
        ],
    }
    items = [
        item(
            "m1",
            "Metrics",
            measurement="measurement",
            time="2019-09-09T08:00:00.000000Z",
            value="3.5",
            fs="fs-1",
        ),
        item("m2", "Metrics", measurement="other", time="2019-09-09T08:00:00Z", value="1", fs="fs-2"),
    ]
    result = evaluate(config(processor), ldif(*items))
    points = [w for w in result.plan.writes if isinstance(w, MetricPoint)]
    assert [(p.measurement, p.time, p.fields, p.tags) for p in points] == [
        (
            "measurement",
            "2019-09-09T08:00:00.000000Z",
            {"dollars": 3.5},
            {"factSheetId": "fs-1", "env": "prod"},
        )
    ]
    assert result.stats["processorStatistics"][0]["graphQLRequestCount"] == 0


def test_write_to_ldif_builds_the_output_ldif() -> None:
    processor = {
        "processorType": "writeToLdif",
        "processorName": "export",
        "filter": {"exactType": "App"},
        "updates": [
            update("content.id", "${content.id}"),
            update("content.type", "Exported"),
            update("name", "${data.name.toUpperCase()}"),
            {"key": {"expr": "all"}, "mode": "list", "values": [{"expr": "${data.list}"}]},
        ],
    }
    root = {
        "targetLdif": {
            "ldifKeys": [
                {"key": "connectorId", "value": "export-${header.connectorId}"},
                {"key": "description", "value": "out"},
            ]
        }
    }
    result = evaluate(config(processor, **root), ldif(item("a", name="crm", list=["x", "y"]), item("b")))
    out = result.plan.output_ldif
    assert out == {
        "connectorType": "test",
        "connectorId": "export-test-1",
        "connectorVersion": "1.0.0",
        "lxVersion": "1.0.0",
        "processingDirection": "inbound",
        "processingMode": "partial",
        "description": "out",
        "content": [
            {"type": "Exported", "id": "a", "data": {"name": "CRM", "all": ["x", "y"]}},
            {"type": "Exported", "id": "b", "data": {"all": []}},
        ],
    }
    assert [(w["content"], w["category"]) for w in result.warnings] == [
        ("b", "JUEL_EVALUATION"),
        ("b", "NO_VALUE_FOUND"),
    ]


def test_an_ldif_without_direction_binds_as_inbound_like_the_api_default():
    from kit.integration.engine import bind

    config = {
        "connectorType": "c",
        "connectorId": "i",
        "connectorVersion": "1.0.0",
        "processingDirection": "inbound",
        "processors": [],
    }
    ldif = {"connectorType": "c", "connectorId": "i", "connectorVersion": "1.0.0", "lxVersion": "1.0.0"}
    assert bind(config, ldif) is config
    outbound = {**config, "processingDirection": "outbound"}
    with pytest.raises(Exception, match="processingDirection differs"):
        bind(outbound, ldif)
