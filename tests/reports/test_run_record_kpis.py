"""The run record's KPIs and alerts (docs/metrics.md §4), and the KPI views in a report drawn by Chromium.

Each test runs a small notebook through ``kit.reports.run_report`` (papermill, a real kernel) that writes a
hand-made ``kpis.json`` into ``os.environ["LXKIT_OUTPUT_DIR"]``; the expected record is read off that file
by hand.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from kit.reports import ReportFailed, run_report
from kit.reports.runner import REDACTED
from tests.conftest import CANARY
from tests.reports.chromium import render
from tests.reports.page_rules import shoot
from tests.reports.test_runner import write_notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def canary_env(monkeypatch, tmp_path):
    """A configured token (the canary) and a host these notebooks never contact; runs in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", "https://acme.leanix.net")
    monkeypatch.setenv("LEANIX_API_TOKEN", CANARY)
    return tmp_path


EOL_TITLE = "Applications past end of life"
ALERT = {
    "kpi": "applications_past_end_of_life",
    "title": EOL_TITLE,
    "dimensions": {},
    "value": 0.12,
    "threshold": {"min": None, "max": 0.05},
    "message": "Applications past end of life is 12.0%, above the threshold of 5.0%",
}
KPI_FILE = {
    "format": 1,
    "date": "2026-11-01",
    "workspace": "demo",
    "kpis": [
        {
            "name": "applications_past_end_of_life",
            "title": EOL_TITLE,
            "description": "Active applications past their end of life.",
            "unit": "share",
            "higherIsBetter": False,
            "dimensions": {},
            "value": 0.12,
            "previous": {"date": "2026-10-31", "value": 0.11, "delta": 0.01},
            "monthAgo": {"date": "2026-10-01", "value": 0.1, "delta": 0.02},
            "threshold": {"min": None, "max": 0.05},
            "breached": True,
        },
        {
            "name": "applications_past_end_of_life",
            "title": EOL_TITLE,
            "description": "Active applications past their end of life.",
            "unit": "share",
            "higherIsBetter": False,
            "dimensions": {"type": "Application"},
            "value": 0.3,
            "previous": {"date": "2026-10-31", "value": 0.3, "delta": 0.0},
            "monthAgo": None,
            "threshold": {"min": None, "max": 0.05},
            "breached": True,
        },
        {
            "name": "fact_sheets",
            "title": "Fact sheets",
            "description": "Active fact sheets.",
            "unit": "count",
            "higherIsBetter": None,
            "dimensions": {},
            "value": 2012,
            "previous": {"date": "2026-10-31", "value": 2000, "delta": 12},
            "monthAgo": None,
            "threshold": {"min": None, "max": None},
            "breached": False,
        },
        {
            "name": "completion_by_type",
            "title": "Completion by type",
            "description": "Average completion per type.",
            "unit": "score",
            "higherIsBetter": True,
            "dimensions": {"type": "Application"},
            "value": None,
            "previous": None,
            "monthAgo": None,
            "threshold": {"min": None, "max": None},
            "breached": False,
        },
    ],
    "alerts": [ALERT],
}

WRITE = """import os
from pathlib import Path
Path(os.environ["LXKIT_OUTPUT_DIR"], "kpis.json").write_text({text!r}, encoding="utf-8")"""


def run(folder: Path, *cells: str, parameters: str = "label: str = 'kpis'  # a label", **params):
    notebook = write_notebook(folder / "kpi_report.ipynb", *cells, parameters=parameters)
    return run_report(notebook, params, out=folder / "out")


def saved(record) -> dict:
    return json.loads((record.directory / "run.json").read_text(encoding="utf-8"))


def test_kpis_and_alerts_from_kpis_json_go_into_the_record(canary_env, monkeypatch):
    monkeypatch.delenv("LXKIT_OUTPUT_DIR", raising=False)
    record = run(canary_env, WRITE.format(text=json.dumps(KPI_FILE)), "print(os.environ['LXKIT_OUTPUT_DIR'])")
    # totals only (dimensions == {}): the two rows with {} as written; three KPI names in the file
    expected = {
        "date": "2026-11-01",
        "count": 3,
        "values": [
            {
                "name": "applications_past_end_of_life",
                "dimensions": {},
                "value": 0.12,
                "delta": 0.01,
                "deltaMonth": 0.02,
            },
            {"name": "fact_sheets", "dimensions": {}, "value": 2012, "delta": 12, "deltaMonth": None},
        ],
    }
    data = saved(record)
    assert data["status"] == "succeeded" and data["error"] is None
    # in the record, a KPI alert says its kind and names its KPI (docs/schedules.md §4)
    recorded = {"kind": "kpi", "name": "applications_past_end_of_life", **ALERT}
    assert data["kpis"] == expected and data["alerts"] == [recorded]
    assert record.kpis == expected and record.alerts == [recorded]
    line = json.loads((canary_env / "out" / "runs.jsonl").read_text().splitlines()[-1])
    assert line["kpis"] == expected and line["alerts"] == [recorded]
    # the file sits next to the report, as the notebook wrote it, in the folder the kernel was given
    kpis = record.directory / "kpis.json"
    assert json.loads(kpis.read_text(encoding="utf-8")) == KPI_FILE
    assert record.html_path.parent == kpis.parent == record.notebook_path.parent
    given = Path(nbformat.read(record.notebook_path, as_version=4).cells[-1].outputs[0]["text"].strip())
    assert given.parent == record.directory.parent and given.name == f".{record.directory.name}.partial"
    assert "LXKIT_OUTPUT_DIR" not in os.environ  # set for the kernel only


def test_a_run_without_kpis_json_records_null_and_no_alerts(canary_env):
    record = run(canary_env, "print(label)")
    data = saved(record)
    assert (data["kpis"], data["alerts"]) == (None, [])
    assert (record.kpis, record.alerts) == (None, [])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": 1, "date": "2026-11-01", "kpis": [', "cannot be read as JSON"),
        (
            json.dumps({**KPI_FILE, "kpis": [{**KPI_FILE["kpis"][0], "value": "12 %"}]}),
            'kpis[0].value must be a number or null, not "12 %"',
        ),
        (json.dumps({**KPI_FILE, "format": 2}), "its format must be 1, not 2"),
        ('{"format": 1, "date": "2026-11-01", "kpis": [], "alerts": [], "x": NaN}', "it holds NaN"),
    ],
)
def test_a_malformed_kpis_json_fails_the_run_and_keeps_the_files(canary_env, text, problem):
    with pytest.raises(ReportFailed) as failed:
        run(canary_env, WRITE.format(text=text))
    record = failed.value.record
    data = saved(record)
    assert data["status"] == "failed" and (data["kpis"], data["alerts"]) == (None, [])
    assert data["error"]["ename"] == "KpiFileError" and data["error"]["cell_index"] is None
    evalue = data["error"]["evalue"]
    assert f"{record.directory / 'kpis.json'} is not a KPI file" in evalue and problem in evalue
    assert "kit.metrics.write_kpi_files" in evalue and "kept" in evalue
    assert problem in str(failed.value)
    assert (record.directory / "kpis.json").read_text(encoding="utf-8") == text
    assert record.notebook_path.is_file() and record.html_path.is_file()


def test_a_token_in_kpis_json_is_redacted_in_the_record(canary_env):
    leak = WRITE.format(text="").replace(
        "''", "json.dumps({**KPI_FILE, 'alerts': [{**ALERT, 'message': os.environ['LEANIX_API_TOKEN']}]})"
    )
    record = run(canary_env, f"import json\nKPI_FILE, ALERT = {KPI_FILE!r}, {ALERT!r}", leak)
    assert CANARY not in (record.directory / "run.json").read_text()
    assert CANARY not in (canary_env / "out" / "runs.jsonl").read_text()
    assert record.alerts[0]["message"] == REDACTED and record.kpis["count"] == 3


PROBE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  const all = (q) => [...document.querySelectorAll(q)];
  const drawn = (e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; };
  const sparks = all("svg.kpi-spark polyline").map((p) => {
    const s = getComputedStyle(p);
    return {size: drawn(p), stroke: s.stroke, visibility: s.visibility, row: p.closest("tr").rowIndex};
  });
  const out = document.createElement("pre");
  out.id = "kpi-probe";
  out.textContent = JSON.stringify({
    mainSvg: all(".main-svg").length,
    traces: all(".scatterlayer .trace").length,
    lines: all(".scatterlayer .trace path.js-line").filter((p) => drawn(p)[0] > 100).length,
    sparks,
  });
  document.body.appendChild(out);
}, 1000));
</script>"""


def test_kpi_table_and_trend_charts_draw_offline_in_chromium(canary_env):
    cells = [
        "import sys\nsys.path.insert(0, root)\n"
        "from IPython.display import HTML\n"
        "from kit.viz import kpi_table, trend_chart\n"
        "from tests.viz.kpi_frames import table_frame, values_frame",
        "kpi_table(table_frame())",
        "trend_chart(values_frame(), 'applications_past_end_of_life')",
        "trend_chart(values_frame(), 'fact_sheets', 'type')",
        f"HTML({PROBE!r})",
    ]
    record = run(canary_env, *cells, parameters="root: str = ''  # the repository", root=str(ROOT))
    page = render(record.html_path)
    assert page.script_errors == []
    assert page.plots == 2
    probe = json.loads(html.unescape(re.search(r'<pre id="kpi-probe">(.*?)</pre>', page.dom, re.S).group(1)))
    # the total and its threshold; 8 of the 10 types; plotly draws two .main-svg layers per figure
    assert probe["traces"] == 2 + 8 and probe["lines"] == 10 and probe["mainSvg"] >= 2
    # one line per row of the table (16 rows, every trend has at least two points in a run), all drawn
    sparks = probe["sparks"]
    assert len(sparks) == 16 and sorted(s["row"] for s in sparks) == list(range(1, 17))
    for spark in sparks:
        assert spark["size"][0] > 40 and spark["visibility"] == "visible"
        assert spark["stroke"] not in ("none", "rgba(0, 0, 0, 0)", "")
    assert "12.3%" in page.dom and "+1.0 pp" in page.dom and "Applications past end of life" in page.dom
    shoot(record.html_path, "kpi_charts", height=1500)  # saved for review (tests/reports/page_rules.py)
