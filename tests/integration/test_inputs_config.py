"""Processor configurations: every problem reported at once, with positions, messages and fixes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kit.integration.inputs import (
    PROCESSOR_TYPES,
    InputError,
    ProcessorConfig,
    check_config,
    load_config,
)

FIXTURES = Path(__file__).parent / "fixtures"

APPS: dict[str, Any] = {
    "processorType": "inboundFactSheet",
    "processorName": "Apps from Deployments",
    "type": "Application",
    "filter": {"exactType": "Deployment"},
    "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
    "updates": [{"key": {"expr": "name"}, "values": [{"expr": "${data.app}"}]}],
}


def problems(config: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(kind, path, message)`` of each problem."""
    return [(p.kind, p.path, p.message) for p in check_config(config).problems]


def with_processor(**changes: Any) -> dict[str, Any]:
    processor = copy.deepcopy(APPS)
    for key, value in changes.items():
        if value is None:
            processor.pop(key, None)
        else:
            processor[key] = value
    return {"processors": [processor]}


def test_many_problems_are_all_reported_in_document_order() -> None:
    path = FIXTURES / "inputs" / "config_many_problems.json"
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert [(i.line, i.column, i.path, i.message) for i in caught.value.issues] == [
        (
            6,
            21,
            "processingMode",
            "'processingMode' is 'partail'; expected one of 'partial', 'full'; did you mean 'partial'?",
        ),
        (12, 7, "processors[0].filters", "unknown key 'filters' in processors[0]; did you mean 'filter'?"),
        (
            13,
            21,
            "processors[0].identifier",
            "'identifier' has 'internal' and 'external'; only one of 'internal', 'external', 'search' is allowed",
        ),
        (17, 14, "processors[0].run", "'run' must be at least 0, not -1"),
        (
            18,
            19,
            "processors[0].logLevel",
            "'logLevel' is 'debg'; expected one of 'off', 'warning', 'debug'; did you mean 'debug'?",
        ),
        (19, 15, "processors[0].mode", "'mode' is 'upsert'; expected one of 'createOrUpdate', 'delete'"),
        (
            21,
            46,
            "processors[0].updates[0].values[0]",
            "item 0 of 'values' has 'expr' and 'object'; only one of 'expr', 'map', 'object' is allowed",
        ),
        (
            22,
            93,
            "processors[0].updates[1].values[0].regexMatch",
            "invalid regular expression 'cloud(': missing ), unterminated subpattern at position 5",
        ),
        (
            23,
            90,
            "processors[0].updates[2].values[0].expr",
            "JUEL syntax error at column 26 of the expression: expected an expression but found '}' (end of expression)",
        ),
        (26, 5, "processors[1]", "missing required key 'to'"),
        (30, 14, "processors[1].run", "'run' must be an integer, not a string"),
        (
            33,
            23,
            "processors[2].processorType",
            "unknown processor type 'inboundFactsheet'; did you mean 'inboundFactSheet'?",
        ),
    ]
    text = str(caught.value)
    assert text.splitlines()[0] == f"{path}: 12 problems in this processor configuration"
    assert (
        f"  {path}:12:7 processors[0].filters: unknown key 'filters' in processors[0]; did you mean 'filter'?; "
        "fix: rename 'filters' to 'filter'" in text.splitlines()
    )


def test_juel_error_points_at_the_character_inside_the_string() -> None:
    path = FIXTURES / "inputs" / "config_many_problems.json"
    line = path.read_text().splitlines()[22]
    with pytest.raises(InputError) as caught:
        load_config(path)
    juel = next(i for i in caught.value.issues if i.kind == "juel")
    # the file column of the '}' the parser stopped at (two escaped quotes earlier in the string)
    assert juel.column == line.index("+ }") + 3
    assert line[juel.column - 1] == "}"


def test_unknown_key_filters_fixture() -> None:
    path = FIXTURES / "lint" / "unknown_key_filters.json"
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: 1 problem in this processor configuration\n"
        f"  {path}:29:7 processors[0].filters: unknown key 'filters' in processors[0]; did you mean 'filter'?; "
        "fix: rename 'filters' to 'filter'"
    )


def test_starter_example_loads() -> None:
    config = load_config(FIXTURES / "lint" / "starter_example.json")
    assert isinstance(config, ProcessorConfig)
    assert [p["processorName"] for p in config.processors] == [
        "Apps from Deployments",
        "ITComponent from Cluster",
        "Rel from Apps to ITComponent",
    ]
    assert (config.direction, config.mode) == ("inbound", "partial")
    assert config.document.position("processors[2].run") == (90, 14)


@pytest.mark.parametrize(
    ("processor", "expected"),
    [
        (
            {"processorType": "inboundFactSheet"},
            [
                ("schema", "processors[0]", "missing required key 'type'"),
                ("schema", "processors[0]", "missing required key 'identifier'"),
            ],
        ),
        (
            {"processorType": "inboundRelation", "type": "relToParent"},
            [
                ("schema", "processors[0]", "missing required key 'from'"),
                ("schema", "processors[0]", "missing required key 'to'"),
            ],
        ),
        (
            {"processorType": "inboundSubscription"},
            [("schema", "processors[0]", "missing required key 'identifier'")],
        ),
        (
            {"processorType": "inboundDocument"},
            [("schema", "processors[0]", "missing required key 'identifier'")],
        ),
        (
            {"processorType": "inboundImpact"},
            [("schema", "processors[0]", "missing required key 'identifier'")],
        ),
        ({"processorType": "inboundTag"}, []),
        ({"processorType": "inboundMetrics"}, []),
        ({"processorType": "inboundToDo", "identifier": {"external": "${content.id}"}}, []),
        ({"processorType": "variableProcessor", "variables": [{"key": "a", "value": "${data.a}"}]}, []),
        ({"processorType": "writeToLdif", "updates": [{"key": {"expr": "content.id"}, "mode": "list"}]}, []),
        ({"processorName": "no type"}, [("schema", "processors[0]", "missing required key 'processorType'")]),
    ],
)
def test_required_keys_per_processor_type(processor: dict[str, Any], expected: list) -> None:
    assert problems({"processors": [processor]}) == expected


def test_every_documented_processor_type_is_known() -> None:
    assert set(PROCESSOR_TYPES) == {
        "inboundFactSheet",
        "inboundRelation",
        "inboundTag",
        "inboundDocument",
        "inboundSubscription",
        "inboundMetrics",
        "inboundImpact",
        "variableProcessor",
        "inboundToDo",
        "writeToLdif",
        "outboundFactSheet",
    }


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ({"internal": "${content.id}"}, []),
        (
            {
                "search": {
                    "scope": {"facetFilters": [], "ids": []},
                    "filter": "${true}",
                    "multipleMatchesAllowed": True,
                }
            },
            [],
        ),
        (
            {
                "external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}},
                "search": {"filter": "${lx.factsheet.name == data.name}"},
            },
            [],
        ),  # documented combination
        (
            {},
            [
                (
                    "schema",
                    "processors[0].identifier",
                    "'identifier' needs exactly one of 'internal', 'external', 'search'",
                )
            ],
        ),
        (
            {"internal": "${content.id}", "search": {}},
            [
                (
                    "schema",
                    "processors[0].identifier",
                    "'identifier' has 'internal' and 'search'; only one of 'internal', 'external', 'search' is allowed",
                )
            ],
        ),
        (
            {"external": {"id": {"expr": "${content.id}"}}},
            [("schema", "processors[0].identifier.external", "missing required key 'type'")],
        ),
    ],
)
def test_identifier_exactly_one_kind(identifier: dict[str, Any], expected: list) -> None:
    assert problems(with_processor(identifier=identifier)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"expr": "${data.app}"}, []),
        ({"object": "${data}"}, []),
        ({"map": [{"key": "id", "value": "${data.id}"}]}, []),
        (
            {"regexMatch": ".*"},
            [
                (
                    "schema",
                    "processors[0].updates[0].values[0]",
                    "item 0 of 'values' needs exactly one of 'expr', 'map', 'object'",
                )
            ],
        ),
        (
            {"expr": "a", "map": []},
            [
                (
                    "schema",
                    "processors[0].updates[0].values[0]",
                    "item 0 of 'values' has 'expr' and 'map'; only one of 'expr', 'map', 'object' is allowed",
                )
            ],
        ),
        (
            {"map": [{"key": "id", "value": "x"}], "regexMatch": "a"},
            [
                (
                    "schema",
                    "processors[0].updates[0].values[0].regexMatch",
                    "'regexMatch' cannot be used with 'map'",
                )
            ],
        ),
        (
            {"expr": 5},
            [("schema", "processors[0].updates[0].values[0].expr", "'expr' must be a string, not a number")],
        ),
    ],
)
def test_values_exactly_one_of_expr_map_object(value: dict[str, Any], expected: list) -> None:
    updates = [{"key": {"expr": "name"}, "values": [value]}]
    assert problems(with_processor(updates=updates)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"run": 2}, []),
        ({"run": -1}, [("schema", "processors[0].run", "'run' must be at least 0, not -1")]),
        ({"run": 1.5}, [("schema", "processors[0].run", "'run' must be an integer, not a number")]),
        ({"run": True}, [("schema", "processors[0].run", "'run' must be an integer, not true/false")]),
        ({"logLevel": "off"}, []),
        (
            {"logLevel": "Debug"},
            [
                (
                    "schema",
                    "processors[0].logLevel",
                    "'logLevel' is 'Debug'; expected one of 'off', 'warning', 'debug'; did you mean 'debug'?",
                )
            ],
        ),
        ({"mode": "delete"}, []),
        (
            {"mode": "update"},
            [
                (
                    "schema",
                    "processors[0].mode",
                    "'mode' is 'update'; expected one of 'createOrUpdate', 'delete'",
                )
            ],
        ),
        (
            {"enabled": "yes"},
            [("schema", "processors[0].enabled", "'enabled' must be true or false, not a string")],
        ),
        (
            {"updates": {"key": "name"}},
            [("schema", "processors[0].updates", "'updates' must be a list, not an object")],
        ),
        ({"filter": {"exactType": "Deployment", "updatedInDuration": "P3D"}}, []),
        (
            {"variables": [{"key": "x"}]},
            [("schema", "processors[0].variables[0]", "missing required key 'value'")],
        ),
        ({"processorName": None}, []),  # null counts as absent for optional keys
    ],
)
def test_types_and_enums(changes: dict[str, Any], expected: list) -> None:
    assert problems(with_processor(**changes)) == expected


def test_root_keys_and_enums_any_case() -> None:
    config = {
        "connectorType": "a",
        "connectorId": "b",
        "connectorVersion": "1.0.0",
        "processingDirection": "INBOUND",
        "processingMode": "Full",
        "variables": {"x": [1]},
        "sequentialExecution": True,
        "credentials": {"useTechnicalUser": True},
        "executionRestrictions": {"userIds": ["u"]},
        "scheduling": {"type": "NIGHTLY"},
        "executionGroups": ["g"],
        "processors": [APPS],
    }
    assert problems(config) == []
    assert load_config(config).mode == "full"
    assert problems({"processors": [], "procesors": []}) == [
        ("unknown-key", "procesors", "unknown key 'procesors' in the top level; did you mean 'processors'?")
    ]


def test_comment_keys_are_allowed_anywhere() -> None:
    assert (
        check_config(json.loads((FIXTURES / "lint" / "comment_keys_anywhere.json").read_text())).problems
        == []
    )


def test_unknown_key_without_close_match_lists_known_keys() -> None:
    [problem] = check_config(with_processor(filter={"exactType": "A", "zzz": 1})).problems
    assert problem.message == "unknown key 'zzz' in processors[0].filter"
    assert problem.hint == (
        "remove it or check the spelling (known keys here: advanced, exactType, id, onRead, type, "
        "updatedAtDuration, updatedInDuration)"
    )


def test_regexes_everywhere_are_compiled_as_java() -> None:
    config = with_processor(filter={"type": "prj|subp", "id": "[0-9"})
    config["deletionScope"] = {
        "documents": [{"documentMatches": ["^MyDocs_.*", "(unclosed"]}],
        "tags": [{"tagScopes": [{"group": "myGroup", "tag": "Prefix_.*"}]}],
    }
    assert [(p.kind, p.path) for p in check_config(config).problems] == [
        ("regex", "processors[0].filter.id"),
        ("regex", "deletionScope.documents[0].documentMatches[1]"),
    ]


def test_juel_everywhere_is_compiled_and_collected() -> None:
    config = with_processor(forEach="${data.items", filter={"advanced": "${data.x == 1}"})
    checked = check_config(config)
    assert [(p.kind, p.path) for p in checked.problems] == [("juel", "processors[0].forEach")]
    assert [u.template.text for u in checked.templates] == ["${data.x == 1}", "${content.id}", "${data.app}"]


def test_unknown_processor_type_checks_common_keys_only() -> None:
    assert problems({"processors": [{"processorType": "inboundFactsheet", "run": "x", "whatever": 1}]}) == [
        (
            "unknown-type",
            "processors[0].processorType",
            "unknown processor type 'inboundFactsheet'; did you mean 'inboundFactSheet'?",
        ),
        ("schema", "processors[0].run", "'run' must be an integer, not a string"),
    ]


def test_processor_direction_must_match_configuration() -> None:
    outbound = {
        "processorType": "outboundFactSheet",
        "fields": ["name"],
        "output": [{"key": {"expr": "content.id"}, "values": [{"expr": "${lx.factsheet.id}"}]}],
    }
    assert problems({"processingDirection": "inbound", "processors": [APPS, outbound]}) == [
        (
            "schema",
            "processors[1].processorType",
            "'outboundFactSheet' is an outbound processor but this configuration is inbound",
        )
    ]
    assert problems({"processors": [outbound]}) == [
        ("schema", "", "an outbound configuration needs a global 'scope'")
    ]
    assert problems({"processors": [outbound], "scope": {}}) == []


def test_config_must_be_an_object() -> None:
    with pytest.raises(InputError) as caught:
        load_config("[1, 2]")
    assert [(i.line, i.column, i.message) for i in caught.value.issues] == [
        (1, 1, "a processor configuration must be a JSON object")
    ]


def test_repr_never_shows_the_data() -> None:
    config = load_config({"credentials": {"apiToken": "LXT_secret"}, "processors": [APPS]})
    assert repr(config) == "ProcessorConfig('<dict>', 1 processors, inbound, partial)"
    assert "LXT_secret" not in repr(config)


# The reference (§6.2, inboundRelation): "`constrainingRelations` (replace) / `addConstrainingRelations`;
# `"optional": true` turns "fact sheet missing" warnings into info". The starter's relation processor with them:
RELATION: dict[str, Any] = {
    "processorType": "inboundRelation",
    "processorName": "Rel from Apps to ITComponent",
    "type": "relApplicationToITComponent",
    "filter": {"exactType": "Deployment"},
    "run": 1,
    "from": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
    "to": {"external": {"id": {"expr": "${data.clusterName}"}, "type": {"expr": "externalId"}}},
    "constrainingRelations": True,
    "optional": True,
}


def test_inbound_relation_accepts_constraining_relations_and_optional() -> None:
    config = load_config({"processors": [APPS, RELATION]})
    assert config.processors[1]["constrainingRelations"] is True
    adding = {**RELATION, "constrainingRelations": False, "addConstrainingRelations": True}
    assert problems({"processors": [adding]}) == []


def test_constraining_relations_must_be_a_boolean_and_stays_unknown_elsewhere() -> None:
    assert problems({"processors": [{**RELATION, "constrainingRelations": "yes"}]}) == [
        (
            "schema",
            "processors[0].constrainingRelations",
            "'constrainingRelations' must be true or false, not a string",
        )
    ]
    kinds = [(p[0], p[1]) for p in problems({"processors": [{**APPS, "constrainingRelations": True}]})]
    assert kinds == [("unknown-key", "processors[0].constrainingRelations")]
