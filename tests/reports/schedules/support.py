"""Helpers for the schedule tests: notebooks and schedules files in tmp_path, a recording fake runner."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nbformat

from kit.reports.errors import ReportFailed
from kit.reports.runner import RunRecord


def write_notebook(path: Path, *cells: str, parameters: str = "x: int = 1  # a number") -> Path:
    """A notebook whose first cell is tagged ``parameters``."""
    book = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    book.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, path)
    return path


def write_schedules(folder: Path, text: str) -> Path:
    path = folder / "schedules.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@dataclass
class FakeRunner:
    """Stands in for ``run_report``: writes a run folder with ``run.json`` as the runner would, and returns
    (or raises :class:`ReportFailed` with) a real :class:`RunRecord`. ``outcomes`` are used in turn:
    ``"ok"``, ``"fail"``, ``"alerts"`` or an exception instance to raise before any folder is written."""

    outcomes: list[Any]
    calls: list[dict[str, Any]] = field(default_factory=list)
    clock: datetime = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)

    def __call__(self, notebook: Path, parameters: Mapping[str, Any], **kwargs: Any) -> RunRecord:
        self.calls.append({"notebook": notebook, "parameters": dict(parameters), **kwargs})
        outcome = self.outcomes[min(len(self.calls), len(self.outcomes)) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        self.clock += timedelta(minutes=1)
        stamp = self.clock.strftime("%Y%m%dT%H%M%S%fZ")
        folder = Path(kwargs["out"]) / Path(notebook).stem / stamp
        folder.mkdir(parents=True)
        alerts = (
            [{"kind": "connector", "name": "sn", "message": "sn failed 9 of 29 runs"}]
            if outcome == "alerts"
            else []
        )
        error = {
            "ename": "ZeroDivisionError",
            "evalue": "division by zero",
            "cell_index": 1,
            "execution_count": 2,
        }
        record = RunRecord(
            notebook=Path(notebook).stem,
            parameters=dict(parameters),
            status="failed" if outcome == "fail" else "succeeded",
            started_at=self.clock.isoformat(timespec="seconds"),
            finished_at=(self.clock + timedelta(seconds=3)).isoformat(timespec="seconds"),
            duration_seconds=3.0,
            directory=folder,
            notebook_path=folder / Path(notebook).name,
            html_path=None,
            workspace="embedded sandbox",
            error=error if outcome == "fail" else None,
            alerts=alerts,
        )
        (folder / "run.json").write_text(json.dumps(record.to_dict()), encoding="utf-8")
        if outcome == "fail":
            raise ReportFailed(record)
        return record


def recording_sleep() -> tuple[list[float], Callable[[float], None]]:
    waits: list[float] = []
    return waits, waits.append
