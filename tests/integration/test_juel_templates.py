"""Templates as iAPI uses them: single expressions keep their type, mixed text becomes a Java-style string,
and the examples from the LeanIX documentation behave as documented."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from kit.integration.juel import Integration, JuelEvaluationError, compile_template, evaluate


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (-9223372036854775808, "-9223372036854775808"),
        (2.0, "2.0"),
        (0.5, "0.5"),
        (100.0, "100.0"),
        (1234567.0, "1234567.0"),
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (0.001, "0.001"),
        (1e-4, "1.0E-4"),
        (1.5e-5, "1.5E-5"),
        (1e21, "1.0E21"),
        (-0.0, "-0.0"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        ("text", "text"),
        (["a", None, 1, 2.0], "[a, null, 1, 2.0]"),
        ({"k": "v", "n": {"x": True}}, "{k=v, n={x=true}}"),
        ([], "[]"),
        (datetime(2020, 7, 2, 11, 30), "2020-07-02T11:30"),
    ],
)
def test_values_in_mixed_templates_are_written_like_java(value: object, text: str) -> None:
    assert evaluate("[${v}]", {"v": value}) == f"[{text}]"


def test_a_self_containing_list_is_written_like_java() -> None:
    looped: list[object] = [1]
    looped.append(looped)
    assert evaluate("${v}!", {"v": looped}) == "[1, (this Collection)]!"


def test_single_expression_keeps_type_and_mixed_is_a_string() -> None:
    context = {"data": {"list": [1, 2], "n": 2.0, "none": None}}
    assert evaluate("${data.list}", context) == [1, 2]
    assert evaluate("${data.n}", context) == 2.0
    assert evaluate("${data.none}", context) is None
    assert evaluate(" ${data.n}", context) == " 2.0"
    assert evaluate("${data.none}${data.none}", context) == ""
    assert evaluate("Value: ${data.none}.", context) == "Value: ."


def test_compiled_once_and_reused() -> None:
    template = compile_template("${data.app} - ${data.version}")
    assert template.evaluate({"data": {"app": "CRM", "version": 2}}) == "CRM - 2"
    assert template.evaluate({"data": {"app": "HR", "version": 1.5}}) == "HR - 1.5"
    assert template.evaluate({"data": {"app": None, "version": None}}) == " - "


# Examples quoted in the SAP LeanIX Integration API documentation (reference section 6.5).
DOC_CONTEXT = {
    "content": {"id": "app-1", "type": "Deployment"},
    "data": {
        "app": "CRM",
        "version": "1.2.0",
        "tags": "Blue,Green,Red",
        "measurement": "measurement",
        "x": "set",
        "level0": {"level1a": "abc", "level1b": "def"},
        "Properties": {"owner": "me"},
        "json": '{"key1":"value1"}',
    },
    "integration": Integration(
        now=datetime(2020, 7, 2, 11, 30),
        content_index=0,
        max_content_index=3,
        values={"valueOfForEach": " Blue "},
    ),
    "variables": {"myVar": [10, "20", "n/a"]},
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.app} - ${data.version}", "CRM - 1.2.0"),
        ("${helper:toList(data.tags.split(','))}", ["Blue", "Green", "Red"]),
        ("${integration.valueOfForEach.trim()}", "Blue"),
        ("${data.measurement.equals('measurement')}", True),
        ("${integration.contentIndex==0}", True),
        ("${integration.contentIndex==integration.maxContentIndex}", False),
        ("${not empty data.x}", True),
        ("${not empty data.y}", False),
        ("${variables.myVar.sum()}", 30.0),
        ("${content.id}", "app-1"),
        ("${data.level0.level1a}", "abc"),
        ("${true}", True),
        ("${integration.toJson(data.Properties)}", '{"owner":"me"}'),
        ("${integration.toObject(data.json).key1}", "value1"),
        ("${'externalId/'.concat(content.id)}", "externalId/app-1"),
        ("Last sync: ${integration.now.getDayOfMonth()}.${integration.now.getYear()}", "Last sync: 2.2020"),
        ("${helper:localDateTimeToString(integration.now,'yy-MM-dd HH:mm')}", "20-07-02 11:30"),
        ('${data.myKey != null && data.myKey != ""}', False),
    ],
)
def test_documented_examples(template: str, expected: object) -> None:
    assert evaluate(template, DOC_CONTEXT) == expected


def test_filter_expressions_from_the_docs_return_booleans() -> None:
    advanced = compile_template("${data.measurement.equals('measurement')}")
    assert [advanced.evaluate({"data": {"measurement": m}}) for m in ("measurement", "other")] == [
        True,
        False,
    ]
    # As in Java, calling a method on a missing value fails (the filter then does not match in iAPI).
    with pytest.raises(JuelEvaluationError, match="cannot call method 'equals' on null"):
        advanced.evaluate({"data": {}})
    safe = compile_template("${'measurement'.equals(data.measurement)}")
    assert safe.evaluate({"data": {}}) is False
