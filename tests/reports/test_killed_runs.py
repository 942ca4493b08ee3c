"""A report run killed at any point (SIGKILL) leaves no folder that looks complete, a ``runs.jsonl`` that still
parses line by line, no kernel behind, and the next run works. A read-only ``--out`` is refused up front."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

NAME = "sleepy"


def write_sleepy(path: Path) -> Path:
    """Three cells that each leave a marker file in the working folder, then sleep."""
    book = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("pause: float = 0.4  # seconds per cell")
    params.metadata["tags"] = ["parameters"]
    cells = [
        nbformat.v4.new_code_cell(
            f"import pathlib, time\npathlib.Path('cell-{i}').touch()\ntime.sleep(pause)"
        )
        for i in (1, 2, 3)
    ]
    book.cells = [params, *cells]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, path)
    return path


def kernels_of(runtime: Path) -> list[int]:
    """Processes whose command line names a connection file in ``runtime`` (the kernels of these runs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(runtime) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def first(pattern: str, folder: Path) -> Callable[[], bool]:
    return lambda: any(folder.glob(pattern))


def after(seconds: float) -> Callable[[], bool]:
    started = time.monotonic()
    return lambda: time.monotonic() > started + seconds


def check_invariants(out: Path) -> None:
    """Every visible run folder is complete; runs.jsonl holds whole JSON records, one per line."""
    base = out / NAME
    for entry in base.iterdir() if base.exists() else []:
        if entry.name.startswith("."):
            assert entry.name.endswith(".partial"), entry.name
            continue
        assert {p.name for p in entry.iterdir()} == {f"{NAME}.ipynb", f"{NAME}.html", "run.json"}, entry
        assert json.loads((entry / "run.json").read_text())["status"] == "succeeded"
        nbformat.validate(nbformat.read(entry / f"{NAME}.ipynb", as_version=4))
    log = out / "runs.jsonl"
    if log.exists() and log.stat().st_size:
        text = log.read_text(encoding="utf-8")
        assert text.endswith("\n")
        for line in text.splitlines():
            assert json.loads(line)["notebook"] == NAME


@pytest.mark.timeout(900)
def test_a_run_killed_at_any_point_leaves_nothing_presented_as_complete(tmp_path):
    notebook = write_sleepy(tmp_path / f"{NAME}.ipynb")
    out, runtime = tmp_path / "out", tmp_path / "runtime"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    base = out / NAME
    triggers: list[tuple[str, Callable[[Path], Callable[[], bool]]]] = [
        ("after 0.3 s (starting up)", lambda _cwd: after(0.3)),
        ("the partial folder exists (kernel starting)", lambda _cwd: first(".*.partial", base)),
        ("cell 2 is running", lambda cwd: first("cell-2", cwd)),
        ("the notebook is written", lambda _cwd: first(".*.partial/*.ipynb", base)),
        ("the HTML is written", lambda _cwd: first(".*.partial/*.html", base)),
        ("the record is written", lambda _cwd: first(".*.partial/run.json", base)),
        ("a run folder is complete", lambda _cwd: first("[0-9]*", base)),
    ]
    outcomes = []
    for index, (when, make) in enumerate(triggers):
        cwd = tmp_path / f"run-{index}"
        cwd.mkdir()
        condition = make(cwd)
        process = subprocess.Popen(
            [sys.executable, "-m", "kit", "report", str(notebook), "--out", str(out)],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 240
        while process.poll() is None and not condition() and time.monotonic() < deadline:
            time.sleep(0.002)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait()
        outcomes.append((when, "finished first" if finished else "killed"))
        check_invariants(out)
    # orphaned kernels notice their parent is gone (ipykernel's parent poller) and exit
    deadline = time.monotonic() + 120
    while kernels_of(runtime) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = kernels_of(runtime)
    for pid in left:  # ours: started by the runs above
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"kernels left running after their report was killed: {left}"
    assert sum(outcome == "killed" for _when, outcome in outcomes) >= 3, outcomes

    cwd = tmp_path / "after"
    cwd.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "kit", "report", str(notebook), "--out", str(out), "-p", "pause", "0"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    check_invariants(out)
    last = json.loads((out / "runs.jsonl").read_text().splitlines()[-1])
    assert last["status"] == "succeeded" and last["parameters"] == {"pause": 0}
    assert Path(last["directory"]).is_dir() and not Path(last["directory"]).name.startswith(".")


def test_a_read_only_out_folder_is_refused_before_a_kernel_starts():
    """As an unprivileged user (root writes anywhere: the test drops to nobody with setpriv when root)."""
    folder = Path(tempfile.mkdtemp(prefix="lxkit-ro-"))
    try:
        folder.chmod(0o755)
        readonly = folder / "reports"
        readonly.mkdir(mode=0o555)
        readonly.chmod(0o555)
        notebook = write_sleepy(folder / f"{NAME}.ipynb")
        notebook.chmod(0o644)
        script = (
            "import sys\n"
            "from kit.reports import run_report\n"
            "from kit.reports.errors import ReportError\n"
            "try:\n"
            f"    run_report({str(notebook)!r}, {{}}, out={str(readonly)!r})\n"
            "except ReportError as exc:\n"
            "    print(type(exc).__name__, exc)\n"
        )
        command = [sys.executable, "-c", script]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("root without setpriv: cannot drop privileges to test a read-only folder")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEANIX_")}
        env["HOME"] = str(folder)
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
        assert done.stdout.startswith(f"ReportError cannot write reports to {readonly}: "), done.stderr
        assert "not writable" in done.stdout and "--out" in done.stdout
        assert list(readonly.iterdir()) == []
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)
