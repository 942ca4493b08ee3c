"""One pooled ``requests.Session`` with urllib3 retries, split by whether a call may be repeated.

Idempotent calls (GETs, GraphQL *queries*, the token exchange) are retried on 429 (honouring
``Retry-After``), 502/503/504 and dropped connections, with exponential backoff, jitter and a cap. Calls that
must not be repeated blindly (mutations, creating a run) are retried only where the request certainly had no
effect: connection refused before sending, and 429 (LeanIX rejected it unprocessed). TLS failures that cannot
go away (an untrusted certificate, a wrong host name, no TLS at all) are never retried (:mod:`._tls`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from requests.hooks import dispatch_hook
from urllib3.util.retry import Retry

from kit.client._errors import ConnectionFailed, TLSError, error_for_status
from kit.client._tls import FinalTLSRetry, ca_bundle_problem, describe, final_tls_error
from kit.config import Secret

__all__ = ["RetryPolicy", "Transport"]

log = logging.getLogger("kit.client")

_ALL_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH"})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The defaults suit a SaaS API; tests shrink the backoff to stay fast."""

    attempts: int = 8
    backoff_factor: float = 0.5
    backoff_max: float = 30.0
    backoff_jitter: float = 0.5
    retry_after_max: int = 300  # seconds; Retry-After carries whole seconds
    connect_attempts: int = 3

    def retry(self, idempotent: bool) -> Retry:
        repeats = self.attempts if idempotent else 0
        return FinalTLSRetry(
            total=self.attempts,
            connect=self.connect_attempts,
            read=repeats,
            other=repeats,
            status_forcelist=(429, 502, 503, 504) if idempotent else (429,),
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            backoff_jitter=self.backoff_jitter,
            respect_retry_after_header=True,
            retry_after_max=self.retry_after_max,
            allowed_methods=_ALL_METHODS,
            raise_on_status=False,
            raise_on_redirect=False,
            redirect=0,
        )


class Transport:
    """Sends prepared requests through the session; maps failures to the kit's exception classes."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session | None = None,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (10.0, 120.0),
        pool_size: int = 8,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        policy = retry or RetryPolicy()
        self._repeatable = HTTPAdapter(pool_maxsize=pool_size, max_retries=policy.retry(idempotent=True))
        self._once = HTTPAdapter(pool_maxsize=pool_size, max_retries=policy.retry(idempotent=False))
        self.session.mount(self.base_url + "/", self._repeatable)
        self.requests_sent = 0
        #: values never quoted in error messages (the API token); ``LeanIXClient`` adds its token
        self.secrets: list[Secret] = []

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r})"

    def close(self) -> None:
        self._repeatable.close()
        self._once.close()
        self.session.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        headers: dict[str, str] | None = None,
        params: dict | None = None,
        json: object = None,
        data: dict | None = None,
        auth: tuple[str, str] | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> requests.Response:
        """Send and return the response; raise the matching ``LeanIXError`` for failures.

        Statuses in ``ok_statuses`` (e.g. 401, for the caller to renew its token) are returned, not raised.
        """
        url = self.base_url + path
        request = requests.Request(
            method, url, headers=headers, params=params, json=json, data=data, auth=auth
        )
        prepared = self.session.prepare_request(request)
        settings = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
        if url.startswith("https:"):
            problem = ca_bundle_problem(settings.get("verify"))
            if problem:
                raise TLSError(problem, url=url, host=url.split("/")[2], cause="the CA bundle does not exist")
        adapter = self._repeatable if idempotent else self._once
        started = time.perf_counter()
        try:
            response = adapter.send(
                prepared,
                stream=settings["stream"],
                timeout=self.timeout,
                # a session with verify=None: requests' adapter then verifies nothing; keep that meaning
                verify=False if settings["verify"] is None else settings["verify"],
                cert=settings["cert"],
                proxies=settings["proxies"],
            )
        except requests.exceptions.ConnectionError as exc:
            tls = final_tls_error(exc)
            if tls is not None:
                message, host, cause = describe(method, url, tls, settings.get("verify"))
                raise TLSError(message, url=url, host=host, cause=cause) from None
            raise ConnectionFailed(_describe_connection_error(url, exc), url=url) from None
        except requests.exceptions.Timeout:
            raise ConnectionFailed(
                f"{method} {url} timed out after {self.timeout[1]:.0f} s. The host is slow or unreachable; "
                "check LEANIX_HOST and your network, then try again.",
                url=url,
            ) from None
        response = dispatch_hook(
            "response", prepared.hooks, response
        )  # an injected session's hooks still run
        self.requests_sent += 1
        log.debug("%s %s -> %s in %.3f s", method, path, response.status_code, time.perf_counter() - started)
        if response.status_code >= 400 and response.status_code not in ok_statuses:
            raise error_for_status(
                response.status_code,
                method,
                url,
                response.content,
                secrets=self._secret_values(),
                encoding=response.encoding,
            )
        return response

    def _secret_values(self) -> Iterable[str]:
        return [secret.reveal() for secret in self.secrets]


def _describe_connection_error(url: str, exc: Exception) -> str:
    text = str(exc)
    if "refused" in text.lower():
        reason = "connection refused"
    elif "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        reason = "the host name does not resolve"
    elif "Connection aborted" in text or "RemoteDisconnected" in text:
        reason = "the server kept closing the connection"
    elif "SSL" in text or "TLS" in text:
        reason = "the TLS handshake kept being interrupted"
    else:
        reason = "network error"
    return (
        f"Could not reach {url} ({reason}, after retries). Check LEANIX_HOST, your network and any proxy "
        "settings (HTTPS_PROXY), then try again."
    )
