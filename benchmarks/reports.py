"""Report benchmark: the explore and metrics notebooks run headless, and what their time is made of.

Reports, side by side:
- a one-cell notebook through papermill (the floor: kernel start, parameters, save);
- ``explore``: the explore report on a snapshot through ``kit.reports.run_report`` (papermill, HTML export,
  record), best of N; the HTML export on its own, and the page's size (plotly.js, about 4.8 MB, is in the
  HTML once; the executed notebook keeps figure JSON only); papermill's default save-after-every-cell
  against the runner's choice (saving once), as a ratio;
- ``metrics``: the metrics report through ``run_report`` over a history of 30 daily snapshots of the demo
  workspace (50,000 fact sheets by default) up to the demo's reference date, cold (no ``.kpis`` cache: all 30
  snapshots read) and warm (cache complete), median and range of N rounds, each split into kernel start,
  reading and KPIs, charts and tables, and HTML export, and set against the floor; then, in this process,
  the cold evaluation split into reading snapshots and computing KPIs. The history is built once into
  ``benchmarks/.cache/history-<size>-<seed>/`` (about 35 s a snapshot at 50,000) and reused.

- ``cli``: the command line's quick paths as a user's shell meets them (a new process each): ``lxkit
  --help``, ``lxkit report --list`` and a parameter refused before any kernel (``-p days fourteen``),
  against ``python -c "import pandas"``; commands alternate round by round, median and range of N rounds,
  as ratios to the pandas import (target: at most 2x).
- ``size``: the bytes each report (explore, run_health, processor_preview, metrics_report) leaves when run
  through ``run_report`` on the embedded demo sandbox: executed notebook, HTML page, whole run folder
  (target: a run folder under 6 MB, issue 12; docs/reports.md §5).

Run: ``.venv/bin/python benchmarks/reports.py [--only explore|metrics|cli|size] [--size 2000]
[--metrics-size 50000] [--repeat 3]``; results go to benchmarks/results/reports.json (a part not run keeps
its earlier figures).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import functools
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import papermill  # noqa: E402

from benchmarks.machine import machine  # noqa: E402
from kit.redaction import Redactor  # noqa: E402
from kit.reports import ReportFailed, export_html, find_notebook, run_report  # noqa: E402
from kit.reports.kernel import join_forwarders, kernel_manager_class  # noqa: E402
from kit.reports.runner import _KERNEL_ENV, _kernel_environment  # noqa: E402
from kit.sandbox import REFERENCE_DATE, SANDBOX_TOKEN, Sandbox, SandboxOptions  # noqa: E402
from kit.workspace import Workspace  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
HISTORY_DAYS = 30
READING_CELL = "metrics.open_history("  # the metrics notebook's cell that reads the history and evaluates


def best(runs: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def spread(values: list[float]) -> dict[str, float]:
    """Median and range, rounded to hundredths of a second."""
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def papermill_seconds(notebook: Path, parameters: dict, out: Path, save_each_cell: bool, runs: int) -> float:
    return min(papermill_times(notebook, parameters, out, save_each_cell, runs))


def papermill_times(
    notebook: Path, parameters: dict, out: Path, save_each_cell: bool, runs: int
) -> list[float]:
    times = []
    for _ in range(runs):
        manager = kernel_manager_class(Redactor())
        start = time.perf_counter()
        with _kernel_environment(_KERNEL_ENV):  # the runner's renderer, so the sizes match a report
            papermill.execute_notebook(
                str(notebook),
                str(out),
                parameters=parameters,
                progress_bar=False,
                request_save_on_cell_execute=save_each_cell,
                kernel_manager_class=manager,
            )
        join_forwarders(manager)
        times.append(time.perf_counter() - start)
    return times


def one_cell_notebook(folder: Path) -> Path:
    """The floor's notebook: a parameters cell and one cell."""
    trivial = folder / "trivial.ipynb"
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x: int = 1  # a number")
    cell.metadata["tags"] = ["parameters"]
    book.cells = [cell, nbformat.v4.new_code_cell("x + 1")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, trivial)
    return trivial


def explore_part(work: Path, size: int, repeat: int, floor: float) -> dict[str, Any]:
    """The explore report on a snapshot of ``size`` fact sheets (the figures reports.json held before)."""
    with Sandbox(SandboxOptions(size=size)) as sandbox:
        from kit.client import LeanIXClient
        from kit.config import Secret

        with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN)) as client:
            snapshot = Workspace(client, progress=False).snapshot(work / "snapshot")
    parameters = {"snapshot": str(snapshot)}

    records = []
    report = best(repeat, lambda: records.append(run_report("explore", parameters, out=work / "r")))
    html_path = records[-1].html_path
    executed = nbformat.read(records[-1].notebook_path, as_version=4)
    export = best(repeat, lambda: export_html(executed))
    explore = find_notebook("explore")
    once = papermill_seconds(explore, parameters, work / "once.ipynb", False, repeat)
    each = papermill_seconds(explore, parameters, work / "each.ipynb", True, repeat)
    cells = sum(1 for c in executed.cells if c.cell_type == "code")
    return {
        "fact_sheets": size,
        "notebook": "explore (on a snapshot)",
        "code_cells": cells,
        "one_cell_notebook_seconds": round(floor, 2),
        "report_seconds": round(report, 2),
        "kernel_floor_share_of_report": round(floor / report, 2),
        "html_export_seconds": round(export, 2),
        "html_megabytes": round(html_path.stat().st_size / 1e6, 2) if html_path else None,
        "papermill_save_once_seconds": round(once, 2),
        "papermill_save_each_cell_seconds": round(each, 2),
        "save_each_cell_over_save_once_ratio": round(each / once, 2),
        "executed_notebook_megabytes": round(records[-1].notebook_path.stat().st_size / 1e6, 2),
    }


# --- metrics ------------------------------------------------------------------------------------------


def history_dates() -> list[dt.date]:
    """The 30 days up to the demo's reference date, oldest first."""
    return [REFERENCE_DATE - dt.timedelta(days=i) for i in range(HISTORY_DAYS - 1, -1, -1)]


def cached_history(size: int, seed: int) -> Path:
    """``benchmarks/.cache/history-<size>-<seed>/`` with every date of :func:`history_dates` (built when
    missing; the snapshots already there are kept)."""
    from kit.metrics import History, build_demo_history

    folder = CACHE / f"history-{size}-{seed}"
    missing = [d for d in history_dates() if d not in set(History(folder).dates)]
    if missing:
        print(
            f"building {len(missing)} demo snapshot(s) of {size:,} fact sheets into {folder} ...", flush=True
        )
        start = time.perf_counter()
        build_demo_history(folder, missing, size=size, seed=seed)
        print(f"built in {time.perf_counter() - start:.0f} s", flush=True)
    return folder


def cell_split(notebook: Path, papermill_seconds: float) -> dict[str, float]:
    """Seconds per part of a metrics report run, from the cells' ``metadata.papermill.duration``; each code
    cell's own seconds too, as ``"cell <n>: <its first line>"``."""
    book = nbformat.read(notebook, as_version=4)
    reading = other = 0.0
    cells: dict[str, float] = {}
    for number, cell in enumerate(book.cells):
        if cell.cell_type != "code":
            continue
        duration = float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
        if READING_CELL in cell.source:
            reading += duration
        else:
            other += duration
        first = (cell.source.strip().splitlines() or [""])[0]
        cells[f"cell {number}: {first[:50]}"] = duration
    return {
        "kernel_start_and_stop": papermill_seconds - reading - other,
        "reading_and_kpis": reading,
        "charts_and_tables": other,
        **cells,
    }


def metrics_run(parameters: dict[str, Any], out: Path) -> dict[str, float]:
    """One run of the metrics report: its total seconds and their split."""
    start = time.perf_counter()
    record = run_report("metrics_report", parameters, out=out)
    total = time.perf_counter() - start
    if not record.kpis or record.kpis["date"] != REFERENCE_DATE.isoformat():
        raise SystemExit(f"the metrics report did not describe {REFERENCE_DATE}: {record.kpis}")
    split = cell_split(record.notebook_path, record.duration_seconds)
    return {"total": total, **split, "html_export_and_files": total - record.duration_seconds}


class ReadTimer:
    """Seconds spent inside snapshot reads (``load_snapshot`` and ``Snapshot``'s reading methods), outermost
    calls only, while active."""

    METHODS = ("factsheets", "relations", "tags", "lifecycles", "subscriptions", "types", "directory")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._depth = 0

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    @contextlib.contextmanager
    def active(self) -> Iterator[ReadTimer]:
        import kit.metrics.history as history_module
        import kit.metrics.inventory as inventory_module
        from kit.snapshot import Snapshot

        patched: list[tuple[Any, str, Any]] = [
            (history_module, "load_snapshot", history_module.load_snapshot),
            (inventory_module, "load_snapshot", inventory_module.load_snapshot),
            *((Snapshot, m, getattr(Snapshot, m)) for m in self.METHODS),
        ]
        for owner, name, original in patched:
            label = "load_snapshot" if name == "load_snapshot" else f"Snapshot.{name}"
            setattr(owner, name, self.wrap(label, original))
        try:
            yield self
        finally:
            for owner, name, original in patched:
                setattr(owner, name, original)

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def evaluate_split(history: Path, folder: Path, dates: int) -> dict[str, Any]:
    """Cold ``History.evaluate`` of the default catalogue in this process over the newest ``dates`` snapshots
    of ``history`` (copied to ``folder``): reading snapshots vs the rest, and each KPI's seconds
    (``kpi_rows``, the reads it is first to ask for included)."""
    import kit.metrics.history as history_module
    from kit.metrics import History

    for day in History(history).dates[-dates:]:
        shutil.copytree(History(history).path(day), History(folder).path(day))
    timer = ReadTimer()
    per_kpi: dict[str, float] = {}
    original = history_module.kpi_rows

    def timed_rows(kpi: Any, inventory: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(kpi, inventory)
        finally:
            per_kpi[kpi.name] = per_kpi.get(kpi.name, 0.0) + time.perf_counter() - start

    history_module.kpi_rows = timed_rows  # type: ignore[assignment]
    try:
        with timer.active():
            start = time.perf_counter()
            History(folder).evaluate()
            total = time.perf_counter() - start
    finally:
        history_module.kpi_rows = original
    return {
        "snapshots": len(History(folder).dates),
        "evaluate_seconds": round(total, 2),
        "reading_seconds": round(timer.total, 2),
        "kpis_and_cache_seconds": round(total - timer.total, 2),
        "reading_by_call": {k: round(v, 2) for k, v in sorted(timer.seconds.items(), key=lambda kv: -kv[1])},
        "calls": dict(sorted(timer.calls.items())),
        "kpi_rows_by_kpi_with_first_reads": {
            k: round(v, 2) for k, v in sorted(per_kpi.items(), key=lambda kv: -kv[1])
        },
    }


def warm_profile(folder: Path, limit: int = 25) -> str:
    """cProfile (cumulative) of what the warm report does in its reading and breaches cells, in this process."""
    from kit import metrics, viz

    profile = cProfile.Profile()
    profile.enable()
    result = metrics.History(folder).evaluate()
    result.table()
    latest = result.latest_date or REFERENCE_DATE
    viz.breaches_view(result, metrics.Inventory(metrics.History(folder).path(latest), today=latest))
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(limit)
    return text.getvalue()


def metrics_part(
    work: Path, size: int, seed: int, repeat: int, floors: dict[str, list[float]], split_dates: int
) -> dict:
    """The metrics report over 30 dated snapshots, cold and warm, against the floor."""
    from kit.metrics.cache import CACHE_FOLDER

    source = cached_history(size, seed)
    history = work / "history"
    shutil.copytree(source, history, ignore=shutil.ignore_patterns(CACHE_FOLDER))
    megabytes = sum(f.stat().st_size for f in history.rglob("*") if f.is_file()) / 1e6
    parameters = {"history": str(history), "demo_months": 0}  # the sandbox's demo_dates(REFERENCE_DATE, 0)
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "warm": []}
    for round_ in range(1, repeat + 1):
        shutil.rmtree(history / CACHE_FOLDER, ignore_errors=True)
        runs["cold"].append(metrics_run(parameters, work / "m"))
        cached = len(list((history / CACHE_FOLDER).glob("*.json")))
        if cached != HISTORY_DAYS:
            raise SystemExit(f"the cold run cached {cached} dates, not {HISTORY_DAYS}")
        runs["warm"].append(metrics_run(parameters, work / "m"))
        print(
            f"round {round_}: cold {runs['cold'][-1]['total']:.2f} s, warm {runs['warm'][-1]['total']:.2f} s",
            flush=True,
        )
    floor = statistics.median(floors["papermill"])
    floor_report = statistics.median(floors["run_report"])
    figures: dict[str, Any] = {
        "notebook": "metrics_report (run_report, HTML included)",
        "fact_sheets": size,
        "seed": seed,
        "snapshots": HISTORY_DAYS,
        "history": f"{history_dates()[0]} .. {history_dates()[-1]}, daily",
        "history_megabytes": round(megabytes, 1),
        "rounds": repeat,
        "one_cell_notebook_seconds": spread(floors["papermill"]),
        "one_cell_notebook_run_report_seconds": spread(floors["run_report"]),
    }
    for kind, found in runs.items():
        total = statistics.median(r["total"] for r in found)
        parts = {part: spread([r[part] for r in found]) for part in found[0]}
        figures[kind] = {p: v for p, v in parts.items() if not p.startswith("cell ")}
        figures[kind]["cells"] = {p: v for p, v in parts.items() if p.startswith("cell ")}
        figures[f"{kind}_over_floor"] = round(total / floor, 2)
        figures[f"{kind}_over_run_report_floor"] = round(total / floor_report, 2)
    figures["target"] = "warm <= 1.5 x the one-cell notebook"
    figures["target_met"] = figures["warm_over_floor"] <= 1.5
    figures["cold_evaluate_in_process"] = evaluate_split(history, work / "split", split_dates)
    figures["note"] = (
        "Snapshots are read from the page cache (the history was just copied); kernel_start_and_stop is "
        "papermill's time minus the cells' (kernel start, parameters, shutdown); html_export_and_files is "
        "run_report's time after papermill (redaction, notebook, HTML, run.json)."
    )
    return figures


def cli_part(rounds: int) -> dict[str, Any]:
    """Seconds per command, new process each, the commands alternating so all see the same hour."""
    import subprocess

    bin_dir = Path(sys.executable).parent
    commands = {
        "import_pandas": [sys.executable, "-c", "import pandas"],
        "lxkit_help": [str(bin_dir / "lxkit"), "--help"],
        "report_list": [str(bin_dir / "lxkit"), "report", "--list"],
        "refused_parameter": [str(bin_dir / "lxkit"), "report", "run_health", "-p", "days", "fourteen"],
    }
    expected = {"import_pandas": 0, "lxkit_help": 0, "report_list": 0, "refused_parameter": 1}
    times: dict[str, list[float]] = {name: [] for name in commands}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEANIX_", "LXKIT_"))}
    for _ in range(rounds + 1):  # the first round warms the file cache and is dropped
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env, cwd=tempfile.gettempdir())
            times[name].append(time.perf_counter() - start)
            if done.returncode != expected[name]:
                raise SystemExit(f"{name} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    figures: dict[str, Any] = {"rounds": rounds, "seconds": {}, "ratio_to_import_pandas": {}}
    base = statistics.median(times["import_pandas"][1:])
    for name, values in times.items():
        kept = values[1:]
        figures["seconds"][name] = spread(kept)
        if name != "import_pandas":
            ratios = sorted(v / base for v in kept)
            figures["ratio_to_import_pandas"][name] = {
                "median": round(statistics.median(kept) / base, 2),
                "min": round(ratios[0], 2),
                "max": round(ratios[-1], 2),
            }
    figures["target"] = "at most 2x python -c 'import pandas' (issue 9)"
    return figures


# --- size ---------------------------------------------------------------------------------------------

SIZE_LIMIT = 6_000_000  # bytes in a run folder (issue 12)


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def report_sizes(record: Any) -> dict[str, int | None]:
    """Bytes of a run's executed notebook, HTML page and folder, and the figures its page draws."""
    html = record.html_path.read_text(encoding="utf-8") if record.html_path else ""
    return {
        "executed_notebook_bytes": record.notebook_path.stat().st_size,
        "html_bytes": record.html_path.stat().st_size if record.html_path else None,
        "run_folder_bytes": folder_bytes(record.directory),
        "figures": html.count('class="plotly-graph-div"'),
    }


def sized_reports(history: Path) -> dict[str, dict[str, Any]]:
    """Each report with the parameters it runs with on the embedded sandbox (metrics: one demo month)."""
    return {
        "explore": {},
        "run_health": {},
        "processor_preview": {},
        "metrics_report": {"history": str(history), "demo_months": 1},
    }


def size_part(work: Path) -> dict[str, Any]:
    """What each report leaves on disk, run headless through ``run_report`` on the embedded sandbox."""
    reports: dict[str, Any] = {}
    for name, parameters in sized_reports(work / "history").items():
        try:
            record = run_report(name, parameters, out=work / "size", cwd=ROOT, workspace="sandbox")
        except ReportFailed as failed:  # its files are kept and still measured; the record says so
            record = failed.record
        reports[name] = {"status": record.status, **report_sizes(record)}
        if record.error:
            reports[name]["error"] = f"{record.error['ename']}: {record.error['evalue']}"[:200]
        print(f"{name}: {reports[name]}", flush=True)
    largest = max(r["run_folder_bytes"] for r in reports.values())
    return {
        "workspace": "embedded demo sandbox",
        "renderer": _KERNEL_ENV["PLOTLY_RENDERER"],
        "reports": reports,
        "largest_run_folder_megabytes": round(largest / 1e6, 2),
        "target": f"every run folder under {SIZE_LIMIT / 1e6:.0f} MB (issue 12)",
        "target_met": largest < SIZE_LIMIT,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=("explore", "metrics", "cli", "size"), help="run one part (default: all)"
    )
    parser.add_argument("--size", type=int, default=2000, help="explore: fact sheets in the sandbox (2,000)")
    parser.add_argument("--metrics-size", type=int, default=50_000, help="metrics: fact sheets (50,000)")
    parser.add_argument("--seed", type=int, default=7, help="metrics: the demo workspace's seed (7)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measurement (explore: best; metrics: median)"
    )
    parser.add_argument(
        "--split-dates",
        type=int,
        default=HISTORY_DAYS,
        help="metrics: snapshots in the in-process split (30)",
    )
    parser.add_argument("--profile", action="store_true", help="metrics: print a cProfile of the warm path")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "reports.json"))
    args = parser.parse_args()

    output = Path(args.output)
    figures: dict[str, Any] = json.loads(output.read_text()) if output.is_file() else {}
    figures["benchmark"] = "reports"
    if args.only in (None, "cli"):
        figures["cli"] = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            **cli_part(args.repeat),
        }
    if args.only in (None, "size"):
        with tempfile.TemporaryDirectory() as scratch:
            sizes = size_part(Path(scratch))
        figures["size"] = {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), **sizes}
    if args.only in ("cli", "size"):
        output.write_text(json.dumps(figures, indent=2) + "\n")
        print(json.dumps(figures[args.only], indent=2))
        return
    if args.only != "explore":
        cached_history(args.metrics_size, args.seed)  # before the clock starts anywhere
    date = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    host = machine(load_average=[round(x, 2) for x in os.getloadavg()])
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        trivial = one_cell_notebook(work)
        floors = {
            "papermill": papermill_times(trivial, {"x": 2}, work / "t.ipynb", False, args.repeat),
            "run_report": [],
        }
        for _ in range(args.repeat):
            start = time.perf_counter()
            run_report(trivial, {"x": 2}, out=work / "t")
            floors["run_report"].append(time.perf_counter() - start)
        if args.only != "metrics":  # the top-level figures, date and machine are the explore part's
            figures.update(date=date, machine=host)
            figures.update(explore_part(work, args.size, args.repeat, min(floors["papermill"])))
        if args.only != "explore":
            metrics = {"date": date, "machine": host}
            metrics.update(
                metrics_part(work, args.metrics_size, args.seed, args.repeat, floors, args.split_dates)
            )
            figures["metrics_report"] = metrics
            if args.profile:
                print(warm_profile(work / "history"))
    host["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
