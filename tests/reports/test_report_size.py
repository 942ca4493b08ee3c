"""Report size (issue 12): the executed notebook keeps figure JSON without plotly.js, the HTML page carries
plotly.js exactly once, a run folder stays under 6 MB, and the page still draws every figure offline."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kit.reports import run_report
from kit.reports.html import export_html
from kit.sandbox import SANDBOX_TOKEN
from tests.reports.chromium import render

ROOT = Path(__file__).resolve().parents[2]
PLOTLYJS_BANNER = "* plotly.js v"  # the licence banner at the top of the plotly.js bundle, once per copy
FIGURE_DIV = 'class="plotly-graph-div"'
FIGURE_JSON = "application/vnd.plotly.v1+json"
MEGABYTE = 1_000_000


def figure_output(data: dict, config: dict | None = None) -> nbformat.NotebookNode:
    """A display_data output as ipykernel stores a figure under ``PLOTLY_RENDERER=plotly_mimetype``."""
    figure = {"data": data["data"], "layout": data.get("layout", {})}
    if config is not None:
        figure["config"] = config
    return nbformat.v4.new_output("display_data", data={FIGURE_JSON: figure})  # no text/plain either


def notebook(*outputs: nbformat.NotebookNode) -> nbformat.NotebookNode:
    book = nbformat.v4.new_notebook()
    book.cells = []
    for output in outputs:
        cell = nbformat.v4.new_code_cell("shown()")
        cell.outputs = [output]
        book.cells.append(cell)
    return book


BARS = {
    "data": [{"type": "bar", "x": ["plan", "active"], "y": [3, 7]}],
    "layout": {"title": {"text": "Bars"}},
}
LINE = {"data": [{"type": "scatter", "mode": "lines", "x": [1, 2, 3], "y": [2, 1, 4]}]}


def export_without_warnings(book: nbformat.NotebookNode, path: Path) -> tuple[str, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = export_html(book, path)
    return html, [str(w.message) for w in caught]


# -- export_html on hand-built notebooks ---------------------------------------------------------------------


def test_figure_json_becomes_a_drawn_figure_with_plotlyjs_once(tmp_path):
    book = notebook(
        figure_output(BARS),
        nbformat.v4.new_output("stream", text="between the figures\n"),
        figure_output(LINE, config={"displayModeBar": False}),
    )
    html, messages = export_without_warnings(book, tmp_path / "page.html")

    assert html.count(PLOTLYJS_BANNER) == 1
    assert html.index(PLOTLYJS_BANNER) < html.index("</head>")  # in the head, before any figure
    assert html.count(FIGURE_DIV) == 2
    assert 'id="lxkit-figure-1"' in html and 'id="lxkit-figure-2"' in html
    assert '{"displayModeBar": false, "responsive": true}' in html  # the figure's own config, kept
    assert "between the figures" in html
    assert not [m for m in messages if "not able to be represented" in m], messages
    assert "<script src=" not in html  # no CDN: neither MathJax nor plotly.js from the network

    page = render(tmp_path / "page.html")
    assert page.script_errors == []
    assert page.plots == 2


def test_the_callers_notebook_is_left_unchanged(tmp_path):
    book = notebook(figure_output(BARS), figure_output(LINE))
    before = copy.deepcopy(book)
    export_html(book)
    assert book == before
    assert all(set(cell.outputs[0]["data"]) == {FIGURE_JSON} for cell in book.cells)


def test_a_notebook_without_figures_gets_no_plotlyjs(tmp_path):
    book = notebook(
        nbformat.v4.new_output("stream", text="no figures here\n"),
        nbformat.v4.new_output("display_data", data={"text/html": "<b>a table</b>", "text/plain": "x"}),
    )
    html, messages = export_without_warnings(book, tmp_path / "page.html")
    assert PLOTLYJS_BANNER not in html and "Plotly.newPlot" not in html
    assert "<b>a table</b>" in html and "no figures here" in html
    assert len(html) < 600_000  # the page's own CSS, nothing of plotly's 4.8 MB
    assert messages == []


def test_a_figure_that_already_has_html_is_left_as_the_kernel_made_it():
    own = '<div id="made-by-the-kernel">drawn elsewhere</div>'
    figure = figure_output(BARS)
    figure["data"]["text/html"] = own
    html = export_html(notebook(figure))
    assert own in html
    assert PLOTLYJS_BANNER not in html and FIGURE_DIV not in html


# -- a report run through the runner on a loopback sandbox ----------------------------------------------------


@pytest.fixture(scope="module")
def health_run(sandbox, tmp_path_factory):
    """run_health (two figures or more) through ``run_report`` against the session's loopback sandbox."""
    out = tmp_path_factory.mktemp("size")
    with pytest.MonkeyPatch.context() as env:
        env.chdir(out)
        env.setenv("LEANIX_HOST", sandbox.url)
        env.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
        env.setenv("PLOTLY_RENDERER", "notebook")  # a user's own choice: the runner's renderer wins
        env.delenv("LEANIX_WORKSPACE", raising=False)
        env.delenv("LEANIX_PROFILE", raising=False)
        today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")
        return run_report("run_health", {"days": 30, "until": today}, out=out / "reports")


def figure_outputs(book: nbformat.NotebookNode) -> list[dict]:
    return [o for c in book.cells for o in c.get("outputs", []) if FIGURE_JSON in o.get("data", {})]


def test_the_executed_notebook_holds_figure_json_and_no_plotlyjs(health_run):
    assert health_run.succeeded, health_run.error
    text = health_run.notebook_path.read_text(encoding="utf-8")
    assert health_run.notebook_path.stat().st_size < MEGABYTE
    assert PLOTLYJS_BANNER not in text
    figures = figure_outputs(nbformat.reads(text, as_version=4))
    assert len(figures) >= 2  # run_health: at least sync status per day and durations by connector
    assert all("text/html" not in f["data"] for f in figures)
    assert all(f["data"][FIGURE_JSON]["data"] for f in figures)  # the figures' traces are there


def test_the_page_carries_plotlyjs_once_and_draws_every_figure(health_run, tmp_path):
    figures = len(figure_outputs(nbformat.read(health_run.notebook_path, as_version=4)))
    html = health_run.html_path.read_text(encoding="utf-8")
    assert html.count(PLOTLYJS_BANNER) == 1
    assert figures >= 2 and html.count(FIGURE_DIV) == figures  # one div per figure the notebook holds
    _again, messages = export_without_warnings(
        nbformat.read(health_run.notebook_path, as_version=4), tmp_path / "again.html"
    )
    assert not [m for m in messages if "not able to be represented" in m], messages
    page = render(health_run.html_path)
    assert page.script_errors == []
    assert page.plots == figures


def test_the_run_folder_is_under_six_megabytes(health_run):
    files = [p for p in health_run.directory.rglob("*") if p.is_file()]
    assert {"run_health.ipynb", "run_health.html", "run.json"} <= {p.name for p in files}
    assert sum(p.stat().st_size for p in files) < 6 * MEGABYTE
    record = json.loads((health_run.directory / "run.json").read_text())
    assert record["status"] == "succeeded"
