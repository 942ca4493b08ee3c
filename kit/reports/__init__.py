"""Headless notebook reports: papermill runs a notebook, nbconvert writes offline HTML, a run record stays.

``run_report("explore", {"types": ["Application"]}, out="reports")`` writes
``reports/explore/<UTC time>/{explore.ipynb, explore.html, run.json}`` (all or nothing) and appends a line to
``reports/runs.jsonl``. The same is ``lxkit report explore -p types '["Application"]'`` for cron or an
orchestrator (the exit code is 0 only when the notebook ran through).

The top layer: may import everything below it. The runner and the HTML export load nbformat and
jupyter_client (seconds), so they are imported on first use; the errors and the notebook finder load at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kit.reports.errors import NotebookNotFound, ParameterError, ReportError, ReportFailed
from kit.reports.notebooks import NOTEBOOK_DIR, find_notebook, list_notebooks, notebook_parameters

if TYPE_CHECKING:
    from kit.reports.html import export_html
    from kit.reports.runner import RunRecord, run_report

__all__ = [
    "NOTEBOOK_DIR",
    "NotebookNotFound",
    "ParameterError",
    "ReportError",
    "ReportFailed",
    "RunRecord",
    "export_html",
    "find_notebook",
    "list_notebooks",
    "notebook_parameters",
    "run_report",
]

_ON_FIRST_USE = {
    "export_html": "kit.reports.html",
    "RunRecord": "kit.reports.runner",
    "run_report": "kit.reports.runner",
}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'kit.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
