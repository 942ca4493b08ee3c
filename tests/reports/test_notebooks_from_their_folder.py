"""Every notebook runs top to bottom with its own folder as the working folder, as when JupyterLab is opened on
``notebooks/`` (``make lab``): default data paths resolve against the kit (``kit.shipped.locate``), files a
notebook writes land beside it (issue 9, docs/schedules.md §2).

Each notebook is copied alone into ``<tmp>/notebooks`` (no ``data/`` beside it, no ``.env`` around) and
executed there by papermill against the session sandbox, as a user's kernel would run it: no headless
environment, no output folder.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import papermill
import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((CHECKOUT / "notebooks").glob("*.ipynb"))


@pytest.fixture
def folder(sandbox_env, tmp_path, monkeypatch):
    """``<tmp>/notebooks`` holding a copy of every notebook; the environment points at the session sandbox."""
    for name in ("LXKIT_OUTPUT_DIR", "LXKIT_HEADLESS", "LEANIX_PROFILE", "LXKIT_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LXKIT_DOTENV", "")  # no .env file at all (docs/schedules.md §1)
    monkeypatch.setenv("HOME", str(tmp_path))  # no profiles file of the machine's user
    target = tmp_path / "notebooks"
    target.mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, target / path.name)
    return target


def execute(folder: Path, name: str, **parameters) -> str:
    """Run ``folder/<name>.ipynb`` with ``folder`` as the working folder; everything it printed, as text."""
    executed = folder.parent / "executed" / f"{name}.ipynb"
    executed.parent.mkdir(exist_ok=True)
    papermill.execute_notebook(
        str(folder / f"{name}.ipynb"),
        str(executed),
        cwd=str(folder),
        kernel_name="python3",
        progress_bar=False,
        parameters=parameters,
    )
    parts = []
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
            page = output.get("data", {}).get("text/html", "")  # tables: the text a reader sees
            parts.append(html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.DOTALL)))
    return "\n".join(parts)


def total_count(client, type_name: str) -> int:
    """How many fact sheets of ``type_name`` the sandbox serves (one raw GraphQL answer)."""
    answer = client.graphql("{ allFactSheets(factSheetType: %s) { totalCount } }" % type_name)
    return answer["allFactSheets"]["totalCount"]


def test_every_notebook_of_the_kit_is_run_here():
    assert {p.stem for p in NOTEBOOKS} == {"explore", "metrics_report", "processor_preview", "run_health"}


def test_processor_preview_uses_the_shipped_sample_files(folder):
    assert not (folder / "data").exists()

    text = execute(folder, "processor_preview")

    # the kit is installed editable: the shipped files are the checkout's data/
    assert f"Processor configuration: {CHECKOUT / 'data/processors/test_projects_full.json'}" in text
    assert f"LDIF: {CHECKOUT / 'data/ldif/test_projects.json'}" in text
    # data/README.md: every tagged project would be archived, so the 50% guard cancels the deletion
    assert "Project fact sheets would be archived (100%)" in text
    assert "deletion would be cancelled at the 50% limit" in text
    assert "no findings" in text.lower()


def test_processor_preview_prefers_a_file_beside_the_notebook(folder, tmp_path):
    mine = folder / "data" / "processors" / "test_projects_full.json"
    mine.parent.mkdir(parents=True)
    shutil.copy(CHECKOUT / "data/processors/starter.json", mine)  # another configuration, same relative path

    text = execute(folder, "processor_preview", ldif_path=str(CHECKOUT / "data/ldif/starter.json"))

    assert "Processor configuration: data/processors/test_projects_full.json" in text
    assert f"LDIF: {CHECKOUT / 'data/ldif/starter.json'}" in text
    assert "Run of inboundExample/inbound-example 1.0.0" in text  # the starter example's connector


def test_explore_counts_what_the_sandbox_serves(folder, client):
    text = execute(folder, "explore", types=["Application", "Project"])

    expected = total_count(client, "Application") + total_count(client, "Project")
    assert expected > 0
    assert f"{expected:,} fact sheets of 2 types from workspace " in text


def test_run_health_names_the_failing_connectors(folder):
    text = execute(folder, "run_health", days=30)

    # the demo's run history: a flaky connector and one failing the last three nights
    assert "servicenow-cmdb" in text and "jira-portfolio" in text
    assert "synchronizations in the sync log fall in the last 30 days" in text


def test_metrics_report_writes_its_history_and_kpi_files_beside_the_notebook(folder, client):
    before = dt.datetime.now(dt.UTC).date().isoformat()
    text = execute(folder, "metrics_report", take_snapshot=True, demo_months=2)
    after = dt.datetime.now(dt.UTC).date().isoformat()

    written = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    assert written["date"] in (before, after)
    assert (folder / "kpis.csv").is_file()
    assert (folder / "history" / written["date"] / "manifest.json").is_file()
    assert f"1 snapshots, {written['date']} to {written['date']}" in text
    apps = [
        k for k in written["kpis"] if k["name"] == "factsheets" and k["dimensions"] == {"type": "Application"}
    ]
    assert [k["value"] for k in apps] == [total_count(client, "Application")]
    assert not (folder.parent / "kpis.json").exists()  # the notebook's folder, not the test's
