"""``helper:*`` and ``math:*`` functions, Java time, and number methods."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest

from kit.integration.juel import Integration, JuelEvaluationError, coerce_to_string, evaluate

NOW = datetime(2020, 7, 2, 11, 30)
LIFECYCLE = {
    "asString": "active",
    "phases": [
        {"phase": "plan", "startDate": "2019-01-01"},
        {"phase": "phaseIn", "startDate": "2020-01-01"},
        {"phase": "active", "startDate": "2020-06-01"},
        {"phase": "phaseOut", "startDate": "2025-01-01"},
        {"phase": "endOfLife", "startDate": "2026-01-01"},
    ],
}


def run(template: str, **data: object) -> object:
    return evaluate(template, {"data": data, "integration": Integration(now=NOW), "lifecycle": LIFECYCLE})


# -- helper:toList, helper:getFromMap ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${helper:toList('a', 'b')}", ["a", "b"]),
        ("${helper:toList('a')}", ["a"]),
        ("${helper:toList()}", []),
        ("${helper:toList(data.tags.split(','))}", ["x", "y"]),
        ("${helper:toList(data.tags.split(',')).size()}", 2),
        ("${helper:toList(1, 'two', null)}", [1, "two", None]),
        ("${helper:getFromMap(data, 'key with space')}", "v"),
        ("${helper:getFromMap(data, 'missing')}", None),
        ("${helper:getFromMap(data.missing, 'x')}", None),
    ],
)
def test_list_and_map_helpers(template: str, expected: object) -> None:
    assert run(template, tags="x,y", **{"key with space": "v"}) == expected


def test_get_from_map_rejects_a_non_map() -> None:
    with pytest.raises(JuelEvaluationError, match="helper:getFromMap: expected a Map but got 'text'"):
        run("${helper:getFromMap('text', 'x')}")


# -- lifecycle helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("'2020-07-01'", "active"),
        ("'2020-06-01'", "active"),
        ("'2020-05-31'", "phaseIn"),
        ("'2018-12-31'", None),
        ("'2030-01-01'", "endOfLife"),
        ("integration.now", "active"),
        ("'2020-07-01T10:00:00'", "active"),
    ],
)
def test_active_lifecycle_phase(when: str, expected: str | None) -> None:
    assert run(f"${{helper:toActiveLifecyclePhase(lifecycle, {when})}}") == expected


def test_lifecycle_as_plain_map_and_same_day_phases() -> None:
    same_day = {"plan": "2020-01-01", "phaseIn": "2020-01-01", "active": None}
    assert run("${helper:toActiveLifecyclePhase(data.lc, '2020-02-01')}", lc=same_day) == "phaseIn"
    ordered = (
        "${helper:toActiveLifecyclePhaseOrdered(data.lc, '2020-02-01', helper:toList('phaseIn', 'plan'))}"
    )
    assert run(ordered, lc=same_day) == "plan"
    custom = [{"phase": "phase1", "startDate": "2020-01-01"}, {"phase": "phase2", "startDate": "2020-01-01"}]
    ordered_custom = (
        "${helper:toActiveLifecyclePhaseOrdered(data.lc, integration.now, helper:toList('phase2', 'phase1'))}"
    )
    assert run(ordered_custom, lc=custom) == "phase1"
    assert run("${helper:toActiveLifecyclePhase(data.missing, integration.now)}") is None


def test_lifecycle_errors() -> None:
    with pytest.raises(JuelEvaluationError, match="is not a date \\(YYYY-MM-DD\\)"):
        run("${helper:toActiveLifecyclePhase(lifecycle, 'soon')}")
    with pytest.raises(JuelEvaluationError, match="expected a lifecycle"):
        run("${helper:toActiveLifecyclePhase('active', '2020-01-01')}")


# -- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "${helper:localDateTimeFromString('2016-03-04 11:30', 'yy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm')}",
            datetime(2016, 3, 4, 11, 30),
        ),
        (
            "${helper:localDateTimeFromString('16-03-04 11:30', 'yy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm')}",
            datetime(2016, 3, 4, 11, 30),
        ),
        ("${helper:localDateTimeFromString('04.03.2016', 'dd.MM.yyyy', 'yyyy-MM-dd')}", datetime(2016, 3, 4)),
        (
            "${helper:localDateTimeFromString('2016-03-04 11:30:45', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm')}",
            datetime(2016, 3, 4, 11, 30),
        ),
        ("${helper:localDateTimeFromString('20160304', 'yyyyMMdd', 'yyyyMMdd')}", datetime(2016, 3, 4)),
        ("${helper:localDateTimeFromString('4 Mar 2016', 'd MMM yyyy', 'yyyy-MM-dd')}", datetime(2016, 3, 4)),
        ("${helper:localDateTimeToString(integration.now, 'yy-MM-dd HH:mm')}", "20-07-02 11:30"),
        ("${helper:localDateTimeToString(integration.now, 'dd MMM yyyy')}", "02 Jul 2020"),
        ("${helper:localDateTimeToString(integration.now, 'EEEE, MMMM d')}", "Thursday, July 2"),
        (
            "${helper:localDateTimeToString(integration.now, \"yyyy-MM-dd'T'HH:mm:ss.SSS\")}",
            "2020-07-02T11:30:00.000",
        ),
        ("${helper:localDateTimeToString(integration.now.plusHours(2), 'h:mm a')}", "1:30 PM"),
        ("${helper:localDateTimeToString(integration.now, \"'Q'''yy\")}", "Q'20"),
        ("${integration.now.plusDays(1).toString()}", "2020-07-03T11:30"),
        ("${integration.now.minusDays(2).getDayOfMonth()}", 30),
        ("${integration.now.plusHours(1).getHour()}", 12),
        ("${integration.now.getYear()}", 2020),
        ("${integration.now.year}", 2020),
        ("${integration.now.getMonthValue()}", 7),
        ("${integration.now.getMonth()}", "JULY"),
        ("${integration.now.getDayOfWeek()}", "THURSDAY"),
        ("${integration.now.toLocalDate().toString()}", "2020-07-02"),
        ("${integration.now.isBefore(integration.now.plusDays(1))}", True),
        ("${integration.now < integration.now.plusDays(1)}", True),
        ("${integration.now.withDayOfMonth(31).plusMonths(2).getDayOfMonth()}", 30),
        ("${helper:getDuration(integration.now, integration.now.plusHours(49)).toDays()}", 2),
        ("${helper:getDuration(integration.now, integration.now.minusHours(49)).toDays()}", -2),
        ("${helper:getDuration(integration.now, integration.now.plusMinutes(90)).toMinutes()}", 90),
        ("x${helper:getDuration(integration.now, integration.now.plusHours(49).plusMinutes(3))}", "xPT49H3M"),
        ("Last sync: ${integration.now}", "Last sync: 2020-07-02T11:30"),
    ],
)
def test_dates(template: str, expected: object) -> None:
    assert run(template) == expected


def test_date_errors() -> None:
    with pytest.raises(JuelEvaluationError, match="does not match the date pattern 'yyyy-MM-dd'"):
        run("${helper:localDateTimeFromString('March', 'yyyy-MM-dd', 'yyyy-MM-dd')}")
    with pytest.raises(JuelEvaluationError, match="pattern letter 'z' is not supported"):
        run("${helper:localDateTimeToString(integration.now, 'HH:mm z')}")
    with pytest.raises(JuelEvaluationError, match="is not a valid date"):
        run("${helper:localDateTimeFromString('2021-02-30', 'yyyy-MM-dd', 'yyyy-MM-dd')}")
    with pytest.raises(JuelEvaluationError, match="invalid value for day"):
        run("${integration.now.withDayOfMonth(32)}")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2020, 7, 2, 11, 30), "2020-07-02T11:30"),
        (datetime(2020, 7, 2, 11, 30, 5), "2020-07-02T11:30:05"),
        (datetime(2020, 7, 2, 11, 30, 5, 5000), "2020-07-02T11:30:05.005"),
        (datetime(2020, 7, 2, 11, 30, 0, 123456), "2020-07-02T11:30:00.123456"),
        (date(2020, 7, 2), "2020-07-02"),
        (timedelta(0), "PT0S"),
        (timedelta(days=2), "PT48H"),
        (timedelta(hours=8, minutes=6, seconds=12.345), "PT8H6M12.345S"),
        (timedelta(minutes=-90), "PT-1H-30M"),
        (timedelta(seconds=-0.5), "PT-0.5S"),
        (timedelta(seconds=59), "PT59S"),
    ],
)
def test_java_time_text(value: object, text: str) -> None:
    assert coerce_to_string(value) == text
    assert evaluate("${v.toString()}", {"v": value}) == text


# -- math: and number methods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${math:round(2.5)}", 3),
        ("${math:round(-2.5)}", -2),
        ("${math:round(0.49999999999999994)}", 0),
        ("${math:round('2.4')}", 2),
        ("${math:round(1e300)}", 9223372036854775807),
        ("${math:abs(-3)}", 3.0),
        ("${math:floor(2.7)}", 2.0),
        ("${math:ceil(2.1)}", 3.0),
        ("${math:max(1, 2)}", 2.0),
        ("${math:min(1, 2)}", 1.0),
        ("${math:pow(2, 10)}", 1024.0),
        ("${math:pow(10, 400)}", math.inf),
        ("${math:sqrt(16)}", 4.0),
        ("${math:log10(1000)}", 3.0),
        ("${math:signum(-4)}", -1.0),
        ("${math:round(2.6).intValue()}", 3),
        ("${math:abs(-3.7).intValue()}", 3),
        ("${math:round(data.v * 100) / 100}", 1.23),
        ("${math:floorMod(-7, 3)}", 2),
    ],
)
def test_math(template: str, expected: object) -> None:
    result = run(template, v=1.23456)
    assert result == expected
    assert type(result) is type(expected)


def test_math_special_values_follow_java() -> None:
    assert math.isnan(run("${math:sqrt(-1)}"))  # type: ignore[arg-type]
    assert run("${math:log(0)}") == -math.inf
    assert math.copysign(1.0, run("${math:ceil(-0.5)}")) == -1.0  # type: ignore[arg-type]
    assert run("x${math:ceil(-0.5)}") == "x-0.0"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.d.intValue()}", 3),
        ("${data.neg.intValue()}", -3),
        ("${data.n.doubleValue()}", 3.0),
        ("x${data.n.doubleValue()}", "x3.0"),
        ("${data.big.intValue()}", 1),
        ("${data.big.longValue()}", 4294967297),
        ("${data.n.toString()}", "3"),
        ("${data.d.toString()}", "3.9"),
        ("${data.huge.toString()}", "1.0E21"),
        ("${data.huge.longValue()}", 9223372036854775807),
        ("${data.n.equals(3)}", True),
        ("${data.n.equals(3.0)}", False),
        ("${data.n.compareTo(4)}", -1),
        ("${data.n.hashCode()}", 3),
        ("${data.d.isNaN()}", False),
        ("${data.t.booleanValue()}", True),
        ("${data.t.toString()}", "true"),
    ],
)
def test_number_methods(template: str, expected: object) -> None:
    result = run(template, d=3.9, neg=-3.9, n=3, big=2**32 + 1, huge=1e21, t=True)
    assert result == expected
    assert type(result) is type(expected)
