"""Where to connect and with what credentials.

Settings come from the environment, then from a ``.env`` file (environment wins). The API token is kept in a
:class:`Secret`, whose repr and str never show it; it is only unwrapped at the moment the token exchange
sends it. With no ``LEANIX_HOST`` configured the kit uses the embedded sandbox (see :func:`kit.connect`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from kit.errors import LxkitError

__all__ = ["ConfigError", "Secret", "Settings", "load_settings", "normalize_host"]

HOST_VAR = "LEANIX_HOST"
TOKEN_VAR = "LEANIX_API_TOKEN"
WORKSPACE_VAR = "LEANIX_WORKSPACE"

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class ConfigError(LxkitError):
    """The configuration cannot be used as it is; the message says which setting and how to fix it."""


class Secret:
    """A string that does not show itself: repr, str and format all mask it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call only where it is sent, never to print or store it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self):  # pragma: no cover - pickling a secret is always a mistake
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings. ``host`` is a base URL such as ``https://acme.leanix.net``."""

    host: str | None
    token: Secret | None
    workspace: str | None = None

    @property
    def uses_sandbox(self) -> bool:
        return self.host is None


def normalize_host(value: str) -> str:
    """Turn ``acme.leanix.net`` or ``https://acme.leanix.net/Workspace`` into ``https://acme.leanix.net``.

    Plain ``http://`` is accepted only for loopback addresses (a local sandbox); a real workspace must be
    reached over https so the token is never sent in clear text.
    """
    raw = value.strip()
    hint = "Set LEANIX_HOST to your instance, e.g. 'acme.leanix.net' or 'https://acme.leanix.net'."
    if not raw:
        raise ConfigError(f"LEANIX_HOST is empty. {hint}")
    text = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"LEANIX_HOST {raw!r} is not a valid host ({exc}). {hint}") from None
    if parts.scheme not in ("https", "http"):
        raise ConfigError(
            f"LEANIX_HOST {raw!r} uses scheme {parts.scheme!r}; only https is supported. {hint}"
        )
    hostname = parts.hostname or ""
    if not hostname or not _valid_hostname(hostname):
        raise ConfigError(f"LEANIX_HOST {raw!r} does not name a valid host. {hint}")
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError(
            f"LEANIX_HOST {raw!r} uses plain http; the API token must only travel over https. "
            "Use 'https://…' (plain http is allowed for a local sandbox on 127.0.0.1 or ::1 only)."
        )
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


def _valid_hostname(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
        return True
    except ValueError:
        pass
    return all(_LABEL.match(label) for label in hostname.rstrip(".").split("."))


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: str | os.PathLike | None = ".env"
) -> Settings:
    """Read ``LEANIX_HOST``, ``LEANIX_API_TOKEN`` and ``LEANIX_WORKSPACE``.

    ``env`` defaults to ``os.environ``; values there win over the ``.env`` file. A host without a token is
    an error (there is nothing to authenticate with); a token without a host is ignored with the sandbox.
    """
    values: dict[str, str] = {}
    if dotenv is not None and Path(dotenv).is_file():
        values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    values.update({k: v for k, v in (os.environ if env is None else env).items() if k.startswith("LEANIX_")})
    host_value = values.get(HOST_VAR, "").strip()
    token_value = values.get(TOKEN_VAR, "").strip()
    workspace = values.get(WORKSPACE_VAR, "").strip() or None
    if not host_value:
        return Settings(host=None, token=None, workspace=workspace)
    host = normalize_host(host_value)
    if not token_value:
        raise ConfigError(
            f"LEANIX_HOST is set to {host} but LEANIX_API_TOKEN is missing. Create a technical user's API "
            "token (Administration → Technical Users) and put LEANIX_API_TOKEN=… in the environment or in a "
            ".env file next to your notebooks; never pass it as a notebook parameter."
        )
    return Settings(host=host, token=Secret(token_value), workspace=workspace)
