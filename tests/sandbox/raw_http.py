"""Raw HTTP exchanges with a sandbox on 127.0.0.1: bytes out as written, the answer parsed by http.client.

Tests of the sandbox's refusals need requests no HTTP library would send (a bad Content-Length, a non-ASCII
header, an HTTP/0.9 line), so they write the bytes themselves; the answer is read with ``http.client``,
which raises when the server drops the connection instead of answering.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any

from kit.sandbox import SANDBOX_TOKEN

TOKEN_PATH = "/services/mtm/v1/oauth2/token"
GRANT = b"grant_type=client_credentials"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def exchange(
    port: int, data: bytes, *, half_close: bool = False, method: str = "GET", timeout: float = 20
) -> Answer:
    """Send ``data`` on a new connection and read one answer. ``half_close`` ends the upload (FIN) after
    ``data``, as a client whose body is shorter than its Content-Length would; ``method`` tells the parser
    whether a body follows (not for HEAD)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


def request(
    port: int,
    method: str,
    path: str,
    headers: list[tuple[str, str | bytes]] | None = None,
    body: bytes = b"",
    *,
    host: str | None = "default",
    content_length: bool = True,
    version: str = "HTTP/1.1",
    **kw: Any,
) -> Answer:
    """One request written by hand: ``Host: 127.0.0.1:port`` unless ``host`` says otherwise (None: none),
    ``Content-Length`` of ``body`` unless ``content_length`` is False; header values may be raw bytes."""
    lines = [f"{method} {path} {version}".encode("latin-1")]
    if host is not None:
        lines.append(f"Host: {f'127.0.0.1:{port}' if host == 'default' else host}".encode("latin-1"))
    for name, value in headers or []:
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode("latin-1")))
    if content_length and (body or method in ("POST", "PUT")):
        lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    return exchange(port, b"\r\n".join(lines) + b"\r\n\r\n" + body, method=method, **kw)


def basic(api_token: str = SANDBOX_TOKEN) -> str:
    """The token endpoint's Authorization header value for ``api_token``."""
    return "Basic " + base64.b64encode(f"apitoken:{api_token}".encode()).decode()


def access_token(port: int) -> str:
    """A fresh access token from the sandbox's MTM endpoint."""
    answer = request(
        port,
        "POST",
        TOKEN_PATH,
        [("Authorization", basic()), ("Content-Type", "application/x-www-form-urlencoded")],
        GRANT,
    )
    assert answer.status == 200, answer.text
    return answer.json()["access_token"]


def still_serving(port: int) -> None:
    """Assert that the server still answers a good request (a token exchange) on a new connection."""
    assert access_token(port).count(".") == 2


def assert_error_body(answer: Answer, status: int, *, secrets: tuple[str, ...] = ()) -> dict:
    """``answer`` has ``status`` and a JSON error body in one of LeanIX's shapes (``{"status": "ERROR",
    "message": …}``, ``{"errors": […]}``, or OAuth2's ``{"error": …, "error_description": …}`` from MTM's
    token endpoint) that quotes none of ``secrets``."""
    assert answer.status == status, f"expected {status}, got {answer.status}: {answer.text[:300]}"
    assert answer.headers.get("content-type") == "application/json", answer.headers
    payload = answer.json()
    assert isinstance(payload, dict)
    if "status" in payload:
        assert payload["status"] == "ERROR" and isinstance(payload["message"], str) and payload["message"]
    elif "error" in payload:
        assert isinstance(payload["error"], str) and isinstance(payload["error_description"], str)
    else:
        assert isinstance(payload["errors"], list) and payload["errors"], payload
    for secret in secrets:
        assert secret not in answer.text, f"the error body quotes a secret: {answer.text[:300]}"
    return payload
