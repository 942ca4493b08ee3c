"""alerts.json (docs/schedules.md §4): written whole, in the documented shape, read back with JSON paths in
the errors; and the run_health notebook writing the connectors a hand count of the sync log finds."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from kit.alerts import AlertFileError, read_alerts, write_alerts
from kit.client import LeanIXClient
from kit.config import Secret
from kit.errors import LxkitError
from kit.outputs import OutputError
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions

ROOT = Path(__file__).resolve().parents[1]
SERVICENOW = {
    "kind": "connector",
    "name": "servicenow-cmdb",
    "message": "servicenow-cmdb failed 9 of 29 runs",
}


def test_the_file_has_the_documented_shape(tmp_path):
    alerts = [
        {**SERVICENOW, "runs": 29, "failure_rate": 0.31, "tags": ("nightly", "cmdb")},
        {"kind": "kpi", "message": "Applications past end of life above 30 %", "value": 32.8},
    ]
    assert write_alerts(alerts, tmp_path) == tmp_path / "alerts.json"
    text = (tmp_path / "alerts.json").read_text(encoding="utf-8")
    assert json.loads(text) == {
        "format": 1,
        "alerts": [
            {
                "kind": "connector",
                "name": "servicenow-cmdb",
                "message": "servicenow-cmdb failed 9 of 29 runs",
                "runs": 29,
                "failure_rate": 0.31,
                "tags": ["nightly", "cmdb"],
            },
            {"kind": "kpi", "message": "Applications past end of life above 30 %", "value": 32.8},
        ],
    }
    assert text.endswith("\n")
    assert [p.name for p in tmp_path.iterdir()] == ["alerts.json"]  # no temporary file left behind


def test_values_become_plain_json(tmp_path):
    alert = {
        "kind": "connector",
        "message": "m",
        "nan": math.nan,
        "inf": -math.inf,
        "np_int": np.int64(7),
        "np_float": np.float64(0.25),
        "np_nan": np.float64("nan"),
        "np_bool": np.bool_(True),
        "when": datetime(2026, 11, 2, 6, 0, tzinfo=UTC),
        "day": date(2026, 11, 2),
        "stamp": pd.Timestamp("2026-11-02 05:00", tz="UTC"),
        "missing": pd.NaT,
        "nested": {"list": [1, math.nan, {"x": np.int32(3)}]},
    }
    write_alerts([alert], tmp_path)
    text = (tmp_path / "alerts.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    (saved,) = json.loads(text)["alerts"]
    assert saved == {
        "kind": "connector",
        "message": "m",
        "nan": None,
        "inf": None,
        "np_int": 7,
        "np_float": 0.25,
        "np_nan": None,
        "np_bool": True,
        "when": "2026-11-02T06:00:00+00:00",
        "day": "2026-11-02",
        "stamp": "2026-11-02T05:00:00+00:00",
        "missing": None,
        "nested": {"list": [1, None, {"x": 3}]},
    }


def test_an_empty_list_is_written_too(tmp_path):
    write_alerts([], tmp_path)
    assert json.loads((tmp_path / "alerts.json").read_text()) == {"format": 1, "alerts": []}
    assert read_alerts(tmp_path / "alerts.json") == []


def test_the_run_folder_comes_from_lxkit_output_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LXKIT_OUTPUT_DIR", str(tmp_path))
    assert write_alerts(iter([SERVICENOW])) == tmp_path / "alerts.json"  # any iterable of alerts
    assert read_alerts(tmp_path) == [SERVICENOW]  # a folder means the alerts.json in it


def test_interactively_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv("LXKIT_OUTPUT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert write_alerts([SERVICENOW]) is None
    monkeypatch.setenv("LXKIT_OUTPUT_DIR", "")
    assert write_alerts([SERVICENOW]) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("alerts", "problem"),
    [
        ([SERVICENOW, {"message": "no kind"}], "alerts[1] has no 'kind'"),
        ([{"kind": "kpi"}], "alerts[0] has no 'message'"),
        (
            [SERVICENOW, SERVICENOW, {"kind": "kpi", "message": 3}],
            "alerts[2].message must be a non-empty string, not 3",
        ),
        ([{"kind": " ", "message": "m"}], 'alerts[0].kind must be a non-empty string, not " "'),
        ([{"kind": "kpi", "message": "m", "name": None}], "alerts[0].name must be a string, not null"),
        (
            [{"kind": "kpi", "message": "m", "extra": {"when": object()}}],
            "alerts[0].extra.when is of type object",
        ),
        ([{"kind": "kpi", "message": "m", "extra": {1: "x"}}], "alerts[0].extra has the key 1"),
        (["servicenow-cmdb failed"], 'alerts[0] must be an object, not "servicenow-cmdb failed"'),
        (SERVICENOW, "alerts must be a list of alert objects, not a dict"),
    ],
)
def test_alerts_not_in_the_shape_are_refused_with_their_json_path(tmp_path, alerts, problem):
    (tmp_path / "alerts.json").write_text('{"format": 1, "alerts": []}\n')
    with pytest.raises(AlertFileError) as caught:
        write_alerts(alerts, tmp_path)
    assert problem in str(caught.value)
    assert json.loads((tmp_path / "alerts.json").read_text()) == {"format": 1, "alerts": []}  # kept as it was
    assert isinstance(caught.value, LxkitError)


def test_a_folder_that_cannot_take_the_file_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_alerts([SERVICENOW], tmp_path / "missing")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": 1, "alerts": [', "line 1, column 26: not JSON"),
        ('{"format": 1,\n "alerts": [{"kind": "kpi", "message": "m", "value": NaN}]}', "it holds NaN"),
        ('[{"kind": "kpi", "message": "m"}]', "the file must hold a JSON object"),
        ('{"format": 2, "alerts": []}', "format must be 1, not 2"),
        ('{"alerts": []}', "format must be 1, not null"),
        ('{"format": 1, "alerts": {"kind": "kpi"}}', 'alerts must be a list, not {"kind": "kpi"}'),
        (
            '{"format": 1, "alerts": [{"kind": "a", "message": "m"}, {"kind": "b", "message": "m"},'
            ' {"kind": "c", "message": 3}]}',
            "alerts[2].message must be a non-empty string, not 3",
        ),
        (
            '{"format": 1, "alerts": [{"kind": "a", "message": "m", "name": 5}]}',
            "alerts[0].name must be a string",
        ),
    ],
)
def test_reading_names_the_file_and_the_json_path(tmp_path, text, problem):
    path = tmp_path / "alerts.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlertFileError) as caught:
        read_alerts(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message
    assert "kit.alerts.write_alerts" in message  # what to do


def test_reading_keeps_every_other_key(tmp_path):
    path = tmp_path / "alerts.json"
    path.write_text(
        '{"format": 1, "alerts": [{"kind": "kpi", "message": "m", "value": [1, {"a": null}]}], "extra": 1}'
    )
    assert read_alerts(str(path)) == [{"kind": "kpi", "message": "m", "value": [1, {"a": None}]}]


def test_reading_a_missing_or_broken_file(tmp_path):
    with pytest.raises(AlertFileError, match=r"alerts\.json does not exist"):
        read_alerts(tmp_path / "alerts.json")
    (tmp_path / "alerts.json").write_bytes(b'{"format": 1, "alerts": [{"kind": "\xff"}]}')
    with pytest.raises(AlertFileError, match="byte 0xff at offset 35 is not UTF-8"):
        read_alerts(tmp_path / "alerts.json")


# -- the run_health notebook against a sandbox -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_sandbox():
    """The demo workspace as the embedded sandbox serves it (size 2000, seed 7), on loopback."""
    with Sandbox(SandboxOptions(size=2000, seed=7)) as server:
        yield server


def raw_synclog(url: str) -> list[dict]:
    """Every synchronization of the sync log, as the API sends it (JSON over HTTP, page by page)."""
    rows: list[dict] = []
    with LeanIXClient(url, Secret(SANDBOX_TOKEN)) as client:
        page = 1
        while True:
            data = client.get("/services/synclog/v1/synchronizations", params={"page": page, "size": 100})[
                "data"
            ]
            rows.extend(data)
            if len(data) < 100:
                return rows
            page += 1


def hand_count(rows: list[dict], today: date, days: int, max_rate: float, max_streak: int) -> dict[str, dict]:
    """Connectors breaching a threshold in the ``days`` UTC days ending ``today``, counted by hand."""
    start = datetime.combine(today, datetime.min.time(), UTC) - pd.Timedelta(days=days - 1)
    end = datetime.combine(today, datetime.min.time(), UTC) + pd.Timedelta(days=1)
    per_connector: dict[str, list[dict]] = {}
    for row in rows:
        created = datetime.fromisoformat(row["createdAt"].replace("Z", "+00:00"))
        if start <= created < end:
            per_connector.setdefault(row["name"], []).append({**row, "created": created})
    found = {}
    for name, runs in per_connector.items():
        newest_first = sorted(runs, key=lambda r: r["created"], reverse=True)
        errors = sum(r["status"] == "ERROR" for r in runs)
        streak = 0
        for run in newest_first:
            if run["status"] != "ERROR":
                break
            streak += 1
        if errors / len(runs) > max_rate or streak >= max_streak:
            found[name] = {"runs": len(runs), "errors": errors, "streak": streak, "last": newest_first[0]}
    return found


def test_run_health_writes_the_failing_connectors(demo_sandbox, tmp_path, monkeypatch):
    run_folder = tmp_path / "run"
    run_folder.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", demo_sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("LXKIT_OUTPUT_DIR", str(run_folder))
    monkeypatch.setenv("LXKIT_DOTENV", "")  # no .env file from around the checkout
    for name in ("LEANIX_WORKSPACE", "LEANIX_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    today = datetime.now(UTC).date()
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "run_health.ipynb"),
        str(tmp_path / "executed.ipynb"),
        parameters={"days": 30, "max_failure_rate": 0.2, "max_consecutive_failures": 2, "until": str(today)},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )

    expected = hand_count(raw_synclog(demo_sandbox.url), today, days=30, max_rate=0.2, max_streak=2)
    assert "servicenow-cmdb" in expected and expected["servicenow-cmdb"]["streak"] >= 3  # the demo's incident
    alerts = read_alerts(run_folder / "alerts.json")
    worst_first = sorted(
        expected,
        key=lambda n: (
            -expected[n]["streak"],
            -expected[n]["errors"] / expected[n]["runs"],
            -expected[n]["errors"],
            n,
        ),
    )
    assert [a["name"] for a in alerts] == worst_first
    for alert in alerts:
        counted = expected[alert["name"]]
        assert alert["kind"] == "connector"
        assert (alert["runs"], alert["errors"], alert["consecutive_failures"]) == (
            counted["runs"],
            counted["errors"],
            counted["streak"],
        )
        assert alert["failure_rate"] == pytest.approx(counted["errors"] / counted["runs"])
        assert alert["last_status"] == counted["last"]["status"]
        assert pd.Timestamp(alert["last_run"]) == pd.Timestamp(counted["last"]["createdAt"])
        if counted["errors"] / counted["runs"] > 0.2:
            rate = f"{counted['errors'] / counted['runs']:.0%}"
            assert (
                f"{alert['name']} failed {counted['errors']} of {counted['runs']} runs ({rate}, above 20%)"
                in (alert["message"])
            )
        if counted["streak"] >= 2:
            assert f"last {counted['streak']} runs failed in a row (alert from 2)" in alert["message"]

    book = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    printed = "".join(
        output.get("text", "") for cell in book.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert f"{len(expected)} alert(s) written to alerts.json for the run record." in printed
