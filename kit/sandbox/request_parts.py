"""Reading a request's parts for the endpoint handlers: query parameters, form and JSON bodies.

Each reader raises :class:`~kit.sandbox.errors.ApiError` (400) with the message a client should see.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from kit.sandbox.errors import ApiError

__all__ = ["Query", "flag", "form", "int_param", "json_body", "param"]

#: a parsed query string (``urllib.parse.parse_qs``): each name with all its values
Query = dict[str, list[str]]


def param(query: Query, name: str, default: str | None = None) -> str | None:
    """The last value of query parameter ``name``, or ``default``."""
    values = query.get(name)
    return values[-1] if values else default


def int_param(query: Query, name: str, default: int) -> int:
    """Query parameter ``name`` as an integer (``default`` when absent)."""
    value = param(query, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ApiError(
            400, {"errors": [f"Query parameter '{name}' must be an integer, got {value!r}."]}
        ) from None


def flag(query: Query, name: str) -> bool:
    """Query parameter ``name`` is ``true`` (any case)."""
    return str(param(query, name, "false")).lower() == "true"


def form(body: bytes) -> dict[str, str]:
    """A form-encoded body as a dict (the last value of each name)."""
    return dict(parse_qsl(body.decode("utf-8", "replace")))


def json_body(body: bytes) -> Any:
    """A JSON body (None when empty)."""
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise ApiError(400, {"errors": [f"Request body is not valid JSON: {exc}"]}) from None
