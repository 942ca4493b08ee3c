"""The kit's notebooks: stored clean, one typed parameters cell, executed by papermill against a sandbox
whose API token is a canary, opened as offline HTML in headless Chromium."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kit
from kit import health, inventory
from kit.reports import list_notebooks, notebook_parameters, run_report
from kit.sandbox import Sandbox, SandboxOptions
from kit.sources import LiveView
from tests.conftest import CANARY
from tests.reports import page_rules
from tests.reports.chromium import render

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {path.stem: path for path in list_notebooks()}


def test_the_kit_ships_its_notebooks():
    assert {"explore", "processor_preview", "run_health"} <= set(NOTEBOOKS)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_is_stored_without_outputs_and_with_one_typed_parameters_cell(name):
    book = nbformat.read(NOTEBOOKS[name], as_version=4)
    nbformat.validate(book)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assignments = [line for line in tagged[0].source.splitlines() if line.strip()]
    declared = notebook_parameters(NOTEBOOKS[name])
    assert len(declared) == len(assignments)  # papermill parsed every line (a quote in a comment breaks it)
    for parameter, info in declared.items():
        assert info["type"] not in ("None", ""), f"{parameter} has no type annotation"
        assert info["help"], f"{parameter} has no comment saying what it is"
        assert not re.search(r"token|secret|password", parameter, re.IGNORECASE)
    assert book.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_logic_lives_in_kit(name):
    book = nbformat.read(NOTEBOOKS[name], as_version=4)
    source = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert not re.search(r"^\s*(def|class) ", source, re.MULTILINE)
    imported = set(re.findall(r"^\s*(?:from|import) ([\w.]+)", source, re.MULTILINE))
    assert imported and all(module.split(".")[0] == "kit" for module in imported), imported


# -- executed against a sandbox whose token is the canary --------------------------------------------------


@pytest.fixture(scope="module")
def canary_sandbox():
    with Sandbox(SandboxOptions(size=1200, seed=5, api_token=CANARY)) as server:
        yield server


@pytest.fixture(scope="module")
def canary_ws(canary_sandbox):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LEANIX_HOST", canary_sandbox.url)
        env.setenv("LEANIX_API_TOKEN", CANARY)
        yield kit.connect(progress=False)


@pytest.fixture(scope="module")
def reports(canary_sandbox, canary_ws, tmp_path_factory):
    """Every notebook run once through the runner (papermill, nbconvert), plus explore on a snapshot."""
    out = tmp_path_factory.mktemp("reports")
    snapshot = canary_ws.snapshot(out / "snapshot", types=["Application", "ITComponent", "Project"])
    runs = {}
    with pytest.MonkeyPatch.context() as env:
        env.chdir(ROOT)  # the notebooks' default data paths are relative to the project
        env.setenv("LEANIX_HOST", canary_sandbox.url)
        env.setenv("LEANIX_API_TOKEN", CANARY)
        env.delenv("LEANIX_WORKSPACE", raising=False)
        runs["explore"] = run_report("explore", {"types": ["Application", "ITComponent", "Project"]}, out=out)
        runs["explore_snapshot"] = run_report(
            "explore", {"types": ["Application", "Project"], "snapshot": str(snapshot)}, out=out
        )
        runs["processor_preview"] = run_report("processor_preview", {}, out=out)
        today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")  # explicit, so the test's window is the same
        runs["run_health"] = run_report("run_health", {"days": 30, "until": today}, out=out)
    return out, runs


def outputs_text(path: Path) -> str:
    """Everything the notebook's cells printed or displayed as text."""
    book = nbformat.read(path, as_version=4)
    parts = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
            page = output.get("data", {}).get("text/html", "")  # tables: the text a reader sees
            parts.append(html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.DOTALL)))
    return "\n".join(parts)


def test_every_report_ran_and_left_notebook_html_and_record(reports):
    out, runs = reports
    for name, record in runs.items():
        assert record.succeeded, (name, record.error)
        assert record.notebook_path.is_file() and record.html_path.is_file()
        saved = json.loads((record.directory / "run.json").read_text())
        assert saved["status"] == "succeeded" and saved["parameters"] == record.parameters
        assert saved["workspace"].startswith("http://127.0.0.1:")
    lines = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert [line["notebook"] for line in lines] == ["explore", "explore", "processor_preview", "run_health"]
    assert not list(out.glob("*/.*.partial"))


def test_the_canary_token_is_nowhere_in_what_the_reports_wrote(reports):
    out, _runs = reports
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".ipynb", ".html", ".json", ".jsonl")]
    assert len(files) >= 13
    for path in files:
        assert CANARY not in path.read_text(encoding="utf-8", errors="replace"), path


def test_explore_counts_equal_a_direct_fetch(reports, canary_ws):
    _out, runs = reports
    text = outputs_text(runs["explore"].notebook_path)
    frames = {t: canary_ws.factsheets(t) for t in ("Application", "ITComponent", "Project")}
    assert f"{sum(len(f) for f in frames.values()):,} fact sheets of 3 types" in text
    overdue = inventory.past_end_of_life(frames["Application"], canary_ws.lifecycles("Application"))
    assert f"Application: {len(overdue):,} past end of life" in text
    assert len(overdue) > 0


def test_explore_on_a_snapshot_matches_the_live_counts(reports, canary_ws):
    _out, runs = reports
    text = outputs_text(runs["explore_snapshot"].notebook_path)
    expected = len(canary_ws.factsheets("Application")) + len(canary_ws.factsheets("Project"))
    assert f"{expected:,} fact sheets of 2 types from the snapshot of workspace " in text  # no folder path


def test_processor_preview_prints_the_engines_prediction(reports, canary_ws):
    _out, runs = reports
    text = outputs_text(runs["processor_preview"].notebook_path)
    expected = kit.preview(
        ROOT / "data/processors/test_projects_full.json",
        ROOT / "data/ldif/test_projects.json",
        LiveView(canary_ws),
    )
    assert expected.summary() in text
    assert "deletion would be cancelled at the 50% limit" in expected.summary()
    assert "No findings" in text or "no findings" in text


def test_run_health_alerts_match_the_health_module(reports, canary_ws):
    _out, runs = reports
    text = outputs_text(runs["run_health"].notebook_path)
    until = runs["run_health"].parameters["until"]
    flagged = health.alerts(health.connector_health(canary_ws.synclog(), days=30, now=until))
    # the demo history has a flaky connector and one failing the last three nights
    assert {"jira-portfolio", "servicenow-cmdb"} <= set(flagged.index)
    for name in flagged.index:
        assert name in text
    assert health.latest_failed(canary_ws.synclog()) in text


def test_reports_render_offline_in_headless_chromium(reports):
    _out, runs = reports
    expected_plots = {"explore": 10, "explore_snapshot": 8, "run_health": 3}
    pages = {}
    for name, record in runs.items():
        html = record.html_path.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html), name
        pages[name] = page = render(record.html_path)
        assert page.script_errors == [], (name, page.script_errors)
        assert page.plots >= expected_plots.get(name, 0), (name, page.plots)
    explore = pages["explore"].dom
    for title in (
        "Fact sheets per type",
        "Completion per type",
        "Application: fields filled",
    ):  # a caption, titles
        assert title in explore
    assert "kit.load_snapshot(snapshot)" not in explore and "from kit import" not in explore  # no code
    assert "Project fact sheets would be archived" in pages["processor_preview"].dom
    # the preview's own view: the guard's verdict as a callout (data/README.md: the 50% guard cancels)
    assert "The deletion guard would cancel all deletion" in pages["processor_preview"].dom
    assert "connector(s) need attention" in pages["run_health"].dom


# what each page must draw, by its figures' titles (the findings they state; counts vary with the data)
EXPECTED_TITLES = {
    "explore": [
        r"^[\d,]+ fact sheets of 3 types; most are ",  # fact sheets per type
        r" of [\d,]+ fact sheets are phasing out or at end of life$",  # lifecycle per type, stacked
        r"^\d+ application\(s\) and \d+ IT component\(s\) in use reach end of life by ",  # end of life ahead
        r" rated applications to eliminate",  # the TIME view
        r" fact sheets fully documented",  # data quality heat map
        r" fact sheets have a responsible subscriber",  # ownership coverage
        r"^Of [\d,]+ applications, \d+ without a business capability and \d+ without an IT component$",
    ],
    "explore_snapshot": [
        r"^[\d,]+ fact sheets of 2 types; most are ",
        r" of [\d,]+ fact sheets are phasing out or at end of life$",
        r" rated applications to eliminate",
    ],
    "run_health": [
        r"^\d+ synchronizations in 30 days, \d+ failed$",
        r"^Slowest connector: ",
        r"^\d+ warnings, \d+ of them errors; most frequent: ",
    ],
    "processor_preview": [],
}


def test_every_report_page_reads_well_and_draws_its_charts(reports):
    """Issue 12's acceptance over the DOM at 1400 px (tests/reports/page_rules.py); a screenshot of each page
    is saved for review."""
    _out, runs = reports
    for name, record in runs.items():
        seen = page_rules.assert_reads_well(record.html_path)
        for pattern in EXPECTED_TITLES[name]:
            assert any(re.search(pattern, title) for title in seen.titles), (name, pattern, seen.titles)
        page_rules.shoot(record.html_path, f"report_{name}", height=6000)
    explore = page_rules.measured(runs["explore"].html_path).dom.get_text(" ")
    assert "/tmp" not in explore and str(ROOT) not in explore  # no machine paths on the page
