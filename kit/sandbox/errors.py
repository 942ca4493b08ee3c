"""The sandbox's two errors: :class:`SandboxError` for its caller, :class:`ApiError` for an HTTP client."""

from __future__ import annotations

from kit.errors import LxkitError

__all__ = ["ApiError", "SandboxError"]


class SandboxError(LxkitError):
    """A sandbox setting is out of range, or the server cannot start (host not loopback, port in use)."""


class ApiError(Exception):
    """An error answer: an endpoint handler raises it, the server sends ``status`` with the JSON ``body``.

    Never leaves the server (it is how a handler answers 4xx), so it is not an :class:`~kit.errors.LxkitError`.
    """

    def __init__(self, status: int, body: object) -> None:
        super().__init__(status, body)
        self.status, self.body = status, body
