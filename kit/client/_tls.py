"""TLS failures that retrying cannot fix, and what to tell the user about them.

An untrusted certificate (a corporate proxy that inspects TLS, a self-signed test server), a certificate
for another host name, or a server that does not speak TLS at all (``https://`` against a plain-http port)
fail the same way on every attempt. urllib3 would retry them like a dropped connection, with backoff, for
half a minute or more; :class:`FinalTLSRetry` gives up at once, and :func:`describe` says what happened
and what to do, naming ``REQUESTS_CA_BUNDLE`` (how requests is given a proxy's CA certificate).
"""

from __future__ import annotations

import os
import ssl
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

__all__ = ["FinalTLSRetry", "ca_bundle_problem", "describe", "final_tls_error"]

#: OpenSSL reasons that mean "this server or this certificate will never do", as opposed to a cut
#: connection in the middle of a handshake (UNEXPECTED_EOF_WHILE_READING), which may be transient
_FINAL_REASONS = frozenset(
    {
        "CERTIFICATE_VERIFY_FAILED",
        "WRONG_VERSION_NUMBER",
        "HTTP_REQUEST",
        "HTTPS_PROXY_REQUEST",
        "UNKNOWN_PROTOCOL",
        "UNSUPPORTED_PROTOCOL",
        "NO_PROTOCOLS_AVAILABLE",
        "RECORD_LAYER_FAILURE",
        "PACKET_LENGTH_TOO_LONG",
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "TLSV1_ALERT_UNKNOWN_CA",
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
        "SSLV3_ALERT_BAD_CERTIFICATE",
        "NO_CERTIFICATE_OR_CRL_FOUND",
    }
)
_NOT_TLS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "HTTP_REQUEST",
        "UNKNOWN_PROTOCOL",
        "RECORD_LAYER_FAILURE",
        "PACKET_LENGTH_TOO_LONG",
    }
)
_ADVICE = (
    "Not retried: retrying cannot fix this. If you are behind a corporate proxy or firewall that inspects "
    "TLS, set REQUESTS_CA_BUNDLE to a PEM file with its CA certificate (your IT department has it){bundle}. "
    "Never turn certificate checks off."
)


def _chain(exc: BaseException | None) -> list[BaseException]:
    """``exc`` and every exception it wraps (``reason``, ``args``, ``__cause__``, ``__context__``)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 32:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend(
            [getattr(item, "reason", None), getattr(item, "original_error", None), *item.args]
            + [item.__cause__, item.__context__]
        )
    return seen


def final_tls_error(exc: BaseException | None) -> ssl.SSLError | None:
    """The ``ssl.SSLError`` inside ``exc`` when it is one that retrying cannot fix, else None."""
    for item in _chain(exc):
        if isinstance(item, ssl.SSLCertVerificationError):
            return item
        if isinstance(item, ssl.SSLError) and (
            getattr(item, "reason", None) in _FINAL_REASONS
            or getattr(item, "library", None) in ("X509", "PEM")
        ):
            return item
    return None


class FinalTLSRetry(Retry):
    """urllib3's :class:`Retry`, except that a TLS failure that cannot go away ends the retries at once."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if error is not None and final_tls_error(error) is not None:
            # urllib3's own increment() passes the pool the same way: None only for a Retry used outside a pool
            raise MaxRetryError(_pool, url, error) from error  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _where(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def _bundle(verify: object) -> str:
    if verify is True:
        verify = DEFAULT_CA_BUNDLE_PATH  # requests' default: certifi's bundle
    if isinstance(verify, str):
        return f"; certificates are checked against {verify} now"
    return ""


def describe(method: str, url: str, error: ssl.SSLError, verify: object = True) -> tuple[str, str, str]:
    """``(message, host, cause)`` for a TLS failure of ``method url``."""
    where = _where(url)
    reason = getattr(error, "reason", None)
    detail = getattr(error, "verify_message", None) or reason or str(error)
    code = getattr(error, "verify_code", None)
    if isinstance(error, ssl.SSLCertVerificationError) and (
        code in (62, 64) or "mismatch" in str(detail).lower()
    ):
        cause = f"the certificate is not valid for the host name {urlsplit(url).hostname!r} ({detail})"
        lead = (
            f"TLS certificate check failed for {where} ({method} {url}): {cause}. Check LEANIX_HOST: it "
            "must be your instance's host name as written in its certificate, e.g. 'acme.leanix.net'."
        )
    elif isinstance(error, ssl.SSLCertVerificationError) and code == 10:
        cause = f"the certificate has expired ({detail})"
        lead = f"TLS certificate check failed for {where} ({method} {url}): {cause}."
    elif isinstance(error, ssl.SSLCertVerificationError):
        cause = f"the certificate is not trusted ({detail})"
        lead = f"TLS certificate check failed for {where} ({method} {url}): {cause}."
    elif reason in _NOT_TLS:
        cause = f"the server does not speak TLS ({str(reason).lower().replace('_', ' ')})"
        lead = (
            f"TLS connection to {where} failed ({method} {url}): {cause}. Is it a plain-http server, or "
            "the wrong port? Check LEANIX_HOST (a LeanIX instance is reached as https://<name>.leanix.net)."
        )
    elif reason == "NO_CERTIFICATE_OR_CRL_FOUND" or getattr(error, "library", None) in ("X509", "PEM"):
        cause = f"the CA bundle holds no usable certificate ({reason or detail})"
        lead = (
            f"TLS connection to {where} could not be set up ({method} {url}): {cause}. REQUESTS_CA_BUNDLE "
            "must name a PEM file with one or more '-----BEGIN CERTIFICATE-----' blocks."
        )
    else:
        cause = f"the TLS handshake failed ({str(reason or detail).lower().replace('_', ' ')})"
        lead = f"TLS connection to {where} failed ({method} {url}): {cause}."
    return f"{lead} {_ADVICE.format(bundle=_bundle(verify))}", where, cause


def ca_bundle_problem(verify: object) -> str | None:
    """A message when the CA bundle named by the environment does not exist, else None."""
    if not isinstance(verify, str) or os.path.exists(verify):
        return None
    variable = next(
        (name for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") if os.environ.get(name) == verify),
        "the CA bundle setting",
    )
    return (
        f"{variable} names {verify!r}, which does not exist, so no TLS certificate can be checked. Point "
        f"{variable} at a PEM file with your CA certificates (e.g. your corporate proxy's CA), or unset it "
        "to use the default bundle."
    )
