"""Where to connect and with what credentials.

Settings come from the environment, then from a ``.env`` file (environment wins). The API token is kept in a
:class:`Secret`, whose repr and str never show it; it is only unwrapped at the moment the token exchange
sends it. With no ``LEANIX_HOST`` configured the kit uses the embedded sandbox (see :func:`kit.connect`).
"""

from __future__ import annotations

import io
import ipaddress
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from dotenv import dotenv_values

from kit.errors import LxkitError
from kit.utf8 import NotUtf8, decode_utf8

__all__ = [
    "ConfigError",
    "Secret",
    "Settings",
    "check_token",
    "load_settings",
    "normalize_host",
    "read_dotenv",
]

HOST_VAR = "LEANIX_HOST"
TOKEN_VAR = "LEANIX_API_TOKEN"
WORKSPACE_VAR = "LEANIX_WORKSPACE"

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
#: a .env file larger than this is not a settings file (and is not read into memory)
DOTENV_MAX_BYTES = 1 << 20

log = logging.getLogger("kit.config")


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

    def __reduce__(self) -> NoReturn:  # pragma: no cover - pickling a secret is always a mistake
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
    shown = _shown_host(raw)
    odd = next((i for i, c in enumerate(raw) if unicodedata.category(c)[0] == "C"), None)
    if odd is not None:
        raise ConfigError(
            f"LEANIX_HOST {shown} contains a control or invisible character at position {odd + 1}. {hint}"
        )
    text = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"LEANIX_HOST {shown} is not a valid host ({exc}). {hint}") from None
    if parts.scheme not in ("https", "http"):
        raise ConfigError(
            f"LEANIX_HOST {shown} uses scheme {parts.scheme!r}; only https is supported. {hint}"
        )
    if "@" in parts.netloc:
        raise ConfigError(
            f"LEANIX_HOST {shown} holds a user name or password before '@'. Put only the host in LEANIX_HOST; "
            "the API token goes in LEANIX_API_TOKEN."
        )
    hostname = parts.hostname or ""
    if not hostname or not _valid_hostname(hostname):
        raise ConfigError(f"LEANIX_HOST {shown} does not name a valid host. {hint}")
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(f"LEANIX_HOST {shown} has port {port}; a port is 1 to 65535. {hint}")
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError(
            f"LEANIX_HOST {shown} uses plain http; the API token must only travel over https. "
            "Use 'https://…' (plain http is allowed for a local sandbox on 127.0.0.1 or ::1 only)."
        )
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


def _shown_host(raw: str) -> str:
    """The host value for a message: quoted and escaped, without anything before an '@', shortened."""
    scheme, sep, rest = raw.rpartition("://")
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "…@" + netloc.rpartition("@")[2]
    shown = f"{scheme}{sep}{netloc}{slash}{path}"
    return repr(shown if len(shown) <= 80 else shown[:79] + "…")


def check_token(value: str) -> None:
    """Raise :class:`ConfigError` when ``value`` cannot be an API token; the message never quotes it.

    The token travels in an HTTP header (base64 of ``apitoken:<token>``, encoded as Latin-1 by requests),
    and LeanIX's tokens are printable ASCII: whitespace, control characters or other letters inside come
    from copying it wrongly.
    """
    fix = "Copy the token again (Administration → Technical Users) into LEANIX_API_TOKEN."
    if not value:
        raise ConfigError(f"LEANIX_API_TOKEN is empty. {fix}")
    for position, char in enumerate(value, 1):
        if " " < char < "\x7f":
            continue
        if ord(char) > 0xFF:
            what = "a character that cannot be sent in an HTTP header (it is not Latin-1)"
        elif char.isspace():
            what = "whitespace"
        elif unicodedata.category(char)[0] == "C":
            what = "a control character"
        else:
            what = "a non-ASCII character"
        raise ConfigError(
            f"LEANIX_API_TOKEN holds {what} at position {position} of {len(value)}; an API token is "
            f"printable ASCII only. {fix}"
        )
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        raise ConfigError(f"LEANIX_API_TOKEN is wrapped in quotes; remove them. {fix}")


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
    if dotenv is not None:
        values.update(read_dotenv(dotenv))
    values.update({k: v for k, v in (os.environ if env is None else env).items() if k.startswith("LEANIX_")})
    host_value = values.get(HOST_VAR, "").strip()
    token_value = values.get(TOKEN_VAR, "").strip()
    workspace = values.get(WORKSPACE_VAR, "").strip() or None
    if not host_value:
        return Settings(host=None, token=None, workspace=workspace)
    if token_value and len(token_value) >= 4 and token_value in host_value:
        raise ConfigError(
            "LEANIX_HOST holds the API token (are LEANIX_HOST and LEANIX_API_TOKEN swapped?). LEANIX_HOST is "
            "your instance, e.g. 'acme.leanix.net'; the token goes in LEANIX_API_TOKEN only."
        )
    host = normalize_host(host_value)
    if TOKEN_VAR in values and not token_value:
        raise ConfigError(
            f"LEANIX_HOST is set to {host} but LEANIX_API_TOKEN is empty. Put a technical user's API token "
            "(Administration → Technical Users) in LEANIX_API_TOKEN, in the environment or in a .env file."
        )
    if not token_value:
        raise ConfigError(
            f"LEANIX_HOST is set to {host} but LEANIX_API_TOKEN is missing. Create a technical user's API "
            "token (Administration → Technical Users) and put LEANIX_API_TOKEN=… in the environment or in a "
            ".env file next to your notebooks; never pass it as a notebook parameter."
        )
    check_token(token_value)
    return Settings(host=host, token=Secret(token_value), workspace=workspace)


def read_dotenv(path: str | os.PathLike) -> dict[str, str]:
    """The settings in a ``.env`` file; {} when there is none.

    A folder named ``.env`` is skipped (a common name for a virtual environment). Anything else that is
    not a regular file (a named pipe, a device) is refused before it is opened, so reading never blocks;
    so is a file that is not UTF-8 text, with the line and byte where decoding failed.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        reason = "the path contains a NUL character" if isinstance(exc, ValueError) else exc.strerror
        raise ConfigError(f"Cannot read the settings file {name!r}: {reason}.") from None
    if stat.S_ISDIR(info.st_mode):
        log.debug("%s is a folder, not a settings file; ignored", name)
        return {}
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
        raise ConfigError(
            f"The settings file {name!r} is {kind}, so it is not read. Make it a regular text file with "
            "LEANIX_HOST=… and LEANIX_API_TOKEN=… lines, or remove it and use environment variables."
        )
    if info.st_size > DOTENV_MAX_BYTES:
        raise ConfigError(
            f"The settings file {name!r} is {info.st_size:,} bytes; a .env file holds a few lines. Is it the "
            "right file?"
        )
    try:
        with open(name, "rb") as handle:
            raw = handle.read(DOTENV_MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"Cannot read the settings file {name!r}: {exc.strerror}.") from None
    return {k: v for k, v in dotenv_values(stream=io.StringIO(_decode(raw, name))).items() if v is not None}


def _decode(raw: bytes, name: str) -> str:
    try:
        return decode_utf8(raw)
    except NotUtf8 as problem:
        if problem.utf16:
            raise ConfigError(
                f"The settings file {name!r} is saved as UTF-16. Save it as UTF-8 (without BOM)."
            ) from None
        raise ConfigError(
            f"The settings file {name!r} is not UTF-8 text: byte {problem.offset} (line {problem.line}, byte "
            f"{problem.column} of the line) cannot be decoded. Save the file as UTF-8 (most editors: 'Save "
            "with encoding')."
        ) from None
