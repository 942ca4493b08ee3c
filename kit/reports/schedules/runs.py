"""A schedule's past runs as its folder holds them, and retention, which deletes the old ones.

Each schedule runs its notebook with ``run_report(out=<out>/<name>)``, so its runs are
``<out>/<name>/<notebook>/<UTC time>/`` folders, each with the runner's ``run.json``; beside it the schedule
writes ``schedule.json`` (``{"format": 1, "schedule", "attempt", "attempts", "slot"}``): which attempt of
which run this folder is (every attempt keeps its own folder, failed ones too). Only folders holding a
readable ``run.json`` count as runs: hidden ``.partial`` folders of a run in progress or killed, symbolic
links, stray files and folders are never listed and never deleted.

Retention (``keep_runs``, ``keep_days``; 0: no limit) is applied after every run of the schedule: a run is
kept when it is among the newest ``keep_runs`` *and* started less than ``keep_days`` days ago; the newest
run is always kept. ``<out>/<name>/runs.jsonl``, the runner's one-line-per-run log, is not pruned: it is the
complete history (a few hundred bytes a run), and the runner appends to it without a lock.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kit.reports.schedules.spec import Retention

__all__ = ["SCHEDULE_FILE", "Run", "prune", "read_runs", "write_schedule_file"]

RUN_FILE = "run.json"
SCHEDULE_FILE = "schedule.json"


@dataclass(frozen=True)
class Run:
    """One run folder: its ``run.json`` (as a dict), when it started, and its ``schedule.json`` if any."""

    folder: Path
    record: dict[str, Any]
    started: datetime
    schedule: dict[str, Any] = field(default_factory=dict)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def read_runs(runs_folder: Path) -> list[Run]:
    """The runs under ``runs_folder`` (``<out>/<name>``), newest first."""
    runs: list[Run] = []
    if not runs_folder.is_dir():
        return runs
    for notebook in runs_folder.iterdir():
        if notebook.name.startswith(".") or notebook.is_symlink() or not notebook.is_dir():
            continue
        for folder in notebook.iterdir():
            if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
                continue
            record = _read_json(folder / RUN_FILE)
            if not isinstance(record, dict):
                continue
            try:
                started = datetime.fromisoformat(str(record.get("started_at")))
            except ValueError:
                continue
            started = started if started.tzinfo else started.replace(tzinfo=UTC)
            extra = _read_json(folder / SCHEDULE_FILE)
            runs.append(
                Run(folder, record, started.astimezone(UTC), extra if isinstance(extra, dict) else {})
            )
    runs.sort(key=lambda run: (run.started, run.folder.name), reverse=True)
    return runs


def prune(runs_folder: Path, retention: Retention, now: datetime | None = None) -> list[Path]:
    """Delete the runs ``retention`` does not keep (never the newest); the folders deleted."""
    if not retention.keep_runs and not retention.keep_days:
        return []
    moment = now or datetime.now(UTC)
    oldest = moment - timedelta(days=retention.keep_days) if retention.keep_days else None
    removed: list[Path] = []
    for position, run in enumerate(read_runs(runs_folder)):
        if position == 0:
            continue
        too_many = bool(retention.keep_runs) and position >= retention.keep_runs
        too_old = oldest is not None and run.started < oldest
        if too_many or too_old:
            shutil.rmtree(run.folder)
            removed.append(run.folder)
    return removed


def write_schedule_file(folder: Path, name: str, attempt: int, attempts: int, slot: datetime) -> None:
    """``schedule.json`` into a run folder (a folder that vanished meanwhile is left alone)."""
    data = {"format": 1, "schedule": name, "attempt": attempt, "attempts": attempts, "slot": slot.isoformat()}
    with contextlib.suppress(FileNotFoundError):
        (folder / SCHEDULE_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
