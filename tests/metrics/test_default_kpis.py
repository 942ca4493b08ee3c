"""The default KPIs give the values their descriptions define, computed by hand from raw GraphQL answers,
over a live workspace and over a snapshot of it alike."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kit import metrics
from tests.metrics.conftest import TODAY
from tests.metrics.hand import APP, expected


@pytest.fixture(scope="module")
def hand(demo_raw):
    return expected(demo_raw, TODAY)


@pytest.fixture(scope="module", params=["live", "snapshot"])
def values(request, demo_ws, demo_snapshot):
    source = demo_ws if request.param == "live" else demo_snapshot
    return metrics.evaluate(metrics.default_catalogue(), source, today=TODAY)


def _as_dict(values: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {
        (r.kpi, r.dimensions): (math.nan if r.value is pd.NA else float(r.value)) for r in values.itertuples()
    }


def test_every_default_kpi_has_the_hand_computed_value(values, hand):
    got = _as_dict(values)
    assert set(got) == set(hand)
    for key, want in hand.items():
        assert got[key] == pytest.approx(want, nan_ok=True, rel=1e-12, abs=1e-12), key


def test_the_demo_gives_informative_values(hand):
    # not all zeros: the sandbox has fact sheets past end of life, gaps and tags to find
    assert 0 < hand[("applications_past_end_of_life", "")] < 1
    assert 0 < hand[("without_description", f"type={APP}")] < 1
    assert hand[("it_components_per_application", "")] > 1
    assert any(k == "tag_coverage" for k, _ in hand)


def test_the_frame_has_the_documented_columns_and_dtypes(values):
    assert list(values.columns) == [
        "date", "kpi", "title", "unit", "dimensions", "value", "higher_is_better",
        "threshold_min", "threshold_max", "breached",
    ]  # fmt: skip
    assert str(values["date"].dtype) == "datetime64[ns]"
    assert (values["date"] == pd.Timestamp(TODAY)).all()
    assert str(values["value"].dtype) == "Float64"
    assert str(values["breached"].dtype) == "boolean"
    assert str(values["higher_is_better"].dtype) == "boolean"
    past = values[values["kpi"] == "applications_past_end_of_life"].iloc[0]
    assert past["unit"] == "share" and past["higher_is_better"] == False  # noqa: E712
    assert past["threshold_max"] == 0.05 and past["breached"] == (past["value"] > 0.05)
    documented = values[values["kpi"] == "fully_documented_applications"].iloc[0]
    assert documented["threshold_min"] == 0.5 and documented["breached"] == (documented["value"] < 0.5)
    counts = values[values["kpi"] == "factsheets"]
    assert counts["higher_is_better"].isna().all()
    assert counts.iloc[0]["dimensions"] == ""  # the total comes first


def test_behind_lists_the_applications_past_end_of_life(demo_ws, demo_raw):
    inv = metrics.Inventory(demo_ws, today=TODAY)
    behind = metrics.default_catalogue()["applications_past_end_of_life"].behind(inv)
    wanted = {}
    for node in demo_raw[APP]:
        days = [
            p["startDate"][:10]
            for p in (node.get("lifecycle") or {}).get("phases") or []
            if p["phase"] == "endOfLife"
        ]
        if node["status"] == "ACTIVE" and days and min(days) <= TODAY.isoformat():
            wanted[node["id"]] = min(days)
    assert dict(zip(behind["id"], behind["endOfLife"].dt.strftime("%Y-%m-%d"), strict=True)) == wanted
    assert set(behind["type"]) == {APP}
    assert {"id", "name", "type", "lifecycle", "endOfLife", "days_past"} <= set(behind.columns)


def test_inventory_reads_active_fact_sheets_and_links_them(demo_ws, demo_snapshot, demo_raw):
    inv = metrics.Inventory(demo_snapshot, today=TODAY)
    active = {n["id"] for n in demo_raw[APP] if n["status"] == "ACTIVE"}
    assert set(inv.factsheets(APP)["id"]) == active
    assert inv.factsheets(APP) is inv.factsheets(APP)  # read once, cached
    assert inv.factsheets("NoSuchType").empty
    first = sorted(active)[0]
    assert inv.link(first) == f"{demo_snapshot.host}/Demo%20Corp/factsheet/{APP}/{first}"
    assert inv.link("no-such-id") is None
    assert metrics.Inventory(demo_snapshot).today == demo_snapshot.created_at.date()
