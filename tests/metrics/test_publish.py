"""KPIs published back to LeanIX (docs/alerts.md §5): the points of one date, dry runs that send nothing, and
both routes end to end against the sandbox (Metrics API v2, Integration API ``inboundMetrics``), read back
with ``GET /schemas/{uuid}/points``.

The KPI values are a small history written by hand, so every expected point below is counted and written by
hand from it: a KPI by type and lifecycle with totals, and a KPI without dimensions.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kit.metrics import Catalogue, Kpi, KpiHistory, Publication, PublishError, publish
from kit.metrics.evaluate import values_frame
from kit.sandbox import SANDBOX_TOKEN
from tests.conftest import free_port

DAY, EARLIER = dt.date(2026, 11, 1), dt.date(2026, 10, 1)
STAMP = "2026-11-01T00:00:00Z"
METRICS = "/services/metrics/v2"


def _zero(inv: object) -> float:
    return 0.0


APPS = Kpi("apps_by_type", _zero, title="Fact sheets by type", dimensions=("type", "lifecycle"))
SHARE = Kpi("share_documented", _zero, title="Documented", unit="share")


def history(scale: float = 1.0) -> KpiHistory:
    """Two dates; on DAY six numbers and one missing value (ITComponent/none)."""
    rows = [
        (EARLIER, APPS, "", 7.0),
        (EARLIER, SHARE, "", 0.5),
        (DAY, APPS, "", 10.0 * scale),
        (DAY, APPS, "type=Application", 6.0 * scale),
        (DAY, APPS, "type=Application; lifecycle=active", 4.0 * scale),
        (DAY, APPS, "type=Application; lifecycle=phaseOut", 2.0 * scale),
        (DAY, APPS, "type=ITComponent", 4.0 * scale),
        (DAY, APPS, "type=ITComponent; lifecycle=none", math.nan),
        (DAY, SHARE, "", 0.25 * scale),
    ]
    return KpiHistory(values_frame(rows), Catalogue([APPS, SHARE]))


def expected_points(scale: float = 1.0) -> dict[str, list[dict]]:
    """Schema name -> its points on DAY, by hand: aggregated dimensions hold "(all)"."""

    def point(value: float, type_: str, lifecycle: str) -> dict:
        return {"timestamp": STAMP, "value": value * scale, "type": type_, "lifecycle": lifecycle}

    return {
        "apps_by_type": [
            point(10.0, "(all)", "(all)"),
            point(6.0, "Application", "(all)"),
            point(4.0, "Application", "active"),
            point(2.0, "Application", "phaseOut"),
            point(4.0, "ITComponent", "(all)"),
        ],
        "share_documented": [{"timestamp": STAMP, "value": 0.25 * scale}],
    }


def key(point: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in point.items()))


def named(prefix: str) -> dict[str, list[dict]]:
    return {f"{prefix} {kpi}": points for kpi, points in expected_points().items()}


@pytest.fixture
def unreachable(monkeypatch):
    """kit.connect() would fail: LEANIX_HOST is a loopback port nothing listens on."""
    monkeypatch.setenv("LEANIX_HOST", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("LXKIT_DOTENV", "")


# -- the points, dry runs ------------------------------------------------------------------------------------


def test_a_dry_run_shows_one_point_per_kpi_and_dimension_and_sends_nothing(unreachable):
    shown = publish(history(), "2026-11-01")

    assert isinstance(shown, Publication)
    assert (shown.via, shown.as_of, shown.dry_run, shown.written, shown.schemas) == (
        "metrics-api",
        DAY,
        True,
        0,
        {},
    )
    got = {s: list(rows["point"]) for s, rows in shown.points.groupby("schema", sort=False)}
    assert got == named("lxkit")
    assert shown.notes[0] == (
        "1 value(s) skipped: not a number on 2026-11-01 (apps_by_type (type=ITComponent; lifecycle=none))."
    )
    text = str(shown)
    assert text.startswith(
        "Dry run: would write 6 point(s) of 2 KPI(s) for 2026-11-01 through the Metrics API"
    )
    assert "dry_run=False" in text
    page = shown._repr_html_()
    assert "nothing was sent" in page and "type=Application; lifecycle=phaseOut" in page


def test_the_values_frame_a_string_a_date_and_a_timestamp_give_the_same_points(unreachable):
    kpis = history()
    frames = [
        publish(kpis.values, DAY).points,  # dimensions read from the texts, not a catalogue
        publish(kpis, dt.datetime(2026, 11, 1, 15, 30)).points,
        publish(kpis, pd.Timestamp("2026-11-01")).points,
    ]
    for frame in frames:
        assert {s: list(r["point"]) for s, r in frame.groupby("schema", sort=False)} == named("lxkit")


def test_the_schema_prefix_names_schemas_and_measurements(unreachable):
    shown = publish(history(), DAY, schema_prefix="acme kpi")
    assert sorted(set(shown.points["schema"])) == ["acme kpi apps_by_type", "acme kpi share_documented"]


def test_a_date_without_values_names_the_dates_there_are():
    with pytest.raises(PublishError, match=r"no values of that date; dates: 2026-10-01, 2026-11-01\."):
        publish(history(), "2026-10-15")


@pytest.mark.parametrize("bad", ["metrics", "Metrics-API", ""])
def test_an_unknown_route_is_refused_naming_both(bad):
    with pytest.raises(PublishError, match="choose 'metrics-api' or 'integration-api'"):
        publish(history(), DAY, via=bad)


def test_a_bad_date_is_refused():
    with pytest.raises(PublishError, match="give a date"):
        publish(history(), "1 November")


def test_dimension_names_become_valid_attribute_names_and_the_notes_say_so(unreachable):
    odd = Kpi("odd_names", _zero, dimensions=("life cycle", "value", "2nd"))
    rows = [(DAY, odd, "life cycle=active; value=high; 2nd=x", 3.0)]
    shown = publish(KpiHistory(values_frame(rows), Catalogue([odd])), DAY)

    assert list(shown.points["point"]) == [
        {"timestamp": STAMP, "value": 3.0, "life_cycle": "active", "value_dimension": "high", "d_2nd": "x"}
    ]
    assert shown.notes == (
        "KPI 'odd_names': dimension 'life cycle' is written as the attribute 'life_cycle'.",
        "KPI 'odd_names': dimension 'value' is written as the attribute 'value_dimension'.",
        "KPI 'odd_names': dimension '2nd' is written as the attribute 'd_2nd'.",
    )


def test_dimensions_that_would_share_an_attribute_name_are_refused():
    clash = Kpi("clash", _zero, dimensions=("a b", "a_b"))
    rows = [(DAY, clash, "a b=1; a_b=2", 1.0)]
    with pytest.raises(PublishError, match=r"KPI 'clash'.*\['a_b', 'a_b'\], twice the same"):
        publish(KpiHistory(values_frame(rows), Catalogue([clash])), DAY)


def test_an_integration_api_dry_run_builds_a_valid_config_and_ldif_and_previews_offline(unreachable):
    shown = publish(history(), DAY, via="integration-api")

    assert shown.run is None and shown.written == 0
    assert shown.ldif is not None and shown.config is not None
    assert (shown.ldif["connectorType"], shown.ldif["connectorId"]) == ("lxkit-kpis", "lxkit-kpis")
    assert (shown.ldif["processingDirection"], shown.ldif["processingMode"]) == ("inbound", "partial")
    assert {c["type"] for c in shown.ldif["content"]} == {"Metrics"}
    assert len(shown.ldif["content"]) == 6
    assert [p["processorType"] for p in shown.config["processors"]] == ["inboundMetrics", "inboundMetrics"]
    metrics = shown.preview.metrics
    got = sorted(
        (m, t, f["value"], tuple(sorted(tags.items())))
        for m, t, f, tags in metrics[["measurement", "time", "fields", "tags"]].itertuples(index=False)
    )
    want = sorted(
        (
            schema,
            p["timestamp"],
            p["value"],
            tuple(sorted((k, v) for k, v in p.items() if k not in ("timestamp", "value"))),
        )
        for schema, points in named("lxkit").items()
        for p in points
    )
    assert got == want
    assert len(shown.preview.warnings) == 0
    assert str(shown).startswith(
        "Dry run: would write 6 point(s) of 2 KPI(s) for 2026-11-01 through an Integration API run"
    )


# -- end to end against the sandbox -------------------------------------------------------------------------


def read_back(client, prefix: str) -> dict[str, list[dict]]:
    """Schema name -> its points, for the schemas whose name starts with ``prefix``: raw API answers."""
    answer = client.get(f"{METRICS}/schemas")
    schemas = answer["data"] if isinstance(answer, dict) else answer
    out = {}
    for schema in schemas:
        if schema["name"].startswith(prefix + " "):
            got = client.get(f"{METRICS}/schemas/{schema['uuid']}/points")
            out[schema["name"]] = got["data"] if isinstance(got, dict) else got
    return out


def same(got: dict[str, list[dict]], want: dict[str, list[dict]]) -> bool:
    return {s: sorted(map(key, p)) for s, p in got.items()} == {
        s: sorted(map(key, p)) for s, p in want.items()
    }


def test_metrics_api_twice_for_the_same_date_leaves_one_point_per_kpi_and_dimension(ws, client):
    first = publish(history(scale=2.0), DAY, workspace=ws, dry_run=False, schema_prefix="t-twice")
    assert first.written == 6 and sorted(first.schemas) == [
        "t-twice apps_by_type",
        "t-twice share_documented",
    ]
    assert "Created 2 schema(s)" in first.notes[-1]
    again = publish(history(), DAY, workspace=ws, dry_run=False, schema_prefix="t-twice")
    assert again.written == 6 and again.schemas == first.schemas  # found by name, not created again

    assert same(read_back(client, "t-twice"), named("t-twice"))  # the second values replaced the first
    assert str(again).startswith("Wrote 6 of 6 point(s) of 2 KPI(s) for 2026-11-01 to the Metrics API")


def test_the_created_schema_declares_value_and_the_dimensions(ws, client):
    publish(history(), DAY, workspace=ws, dry_run=False, schema_prefix="t-schema")
    answer = client.get(f"{METRICS}/schemas")
    schemas = {s["name"]: s for s in (answer["data"] if isinstance(answer, dict) else answer)}
    attributes = {a["name"]: a["type"] for a in schemas["t-schema apps_by_type"]["attributes"]}
    assert attributes == {"value": "metric", "type": "dimension", "lifecycle": "dimension"}
    assert {a["name"]: a["type"] for a in schemas["t-schema share_documented"]["attributes"]} == {
        "value": "metric"
    }


def test_without_a_workspace_a_real_publish_connects_to_the_configured_one(sandbox_env, client):
    shown = publish(history(), DAY, dry_run=False, schema_prefix="t-connect")
    assert shown.written == 6
    assert same(read_back(client, "t-connect"), named("t-connect"))


def test_an_existing_schema_without_the_dimensions_is_named_and_left_alone(ws, client):
    client.post(
        f"{METRICS}/schemas",
        {"name": "t-narrow apps_by_type", "attributes": [{"name": "value", "type": "metric"}]},
    )
    with pytest.raises(
        PublishError,
        match=r"'t-narrow apps_by_type'.*lacks the attribute\(s\) type \(dimension\), lifecycle \(dimension\)",
    ):
        publish(history(), DAY, workspace=ws, dry_run=False, schema_prefix="t-narrow")
    assert read_back(client, "t-narrow") == {"t-narrow apps_by_type": []}


def test_a_schema_that_does_not_fit_stops_the_publication_before_any_point_is_written(ws, client):
    client.post(
        f"{METRICS}/schemas",
        {"name": "t-late share_documented", "attributes": [{"name": "value", "type": "dimension"}]},
    )
    with pytest.raises(
        PublishError, match=r"'t-late share_documented'.*lacks the attribute\(s\) value \(metric\)"
    ):
        publish(history(), DAY, workspace=ws, dry_run=False, schema_prefix="t-late")
    # the first KPI's schema was created and checked, and holds no point either
    assert read_back(client, "t-late") == {"t-late apps_by_type": [], "t-late share_documented": []}


def test_an_integration_api_dry_run_with_a_workspace_previews_against_it_and_starts_no_run(ws, client):
    runs_before = len(ws.runs())
    shown = publish(history(), DAY, via="integration-api", workspace=ws, schema_prefix="t-iapi-dry")
    assert shown.preview.view is not None  # read against the workspace, not offline
    assert len(shown.preview.metrics) == 6 and shown.run is None
    assert len(ws.runs()) == runs_before
    assert read_back(client, "t-iapi-dry") == {}


def test_an_integration_api_test_run_checks_the_points_and_writes_none(ws, client):
    shown = publish(
        history(), DAY, via="integration-api", workspace=ws, dry_run=False, schema_prefix="t-iapi-test"
    )

    assert shown.run is not None and shown.run.test and shown.run.status == "FINISHED"
    assert shown.written == 0
    processed = shown.run.comparison.set_index("measure").loc["processed content items"]
    assert (processed["predicted"], processed["reported"]) == (6, 6)
    assert read_back(client, "t-iapi-test") == {}
    assert "a test run writes nothing" in str(shown) and "test=False" in str(shown)


def test_an_integration_api_run_twice_for_the_same_date_leaves_one_point_per_kpi_and_dimension(ws, client):
    kwargs = {
        "via": "integration-api",
        "workspace": ws,
        "dry_run": False,
        "test": False,
        "schema_prefix": "t-iapi",
    }
    first = publish(history(scale=3.0), DAY, **kwargs)
    assert first.run.status == "FINISHED" and not first.run.test and first.written == 6
    again = publish(history(), DAY, **kwargs)
    assert again.run.status == "FINISHED" and again.written == 6

    assert same(read_back(client, "t-iapi"), named("t-iapi"))
