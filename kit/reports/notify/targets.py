"""Where a run's message goes: targets from ``--notify`` and from ``notify:`` in ``schedules.yaml``.

The shapes are docs/alerts.md §4. On the command line a target is ``slack:URL``, ``teams:URL``,
``webhook:URL`` or a bare ``https://…`` (a webhook), ``slack_env:VAR`` (likewise ``teams_env``,
``webhook_env``: the URL is read from the environment at send time, so it stays out of shell history and
files), or ``mailto:a@example.com,b@example.com?smtp=host:port&from=lxkit@example.com&starttls=false&
username=u``. In a schedules file an entry is a one-key mapping, ``{slack: URL}``, ``{slack_env: VAR}``,
``{teams: URL}``, ``{webhook: URL}`` or ``{email: {host, port, starttls, from, to, username}}``, plus an
optional ``when``.

``when`` says which runs send a message: ``alerts`` (the default: a failed run, or alerts), ``always``, or
``failure`` (failed runs only). Choices here: a URL must be ``http`` or ``https`` with a host; the SMTP
password is never a setting (``LXKIT_SMTP_PASSWORD`` at send time); ``from`` defaults to
``lxkit@<this machine's name>``.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kit.errors import LxkitError

__all__ = [
    "CHANNELS",
    "WHEN",
    "EmailSettings",
    "NotifyError",
    "Target",
    "parse_cli_target",
    "parse_entry",
    "redacted",
]

CHANNELS = ("slack", "teams", "email", "webhook")
WHEN = ("alerts", "always", "failure")
URL_CHANNELS = ("slack", "teams", "webhook")
PASSWORD_VAR = "LXKIT_SMTP_PASSWORD"
ENTRY_KEYS = (*URL_CHANNELS, *(f"{c}_env" for c in URL_CHANNELS), "email", "when")
EMAIL_KEYS = ("host", "port", "starttls", "from", "to", "username")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+")


class NotifyError(LxkitError):
    """A notification target is not in a shape lxkit can send to; ``path`` is where in an entry (for the
    schedules file's line and column), the message says what to write instead."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class EmailSettings:
    """SMTP delivery: ``starttls`` upgrades the connection before ``username`` logs in with the password from
    ``LXKIT_SMTP_PASSWORD``."""

    host: str
    to: tuple[str, ...]
    port: int = 587
    starttls: bool = True
    sender: str = field(default_factory=lambda: f"lxkit@{socket.getfqdn() or 'localhost'}")
    username: str | None = None


@dataclass(frozen=True)
class Target:
    """One place a run's message goes. Exactly one of ``url``, ``url_env`` and ``email`` is set."""

    channel: str  # slack | teams | email | webhook
    url: str | None = None
    url_env: str | None = None
    email: EmailSettings | None = None
    when: str = "alerts"

    def resolve_url(self) -> str:
        """The URL to send to; :class:`NotifyError` when it comes from an environment variable that is unset."""
        if self.url is not None:
            return self.url
        name = self.url_env or ""
        value = os.environ.get(name, "").strip()
        if not value:
            raise NotifyError(
                f"the environment variable {name} holding the {self.channel} URL is not set (or empty) in the "
                f"process that ran the report; set {name} there (cron: in the crontab or the .env it reads)"
            )
        return _url(value, f"the value of {name}")

    def shown(self) -> str:
        """What may be written down about the target: scheme and host of a URL (the rest is a secret),
        ``$VAR`` before the variable is read, ``smtp://host:port`` for e-mail."""
        if self.email is not None:
            return f"smtp://{self.email.host}:{self.email.port}"
        if self.url is not None:
            return redacted(self.url)
        return f"${self.url_env}"


def redacted(url: str) -> str:
    """``https://hooks.slack.com/services/T0/B0/secret`` -> ``https://hooks.slack.com``: webhook URLs carry
    their credential in the path or query."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _url(value: Any, what: str, path: tuple[str | int, ...] = ()) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NotifyError(f"{what} must be an http(s) URL, not {_kind(value)}", path)
    text = value.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise NotifyError(f"{what} is not a URL lxkit can read; give https://host/path", path) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotifyError(
            f"{what} must be an http(s) URL with a host, such as https://hooks.slack.com/services/…, "
            f"not {redacted(text) if parts.hostname else 'text without a host'}",
            path,
        )
    return text


def _kind(value: Any) -> str:
    return "empty text" if isinstance(value, str) else f"a {type(value).__name__}"


def _variable(value: Any, path: tuple[str | int, ...]) -> str:
    if not isinstance(value, str) or not _VARIABLE.fullmatch(value.strip()):
        raise NotifyError(
            f"must name an environment variable (letters, digits and _), such as LXKIT_SLACK_URL, not "
            f"{value!r}",
            path,
        )
    return value.strip()


def _when(value: Any, path: tuple[str | int, ...]) -> str:
    if value not in WHEN:
        raise NotifyError(
            f"must be one of {', '.join(WHEN)} (alerts: a failed run or alerts, the default), not {value!r}",
            path,
        )
    return str(value)


def _addresses(value: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise NotifyError("must be an e-mail address or a list of them, such as [ops@example.com]", path)
    found: list[str] = []
    for index, item in enumerate(items):
        for part in item.split(",") if isinstance(item, str) else [item]:
            address = part.strip() if isinstance(part, str) else part
            if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
                where = (*path, index) if not isinstance(value, str) else path
                raise NotifyError(f"{address!r} is not an e-mail address such as ops@example.com", where)
            found.append(address)
    return tuple(found)


def _email(value: Any, path: tuple[str | int, ...]) -> EmailSettings:
    if not isinstance(value, Mapping):
        raise NotifyError(
            f"must be a mapping with host, to and optionally port, starttls, from, username, not {value!r}",
            path,
        )
    for key in value:
        if key not in EMAIL_KEYS:
            hint = (
                f"; the password comes only from the environment variable {PASSWORD_VAR}"
                if "pass" in str(key).lower()
                else ""
            )
            raise NotifyError(
                f"unknown key {key!r} in email; the keys are: {', '.join(EMAIL_KEYS)}{hint}",
                (*path, str(key)),
            )
    for key in ("host", "to"):
        if key not in value:
            raise NotifyError(f"no {key}; give the SMTP server's host and the recipients (to: [...])", path)
    host = value["host"]
    if not isinstance(host, str) or not host.strip() or "/" in host or " " in host.strip():
        raise NotifyError(
            f"must be the SMTP server's host name, such as smtp.example.com, not {host!r}", (*path, "host")
        )
    port = value.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise NotifyError(f"must be a port number 1..65535 (587 for STARTTLS), not {port!r}", (*path, "port"))
    starttls = value.get("starttls", True)
    if not isinstance(starttls, bool):
        raise NotifyError(f"must be true or false, not {starttls!r}", (*path, "starttls"))
    username = value.get("username")
    if username is not None and (not isinstance(username, str) or not username.strip()):
        raise NotifyError(f"must be the SMTP user name, not {username!r}", (*path, "username"))
    settings = EmailSettings(
        host=host.strip(),
        to=_addresses(value["to"], (*path, "to")),
        port=port,
        starttls=starttls,
        username=username,
    )
    if "from" in value:
        (sender,) = _addresses(value["from"], (*path, "from"))
        settings = EmailSettings(settings.host, settings.to, port, starttls, sender, username)
    return settings


def parse_entry(entry: Any, default_when: str = "alerts") -> Target:
    """One entry of ``notify:`` in a schedules file; :class:`NotifyError` with the key path inside the entry."""
    if not isinstance(entry, Mapping):
        raise NotifyError(
            "each notify entry is a mapping such as {slack: URL}, {slack_env: LXKIT_SLACK_URL}, {teams: URL}, "
            f"{{webhook: URL}} or {{email: {{host: …, to: [...]}}}}, not {entry!r}"
        )
    for key in entry:
        if key not in ENTRY_KEYS:
            raise NotifyError(
                f"unknown key {key!r} in a notify entry; the keys are: {', '.join(ENTRY_KEYS)}", (str(key),)
            )
    kinds = [key for key in entry if key != "when"]
    if len(kinds) != 1:
        raise NotifyError(
            "a notify entry names one target (slack, slack_env, teams, teams_env, webhook, webhook_env or "
            f"email), not {len(kinds)}; write one entry per target"
        )
    (kind,) = kinds
    when = _when(entry["when"], ("when",)) if "when" in entry else default_when
    value = entry[kind]
    if kind == "email":
        return Target("email", email=_email(value, ("email",)), when=when)
    if kind.endswith("_env"):
        return Target(kind[: -len("_env")], url_env=_variable(value, (kind,)), when=when)
    return Target(kind, url=_url(value, f"the {kind} URL", (kind,)), when=when)


def _mailto(text: str, when: str) -> Target:
    parts = urlsplit(text)
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(set(query) - {"smtp", "from", "starttls", "username"})
    if unknown:
        raise NotifyError(
            f"--notify mailto: unknown option {unknown[0]!r}; the options are smtp=host:port, from=, "
            f"starttls=true|false, username= (the password comes only from {PASSWORD_VAR})"
        )
    smtp = query.get("smtp", "")
    if not smtp:
        raise NotifyError(
            "--notify mailto: needs the SMTP server: mailto:ops@example.com?smtp=smtp.example.com:587"
        )
    host, _, port_text = smtp.rpartition(":") if ":" in smtp else (smtp, "", "587")
    if not port_text.isdigit():
        raise NotifyError(f"--notify mailto: smtp={smtp!r} is not host:port, such as smtp.example.com:587")
    starttls_text = query.get("starttls", "true").lower()
    if starttls_text not in ("true", "false", "yes", "no", "1", "0"):
        raise NotifyError(f"--notify mailto: starttls must be true or false, not {starttls_text!r}")
    email: dict[str, Any] = {
        "host": host,
        "port": int(port_text),
        "to": unquote(parts.path),
        "starttls": starttls_text in ("true", "yes", "1"),
    }
    if query.get("from"):
        email["from"] = query["from"]
    if query.get("username"):
        email["username"] = query["username"]
    try:
        return Target("email", email=_email(email, ()), when=when)
    except NotifyError as exc:
        raise NotifyError(f"--notify {redacted_spec(text)}: {'.'.join(map(str, exc.path))} {exc}") from None


def redacted_spec(text: str) -> str:
    """A ``--notify`` value as it may be shown in an error: the URL's path and query left out."""
    for prefix in URL_CHANNELS:
        if text.startswith(f"{prefix}:") and "://" in text:
            return f"{prefix}:{redacted(text[len(prefix) + 1 :])}/…"
    if "://" in text:
        return f"{redacted(text)}/…"
    return text.split("?", 1)[0]


def parse_cli_target(spec: str, when: str = "alerts") -> Target:
    """One ``--notify`` value (see the module docstring); :class:`NotifyError` saying what to write."""
    text = spec.strip()
    _when(when, ())
    if text.startswith("mailto:"):
        return _mailto(text, when)
    if text.startswith(("http://", "https://")):
        return Target("webhook", url=_url(text, "--notify URL"), when=when)
    kind, _, rest = text.partition(":")
    if kind in URL_CHANNELS and rest:
        return Target(kind, url=_url(rest, f"--notify {kind}: URL"), when=when)
    if kind in {f"{c}_env" for c in URL_CHANNELS} and rest:
        try:
            variable = _variable(rest, ())
        except NotifyError as exc:
            raise NotifyError(f"--notify {kind}: {exc}") from None
        return Target(kind[: -len("_env")], url_env=variable, when=when)
    raise NotifyError(
        f"--notify {redacted_spec(text)!r} is not a target; give slack:URL, teams:URL, webhook:URL (or a bare "
        "https:// URL), slack_env:VARIABLE, or mailto:ops@example.com?smtp=host:port"
    )
