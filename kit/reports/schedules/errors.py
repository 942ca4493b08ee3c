"""The one error of schedules: a schedules file, its state or the crontab cannot be used as they are.

Kept apart from the other modules so the command line can catch it without importing them.
"""

from __future__ import annotations

from kit.errors import LxkitError

__all__ = ["ScheduleError"]


class ScheduleError(LxkitError):
    """A schedules file that is invalid (file, line, column and key named), an unknown schedule, a corrupt
    state file, or a crontab that cannot be read or written; the message says what to do."""
