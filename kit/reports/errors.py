"""Errors of the report runner that are raised before a kernel starts."""

from __future__ import annotations

from kit.errors import LxkitError

__all__ = ["ParameterError", "ReportError"]


class ReportError(LxkitError):
    """The report cannot start: a parameter or the output folder is refused, or the notebook is missing."""


class ParameterError(ReportError):
    """A parameter's name or value, or a parameters file, is refused; the message names which and where."""
