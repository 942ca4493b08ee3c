"""Values for people (docs/reports.md §1); every expected text is written by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kit import formatting as fmt

MISSING_VALUES = [None, float("nan"), np.nan, pd.NA, pd.NaT, "", "  ", [], np.float64("nan")]


@pytest.mark.parametrize("value", MISSING_VALUES, ids=repr)
def test_every_formatter_says_not_set_for_a_missing_value(value):
    for formatter in (fmt.share, fmt.number, fmt.money, fmt.duration, fmt.date, fmt.moment, fmt.text):
        assert formatter(value) == "(not set)", formatter.__name__
    assert fmt.is_missing(value)
    assert fmt.type_label(value) == fmt.field_label(value) == fmt.value_label(value) == "(not set)"


def test_present_values_are_not_missing():
    assert not any(fmt.is_missing(v) for v in (0, 0.0, False, "x", [0], pd.Timestamp("2026-01-01"), "0"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.241379, "24.1%"),
        (0, "0.0%"),
        (1, "100.0%"),
        (0.0004, "0.0%"),
        (-0.0004, "0.0%"),  # no "-0.0%"
        (-0.05, "-5.0%"),
        (12.5, "1,250.0%"),
        (np.float32(0.5), "50.0%"),
        (math.inf, "∞%"),
    ],
)
def test_share(value, expected):
    assert fmt.share(value) == expected


def test_share_places_and_space():
    assert fmt.share(0.241379, digits=2) == "24.14%"
    assert fmt.share(0.241379, digits=9) == "24.138%"  # never more than 3 decimals


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567.891, "1,234,568"),
        (1234.567, "1,234.57"),
        (1234.5, "1,234.5"),
        (1234.0, "1,234"),
        (1234567, "1,234,567"),
        (np.int64(42), "42"),
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (-1234.567, "-1,234.57"),
        (0.0042, "0.004"),
        (0.12345, "0.123"),
        (0.0004, "< 0.001"),
        (-0.0004, "> -0.001"),
        (99999.996, "100,000"),
        (1e21, "1,000,000,000,000,000,000,000"),
        (math.inf, "∞"),
        (-math.inf, "-∞"),
        (pd.array([2.5], dtype="Float64")[0], "2.5"),
    ],
)
def test_number(value, expected):
    assert fmt.number(value) == expected


def test_number_with_fixed_places_and_wrong_input():
    assert fmt.number(2.5, decimals=2) == "2.50"
    assert fmt.number(2.123456, decimals=6) == "2.123"
    assert fmt.number(1234.5, decimals=0) == "1,234"  # round half to even, as Python formats
    with pytest.raises(TypeError, match="number takes a number, not str 'x'"):
        fmt.number("x")
    with pytest.raises(TypeError, match="not bool"):
        fmt.number(True)


def test_money():
    assert fmt.money(1234.5) == "1,234.50 EUR"
    assert fmt.money(1234567.891, "USD") == "1,234,567.89 USD"
    assert fmt.money(-20, "CHF") == "-20.00 CHF"
    assert fmt.money(0.001, None) == "0.00"
    assert fmt.money(0) == "0.00 EUR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (pd.Timedelta("0 days 00:00:19.103236"), "19 s"),
        (19.103236, "19 s"),
        (245, "4 min 5 s"),
        (240, "4 min"),
        (7380, "2 h 3 min"),
        (7200, "2 h"),
        (3.94, "3.9 s"),
        (1, "1 s"),
        (9.96, "10 s"),
        (0.25, "250 ms"),
        (0.9996, "1 s"),
        (0.00094385, "< 1 ms"),
        ("PT0.00094385S", "< 1 ms"),
        ("PT19.1S", "19 s"),
        ("PT4M5S", "4 min 5 s"),
        ("P1DT2H", "1 day 2 h"),
        ("P3D", "3 days"),
        ("P1W", "7 days"),
        ("PT0,5S", "500 ms"),
        ("-PT30S", "-30 s"),
        (0, "0 s"),
        (pd.Timedelta(0), "0 s"),
        (-125, "-2 min 5 s"),
        (dt.timedelta(hours=1, minutes=4, seconds=29), "1 h 4 min"),
        (np.timedelta64(90, "s"), "1 min 30 s"),
        (86400 * 2 + 3600 * 23 + 1800, "3 days"),  # 2 days 23.5 h rounds to 3 days
        (86400 * 400, "400 days"),
        (119.6, "2 min"),
    ],
)
def test_duration(value, expected):
    assert fmt.duration(value) == expected


def test_durations_that_are_not_refused_with_the_reason():
    with pytest.raises(ValueError, match="'P1Y' is not an ISO 8601 duration in days"):
        fmt.duration("P1Y")
    with pytest.raises(ValueError, match="'soon' is not"):
        fmt.duration("soon")
    with pytest.raises(TypeError, match="duration takes a number"):
        fmt.duration(object())


@pytest.mark.parametrize(
    ("value", "expected_date", "expected_moment"),
    [
        (pd.Timestamp("2026-11-01T14:05:59.123456Z"), "2026-11-01", "2026-11-01 14:05 UTC"),
        (pd.Timestamp("2026-11-01T23:30:00-02:00"), "2026-11-02", "2026-11-02 01:30 UTC"),  # in UTC
        (pd.Timestamp("2026-11-01 14:05"), "2026-11-01", "2026-11-01 14:05 UTC"),  # naive is UTC
        (dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC), "2026-11-01", "2026-11-01 09:00 UTC"),
        ("2026-12-07T05:00:00+00:00", "2026-12-07", "2026-12-07 05:00 UTC"),
        (np.datetime64("2026-11-01T14:05"), "2026-11-01", "2026-11-01 14:05 UTC"),
    ],
)
def test_date_and_moment(value, expected_date, expected_moment):
    assert fmt.date(value) == expected_date
    assert fmt.moment(value) == expected_moment


def test_a_plain_date_and_text_that_is_no_time():
    assert fmt.date(dt.date(2026, 11, 1)) == "2026-11-01"
    assert fmt.moment(dt.date(2026, 11, 1)) == "2026-11-01 00:00 UTC"
    with pytest.raises(ValueError, match="date: 'next week' is not a date or time"):
        fmt.date("next week")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ITComponent", "IT Component"),
        ("BusinessCapability", "Business Capability"),
        ("Application", "Application"),
        ("TechnicalStack", "Tech Category"),
        ("UserGroup", "User Group"),
        ("DataObject", "Data Object"),
        ("BusinessContext", "Business Context"),
    ],
)
def test_type_label(name, expected):
    assert fmt.type_label(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("businessCriticality", "Business criticality"),
        ("externalId", "External ID"),
        ("id", "ID"),
        ("updatedAt", "Updated at"),
        ("totalAnnualCost", "Total annual cost"),
        ("lxState", "Quality state"),
        ("toName", "To name"),
        ("serviceNowId", "ServiceNow ID"),
        ("capEx", "CapEx"),
        ("opEx", "OpEx"),
        ("duration_seconds", "Duration seconds"),
        ("SAPModule", "SAP module"),
        ("name", "Name"),
        ("graphQLRequestCount", "GraphQL request count"),  # the run statistics' column
        ("ldifPath", "LDIF path"),
    ],
)
def test_field_label(name, expected):
    assert fmt.field_label(name) == expected


def test_value_label():
    assert fmt.value_label("businessCritical") == "Business critical"
    assert fmt.value_label("phaseIn") == "Phase in"
    assert fmt.value_label("endOfLife") == "End of life"
    assert fmt.value_label("ACTIVE") == "Active"
    assert fmt.value_label("iaas") == "IaaS" and fmt.value_label("saas") == "SaaS"
    assert fmt.value_label("Already a label") == "Already a label"


def test_factsheet_url():
    uuid = "28fe4aa2-6e46-41a1-a131-72afb3acf256"
    assert (
        fmt.factsheet_url("acme.leanix.net", "AcmeProd", "Application", uuid)
        == f"https://acme.leanix.net/AcmeProd/factsheet/Application/{uuid}"
    )
    assert (
        fmt.factsheet_url("https://acme.leanix.net/", "Acme Prod", "ITComponent", "a/b")
        == "https://acme.leanix.net/Acme%20Prod/factsheet/ITComponent/a%2Fb"
    )
    assert (
        fmt.factsheet_url("http://127.0.0.1:8080", "Demo", "Application", "x")
        == "http://127.0.0.1:8080/Demo/factsheet/Application/x"
    )
    with pytest.raises(ValueError, match="needs the workspace"):
        fmt.factsheet_url("acme.leanix.net", "", "Application", uuid)


def test_text_picks_the_formatter_by_kind():
    assert fmt.text(True) == "Yes" and fmt.text(np.bool_(False)) == "No"
    assert fmt.text(0.241379) == "0.241"
    assert fmt.text(3) == "3"
    assert fmt.text(pd.Timestamp("2026-11-01T14:05Z")) == "2026-11-01"
    assert fmt.text(pd.Timedelta(seconds=245)) == "4 min 5 s"
    assert fmt.text("PT0.00094385S") == "< 1 ms"
    assert fmt.text(["a", 1.5, None]) == "a, 1.5, (not set)"
    assert fmt.text({"phase": "active"}) == "Phase: active"
    assert fmt.text("Plain words") == "Plain words"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.123, "share", "12.3%"),
        (0.77, "score", "77.0%"),
        (2012, "count", "2,012"),
        (1.3, "ratio", "1.30"),
        (44.6, "days", "45 days"),
        (float("nan"), "share", "–"),
        (None, "count", "–"),
    ],
)
def test_kpi_value(value, unit, expected):
    assert fmt.kpi_value(value, unit) == expected


@pytest.mark.parametrize(
    ("delta", "unit", "expected"),
    [
        (0.010, "share", "+1.0 pp"),
        (-0.01, "score", "-1.0 pp"),
        (12, "count", "+12"),
        (-0.4, "days", "0 days"),
        (0.1, "ratio", "+0.10"),
        (-0.0001, "share", "0.0 pp"),
        (float("nan"), "ratio", "–"),
    ],
)
def test_kpi_change(delta, unit, expected):
    assert fmt.kpi_change(delta, unit) == expected
