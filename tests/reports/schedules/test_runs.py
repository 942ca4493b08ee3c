"""Run folders and retention: keep_runs and keep_days, never the newest, never a folder without run.json."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kit.reports.schedules.runs import prune, read_runs
from kit.reports.schedules.spec import Retention

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def make_run(root: Path, days_ago: float, notebook: str = "nb") -> Path:
    started = NOW - timedelta(days=days_ago)
    folder = root / notebook / started.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True)
    record = {"status": "succeeded", "started_at": started.isoformat(timespec="seconds")}
    (folder / "run.json").write_text(json.dumps(record))
    return folder


@pytest.fixture
def runs(tmp_path):
    """Six runs, 1, 5, 9, 11, 30 and 60 days old (the 30-day one of another notebook)."""
    root = tmp_path / "reports" / "weekly"
    ages = {1: "nb", 5: "nb", 9: "nb", 11: "nb", 30: "other", 60: "nb"}
    return root, {age: make_run(root, age, notebook) for age, notebook in ages.items()}


def kept(root: Path) -> set[Path]:
    return {run.folder for run in read_runs(root)}


def test_runs_are_listed_newest_first_across_notebooks(runs):
    root, made = runs
    assert [run.folder for run in read_runs(root)] == [made[a] for a in (1, 5, 9, 11, 30, 60)]


@pytest.mark.parametrize(
    ("retention", "kept_ages"),
    [
        (Retention(keep_runs=3), {1, 5, 9}),
        (Retention(keep_days=10), {1, 5, 9}),
        (Retention(keep_days=31), {1, 5, 9, 11, 30}),
        (Retention(keep_runs=2, keep_days=10), {1, 5}),
        (Retention(keep_runs=5, keep_days=6), {1, 5}),
        (Retention(keep_runs=1), {1}),
        (Retention(), {1, 5, 9, 11, 30, 60}),  # 0 and 0: no limit
    ],
)
def test_retention_keeps_the_newest_runs_and_the_young_ones(runs, retention, kept_ages):
    root, made = runs
    removed = prune(root, retention, NOW)
    assert kept(root) == {made[a] for a in kept_ages}
    assert set(removed) == {made[a] for a in made if a not in kept_ages}
    assert all(not folder.exists() for folder in removed)


def test_the_newest_run_is_kept_however_old(tmp_path):
    root = tmp_path / "weekly"
    newest, older = make_run(root, 40), make_run(root, 50)
    assert prune(root, Retention(keep_days=7), NOW) == [older]
    assert newest.is_dir()


def test_folders_that_are_not_runs_are_never_deleted(runs, tmp_path):
    root, made = runs
    partial = root / "nb" / ".20261001T000000000000Z.partial"
    partial.mkdir()
    no_record = root / "nb" / "20261001T000000000000Z"
    no_record.mkdir()
    (no_record / "notes.txt").write_text("mine")
    corrupt = root / "nb" / "20261002T000000000000Z"
    corrupt.mkdir()
    (corrupt / "run.json").write_text("{not json")
    outside = make_run(tmp_path / "elsewhere", 90)
    os.symlink(outside, root / "nb" / "20261003T000000000000Z")
    prune(root, Retention(keep_runs=1), NOW)
    assert kept(root) == {made[1]}
    for survivor in (partial, no_record / "notes.txt", corrupt / "run.json", outside / "run.json"):
        assert survivor.exists(), survivor
