"""Headless notebook reports: papermill runs a notebook, nbconvert writes offline HTML, a run record stays.

``run_report("explore", {"types": ["Application"]}, out="reports")`` writes
``reports/explore/<UTC time>/{explore.ipynb, explore.html, run.json}`` (all or nothing) and appends a line to
``reports/runs.jsonl``. The same is ``lxkit report explore -p types '["Application"]'`` for cron or an
orchestrator (the exit code is 0 only when the notebook ran through).
"""

from __future__ import annotations

from kit.reports.html import export_html
from kit.reports.notebooks import NOTEBOOK_DIR, find_notebook, list_notebooks, notebook_parameters
from kit.reports.runner import ReportError, RunRecord, run_report

__all__ = [
    "NOTEBOOK_DIR",
    "ReportError",
    "RunRecord",
    "export_html",
    "find_notebook",
    "list_notebooks",
    "notebook_parameters",
    "run_report",
]
