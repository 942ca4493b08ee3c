"""The error a snapshot raises, and what it tells the user to do about a damaged one."""

from __future__ import annotations

from kit.errors import LxkitError

_WHAT_TO_DO = "Write the snapshot again with ws.snapshot(...) or restore the folder from a backup."


class SnapshotError(LxkitError):
    """A snapshot folder is missing, damaged, altered or of an unknown format, or a target is refused."""
