"""The sandbox's MTM: API tokens in, short-lived signed JWT access tokens out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass

__all__ = ["TokenIssuer", "TokenRejected"]


class TokenRejected(Exception):
    """An access token is missing, forged or expired; the text is the reason sent back with the 401."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenIssuer:
    """Issues HS256 JWTs with the claims real LeanIX clients read (``exp``, ``instanceUrl``, ``principal``).

    Signed with a per-server random key: the sandbox checks signatures, clients only decode the claims.
    """

    api_token: str
    workspace_id: str
    workspace_name: str
    instance_url: str = ""
    lifetime: float = 3600.0
    user_id: str = "00000000-0000-4000-8000-000000000001"

    def __post_init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self.issued: list[str] = []  # every access token handed out, for tests that look for leaks

    def check_api_token(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.api_token.encode())

    def issue(self) -> dict:
        now = time.time()
        claims = {
            "sub": self.user_id,
            "iss": f"{self.instance_url}/services/mtm/v1",
            "jti": str(uuid.uuid4()),
            "iat": int(now),
            "exp": int(now + self.lifetime),
            "iat_precise": now,
            "instanceUrl": self.instance_url,
            "principal": {
                "id": self.user_id,
                "username": "lxkit-sandbox-technical-user",
                "role": "ADMIN",
                "status": "ACTIVE",
                "permission": {
                    "workspaceId": self.workspace_id,
                    "workspaceName": self.workspace_name,
                    "role": "ADMIN",
                    "status": "ACTIVE",
                },
            },
        }
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        self.issued.append(f"{header}.{payload}.{signature}")
        return {
            "scope": "",
            "expired": False,
            "access_token": f"{header}.{payload}.{signature}",
            "token_type": "bearer",
            "expires_in": int(self.lifetime) if self.lifetime >= 1 else self.lifetime,
        }

    def verify(self, authorization: str | None, max_age: float | None = None) -> dict:
        """The claims of a valid ``Bearer`` token; raises :class:`TokenRejected` otherwise."""
        if not authorization or not authorization.startswith("Bearer "):
            raise TokenRejected("missing bearer token")
        token = authorization[len("Bearer ") :]
        try:
            header, payload, signature = token.split(".")
        except ValueError:
            raise TokenRejected("malformed token") from None
        expected = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(signature, expected):
            raise TokenRejected("invalid token signature")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        now = time.time()
        if now >= claims["iat_precise"] + self.lifetime:
            raise TokenRejected("token expired")
        if max_age is not None and now >= claims["iat_precise"] + max_age:
            raise TokenRejected("token expired")
        return claims
