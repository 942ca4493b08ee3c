"""The root of every error lxkit raises on purpose.

Each subsystem subclasses :class:`LxkitError` (client, config, integration engine, reports), so a caller can
catch everything the kit reports with one ``except`` while the message still says what went wrong, where,
and what to do about it.
"""

from __future__ import annotations

__all__ = ["LxkitError"]


class LxkitError(Exception):
    """Base class of all errors the kit raises on purpose; the message is written for people."""
