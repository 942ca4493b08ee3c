"""Run one benchmark from this checkout and from a base revision in alternation, and compare them.

    python benchmarks/ab.py fetch --base d342b10 --rounds 3 [-- --size 100000]
    python benchmarks/ab.py preview --base d342b10 --rounds 3 [-- --items 100000 --no-preview]

The base revision is checked out into a temporary git worktree; each round runs the benchmark script of
the base tree, then the one of this tree, each in a fresh interpreter importing its own ``kit``, so both
see the same hour of this host (its speed varies by the hour). The result is the median and range of the
benchmark's headline figure on each side and their ratio, saved to ``benchmarks/results/ab-<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: benchmark -> (result file under benchmarks/results/, headline figure, higher is better)
HEADLINES = {
    "fetch": ("fetch.json", "rows_per_second", True),
    "preview": ("preview.json", "processor_evaluations_per_second", True),
}


def run_once(tree: Path, name: str, extra: list[str]) -> float:
    result_file, key, _ = HEADLINES[name]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, str(tree / "benchmarks" / f"{name}.py"), *extra],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return float(json.loads((tree / "benchmarks" / "results" / result_file).read_text())[key])


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(HEADLINES))
    parser.add_argument("--base", required=True, help="the revision to compare with (e.g. the last release)")
    parser.add_argument("--rounds", type=int, default=3)
    args, extra = parser.parse_known_args()  # the rest goes to the benchmark script
    args.extra = [a for a in extra if a != "--"]

    _, key, higher_is_better = HEADLINES[args.name]
    base_values: list[float] = []
    head_values: list[float] = []
    with tempfile.TemporaryDirectory(prefix="lxkit-ab-") as folder:
        base_tree = Path(folder) / "base"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(base_tree), args.base], cwd=ROOT, check=True
        )
        try:
            for round_ in range(1, args.rounds + 1):
                base_values.append(run_once(base_tree, args.name, args.extra))
                head_values.append(run_once(ROOT, args.name, args.extra))
                print(f"round {round_}: base {base_values[-1]:,.0f}, this tree {head_values[-1]:,.0f} {key}")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False)
    ratios = [h / b for h, b in zip(head_values, base_values, strict=True)]
    result = {
        "benchmark": f"ab-{args.name}",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "base": args.base,
        "head": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "figure": key,
        "higher_is_better": higher_is_better,
        "arguments": args.extra,
        "base_values": base_values,
        "head_values": head_values,
        "base_summary": summary(base_values),
        "head_summary": summary(head_values),
        "ratio_head_to_base": summary(ratios),
    }
    out = ROOT / "benchmarks" / "results" / f"ab-{args.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    r = result["ratio_head_to_base"]
    print(f"this tree / base: median {r['median']:.3f} (range {r['min']:.3f}-{r['max']:.3f}); saved to {out}")


if __name__ == "__main__":
    main()
