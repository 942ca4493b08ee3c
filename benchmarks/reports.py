"""Report benchmark: the explore notebook run headless on a snapshot, and what its time is made of.

Reports, side by side:
- a one-cell notebook through papermill (the floor: kernel start, parameters, save);
- the explore report through ``kit.reports.run_report`` (papermill, HTML export, record), best of N;
- the HTML export on its own, and the page's size (plotly.js is embedded once, about 4.8 MB);
- papermill's default save-after-every-cell against the runner's choice (saving once), on the same notebook,
  as a ratio.

Run: ``.venv/bin/python benchmarks/reports.py [--size 2000] [--repeat 3]``; results go to
benchmarks/results/reports.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import papermill  # noqa: E402

from benchmarks.machine import machine  # noqa: E402
from kit.reports import export_html, find_notebook, run_report  # noqa: E402
from kit.reports.runner import _kernel_environment, _KernelManager  # noqa: E402
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions  # noqa: E402
from kit.workspace import Workspace  # noqa: E402


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def papermill_seconds(notebook: Path, parameters: dict, out: Path, save_each_cell: bool, runs: int) -> float:
    def run() -> None:
        with _kernel_environment({"PLOTLY_RENDERER": "notebook", "LXKIT_HEADLESS": "1"}):
            papermill.execute_notebook(
                str(notebook),
                str(out),
                parameters=parameters,
                progress_bar=False,
                request_save_on_cell_execute=save_each_cell,
                kernel_manager_class=_KernelManager,
            )

    return best(runs, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="fact sheets in the sandbox (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "reports.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        with Sandbox(SandboxOptions(size=args.size)) as sandbox:
            from kit.client import LeanIXClient
            from kit.config import Secret

            with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client:
                snapshot = Workspace(client, progress=False).snapshot(work / "snapshot")
        parameters = {"snapshot": str(snapshot)}

        trivial = work / "trivial.ipynb"
        book = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("x: int = 1  # a number")
        cell.metadata["tags"] = ["parameters"]
        book.cells = [cell, nbformat.v4.new_code_cell("x + 1")]
        book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(book, trivial)
        floor = papermill_seconds(trivial, {"x": 2}, work / "t.ipynb", False, args.repeat)

        records = []
        report = best(args.repeat, lambda: records.append(run_report("explore", parameters, out=work / "r")))
        html_path = records[-1].html_path
        executed = nbformat.read(records[-1].notebook_path, as_version=4)
        export = best(args.repeat, lambda: export_html(executed))
        explore = find_notebook("explore")
        once = papermill_seconds(explore, parameters, work / "once.ipynb", False, args.repeat)
        each = papermill_seconds(explore, parameters, work / "each.ipynb", True, args.repeat)
        cells = sum(1 for c in executed.cells if c.cell_type == "code")
        figures = {
            "benchmark": "reports",
            "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "machine": machine(),
            "fact_sheets": args.size,
            "notebook": "explore (on a snapshot)",
            "code_cells": cells,
            "one_cell_notebook_seconds": round(floor, 2),
            "report_seconds": round(report, 2),
            "kernel_floor_share_of_report": round(floor / report, 2),
            "html_export_seconds": round(export, 2),
            "html_megabytes": round(html_path.stat().st_size / 1e6, 2),
            "papermill_save_once_seconds": round(once, 2),
            "papermill_save_each_cell_seconds": round(each, 2),
            "save_each_cell_over_save_once_ratio": round(each / once, 2),
            "executed_notebook_megabytes": round(records[-1].notebook_path.stat().st_size / 1e6, 2),
        }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
