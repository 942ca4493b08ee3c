"""What the metrics report does before it draws: find or grow the history it reads (docs/metrics.md §3).

On the embedded sandbox (no ``LEANIX_HOST`` configured) a missing history is built from the demo workspace as
it was on each date; on a real workspace ``take_snapshot`` saves today's state and the history holds whatever
earlier runs saved. Retention runs only after a snapshot was taken, so a report never deletes on a read.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from typing import Any

from kit.config import load_settings
from kit.metrics.history import History, build_demo_history, demo_dates
from kit.metrics.kpi import KpiError
from kit.metrics.table import KpiHistory

__all__ = ["HEADLINE", "headline", "open_history"]

log = logging.getLogger("kit.metrics")

HEADLINE = (
    "applications_past_end_of_life",
    "applications_ending_12_months",
    "it_components_past_end_of_life",
    "without_description",
    "without_responsible",
    "mean_completion",
    "fully_documented_applications",
    "stale",
    "broken_quality_seals",
)
"""The KPIs a trend grid shows first (the total of each), when the catalogue has them."""


def open_history(
    folder: str | os.PathLike[str],
    *,
    take_snapshot: bool = False,
    demo_months: int = 12,
    keep_daily: int = 0,
    keep_monthly: int = 24,
    say: Callable[[str], Any] = print,
) -> History:
    """The history in ``folder``, grown as asked; ``say`` reports each step in a sentence.

    - embedded sandbox: the demo workspace's snapshots for :func:`demo_dates` (``demo_months`` months up to
      the demo's reference date) that are missing are written (``take_snapshot`` adds nothing more there:
      the sandbox's today is the newest of those dates);
    - a configured workspace: ``take_snapshot`` saves it as today's snapshot (replacing one taken earlier
      today), then, when ``keep_daily`` > 0, :meth:`History.prune` applies the retention.
    An empty history with nothing to take raises :class:`KpiError` saying how to start one.
    """
    history = History(folder)
    if load_settings().host is None:
        from kit.sandbox import REFERENCE_DATE

        dates = demo_dates(REFERENCE_DATE, demo_months)
        missing = [d for d in dates if d not in set(history.dates)]
        if missing:
            say(
                f"Embedded sandbox: building {len(missing)} demo snapshot(s) of {folder} ({missing[0]} .. {missing[-1]})"
            )
            build_demo_history(folder, missing)
    elif take_snapshot:
        from kit.connection import connect

        today = dt.datetime.now(dt.UTC).date()
        path = history.take(connect(progress=False), today, overwrite=True)
        say(f"Snapshot of today ({today}) saved to {path}")
        if keep_daily > 0:
            removed = history.prune(keep_daily=keep_daily, keep_monthly=keep_monthly)
            if removed:
                say(f"Retention: removed {len(removed)} older snapshot(s), {removed[0]} .. {removed[-1]}")
    if not history.dates:
        raise KpiError(
            f"{folder} holds no dated snapshots yet. Run the report once with take_snapshot=True (headless: "
            "-p take_snapshot true), or point history at the folder your scheduled runs write."
        )
    return history


def headline(result: KpiHistory, limit: int = 9) -> list[str]:
    """The KPIs of :data:`HEADLINE` the result holds (then others, in catalogue order), at most ``limit``."""
    names = list(dict.fromkeys(result.values["kpi"].astype(str)))
    first = [n for n in HEADLINE if n in names]
    return (first + [n for n in names if n not in first])[:limit]
