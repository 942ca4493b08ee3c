"""The metrics report as a user runs it: ``lxkit report metrics_report`` headless on the embedded sandbox,
its files (kpis.json, kpis.csv, run.json) checked against KPI values computed by hand from raw GraphQL
answers, its HTML drawn by headless Chromium, and a KPI a user declares in a notebook cell."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.reports import find_notebook, run_report
from kit.sandbox import REFERENCE_DATE, SANDBOX_TOKEN, Sandbox, SandboxOptions
from tests.metrics.hand import expected, raw_factsheets
from tests.reports import page_rules
from tests.reports.chromium import render

ROOT = Path(__file__).resolve().parents[2]
MONTH_AGO = dt.date(2026, 10, 1)  # REFERENCE_DATE is 2026-11-01: one month of demo history before it
HEADLINE = (
    "applications_past_end_of_life",
    "without_description",
    "without_responsible",
    "mean_completion",
    "fully_documented_applications",
)
USER_KPI = """
@catalogue.kpi(title="Applications without any tag", unit="count", higher_is_better=False)
def applications_without_tags(inv):
    apps, tags = inv.factsheets("Application"), inv.tags("Application")
    return float((~apps["id"].isin(tags["id"])).sum())
"""


def bare_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: a short PATH, a HOME, no LEANIX_* (so the embedded sandbox is used)."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def hand_values(day: dt.date) -> tuple[dict, dict]:
    """The embedded demo (2,000 fact sheets, seed 7) as of ``day``: hand-computed KPIs, raw answers."""
    with (
        Sandbox(SandboxOptions(size=2000, seed=7, as_of=day)) as sandbox,
        LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client,
    ):
        raw = raw_factsheets(client)
    return expected(raw, day), raw


@pytest.fixture(scope="module")
def hand():
    return {day: hand_values(day) for day in (MONTH_AGO, REFERENCE_DATE)}


@pytest.fixture(scope="module")
def headless(tmp_path_factory):
    """``lxkit report metrics_report`` from a bare environment, outside the checkout."""
    work = tmp_path_factory.mktemp("cron")
    command = [sys.executable, "-m", "kit", "report", "metrics_report"]
    command += ["-p", "history", "history", "-p", "demo_months", "1", "--out", "reports"]
    done = subprocess.run(
        command, cwd=work, env=bare_environment(work), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (run_folder,) = (work / "reports" / "metrics_report").iterdir()
    return work, run_folder


def kpi_entry(kpis: dict, name: str, dimensions: dict | None = None) -> dict:
    (entry,) = [k for k in kpis["kpis"] if k["name"] == name and k["dimensions"] == (dimensions or {})]
    return entry


def test_the_report_builds_the_demo_history_it_reads(headless):
    work, _run = headless
    assert sorted(p.name for p in (work / "history").iterdir() if not p.name.startswith(".")) == [
        MONTH_AGO.isoformat(),
        REFERENCE_DATE.isoformat(),
    ]
    assert (work / "history" / ".kpis" / f"{REFERENCE_DATE}.json").is_file()  # values cached per snapshot


def test_kpis_json_holds_the_hand_computed_values_and_deltas(headless, hand):
    _work, run = headless
    kpis = json.loads((run / "kpis.json").read_text())
    assert kpis["date"] == REFERENCE_DATE.isoformat()
    now, before = hand[REFERENCE_DATE][0], hand[MONTH_AGO][0]
    for name in (*HEADLINE, "factsheets", "it_components_per_application", "stale"):
        entry = kpi_entry(kpis, name)
        assert entry["value"] == pytest.approx(now[(name, "")]), name
        assert entry["monthAgo"]["date"] == MONTH_AGO.isoformat()
        assert entry["monthAgo"]["value"] == pytest.approx(before[(name, "")]), name
        assert entry["previous"]["delta"] == pytest.approx(now[(name, "")] - before[(name, "")]), name
    app = kpi_entry(kpis, "without_description", {"type": "Application"})
    assert app["value"] == pytest.approx(now[("without_description", "type=Application")])
    # the demo moves: a month of documentation work shows in the deltas
    assert kpi_entry(kpis, "without_description")["monthAgo"]["delta"] < 0


def test_breached_thresholds_are_alerts_in_kpis_json_and_run_json(headless, hand):
    _work, run = headless
    kpis = json.loads((run / "kpis.json").read_text())
    record = json.loads((run / "run.json").read_text())
    now = hand[REFERENCE_DATE][0]
    past_eol = now[("applications_past_end_of_life", "")]
    assert past_eol > 0.05  # the default threshold (docs/metrics.md): the demo breaches it
    alert = next(a for a in kpis["alerts"] if a["kpi"] == "applications_past_end_of_life")
    assert alert["message"] == (
        f"Applications past end of life is {past_eol * 100:.1f}%, above the threshold of 5.0%"
    )
    assert record["alerts"] == [{"kind": "kpi", "name": a["kpi"], **a} for a in kpis["alerts"]]
    assert record["status"] == "succeeded"
    assert record["kpis"]["date"] == REFERENCE_DATE.isoformat()
    summary = {v["name"]: v for v in record["kpis"]["values"] if v["dimensions"] == {}}
    assert summary["mean_completion"]["value"] == pytest.approx(now[("mean_completion", "")])


def test_kpis_csv_has_a_row_per_kpi_and_breakdown(headless, hand):
    _work, run = headless
    with (run / "kpis.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    now = hand[REFERENCE_DATE][0]
    by_key = {(r["kpi"], r["dimensions"]): r for r in rows}
    assert set(now) <= set(by_key)  # every hand-computed value has its row
    for key, value in now.items():
        shown = by_key[key]["value"]
        assert (shown == "" and math.isnan(value)) or float(shown) == pytest.approx(value), key


def test_the_html_draws_the_trend_charts_offline(headless):
    _work, run = headless
    page = render(run / "metrics_report.html")
    assert not page.script_errors, page.script_errors
    assert page.plots >= 3  # the trend grid, fact sheets per type over time, the biggest movers
    assert "Applications past end of life" in page.dom
    assert page.dom.count("<svg") >= 20  # plotly's SVGs and the table's sparklines


def test_the_page_reads_well_and_its_charts_state_their_findings(headless):
    """Issue 12's acceptance over the DOM at 1400 px (tests/reports/page_rules.py), and a screenshot."""
    _work, run = headless
    seen = page_rules.assert_reads_well(run / "metrics_report.html")
    patterns = [
        r"^\d+ KPIs, \w{3} \d{4} to \w{3} \d{4}: ",  # the trend grid: how many are outside their threshold
        r"^Biggest move since a month ago: ",
    ]
    for pattern in patterns:
        assert any(re.search(pattern, title) for title in seen.titles), (pattern, seen.titles)
    page_rules.shoot(run / "metrics_report.html", "report_metrics_report", height=6000)


def test_a_kpi_declared_in_a_notebook_cell_reaches_table_files_and_history(headless, hand, tmp_path):
    work, _run = headless
    book = nbformat.read(find_notebook("metrics_report"), as_version=4)
    (slot,) = [c for c in book.cells if c.cell_type == "code" and not c.source.strip()]
    slot.source = USER_KPI.strip()
    notebook = tmp_path / "my_metrics.ipynb"
    nbformat.write(book, notebook)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in os.environ if k.startswith("LEANIX_")]:
            patch.delenv(name)
        patch.chdir(work)
        record = run_report(notebook, {"history": "history", "demo_months": 1}, out=tmp_path / "out")
    assert env is not None and record.succeeded
    untagged = {
        day: sum(1 for a in raw["Application"] if a["status"] == "ACTIVE" and not a["tags"])
        for day, (_values, raw) in hand.items()
    }
    kpis = json.loads((record.directory / "kpis.json").read_text())
    entry = kpi_entry(kpis, "applications_without_tags")
    assert entry["value"] == untagged[REFERENCE_DATE]
    assert entry["monthAgo"]["value"] == untagged[MONTH_AGO]  # computed on the older snapshot too
    assert "Applications without any tag" in record.html_path.read_text(encoding="utf-8")
    csv_text = (record.directory / "kpis.csv").read_text(encoding="utf-8")
    assert "applications_without_tags" in csv_text
    cache = json.loads((work / "history" / ".kpis" / f"{MONTH_AGO}.json").read_text())
    assert "applications_without_tags" in json.dumps(cache)
