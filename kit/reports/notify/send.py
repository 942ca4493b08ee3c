"""Delivery: HTTP POST with retries (requests + urllib3 ``Retry``), e-mail over SMTP (smtplib).

Each delivery returns its record for ``run.json`` (``{channel, target, status, attempts, error, at}``) and
never raises: a report's outcome does not depend on whether a chat service answered.

HTTP: up to :data:`ATTEMPTS` attempts (docs/alerts.md §4: three), retried on connection errors, 429 and
any 5xx, POST included, waiting ``backoff * 2**(n-1)`` seconds between them (urllib3's rule; the first
retry is immediate) or what a ``Retry-After`` header asks, at most :data:`MAX_RETRY_AFTER` seconds; each
attempt may take :data:`TIMEOUT` seconds. ``backoff`` defaults to :data:`BACKOFF`, or to
``LXKIT_NOTIFY_BACKOFF`` (seconds) when set, so tests need not wait.

Webhook URLs are credentials (a Slack or Teams URL lets anyone post): records and error texts carry only
the scheme and host, and urllib3's debug log lines (which name the path) are rewritten while a delivery
runs. SMTP: ``starttls`` before ``login``; the password comes only from ``LXKIT_SMTP_PASSWORD``; a 4xx
answer or a dropped connection is retried like HTTP, a 5xx refusal is not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.reports.notify.messages import Summary, email_message, slack_body, teams_body, webhook_body
from kit.reports.notify.targets import PASSWORD_VAR, NotifyError, Target

if TYPE_CHECKING:
    import requests

__all__ = ["ATTEMPTS", "BACKOFF", "BACKOFF_VAR", "TIMEOUT", "deliver", "skipped"]

ATTEMPTS = 3
TIMEOUT = 10.0
BACKOFF = 2.0
BACKOFF_VAR = "LXKIT_NOTIFY_BACKOFF"
MAX_RETRY_AFTER = 60.0
_RETRY_STATUSES = (429, *range(500, 600))
_URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(target: Target, status: str, attempts: int, error: str | None) -> dict[str, Any]:
    return {
        "channel": target.channel,
        "target": target.shown(),
        "status": status,
        "attempts": attempts,
        "error": error,
        "at": _now(),
    }


def skipped(target: Target) -> dict[str, Any]:
    """The record of a target whose ``when`` asked for no message about this run."""
    return _record(target, "skipped", 0, None)


def backoff_seconds(given: float | None = None) -> float:
    """``given``, else ``LXKIT_NOTIFY_BACKOFF`` if it is a number ≥ 0, else :data:`BACKOFF`."""
    if given is not None:
        return max(0.0, float(given))
    text = os.environ.get(BACKOFF_VAR, "").strip()
    try:
        return max(0.0, float(text)) if text else BACKOFF
    except ValueError:
        return BACKOFF


def session(backoff: float) -> requests.Session:
    """A Session whose http and https adapters retry as the module docstring says. (requests and urllib3
    load here, on first use, so ``lxkit report --notify`` refusals stay quick.)"""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    class _Retry(Retry):
        """A ``Retry-After`` longer than :data:`MAX_RETRY_AFTER` is cut to it: a report does not wait an
        hour because a chat service asked it to."""

        def parse_retry_after(self, retry_after: str) -> float:
            return min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER)

    retry = _Retry(
        total=ATTEMPTS - 1,
        connect=ATTEMPTS - 1,
        read=ATTEMPTS - 1,
        status=ATTEMPTS - 1,
        other=0,
        backoff_factor=backoff,
        status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back, with the history of the earlier ones
    )
    http = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


class _Scrub(logging.Filter):
    """Replaces a secret (a webhook URL's path) in log records of urllib3 while a delivery runs."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and s != "/"]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            for secret in self.secrets:
                text = text.replace(secret, "/…")
            record.msg, record.args = text, ()
        return True


@contextlib.contextmanager
def _scrubbed_logs(url: str) -> Iterator[None]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    scrub = _Scrub([url, path, parts.path])
    loggers = [logging.getLogger(name) for name in _URLLIB3_LOGGERS]
    for logger in loggers:
        logger.addFilter(scrub)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(scrub)


def _scrub_text(text: str, url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    for secret in (url, parts.path + (f"?{parts.query}" if parts.query else ""), parts.path):
        if secret and secret != "/":
            text = text.replace(secret, "/…")
    return text


def _connection_error(exc: requests.RequestException) -> str:
    """What went wrong, without the URL: the innermost reason urllib3 gives."""
    reason: Any = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    text = str(reason)
    if "): " in text:  # "HTTPConnection(host='…', port=…): Failed to establish…" -> the part after
        text = text.split("): ", 1)[1]
    return text.strip() or type(exc).__name__


def post_json(target: Target, body: dict[str, Any], *, backoff: float, timeout: float) -> dict[str, Any]:
    """POST ``body`` to the target's URL; the delivery record."""
    import requests

    try:
        url = target.resolve_url()
    except NotifyError as exc:
        return _record(target, "failed", 0, str(exc))
    shown = target.shown() if target.url is not None else f"${target.url_env}"
    with _scrubbed_logs(url), session(backoff) as http:
        try:
            answer = http.post(url, json=body, timeout=timeout)
        except requests.ConnectionError as exc:
            attempts = ATTEMPTS if "Max retries exceeded" in str(exc) else 1
            error = f"no answer from {shown} after {attempts} attempt(s): {_connection_error(exc)}"
            return _record(target, "failed", attempts, _scrub_text(error, url))
        except requests.RequestException as exc:
            error = f"could not send to {shown}: {type(exc).__name__}: {_connection_error(exc)}"
            return _record(target, "failed", 1, _scrub_text(error, url))
    history = getattr(getattr(answer.raw, "retries", None), "history", ()) or ()
    attempts = len(history) + 1
    if 200 <= answer.status_code < 300:
        return _record(target, "sent", attempts, None)
    excerpt = " ".join(answer.text.split())[:200]
    error = f"{shown} answered HTTP {answer.status_code}" + (f": {excerpt}" if excerpt else "")
    return _record(target, "failed", attempts, _scrub_text(error, url))


def _smtp_transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout | TimeoutError)


def send_email(target: Target, summary: Summary, *, backoff: float, timeout: float) -> dict[str, Any]:
    """Send the e-mail over SMTP (STARTTLS and login as configured); the delivery record."""
    settings = target.email
    if settings is None:  # parse_entry never builds such a target
        return _record(target, "failed", 0, "no SMTP settings")
    password = os.environ.get(PASSWORD_VAR)
    if settings.username and not password:
        return _record(
            target,
            "failed",
            0,
            f"username {settings.username!r} is configured but {PASSWORD_VAR} is not set; set it in the "
            "environment of the process that runs the report (never in a file lxkit reads)",
        )
    message = email_message(summary, settings.sender, settings.to)
    error = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
                if settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username and password:
                    smtp.login(settings.username, password)
                smtp.send_message(message)
            return _record(target, "sent", attempt, None)
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{target.shown()}: {type(exc).__name__}: {exc}"
            if password:
                error = error.replace(password, "***")
            if not _smtp_transient(exc) or attempt == ATTEMPTS:
                return _record(target, "failed", attempt, error)
            time.sleep(backoff * 2 ** (attempt - 1) if attempt > 1 else 0)
    return _record(target, "failed", ATTEMPTS, error)


def deliver(
    target: Target, summary: Summary, *, backoff: float | None = None, timeout: float = TIMEOUT
) -> dict[str, Any]:
    """Send ``summary`` to ``target`` as its channel's body; the delivery record. Never raises."""
    wait = backoff_seconds(backoff)
    try:
        if target.channel == "email":
            return send_email(target, summary, backoff=wait, timeout=timeout)
        body = {"slack": slack_body, "teams": teams_body}.get(target.channel, webhook_body)(summary)
        return post_json(target, body, backoff=wait, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - a bug here must not change the report's outcome either
        error = f"{type(exc).__name__}: {exc}"
        if target.url:
            error = _scrub_text(error, target.url)
        return _record(target, "failed", 0, error)
