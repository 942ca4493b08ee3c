"""The errors of headless reports: refused before a kernel starts, or failed while the notebook ran.

This module imports nothing heavy, so ``kit`` can export these classes without loading nbformat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError

if TYPE_CHECKING:
    from kit.reports.runner import RunRecord

__all__ = ["NotebookNotFound", "ParameterError", "ReportAlerted", "ReportError", "ReportFailed"]

_SHOWN = 5  # alert messages quoted in ReportAlerted; the record has them all


class ReportError(LxkitError):
    """The report cannot start: a parameter or the output folder is refused, or the notebook is missing."""


class ParameterError(ReportError):
    """A parameter's name or value, or a parameters file, is refused; the message names which and where."""


class NotebookNotFound(LxkitError):
    """No notebook of that name or path."""


class ReportFailed(LxkitError):
    """The notebook raised; ``record`` says where, and its files are kept for inspection."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        error = record.error or {}
        count = error.get("execution_count")
        where = f"at In [{count}]" if count is not None else "after the notebook ran"
        super().__init__(
            f"report {record.notebook!r} failed {where}: {error.get('ename')}: {error.get('evalue')}. "
            f"The executed notebook is {record.notebook_path}; the run record is {record.directory / 'run.json'}."
        )


class ReportAlerted(LxkitError):
    """The report ran through but raised alerts, and the caller asked to fail on them; ``record`` has them."""

    def __init__(self, record: RunRecord, alerts: list[dict[str, Any]]) -> None:
        self.record = record
        self.alerts = alerts
        messages = "; ".join(str(alert.get("message")) for alert in alerts[:_SHOWN])
        more = f" (and {len(alerts) - _SHOWN} more)" if len(alerts) > _SHOWN else ""
        super().__init__(
            f"report {record.notebook!r} ran through with {len(alerts)} alert(s), and failing on alerts was "
            f"asked for: {messages}{more}. The report is {record.html_path or record.notebook_path}; the run "
            f"record is {record.directory / 'run.json'}."
        )
