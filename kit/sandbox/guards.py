"""Checks on the sandbox's settings and on the requests it serves, in one place for Python and the CLI.

Settings: :func:`check_options` (called by ``SandboxOptions`` itself), :func:`check_faults`,
:func:`check_host` and :func:`check_port` raise :class:`SandboxError` naming the option, its
``lxkit sandbox serve`` flag and the allowed range. Requests: :func:`host_header_problem` (DNS rebinding
protection), :func:`authorization_problem` and :func:`content_length` return the reason a request is refused;
:func:`redact` keeps tokens out of error answers.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kit.sandbox.errors import SandboxError

if TYPE_CHECKING:
    from kit.sandbox.faults import Faults
    from kit.sandbox.options import SandboxOptions

__all__ = [
    "HISTORY_START",
    "MAX_BODY_BYTES",
    "REFERENCE_DATE",
    "SandboxError",
    "authorization_problem",
    "as_of_date",
    "check_faults",
    "check_host",
    "check_options",
    "check_port",
    "content_length",
    "host_header_problem",
    "loopback_url_problem",
    "redact",
]

MAX_SIZE = 1_000_000  # fact sheets; the demo generator needs about 1 GB for this many
MAX_TOKEN_LIFETIME = 366 * 24 * 3600.0  # a year: LeanIX's own access tokens live one hour
MAX_SECONDS = 600.0  # latency, Retry-After, run delay, body read timeout: longer is a hang, not a test
#: LeanIX takes LDIFs of up to 50 MB per request (larger ones go through a blob URL); bigger bodies get 413
MAX_BODY_BYTES = 50 * 1024 * 1024
MAX_RETRY_LIMIT = 1000  # attempts of one webhook delivery

SERVE = "lxkit sandbox serve"

REFERENCE_DATE = date(2026, 11, 1)
"""The demo workspace's "today": the generated store is the workspace as it is on this day."""
HISTORY_START = date(2016, 1, 1)
"""The first day the demo workspace can be generated for (``as_of``); nothing in it is older."""


# -- settings ------------------------------------------------------------------------------------------------
def _where(name: str, flag: str | None) -> str:
    return f"{name} ({SERVE} {flag})" if flag else name


def _shown(bound: float) -> str:
    if isinstance(bound, int):
        return f"{bound:,}"
    return f"{bound:,.0f}" if bound.is_integer() else f"{bound:g}"


def _number(
    value: Any,
    name: str,
    *,
    low: float,
    high: float,
    flag: str | None = None,
    integer: bool = False,
    low_open: bool = False,
    unit: str = "",
) -> None:
    """Refuse ``value`` unless it is a finite (integer) number in the range; the message names the option."""
    lower = f"> {_shown(low)}" if low_open else f">= {_shown(low)}"
    kind = "an integer" if integer else "a finite number"
    rule = f"{kind}{unit} {lower} and <= {_shown(high)}"
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type:
        shown = f"{value!r} (a bool)" if isinstance(value, bool) else f"a {type(value).__name__}"
        raise SandboxError(f"{_where(name, flag)} must be {rule}, got {shown}.")
    if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
        raise SandboxError(f"{_where(name, flag)} must be {rule}, got {value!r}.")


def check_faults(faults: Faults) -> Faults:
    """``faults`` if its rates are probabilities adding up to at most 1 and its times are finite and >= 0."""
    for kind, rate in faults.rates.items():
        _number(rate, f"Faults.rates[{kind!r}]", low=0, high=1, flag="--fault-rate")
    total = sum(faults.rates.values())
    if total > 1:
        raise SandboxError(f"Faults.rates ({SERVE} --fault-rate) must add up to at most 1, got {total:g}.")
    _number(faults.latency, "Faults.latency", low=0, high=MAX_SECONDS, flag="--latency", unit=" of seconds")
    _number(faults.retry_after, "Faults.retry_after", low=0, high=MAX_SECONDS, unit=" of seconds")
    if faults.expire_tokens_after is not None:
        _number(
            faults.expire_tokens_after,
            "Faults.expire_tokens_after",
            low=0,
            high=MAX_TOKEN_LIFETIME,
            unit=" of seconds",
        )
    return faults


def check_token_lifetime(lifetime: Any) -> None:
    """Refuse an access token lifetime that is not a finite number of seconds in (0, a year]."""
    _number(
        lifetime,
        "token_lifetime",
        low=0,
        high=MAX_TOKEN_LIFETIME,
        low_open=True,
        flag="--token-lifetime",
        unit=" of seconds",
    )


def check_options(options: SandboxOptions) -> None:
    """Refuse options a server cannot run with (called from ``SandboxOptions.__post_init__``)."""
    _number(options.size, "size", low=0, high=MAX_SIZE, flag="--size", integer=True, unit=" of fact sheets")
    _number(options.seed, "seed", low=-(2**63), high=2**63 - 1, flag="--seed", integer=True)
    _number(options.fault_rate, "fault_rate", low=0, high=1, flag="--fault-rate")
    check_token_lifetime(options.token_lifetime)
    if options.rate_limit is not None:
        _number(
            options.rate_limit, "rate_limit", low=1, high=10**9, integer=True, unit=" of requests a minute"
        )
    _number(options.run_delay, "run_delay", low=0, high=MAX_SECONDS, unit=" of seconds")
    _number(options.read_timeout, "read_timeout", low=0, high=MAX_SECONDS, low_open=True, unit=" of seconds")
    _number(
        options.webhook_retry_interval,
        "webhook_retry_interval",
        flag="--webhook-retry-interval",
        low=0,
        high=MAX_SECONDS,
        low_open=True,
        unit=" of seconds",
    )
    _number(
        options.webhook_retry_limit,
        "webhook_retry_limit",
        flag="--webhook-retry-limit",
        low=1,
        high=MAX_RETRY_LIMIT,
        integer=True,
        unit=" of attempts",
    )
    token = options.api_token
    if not isinstance(token, str) or not re.fullmatch(r"[\x21-\x7e]+", token):
        # never quote it: it is a token
        raise SandboxError(
            "api_token must be printable ASCII characters without spaces (it travels in an "
            "HTTP header); the value given is not."
        )
    if isinstance(options.denied_fields, str) or not all(isinstance(f, str) for f in options.denied_fields):
        raise SandboxError("denied_fields must be a tuple of field names such as ('businessCriticality',).")
    check_faults(options.faults)
    if options.as_of is not None:
        as_of_date(options.as_of, strings=False)
    if options.fault_rate and options.faults.rates:
        raise SandboxError(
            f"fault_rate ({SERVE} --fault-rate) and faults.rates both set fault rates; give only one."
        )


def as_of_date(value: Any, *, strings: bool = True) -> date | None:
    """``value`` as the day the demo workspace shows: a ``date`` (or, with ``strings``, ``YYYY-MM-DD``) from
    :data:`HISTORY_START` to :data:`REFERENCE_DATE`; None stays None (the reference day)."""
    if value is None:
        return None
    where = f"as_of ({SERVE} --as-of)"
    rule = f"a date from {HISTORY_START} to {REFERENCE_DATE} (the demo workspace's history)"
    if strings and isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            value = None
        if value is None:
            raise SandboxError(
                f"{where} must be {rule} written YYYY-MM-DD; the text given is not such a date."
            )
    if isinstance(value, datetime) or not isinstance(value, date):
        raise SandboxError(f"{where} must be {rule}, got a {type(value).__name__}: pass a datetime.date.")
    if not HISTORY_START <= value <= REFERENCE_DATE:
        raise SandboxError(f"{where} must be {rule}, got {value}.")
    return value


def check_host(host: Any) -> str:
    """``host`` if it is a loopback address (127.0.0.0/8, ::1) or ``localhost``: the sandbox is local only."""
    ok = isinstance(host, str) and host.lower() == "localhost"
    if isinstance(host, str) and not ok:
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
    if not ok:
        shown = repr(host) if isinstance(host, str) and len(host) <= 100 else f"a {type(host).__name__}"
        raise SandboxError(
            f"host ({SERVE} --host) must be a loopback address (127.0.0.1 or another 127.x.y.z, ::1, "
            f"or localhost), got {shown}: the sandbox serves on loopback only."
        )
    return host


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_url_problem(url: Any) -> str | None:
    """Why ``url`` may not be a webhook target of the sandbox, or None: the sandbox sends deliveries only to
    http(s) URLs on loopback (127.0.0.1 or another 127.x.y.z, ::1, localhost), never to another machine."""
    rule = (
        "the lxkit sandbox delivers webhooks to loopback only: use an http(s) URL on 127.0.0.1, [::1] or "
        "localhost (e.g. a receiver your test starts)"
    )
    if not isinstance(url, str) or not url:
        return f"targetUrl must be a URL text; {rule}."
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return f"targetUrl is not a valid URL; {rule}."
    if parts.scheme not in ("http", "https") or not host:
        return f"targetUrl must be an http or https URL with a host; {rule}."
    if not _is_loopback(host):
        return f"targetUrl's host {host[:100]!r} is not loopback; {rule}."
    return None


def check_port(port: Any) -> int:
    """``port`` if it is 0 (any free port) to 65535."""
    _number(port, "port", low=0, high=65535, flag="--port", integer=True)
    return port


def port_unavailable(host: str, port: int, exc: OSError) -> SandboxError:
    """The error for a failed bind: which address, why, and what to do."""
    reason = exc.strerror or str(exc)
    return SandboxError(
        f"port ({SERVE} --port) {port} on {host} cannot be used: {reason}. Choose another port, or 0 for any "
        "free one."
    )


# -- requests ------------------------------------------------------------------------------------------------
_HOST_NAME = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>[0-9]{0,5}))?")


def host_header_problem(values: list[str]) -> tuple[int, str] | None:
    """``(status, reason)`` the request's ``Host`` header is refused with (DNS rebinding protection), or
    None when it is served.

    Served: ``127.0.0.1`` (or another 127.x.y.z), ``localhost`` and ``[::1]``, each with an optional port.
    HTTP/1.1 needs exactly one Host header (RFC 9112 §3.2); the value is never quoted back."""
    if len(values) != 1:
        return 400, f"The request must have exactly one Host header, it has {len(values)} (RFC 9112 §3.2)."
    match = _HOST_NAME.fullmatch(values[0].strip())
    allowed = False
    if match and (not match["port"] or int(match["port"]) <= 65535):
        host = match["host"].lower()
        if host == "localhost" or host == "[::1]":
            allowed = True
        else:
            try:
                allowed = isinstance(ipaddress.ip_address(host), ipaddress.IPv4Address) and (
                    ipaddress.ip_address(host).is_loopback
                )
            except ValueError:
                allowed = False
    if allowed:
        return None
    return 421, (
        "The Host header names a host this sandbox does not serve; it answers only requests for 127.0.0.1, "
        "localhost or [::1] (with any port), which protects it against DNS rebinding."
    )


_SCHEME = re.compile(r"(?P<scheme>[A-Za-z]+) +(?P<credentials>[A-Za-z0-9._~+/-]+=*)")


def authorization_problem(values: list[str]) -> tuple[str | None, str | None]:
    """``(reason, normalised header)``: why an ``Authorization`` header is refused, or None and the header
    with its scheme spelt ``Bearer``/``Basic`` (schemes are case-insensitive, RFC 9110 §11.1).

    The sandbox takes ``Bearer <token>`` (RFC 6750 §2.1) and ``Basic <base64>`` (RFC 7617), both token68:
    ASCII letters, digits and ``-._~+/``, then ``=`` padding. No header at all is left to the endpoint."""
    if not values:
        return None, None
    if len(values) > 1:
        return "the request has more than one Authorization header; send one", None
    value = values[0].strip()
    if not value.isascii() or not value.isprintable():
        return "the Authorization header must be printable ASCII (RFC 9110 §5.5, RFC 6750 §2.1)", None
    match = _SCHEME.fullmatch(value)
    if not match:
        return (
            "the Authorization header is malformed: expected 'Bearer <token>' or 'Basic <base64>' with "
            "token68 characters only (RFC 6750 §2.1)",
            None,
        )
    scheme = match["scheme"].capitalize()
    if scheme not in ("Bearer", "Basic"):
        return "the Authorization scheme must be Bearer (or Basic for the token endpoint)", None
    return None, f"{scheme} {match['credentials']}"


def content_length(values: list[str], transfer_encoding: list[str]) -> tuple[int, int, str | None]:
    """``(length, status, reason)``: the body length a request announces, or the status and reason it is
    refused with (RFC 9112 §6.3: digits only; repeated values must agree; no Transfer-Encoding here)."""
    if transfer_encoding:
        return 0, 411, "The sandbox takes no Transfer-Encoding bodies; send the body with a Content-Length."
    if not values:
        return 0, 0, None
    distinct = {v.strip() for v in values}
    if len(distinct) > 1:
        return 0, 400, "The request has Content-Length headers with different values (RFC 9112 §6.3)."
    text = distinct.pop()
    if not re.fullmatch(r"[0-9]+", text):
        return 0, 400, "Content-Length must be a number of bytes: digits only (RFC 9110 §8.6)."
    digits = text.lstrip("0") or "0"
    length = int(digits) if len(digits) <= 12 else MAX_BODY_BYTES + 1  # int() refuses 4,300+ digits
    if length > MAX_BODY_BYTES:
        limit = MAX_BODY_BYTES // 2**20
        return 0, 413, f"The body is larger than {limit} MB, the most LeanIX takes (LDIF limit per request)."
    return length, 0, None


_TOKEN_SHAPES = re.compile(
    r"LXT_[A-Za-z0-9_\-]+"  # LeanIX-style API tokens (and the test canary)
    r"|eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"  # JWT access tokens
)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` without any of ``secrets`` (8 characters or more) nor anything shaped like a token."""
    for secret in sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return _TOKEN_SHAPES.sub("[redacted]", text)
