"""What the benchmark ran on, with a speed reading: the same pure-Python workload timed in every result file.

This machine's speed varies from day to day (a shared host): the same commit measured 110,000 and 66,000
processor evaluations/s on two days. ``python_reference_seconds`` lets two result files be compared: divide
a figure by the ratio of their reference times.
"""

from __future__ import annotations

import os
import platform
import time
from typing import Any


def _reference_workload() -> int:
    """Dict and string work of the kind the engine and the frame builders do; fixed size."""
    table: dict[str, int] = {}
    total = 0
    for i in range(400_000):
        key = f"k{i % 5000}"
        table[key] = table.get(key, 0) + i
        total += len(key)
    return total + len(table)


def machine(**extra: Any) -> dict[str, Any]:
    """CPU count, Python, platform, and the best of five runs of the reference workload in seconds."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        _reference_workload()
        best = min(best, time.perf_counter() - start)
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "python_reference_seconds": round(best, 4),
        **extra,
    }
