"""EL operators and coercions (JSR-245 sections 1.7-1.10 and 1.18)."""

from __future__ import annotations

import math

import pytest

from kit.integration.juel import JuelEvaluationError, evaluate

CONTEXT = {
    "data": {
        "list": [1, 2],
        "list2": [1, 2],
        "empty_list": [],
        "empty_map": {},
        "map": {"k": "v"},
        "x": "abc",
        "zero": 0,
        "blank": "",
        "space": " ",
    },
}


def run(template: str) -> object:
    return evaluate(template, CONTEXT)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${'1' + 2}", 3),
        ("${'1' + '2'}", 3),
        ("${1 + '2'}", 3),
        ("${'1.5' + 1}", 2.5),
        ("${'1e2' + 1}", 101.0),
        ("${' 5.0' + 1}", 6.0),
        ("${1 + 2.0}", 3.0),
        ("${null + 1}", 1),
        ("${null + null}", 0),
        ("${'' + 1}", 1),
        ("${3 * '4'}", 12),
        ("${null * null}", 0),
        ("${10 - 2 - 3}", 5),
        ("${1 + 2 * 3}", 7),
        ("${(1 + 2) * 3}", 9),
        ("${2 * 3 % 4}", 2),
        ("${1 / 2}", 0.5),
        ("${4 / 2}", 2.0),
        ("${1 div 4}", 0.25),
        ("${null / null}", 0),
        ("${7 % 2}", 1),
        ("${-7 % 2}", -1),
        ("${7 % -2}", 1),
        ("${7 mod 3}", 1),
        ("${7.5 % 2}", 1.5),
        ("${-'5'}", -5),
        ("${-'5.5'}", -5.5),
        ("${-null}", 0),
        ("${- -3}", 3),
        ("${-data.zero}", 0),
        ("${9223372036854775807 + 1}", -9223372036854775808),
        ("${9223372036854775807 * 2}", -2),
    ],
)
def test_arithmetic(template: str, expected: object) -> None:
    result = run(template)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${1 / 0}", math.inf),
        ("${-1 / 0}", -math.inf),
        ("${1 / -0.0}", -math.inf),
        ("${1.0 % 0}", None),
        ("${0 / 0}", None),
    ],
)
def test_double_division_follows_ieee(template: str, expected: float | None) -> None:
    result = run(template)
    assert isinstance(result, float)
    if expected is None:
        assert math.isnan(result)
    else:
        assert result == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${'abc' + 1}", "cannot coerce 'abc' to a number"),
        ("${'a' + 'b'}", "cannot coerce 'a' to a number"),
        ("${' 5' + 1}", "cannot coerce ' 5' to a number"),
        ("${true + 1}", "cannot coerce Boolean true to a number"),
        ("${data.list + 1}", "cannot coerce a List to a number"),
        ("${7 % 0}", "division by zero: Long 7 % Long 0"),
        ("${-true}", "cannot negate Boolean true"),
        ("${-data.map}", "cannot negate a Map"),
    ],
)
def test_arithmetic_errors(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run(template)
    assert caught.value.reason == message
    assert caught.value.expression == template
    assert caught.value.column is not None


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${'a' == 'a'}", True),
        ("${'a' eq 'b'}", False),
        ("${1 == 1.0}", True),
        ("${'1' == 1}", True),
        ("${'1.0' == 1.0}", True),
        ("${null == 0}", False),
        ("${null == null}", True),
        ("${null != 0}", True),
        ("${null ne null}", False),
        ("${true == 'true'}", True),
        ("${'yes' == true}", False),
        ("${data.list == data.list2}", True),
        ("${data.list == '[1, 2]'}", True),
        ("${data.map == '{k=v}'}", True),
        ("${1 < 2}", True),
        ("${2 lt 1}", False),
        ("${'a' < 'b'}", True),
        ("${'10' < 9}", False),
        ("${'10' < '9'}", True),
        ("${2.5 > 2}", True),
        ("${2 gt 3}", False),
        ("${1 <= 1}", True),
        ("${1 le 0}", False),
        ("${1 >= 1.0}", True),
        ("${1 ge 2}", False),
        ("${null < 1}", False),
        ("${null > 1}", False),
        ("${null <= null}", True),
        ("${data.map <= data.map}", True),
        ("${null < null}", False),
        ("${true > false}", True),
        ("${(0 / 0) < 1}", False),
        ("${(0 / 0) == (0 / 0)}", False),
        ("${1 + 1 == 2}", True),
        ("${1 < 2 == true}", True),
    ],
)
def test_comparisons(template: str, expected: bool) -> None:
    assert run(template) is expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${'abc' == 1}", "cannot coerce 'abc' to a number"),
        ("${1 == true}", "cannot coerce Boolean true to a number"),
        ("${data.list < 1}", "cannot coerce a List to a number"),
        ("${data.map < data.empty_map}", "cannot compare a Map < a Map"),
    ],
)
def test_comparison_errors(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run(template)
    assert caught.value.reason.startswith(message)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${true && false}", False),
        ("${true and true}", True),
        ("${false || true}", True),
        ("${false or false}", False),
        ("${'true' && 'TRUE'}", True),
        ("${'x' || false}", False),
        ("${null || false}", False),
        ("${!false && false}", False),
        ("${true || false && false}", True),
        ("${!'true'}", False),
        ("${not null}", True),
        ("${!!true}", True),
    ],
)
def test_logic_with_boolean_coercion(template: str, expected: bool) -> None:
    assert run(template) is expected


@pytest.mark.parametrize(
    "template",
    [
        "${false && data.x.noSuchMethod()}",
        "${true || data.x.noSuchMethod()}",
        "${false and 1 % 0}",
        "${true or 'abc' + 1}",
    ],
)
def test_short_circuit_skips_the_failing_side(template: str) -> None:
    assert run(template) is template.startswith("${true")


def test_logic_on_a_number_is_an_error() -> None:
    with pytest.raises(JuelEvaluationError, match="cannot coerce Long 1 to a boolean"):
        run("${1 && true}")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${empty null}", True),
        ("${empty ''}", True),
        ("${empty data.blank}", True),
        ("${empty data.space}", False),
        ("${empty data.empty_list}", True),
        ("${empty data.list}", False),
        ("${empty data.empty_map}", True),
        ("${empty data.map}", False),
        ("${empty data.missing}", True),
        ("${empty data.zero}", False),
        ("${empty false}", False),
        ("${not empty data.x}", True),
        ("${!empty data.missing}", False),
    ],
)
def test_empty(template: str, expected: bool) -> None:
    assert run(template) is expected


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${true ? 1 : 2}", 1),
        ("${false ? 1 : 2}", 2),
        ("${'true' ? 'y' : 'n'}", "y"),
        ("${null ? 'y' : 'n'}", "n"),
        ("${false ? 1 : true ? 2 : 3}", 2),
        ("${true ? 'ok' : data.x.noSuchMethod()}", "ok"),
        ("${data.x.length() > 2 ? data.x : 'short'}", "abc"),
    ],
)
def test_conditional(template: str, expected: object) -> None:
    assert run(template) == expected


def test_conditional_on_a_number_is_an_error() -> None:
    with pytest.raises(JuelEvaluationError, match="cannot coerce Long 1 to a boolean"):
        run("${1 ? 2 : 3}")
