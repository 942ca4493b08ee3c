"""The errors of headless reports: refused before a kernel starts, or failed while the notebook ran.

This module imports nothing heavy, so ``kit`` can export these classes without loading nbformat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.errors import LxkitError

if TYPE_CHECKING:
    from kit.reports.runner import RunRecord

__all__ = ["NotebookNotFound", "ParameterError", "ReportError", "ReportFailed"]


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
