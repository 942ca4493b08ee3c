"""API token → access token (MTM client-credentials), cached and renewed before it runs out."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kit.client._errors import AuthenticationError
from kit.config import Secret

__all__ = ["AccessToken", "TokenManager", "decode_jwt_claims"]

TOKEN_PATH = "/services/mtm/v1/oauth2/token"
LEAD_SECONDS = 60.0


def decode_jwt_claims(jwt: str) -> dict[str, Any]:
    """The claims of a JWT, without verifying its signature (we only read workspace facts from it)."""
    try:
        payload = jwt.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when to renew it (monotonic clock)."""

    value: Secret = field(repr=False)
    renew_at: float
    claims: dict[str, Any] = field(repr=False)


class TokenManager:
    """Keeps one bearer token: fetched lazily, renewed ``min(60 s, lifetime / 4)`` before it expires.

    ``fetch`` performs the HTTP exchange and returns the decoded JSON answer; the manager owns the caching
    and the renewal rule only, so it is easy to test and thread-safe.
    """

    def __init__(
        self, fetch: Callable[[], dict[str, Any]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self.exchanges = 0

    def __repr__(self) -> str:
        state = "cached" if self._token else "empty"
        return f"TokenManager({state}, exchanges={self.exchanges})"

    def bearer(self) -> str:
        token = self._current()
        return token.value.reveal()

    @property
    def claims(self) -> dict[str, Any]:
        return self._current().claims

    def invalidate(self, bearer: str | None = None) -> None:
        """Forget the token (after a 401); with ``bearer``, only if it is still the cached one."""
        with self._lock:
            if self._token is not None and (bearer is None or self._token.value.reveal() == bearer):
                self._token = None

    def _current(self) -> AccessToken:
        with self._lock:
            if self._token is None or self._clock() >= self._token.renew_at:
                self._token = self._exchange()
            return self._token

    def _exchange(self) -> AccessToken:
        answer = self._fetch()
        self.exchanges += 1
        value = answer.get("access_token")
        if not isinstance(value, str) or not value:
            raise AuthenticationError("The token endpoint answered without an access_token.")
        claims = decode_jwt_claims(value)
        lifetime = answer.get("expires_in")
        if not isinstance(lifetime, (int, float)) and "exp" in claims:
            lifetime = float(claims["exp"]) - time.time()
        lifetime = float(lifetime) if isinstance(lifetime, (int, float)) else 3600.0
        lead = min(LEAD_SECONDS, max(lifetime, 0.0) / 4)
        return AccessToken(value=Secret(value), renew_at=self._clock() + lifetime - lead, claims=claims)
