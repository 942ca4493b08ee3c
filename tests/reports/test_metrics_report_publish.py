"""The metrics report publishing its KPIs (docs/alerts.md §5): ``metrics_report`` run by papermill from its own
folder against the session sandbox with ``publish=metrics-api`` and ``publish_dry_run=False``; the points read
back from the Metrics API are the fact sheet counts computed by hand from raw GraphQL answers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import nbformat
import papermill

from tests.metrics.hand import expected, raw_factsheets

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "metrics_report.ipynb"
METRICS = "/services/metrics/v2"


def printed(path: Path) -> str:
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_metrics_report_publishes_the_fact_sheet_counts_to_the_metrics_api(
    sandbox_env, client, tmp_path, monkeypatch
):
    for name in ("LXKIT_OUTPUT_DIR", "LXKIT_HEADLESS", "LEANIX_PROFILE", "LXKIT_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LXKIT_DOTENV", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    before = dt.datetime.now(dt.UTC).date()
    papermill.execute_notebook(
        str(folder / NOTEBOOK.name),
        str(tmp_path / "executed.ipynb"),
        cwd=str(folder),
        kernel_name="python3",
        progress_bar=False,
        parameters={
            "take_snapshot": True,
            "kpis": ["factsheets"],
            "publish": "metrics-api",
            "publish_dry_run": False,
        },
    )
    after = dt.datetime.now(dt.UTC).date()
    raw = raw_factsheets(client)

    # by hand (the KPI's description): active fact sheets in all, per type, per type and lifecycle phase
    counts = {dims: value for (kpi, dims), value in expected(raw, after).items() if kpi == "factsheets"}
    assert counts[""] == sum(len([n for n in nodes if n["status"] == "ACTIVE"]) for nodes in raw.values())
    answer = client.get(f"{METRICS}/schemas")
    (schema,) = [
        s for s in (answer["data"] if isinstance(answer, dict) else answer) if s["name"] == "lxkit factsheets"
    ]
    got = client.get(f"{METRICS}/schemas/{schema['uuid']}/points")
    got = got["data"] if isinstance(got, dict) else got

    day = next(d for d in (before, after) if got and got[0]["timestamp"] == f"{d.isoformat()}T00:00:00Z")
    want = []
    for dims, value in counts.items():
        parts = dict(part.split("=", 1) for part in dims.split("; ")) if dims else {}
        want.append(
            {
                "timestamp": f"{day.isoformat()}T00:00:00Z",
                "value": float(value),
                "type": parts.get("type", "(all)"),
                "lifecycle": parts.get("lifecycle", "(all)"),
            }
        )
    assert sorted(got, key=lambda p: (p["type"], p["lifecycle"])) == sorted(
        want, key=lambda p: (p["type"], p["lifecycle"])
    )
    text = printed(tmp_path / "executed.ipynb")
    assert (
        f"Wrote {len(want)} of {len(want)} point(s) of 1 KPI(s) for {day.isoformat()} to the Metrics API"
        in text
    )
