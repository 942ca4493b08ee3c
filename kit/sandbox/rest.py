"""Pathfinder REST and MTM user endpoints of the sandbox (the ones public clients call).

See ``docs/sandbox.md`` §4 for the contract. :data:`ROUTES` is added to the server's route table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ROUTES"]

ROUTES: list[tuple[str, str, bool, Callable[..., Any]]] = []
"""(method, path pattern, needs auth, handler(sandbox, query, body, headers, **path_groups))."""
