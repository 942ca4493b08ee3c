"""``variables.*`` aggregations, list and map methods, and the ``integration`` object."""

from __future__ import annotations

from typing import Any

import pytest

from kit.integration.juel import Integration, JuelEvaluationError, VariableList, Variables, evaluate

VARIABLES = {
    "cost": [1, "2", "x", None, 3.5],
    "tags": ["a", "b", "a"],
    "levels": ["low", "other"],
    "12345_cost": [10, 20],
    "none": [],
}


def run(template: str, **extra: Any) -> Any:
    return evaluate(template, {"variables": VARIABLES, **extra})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${variables.cost.sum()}", 6.5),
        ("${variables.cost.count()}", 5),
        ("${variables.cost.average()}", 1.3),
        ("${variables.cost.max()}", 3.5),
        ("${variables.cost.min()}", 0),
        ("${variables.cost.getNumbers()}", [1, "2", 3.5]),
        ("${variables.cost.getNumbers().average()}", 6.5 / 3),
        ("${variables.cost.getNumbers().min()}", 1),
        ("${variables.cost.get()}", 1),
        ("${variables.cost.get(2)}", "x"),
        ("${variables.cost.join(', ')}", "1, 2, x, null, 3.5"),
        ("${variables.tags.distinct()}", ["a", "b"]),
        ("${variables.tags.distinct().join(', ')}", "a, b"),
        ("${variables.tags.contains('b')}", True),
        ("${variables.cost.contains(2)}", True),
        ("${variables.tags.contains('z')}", False),
        ("${variables.tags.toList()}", ["a", "b", "a"]),
        ("${variables.tags.size()}", 3),
        ("${variables.tags[1]}", "b"),
        ("${variables.levels.selectFirst(helper:toList('default', 'high', 'low'))}", "low"),
        ("${variables.tags.selectFirst(helper:toList('default', 'high', 'low'))}", "default"),
        ("${variables.none.sum()}", 0),
        ("${variables.none.average()}", None),
        ("${variables.none.get()}", None),
        ("${variables.missing}", None),
        ("${variables['12345_cost'].sum()}", 30),
        ("${variables[integration.valueOfForEach.concat('_cost')].sum()}", 30),
        ("${helper:getFromMap(variables, 'tags').count()}", 3),
        ("${variables.size()}", 5),
        ("${variables.containsKey('cost')}", True),
        ("Total: ${variables.cost.sum()}", "Total: 6.5"),
    ],
)
def test_variable_operations(template: str, expected: object) -> None:
    result = run(template, integration={"valueOfForEach": "12345"})
    assert result == expected
    assert type(result) is type(expected) or isinstance(result, list)


def test_aggregations_return_doubles_and_lists_stay_variable_lists() -> None:
    assert run("${variables.tags}") == ["a", "b", "a"]
    assert type(run("${variables.tags}")) is VariableList
    assert type(run("${variables.tags.toList()}")) is list
    assert type(run("${variables.tags.distinct()}")) is VariableList


def test_variables_object_collects_values() -> None:
    variables = Variables()
    variables.append("seen", 1)
    variables.append("seen", "2")
    variables.append("other", "x")
    assert evaluate("${variables.seen.sum()}", {"variables": variables}) == 3.0
    assert evaluate("${variables.other.get()}", {"variables": variables}) == "x"
    assert sorted(variables) == ["other", "seen"]
    assert Variables({"a": [1]})["a"] == [1]


def test_missing_variables_and_no_variables_at_all() -> None:
    with pytest.raises(JuelEvaluationError, match="cannot call method 'sum' on null"):
        run("${variables.missing.sum()}")
    assert evaluate("${variables.anything}", {}) is None
    assert evaluate("${empty variables}", {}) is True


# -- aggregations on plain lists and integration.processing ---------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.list.getNumbers().distinct().size()}", 3),
        ("${data.list.sum()}", 9.0),
        ("${integration.processing.sum(data.list)}", 9.0),
        ("${integration.processing.distinct(data.list)}", [1, "2", "x", 5]),
        ("${integration.processing.mergeList(data.list, helper:toList('y'))}", [1, "2", "x", 1, 5, "y"]),
        ("${integration.processing.getNumbers(data.list).size()}", 4),
    ],
)
def test_processing_aggregations(template: str, expected: object) -> None:
    assert evaluate(template, {"data": {"list": [1, "2", "x", 1, 5]}}) == expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.list.size()}", 3),
        ("${data.list.contains(2)}", True),
        ("${data.list.contains(2.0)}", True),
        ("${data.list.contains('2')}", False),
        ("${data.list.get(0)}", "a"),
        ("${data.list.indexOf(2)}", 1),
        ("${data.list.indexOf('zz')}", -1),
        ("${data.list.isEmpty()}", False),
        ("${data.list.subList(1, 3)}", [2, None]),
        ("${data.map.size()}", 2),
        ("${data.map.containsKey('k')}", True),
        ("${data.map.get('k')}", "v"),
        ("${data.map.get('nope')}", None),
        ("${data.map.getOrDefault('nope', 'd')}", "d"),
        ("${data.map.isEmpty()}", False),
        ("${data.map.keySet()}", ["k", "n"]),
        ("${data.map.values()}", ["v", [1, 2]]),
        ("${data.map.containsValue('v')}", True),
        ("${data.map}", {"k": "v", "n": [1, 2]}),
        ("x${data.list}", "x[a, 2, null]"),
        ("x${data.map}", "x{k=v, n=[1, 2]}"),
        ("${data.list.hashCode()}", 123070),
    ],
)
def test_list_and_map_methods(template: str, expected: object) -> None:
    assert evaluate(template, {"data": {"list": ["a", 2, None], "map": {"k": "v", "n": [1, 2]}}}) == expected


def test_list_get_out_of_range_is_an_error_but_index_is_null() -> None:
    context = {"data": {"list": [1]}}
    assert evaluate("${data.list[3]}", context) is None
    with pytest.raises(JuelEvaluationError, match="List.get: index 3 is out of range for a list of size 1"):
        evaluate("${data.list.get(3)}", context)


# -- integration ---------------------------------------------------------------------------------------


class Tags:
    """A TagResolver over a fixed catalogue."""

    groups = {"Region": "g-1"}
    tags = {("Region", "AsiaPacific"): "t-7"}

    def tag_group_id(self, group_name: str) -> str | None:
        return self.groups.get(group_name)

    def tag_id(self, group_name: str, tag_name: str) -> str | None:
        return self.tags.get((group_name, tag_name))

    def all_tag_groups(self) -> list[str]:
        return sorted(self.groups)


class BrokenTags(Tags):
    def tag_group_id(self, group_name: str) -> str | None:
        raise LookupError("catalogue offline")


def test_integration_object_values() -> None:
    integration = Integration(
        content_index=0,
        max_content_index=4,
        tags=Tags(),
        values={
            "valueOfForEach": " v ",
            "indexOfForEach": 2,
            "keyOfForEach": "k",
            "output": {"valueOfForEach": "out"},
        },
    )
    context = {
        "integration": integration,
        "data": {"props": {"a": [1, 2.5, None, True]}, "json": '{"key1": "v1"}'},
    }
    assert evaluate("${integration.contentIndex == 0}", context) is True
    assert evaluate("${integration.contentIndex == integration.maxContentIndex}", context) is False
    assert evaluate("${integration.valueOfForEach.trim()}", context) == "v"
    assert evaluate("${integration.indexOfForEach + 1}", context) == 3
    assert evaluate("${integration.keyOfForEach}", context) == "k"
    assert evaluate("${integration.output.valueOfForEach}", context) == "out"
    assert evaluate("${integration.updates.valueOfForEach}", context) is None
    assert evaluate("${integration.now}", context) is None
    assert evaluate("${integration.toJson(data.props)}", context) == '{"a":[1,2.5,null,true]}'
    assert evaluate("${integration.toObject(data.json).key1}", context) == "v1"
    assert evaluate("${integration.toObject('[1, {\"b\": 2}]')[1].b}", context) == 2
    assert evaluate("${integration.tags.getTagGroupId('Region')}", context) == "g-1"
    assert evaluate("${integration.tags.getTagId('Region', 'AsiaPacific')}", context) == "t-7"
    assert evaluate("${integration.tags.getTagId('Region', 'Mars')}", context) is None
    assert evaluate("${integration.tags.getAllTagGroups()}", context) == ["Region"]
    assert evaluate("x${integration}", context) == "xintegration"


def test_integration_as_a_plain_dict() -> None:
    context = {"integration": {"contentIndex": 0, "valueOfForEach": "x"}}
    assert evaluate("${integration.contentIndex==0}", context) is True
    assert evaluate("${integration.valueOfForEach.concat('_cost')}", context) == "x_cost"
    assert evaluate("${integration.toJson(helper:toList('a'))}", context) == '["a"]'
    assert evaluate("${integration.toJson('x')}", {}) == '"x"'


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${integration.nope}", "property 'nope' not found on integration"),
        ("${integration.toObject('{bad')}", "toObject: invalid JSON '{bad'"),
        ("${integration.toObject('NaN')}", "toObject: invalid JSON 'NaN'"),
        ("${integration.toJson(1, 2)}", "method 'toJson' on integration takes 1 argument(s), got 2"),
        ("${integration.bookmarks.getBookmarkId('b')}", "integration.bookmarks: no bookmark resolver"),
        (
            "${integration.tags.getTagGroupId('Region')}",
            "getTagGroupId failed: LookupError: catalogue offline",
        ),
    ],
)
def test_integration_errors(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        evaluate(template, {"integration": Integration(tags=BrokenTags())})
    assert caught.value.reason.startswith(message)


def test_tags_without_a_resolver() -> None:
    with pytest.raises(JuelEvaluationError, match="no tag resolver was given"):
        evaluate("${integration.tags.getTagId('a', 'b')}", {})
