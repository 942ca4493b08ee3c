"""Snapshot benchmark: ``ws.snapshot(path)`` against the fact sheet fetch of the same workspace.

For each size a sandbox runs in its own process; each round fetches every type's fact sheets
(``ws.factsheets(t, include_archived=True)``) and then writes a snapshot of the whole workspace, so both see
the same minute of this host. Reported per size: both times, their ratio (median and range over the rounds;
target: at most 2x), the GraphQL requests each made and the host's load averages before and after (other
work on the host slows both, not always alike).

Run: ``.venv/bin/python benchmarks/snapshot.py [--sizes 10000 50000] [--rounds 3]``; results go to
benchmarks/results/snapshot.json. ``--base REV`` measures that revision's kit first (its files taken with
``git archive`` into a temporary folder, the repository untouched), then this tree's, and saves both with
the ratio of their medians in benchmarks/results/ab-snapshot.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _kit_tree() -> Path:
    """The tree whose ``kit`` is measured: ``--kit-tree`` (a base revision's files) or this checkout."""
    if "--kit-tree" in sys.argv:
        return Path(sys.argv[sys.argv.index("--kit-tree") + 1]).resolve()
    return ROOT


KIT_TREE = _kit_tree()
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(KIT_TREE))  # first: its kit wins over this checkout's

import pandas as pd  # noqa: E402
import requests  # noqa: E402

from benchmarks.machine import machine  # noqa: E402
from kit.client import LeanIXClient  # noqa: E402
from kit.config import Secret  # noqa: E402
from kit.sandbox import SANDBOX_TOKEN  # noqa: E402
from kit.workspace import Workspace  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
GRAPHQL = "/services/pathfinder/v1/graphql"


def start_sandbox(size: int) -> tuple[subprocess.Popen, str]:
    """A sandbox of ``size`` fact sheets served by the measured tree's kit, in its own process."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kit", "sandbox", "serve", "--size", str(size), "--port", str(port)],
        cwd=KIT_TREE,
        env={**os.environ, "PYTHONPATH": str(KIT_TREE)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            requests.post(url + "/services/mtm/v1/oauth2/token", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("sandbox did not start")


class GraphQLCount:
    """Counts the GraphQL requests a session sends."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        if response.request.url.endswith(GRAPHQL):
            self.requests += 1
        return response


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def _load() -> list[float] | None:
    """The host's 1, 5 and 15 minute load averages (other work running beside the benchmark)."""
    return [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None


def measure(size: int, rounds: int, page_size: int) -> dict[str, Any]:
    print(f"starting a sandbox with {size:,} fact sheets in its own process ...", flush=True)
    load_before = _load()
    process, url = start_sandbox(size)
    try:
        session = requests.Session()
        counter = GraphQLCount()
        session.hooks["response"].append(counter)
        client = LeanIXClient(url, Secret(SANDBOX_TOKEN), session=session)
        ws = Workspace(client, page_size=page_size, progress=False)
        types = ws.types()  # the meta model is read once, before anything is timed
        fetch_s: list[float] = []
        snapshot_s: list[float] = []
        rows = fetch_requests = snapshot_requests = 0
        with tempfile.TemporaryDirectory(prefix="lxkit-bench-snapshot-") as folder:
            for round_ in range(1, rounds + 1):
                counter.requests = 0
                started = time.perf_counter()
                frames = [ws.factsheets(t, include_archived=True) for t in types]
                fetch_s.append(time.perf_counter() - started)
                rows, fetch_requests = sum(len(f) for f in frames), counter.requests
                del frames
                counter.requests = 0
                target = Path(folder) / f"snap-{round_}"
                started = time.perf_counter()
                ws.snapshot(target)
                snapshot_s.append(time.perf_counter() - started)
                snapshot_requests = counter.requests
                shutil.rmtree(target)
                print(
                    f"  round {round_}: fetch {fetch_s[-1]:.2f} s, snapshot {snapshot_s[-1]:.2f} s, "
                    f"ratio {snapshot_s[-1] / fetch_s[-1]:.2f}",
                    flush=True,
                )
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "size": size,
        "fact_sheets": rows,
        "types": len(types),
        "fetch_seconds": summary(fetch_s),
        "snapshot_seconds": summary(snapshot_s),
        "ratio_snapshot_to_fetch": summary([s / f for s, f in zip(snapshot_s, fetch_s, strict=True)]),
        "graphql_requests": {"fetch": fetch_requests, "snapshot": snapshot_requests},
        "load_average_before_after": [load_before, _load()],
        "rounds": {
            "fetch_seconds": [round(v, 3) for v in fetch_s],
            "snapshot_seconds": [round(v, 3) for v in snapshot_s],
        },
    }


def run_base(base: str, argv: list[str]) -> dict[str, Any]:
    """This script with the kit of revision ``base`` (exported with ``git archive``); returns its results."""
    with tempfile.TemporaryDirectory(prefix="lxkit-bench-base-") as folder:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", base], cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        out = Path(folder) / "result.json"
        subprocess.run(
            [sys.executable, __file__, "--kit-tree", folder, "--out", str(out), *argv], cwd=ROOT, check=True
        )
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--base", help="also measure this revision's kit first (e.g. cca580f)")
    parser.add_argument("--kit-tree", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    argv = [
        "--sizes",
        *map(str, args.sizes),
        "--rounds",
        str(args.rounds),
        "--page-size",
        str(args.page_size),
    ]

    base = None
    if args.base:
        print(f"-- revision {args.base}", flush=True)
        base = run_base(args.base, argv)
        print("-- this tree", flush=True)
    results = {
        "benchmark": "snapshot",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(pandas=pd.__version__),
        "kit_tree": "this checkout" if KIT_TREE == ROOT else "base revision",
        "page_size": args.page_size,
        "sizes": [measure(size, args.rounds, args.page_size) for size in args.sizes],
        "targets": {"ratio_snapshot_to_fetch": "<= 2"},
    }
    for entry in results["sizes"]:
        r = entry["ratio_snapshot_to_fetch"]
        print(
            f"{entry['fact_sheets']:,} fact sheets: snapshot / fetch median {r['median']:.2f} "
            f"(range {r['min']:.2f}-{r['max']:.2f}); GraphQL requests {entry['graphql_requests']}"
        )
    if args.out:  # a base run for --base
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
        return
    out = RESULTS / "snapshot.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results saved to {out.relative_to(ROOT)}")
    if base is not None:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        ab = {
            "benchmark": "ab-snapshot",
            "date": results["date"],
            "base": args.base,
            "head": head.stdout.strip() + " + working tree",
            "figure": "snapshot_seconds (median) and ratio_snapshot_to_fetch",
            "base_results": base,
            "head_results": results,
            "snapshot_speedup_base_to_head": {
                str(b["size"]): round(b["snapshot_seconds"]["median"] / h["snapshot_seconds"]["median"], 2)
                for b, h in zip(base["sizes"], results["sizes"], strict=True)
            },
        }
        out = RESULTS / "ab-snapshot.json"
        out.write_text(json.dumps(ab, indent=2) + "\n")
        print(
            f"A/B saved to {out.relative_to(ROOT)}: base/head snapshot time {ab['snapshot_speedup_base_to_head']}"
        )


if __name__ == "__main__":
    main()
