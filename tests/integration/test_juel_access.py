"""Property, index and method access: EL resolver rules and the safety of method dispatch."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pytest

from kit.integration.juel import JuelEvaluationError, JuelObject, compile_template, evaluate

DATA = {
    "name": "CRM",
    "level0": {"level1a": "abc", "level1b": "def"},
    "key with space": "spaced",
    "items": [{"name": "first"}, {"name": "second"}],
    "tags": ["a", "b"],
    "count": 3,
    "nothing": None,
}


def run(template: str, **extra: Any) -> Any:
    return evaluate(template, {"data": DATA, **extra})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.name}", "CRM"),
        ("${data.level0.level1a}", "abc"),
        ("${data['level0']['level1b']}", "def"),
        ("${data['key with space']}", "spaced"),
        ('${data["name"]}', "CRM"),
        ("${data.items[1].name}", "second"),
        ("${data.items['0'].name}", "first"),
        ("${data.items[1.9].name}", "second"),
        ("${data.tags[0]}", "a"),
        ("${data.missing}", None),
        ("${data.missing.deeper.still}", None),
        ("${data.nothing.x}", None),
        ("${data.nothing[0]}", None),
        ("${data[null]}", None),
        ("${data.tags[5]}", None),
        ("${data.tags[-1]}", None),
        ("${data.level0[data.missing]}", None),
        ("${data}", DATA),
    ],
)
def test_property_and_index_access(template: str, expected: object) -> None:
    assert run(template) == expected


def test_a_single_expression_keeps_the_value_type() -> None:
    assert run("${data.tags}") is DATA["tags"]
    assert run("${data.count}") == 3


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${data.tags.size}", "cannot coerce 'size' to a number"),
        ("${data.tags[true]}", "cannot use Boolean true as a list index"),
        ("${data.name.length}", "property 'length' not found on String"),
        ("${data.count.value}", "property 'value' not found on Long"),
        ("${data.name.foo()}", "method 'foo' not found on String"),
        ("${data.tags.toUpperCase()}", "method 'toUpperCase' not found on List"),
        ("${data.missing.toUpperCase()}", "cannot call method 'toUpperCase' on null"),
        ("${data.name.substring(1, 2, 3)}", "method 'substring' on String takes 1 to 2 arguments, got 3"),
        ("${data.name.trim(1)}", "method 'trim' on String takes 0 arguments, got 1"),
        ("${dta.name}", "unknown identifier 'dta' (the context has: data)"),
    ],
)
def test_access_errors_name_the_member_and_type(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run(template)
    assert caught.value.reason == message
    assert caught.value.expression == template


def test_evaluation_error_points_at_the_member() -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run("${data.name.foo()}")
    error = caught.value
    assert (error.line, error.column, error.position) == (1, 13, 12)
    assert str(error) == (
        "JUEL evaluation error at line 1, column 13: method 'foo' not found on String in ${data.name.foo()}"
    )


def test_bean_getters_are_properties_of_plain_values() -> None:
    # Like Java's BeanELResolver: property ``x`` of a String reads ``isX()``/``getX()``.
    assert run("${data.name['empty']}") is False
    assert run("${data.name['blank']}") is False
    with pytest.raises(JuelEvaluationError, match="property 'bytes' not found on String"):
        run("${data.name.bytes}")


def test_dynamic_method_name() -> None:
    assert run("${data.name['toLowerCase']()}") == "crm"


class _Mapping(Mapping[str, Any]):
    """A read-only mapping that answers '' for any missing key (like header.customFields)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key, "")

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def test_mappings_other_than_dict_use_their_own_lookup() -> None:
    header = {"customFields": _Mapping({"known": "x"})}
    assert evaluate("${header.customFields.known}", {"header": header}) == "x"
    assert evaluate("${header.customFields.unknown}", {"header": header}) == ""
    assert evaluate("${header.customFields.size()}", {"header": header}) == 1
    ordered = OrderedDict(a=1)
    assert evaluate("${m.a + 1}", {"m": ordered}) == 2
    assert evaluate("${m.containsKey('a')}", {"m": ordered}) is True


class _Thing:
    """An arbitrary Python object: nothing of it may be reachable."""

    secret = "s3cret"

    def delete_everything(self) -> str:
        raise AssertionError("must never be called")


class _Exposed(JuelObject):
    juel_type_name = "Exposed"
    juel_properties: ClassVar[Mapping[str, str]] = {"label": "label"}
    juel_methods: ClassVar[Mapping[str, str]] = {"greet": "greet", "fail": "fail"}

    def __init__(self) -> None:
        self.label = "exposed"
        self.hidden = "hidden"

    def greet(self, who: str, punctuation: str = "!") -> str:
        return f"hello {who}{punctuation}"

    def fail(self) -> None:
        raise RuntimeError("boom")

    def not_listed(self) -> str:
        raise AssertionError("must never be called")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${thing.secret}", "property 'secret' not found on _Thing"),
        ("${thing.delete_everything()}", "method 'delete_everything' not found on _Thing"),
        ("${thing.__class__}", "property '__class__' not found on _Thing"),
        ("${data.name.__class__}", "property '__class__' not found on String"),
        ("${data.name.getClass()}", "method 'getClass' not found on String"),
        ("${data.name.__len__()}", "method '__len__' not found on String"),
        ("${data.name.upper()}", "method 'upper' not found on String"),
        ("${data.name['format']('x')}", "method 'format' not found on String"),
        ("${data.items.pop()}", "method 'pop' not found on List"),
        ("${data.level0.clear()}", "method 'clear' not found on Map"),
        ("${exposed.hidden}", "property 'hidden' not found on Exposed"),
        ("${exposed.not_listed()}", "method 'not_listed' not found on Exposed"),
    ],
)
def test_only_whitelisted_members_are_reachable(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run(template, thing=_Thing(), exposed=_Exposed())
    assert caught.value.reason == message
    assert DATA["items"] == [{"name": "first"}, {"name": "second"}]
    assert DATA["level0"] == {"level1a": "abc", "level1b": "def"}


def test_juel_objects_expose_what_they_declare() -> None:
    context = {"exposed": _Exposed()}
    assert evaluate("${exposed.label}", context) == "exposed"
    assert evaluate("${exposed.greet('you')}", context) == "hello you!"
    assert evaluate("${exposed.greet('you', '?')}", context) == "hello you?"
    assert evaluate("x${exposed}", context) == "xExposed"


def test_juel_object_failures_become_evaluation_errors() -> None:
    context = {"exposed": _Exposed()}
    with pytest.raises(JuelEvaluationError, match="method 'fail' on Exposed failed: RuntimeError: boom"):
        evaluate("${exposed.fail()}", context)
    with pytest.raises(JuelEvaluationError, match="takes 1 to 2 argument"):
        evaluate("${exposed.greet()}", context)


def test_one_template_serves_many_contexts() -> None:
    template = compile_template("${data.name.toUpperCase()}")
    assert [template.evaluate({"data": {"name": n}}) for n in ("a", "b", "c")] == ["A", "B", "C"]
    with pytest.raises(JuelEvaluationError, match="cannot call method 'toUpperCase' on null"):
        template.evaluate({"data": {}})
    assert template.evaluate({"data": {"name": "d"}}) == "D"


def test_context_none_is_empty_and_non_mapping_is_a_type_error() -> None:
    assert evaluate("${1 + 1}", None) == 2
    with pytest.raises(JuelEvaluationError, match="unknown identifier 'data' \\(the context has: nothing\\)"):
        evaluate("${data}")
    with pytest.raises(TypeError, match="context must be a mapping"):
        evaluate("${data}", ["not", "a", "mapping"])  # type: ignore[arg-type]
