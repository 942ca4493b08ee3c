"""kpis.json and kpis.csv as docs/metrics.md §4 describes them."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil

import pandas as pd
import pytest

from kit import metrics
from kit.outputs import OutputError

DATES = [dt.date(2026, 9, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 30)]


def _catalogue() -> metrics.Catalogue:
    catalogue = metrics.default_catalogue()
    catalogue.add(metrics.Kpi("unknowable", lambda inv: float("nan"), title="Unknowable", unit="share"))
    catalogue.add(
        metrics.Kpi(
            "eol_share",
            catalogue["applications_past_end_of_life"].compute,
            title="End of life, strict",
            unit="share",
            higher_is_better=False,
            threshold=metrics.Threshold(max=0.001),
        )
    )
    return catalogue


@pytest.fixture(scope="module")
def kpis(tmp_path_factory, demo_snapshot):
    folder = tmp_path_factory.mktemp("files-history")
    for day in DATES:
        shutil.copytree(demo_snapshot.path, folder / day.isoformat())
    return metrics.History(folder).evaluate(_catalogue())


def test_kpis_json_has_the_documented_shape(kpis, tmp_path):
    paths = metrics.write_kpi_files(kpis, tmp_path, workspace="Acme")
    assert paths == {"json": tmp_path / "kpis.json", "csv": tmp_path / "kpis.csv"}
    document = json.loads(paths["json"].read_text())
    assert (document["format"], document["date"], document["workspace"]) == (1, "2026-11-30", "Acme")
    table = kpis.table()
    assert len(document["kpis"]) == len(table)
    by_key = {(k["name"], json.dumps(k["dimensions"], sort_keys=True)): k for k in document["kpis"]}
    past = by_key[("applications_past_end_of_life", "{}")]
    row = table[table["kpi"] == "applications_past_end_of_life"].iloc[0]
    assert past["title"] == "Applications past end of life" and past["unit"] == "share"
    assert past["higherIsBetter"] is False
    assert past["description"] == metrics.default_catalogue()["applications_past_end_of_life"].description
    assert past["value"] == float(row["value"])
    assert past["previous"] == {
        "date": "2026-10-31",
        "value": float(row["previous"]),
        "delta": float(row["delta"]),
    }
    # a month before 30 Nov is 30 Oct: the newest snapshot on or before it is 30 Sep
    assert past["monthAgo"]["date"] == "2026-09-30"
    assert past["threshold"] == {"min": None, "max": 0.05}
    lifecycle = by_key[
        ("factsheets", json.dumps({"lifecycle": "active", "type": "Application"}, sort_keys=True))
    ]
    assert list(lifecycle["dimensions"]) == ["type", "lifecycle"]  # declared order
    assert by_key[("factsheets", "{}")]["threshold"] is None
    assert by_key[("factsheets", "{}")]["higherIsBetter"] is None


def test_nan_is_written_as_null(kpis, tmp_path):
    text = metrics.write_kpi_files(kpis, tmp_path)["json"].read_text()
    assert "NaN" not in text
    entry = next(k for k in json.loads(text)["kpis"] if k["name"] == "unknowable")
    assert (
        entry["value"] is None and entry["previous"]["value"] is None and entry["previous"]["delta"] is None
    )
    assert entry["breached"] is False


def test_alerts_for_breached_thresholds(kpis, tmp_path):
    document = json.loads(metrics.write_kpi_files(kpis, tmp_path)["json"].read_text())
    table = kpis.table()
    breached = table[table["breached"]]
    assert [(a["kpi"], a["dimensions"]) for a in document["alerts"]] == [
        (r.kpi, {}) for r in breached.itertuples()
    ]
    strict = next(a for a in document["alerts"] if a["kpi"] == "eol_share")
    value = float(table.loc[table["kpi"] == "eol_share", "value"].iloc[0])
    assert strict["message"] == f"End of life, strict is {value * 100:.1f}%, above the threshold of 0.1%"
    assert strict["threshold"] == {"min": None, "max": 0.001} and strict["value"] == value
    documented = float(table.loc[table["kpi"] == "fully_documented_applications", "value"].iloc[0])
    assert documented < 0.5  # the demo documents fewer than half its applications fully
    alert = next(a for a in document["alerts"] if a["kpi"] == "fully_documented_applications")
    assert alert["message"] == (
        f"Fully documented applications is {documented * 100:.1f}%, below the threshold of 50.0%"
    )


def test_kpis_csv_reads_back_with_the_documented_columns(kpis, tmp_path):
    csv = pd.read_csv(metrics.write_kpi_files(kpis, tmp_path)["csv"], keep_default_na=False, na_values=[""])
    assert list(csv.columns) == [
        "kpi", "title", "unit", "dimensions", "value", "previous_date", "previous", "delta", "month_ago_date",
        "month_ago", "delta_month", "higher_is_better", "threshold_min", "threshold_max", "breached", "improved",
    ]  # fmt: skip
    table = kpis.table()
    assert len(csv) == len(table)
    assert csv["dimensions"].fillna("").tolist() == table["dimensions"].tolist()
    assert set(csv["previous_date"]) == {"2026-10-31"} and set(csv["month_ago_date"]) == {"2026-09-30"}
    got = csv["value"].tolist()
    want = [math.nan if v is pd.NA else float(v) for v in table["value"]]
    assert got == pytest.approx(want, nan_ok=True)


def test_the_folder_defaults_to_lxkit_output_dir(kpis, tmp_path, monkeypatch):
    monkeypatch.setenv("LXKIT_OUTPUT_DIR", str(tmp_path))
    paths = metrics.write_kpi_files(kpis)
    assert paths["json"].parent == tmp_path and paths["json"].is_file() and paths["csv"].is_file()
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_missing_folder_is_an_output_error(kpis, tmp_path):
    with pytest.raises(OutputError, match="no such folder"):
        metrics.write_kpi_files(kpis, tmp_path / "absent")


def test_breaches_and_behind(kpis, demo_snapshot):
    table = kpis.table()
    breaches = kpis.breaches()
    assert breaches["kpi"].tolist() == table.loc[table["breached"], "kpi"].tolist()
    assert "eol_share" in breaches["kpi"].tolist()
    inv = metrics.Inventory(demo_snapshot, today=kpis.latest_date)
    behind = kpis.behind("applications_past_end_of_life", inv)
    share = float(table.loc[table["kpi"] == "applications_past_end_of_life", "value"].iloc[0])
    assert len(behind) == round(share * len(inv.factsheets("Application")))
    assert (behind["endOfLife"] <= pd.Timestamp(kpis.latest_date)).all()
    with pytest.raises(metrics.KpiError, match="'unknowable' declares no behind function"):
        kpis.behind("unknowable", inv)
