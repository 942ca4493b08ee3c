"""One exception class per outcome of a call to LeanIX, each with a message written for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kit.client._excerpt import excerpt
from kit.errors import LxkitError

__all__ = [
    "AuthenticationError",
    "BadRequest",
    "ConnectionFailed",
    "FieldPermissionError",
    "GraphQLError",
    "LeanIXError",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "TLSError",
    "error_for_status",
]


class LeanIXError(LxkitError):
    """A call to LeanIX failed. ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class AuthenticationError(LeanIXError):
    """The API token was rejected, or a fresh access token was rejected again (HTTP 401)."""


class PermissionDenied(LeanIXError):
    """The token's user may not do this (HTTP 403)."""


class NotFound(LeanIXError):
    """No such endpoint or object (HTTP 404)."""


class BadRequest(LeanIXError):
    """LeanIX refused the request as malformed (HTTP 400 or 422)."""


class RateLimited(LeanIXError):
    """Still rate limited (HTTP 429) after the retries were used up."""


class ServerError(LeanIXError):
    """LeanIX answered with a server error (HTTP 5xx) after the retries were used up."""


class ConnectionFailed(LeanIXError):
    """The host could not be reached, or kept dropping the connection."""


class TLSError(ConnectionFailed):
    """The TLS connection could not be set up: an untrusted certificate, one for another host name, or a
    server that does not speak TLS. Never retried (retrying cannot fix a certificate). ``host`` and
    ``cause`` say where and why."""

    def __init__(self, message: str, *, url: str | None = None, host: str = "", cause: str = "") -> None:
        super().__init__(message, url=url)
        self.host = host
        self.cause = cause


class InconsistentRead(LeanIXError):
    """Fact sheets kept changing while a type was read page by page, on every re-read (pages are not
    snapshots). ``type``, ``kind`` (fact sheets, relations, tags …) and ``problems`` (one per attempt)."""

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        kind: str = "fact sheets",
        problems: Sequence[str] = (),
    ) -> None:  # noqa: A002
        super().__init__(message)
        self.type = type
        self.kind = kind
        self.problems = list(problems)


class GraphQLError(LeanIXError):
    """A GraphQL answer carried ``errors[]`` (LeanIX answers HTTP 200 even then)."""

    def __init__(self, errors: Sequence[Mapping[str, Any]], operation_name: str | None = None) -> None:
        self.errors = [dict(e) for e in errors]
        self.operation_name = operation_name
        super().__init__(self._describe())

    @property
    def messages(self) -> list[str]:
        return [str(e.get("message", "")) for e in self.errors]

    @property
    def locations(self) -> list[list[dict]]:
        return [list(e.get("locations") or []) for e in self.errors]

    @property
    def paths(self) -> list[list]:
        return [list(e.get("path") or []) for e in self.errors]

    def _describe(self) -> str:
        where = f" in operation {self.operation_name!r}" if self.operation_name else ""
        lines = [f"GraphQL request{where} failed with {len(self.errors)} error(s):"]
        for error in self.errors:
            detail = []
            for loc in error.get("locations") or []:
                detail.append(f"line {loc.get('line')}, column {loc.get('column')}")
            if error.get("path"):
                detail.append("path " + ".".join(str(p) for p in error["path"]))
            suffix = f" ({'; '.join(detail)})" if detail else ""
            lines.append(f"  - {error.get('message')}{suffix}")
        return "\n".join(lines)


class FieldPermissionError(GraphQLError):
    """The token's user may not read some fields: ``No permission: fact_sheet_fields:read:<type>:<field>``."""

    PREFIX = "No permission: fact_sheet_fields:read:"

    @property
    def denied_fields(self) -> list[tuple[str, str]]:
        """``(fact sheet type in lower case, field name)`` for each denied field."""
        found = []
        for message in self.messages:
            if message.startswith(self.PREFIX):
                type_, _, field = message[len(self.PREFIX) :].partition(":")
                found.append((type_, field))
        return found

    def _describe(self) -> str:
        fields = ", ".join(f"{t}.{f}" for t, f in self.denied_fields)
        return (
            f"{super()._describe()}\nThe token's user may not read: {fields}. Ask an admin for read access, "
            "or leave these fields out (ws.factsheets(..., on_denied='drop') drops them with a warning)."
        )

    @classmethod
    def matches(cls, errors: Sequence[Mapping[str, Any]]) -> bool:
        return bool(errors) and all(str(e.get("message", "")).startswith(cls.PREFIX) for e in errors)


_BY_STATUS: dict[int, type[LeanIXError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    422: BadRequest,
    429: RateLimited,
}

_ADVICE: dict[type[LeanIXError], str] = {
    BadRequest: "Check the request body and parameters against the API reference.",
    AuthenticationError: "Check LEANIX_API_TOKEN (it may be wrong, expired or for another instance).",
    PermissionDenied: "The technical user needs a role that allows this (Administration → Technical Users).",
    NotFound: "Check the id or path; the object may have been deleted.",
    RateLimited: "LeanIX allows 1,800 requests per minute per user; wait a minute or lower the request rate.",
    ServerError: "LeanIX had a server error; try again later.",
}


def error_for_status(
    status: int,
    method: str,
    url: str,
    body: str | bytes,
    *,
    secrets: Iterable[str] = (),
    encoding: str | None = None,
) -> LeanIXError:
    """The exception for an unsuccessful HTTP answer.

    It quotes at most :data:`~kit.client._excerpt.LIMIT` characters of the body: its readable text (no
    markup or control characters), with ``secrets`` and anything that looks like a credential redacted.
    """
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else LeanIXError)
    snippet = excerpt(body, secrets, encoding=encoding)
    message = f"{method} {url} answered HTTP {status}"
    if snippet:
        message += f": {snippet}"
    advice = _ADVICE.get(cls)
    if advice:
        message += f". {advice}"
    return cls(message, status=status, url=url)
