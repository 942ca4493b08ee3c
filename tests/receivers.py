"""Local receivers for tests: an HTTP server and an SMTP server, both on 127.0.0.1 only.

:class:`Receiver` stands in for Slack, Teams or any webhook target: it records every POST and PUT (path,
headers, body) and answers the statuses a test queues, each once, then ``default``
(``Receiver(statuses=[500])``: 500 once, then 200; ``Receiver(default=503)``: 503 every time).
:class:`MailReceiver` is aiosmtpd's controller keeping the messages it got. No mocks: lxkit and the sandbox
talk to these over loopback as they would to a real receiver or SMTP relay.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

# a Slack-like incoming-webhook path; its last part stands for the secret that must never be shown
SLACK_PATH = "/services/T000/B000/XXXXSECRET"


@dataclass
class Received:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body)."""
        return json.loads(self.body or b"null")


class Receiver:
    """An HTTP server on 127.0.0.1 recording each POST/PUT and answering the queued ``statuses``, then
    ``default``; ``headers`` are sent with every answer (e.g. ``{"Retry-After": "1"}``).

    ``statuses`` stays a deque a test may extend later (``receiver.statuses.extend([500] * 3)``).
    Use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self, statuses: Iterable[int] = (), *, default: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        self.statuses: deque[int] = deque(statuses)
        self.default = default
        self.headers = dict(headers or {})
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = owner._record(Received(self.path, dict(self.headers), body))
                payload = b"ok" if status < 300 else b"server_error"
                self.send_response(status)
                for name, value in owner.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PUT = do_POST  # noqa: N815 - http.server's name

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def _record(self, request: Received) -> int:
        """Keep the request and take the status to answer it with."""
        with self._lock:
            self.requests.append(request)
            return self.statuses.popleft() if self.statuses else self.default

    @property
    def bodies(self) -> list[Any]:
        """The JSON bodies received, in order."""
        return [request.json() for request in self.requests]

    @property
    def base(self) -> str:
        """Scheme, host and port: what lxkit may show of a target."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def close(self) -> None:
        """Stop serving and free the port (a closed receiver is a target nothing listens on)."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def dead_url() -> str:
    """A loopback URL nothing listens on (a port taken and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/SECRETPATH"


class MailReceiver:
    """aiosmtpd on 127.0.0.1 (plain SMTP, no TLS), keeping each message as an EmailMessage."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        owner = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                owner.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                owner.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()
