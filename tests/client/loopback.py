"""Small real servers on 127.0.0.1 for client tests: plain or TLS, counting what reached them.

:func:`certificate` makes a self-signed certificate with ``openssl`` (the ``cryptography`` package is not a
dependency); :class:`Loopback` serves HTTP on a loopback port, optionally wrapped in TLS, and answers every
request through a function ``answer(method, path) -> (status, headers, body)``. ``connections`` counts TCP
connections accepted (a failed TLS handshake is one, too), ``requests`` the HTTP requests that got through.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Answer = Callable[[str, str], tuple[int, dict[str, str], bytes]]

ACCESS_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0."  # a JWT without signature; no claims needed


def certificate(folder: Path, names: list[str]) -> tuple[Path, Path]:
    """``(certificate, key)``: a self-signed certificate for ``names`` (DNS names or IP addresses)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    san = ",".join(f"IP:{n}" if _is_ip(n) else f"DNS:{n}" for n in names)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={names[0]}", "-addext", f"subjectAltName={san}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def leanix_like(status: int = 200, body: bytes = b'{"ok": true}', headers: dict | None = None) -> Answer:
    """Answers the token exchange like MTM and every other request with ``status`` and ``body``."""

    def answer(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/services/mtm/v1/oauth2/token"):
            token = {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "bearer"}
            return 200, {"Content-Type": "application/json"}, json.dumps(token).encode()
        return status, headers or {"Content-Type": "application/json"}, body

    return answer


class _Handler(BaseHTTPRequestHandler):
    server: Loopback

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.server.lock:
            self.server.requests.append((self.command, self.path))
        status, headers, body = self.server.answer(self.command, self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


class Loopback(ThreadingHTTPServer):
    """An HTTP(S) server on 127.0.0.1 in a thread; use as a context manager."""

    daemon_threads = True

    def __init__(self, answer: Answer, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.context = context
        self.lock = threading.Lock()
        self.connections = 0
        self.requests: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.context else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def get_request(self):
        connection = super().get_request()
        with self.lock:
            self.connections += 1
        return connection

    def finish_request(self, request, client_address) -> None:
        if self.context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(10)
        try:
            wrapped = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate, or spoke no TLS
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up is normal here

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=10)


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
