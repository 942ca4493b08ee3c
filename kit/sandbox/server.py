"""The sandbox: a local, LeanIX-compatible HTTP server over a generated demo workspace.

It serves MTM's token endpoint, Pathfinder GraphQL, the Integration API's read endpoints and the sync log,
with per-server fault injection and LeanIX's rate limit. Loopback only. Start it in-process
(``Sandbox().start()``) or from the shell (``lxkit sandbox serve --port 8765``).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kit.sandbox.faults import FaultInjector, Faults, RateLimiter
from kit.sandbox.tokens import TokenIssuer, TokenRejected

__all__ = ["SANDBOX_TOKEN", "RequestRecord", "Sandbox", "SandboxOptions"]

log = logging.getLogger("kit.sandbox")

# Not a secret: the sandbox is local and holds generated data. Real tokens never take this value.
SANDBOX_TOKEN = "LXT_sandbox_demo_token_not_a_secret"

IAPI = "/services/integration-api/v1"
SYNCLOG = "/services/synclog/v1"


@dataclass(frozen=True)
class SandboxOptions:
    """Everything that shapes one sandbox server."""

    size: int = 2000
    seed: int = 7
    api_token: str = SANDBOX_TOKEN
    token_lifetime: float = 3600.0
    rate_limit: int | None = 1800
    denied_fields: tuple[str, ...] = ()
    faults: Faults = field(default_factory=Faults)
    run_delay: float = 0.05  # seconds a started run stays PENDING (lets clients poll and stop)


@dataclass(frozen=True)
class RequestRecord:
    """One answered request, for tests and for ``lxkit sandbox serve`` logs (no headers, no bodies)."""

    at: float
    method: str
    path: str
    status: int
    fault: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, body: object) -> None:
        self.status, self.body = status, body


class Sandbox:
    """A running (or ready to run) sandbox server; use as a context manager or call start()/stop()."""

    def __init__(self, options: SandboxOptions | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        from kit.sandbox.demo import generate_workspace
        from kit.sandbox.graphql_api import PathfinderGraphQL
        from kit.sandbox.runs import generate_runs

        self.options = options or SandboxOptions()
        self.store = generate_workspace(size=self.options.size, seed=self.options.seed)
        self.history = generate_runs(self.store.workspace_id, seed=self.options.seed)
        self.graphql = PathfinderGraphQL(self.store, denied_fields=self.options.denied_fields)
        gc.freeze()  # the generated workspace lives as long as the server: keep it out of GC passes
        self.lock = threading.RLock()  # runs write the store while GraphQL reads it
        self.field_kinds = {
            t.name: {f.name: str(f.kind) for f in t.fields} for t in self.store.metamodel.types
        }
        self.metric_points: list = []
        self.injector = FaultInjector(self.options.faults)
        self.limiter = RateLimiter(self.options.rate_limit)
        self.log: deque[RequestRecord] = deque(maxlen=100_000)
        self._httpd = _Server((host, port), _Handler)
        self._httpd.sandbox = self
        self.issuer = TokenIssuer(
            api_token=self.options.api_token,
            workspace_id=self.store.workspace_id,
            workspace_name=self.store.workspace_name,
            instance_url=self.url,
            lifetime=self.options.token_lifetime,
        )
        self._thread: threading.Thread | None = None
        self._routes = _routes(self)

    def __repr__(self) -> str:
        return f"Sandbox({self.url!r}, fact_sheets={sum(self.store.count_by_type().values())})"

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> Sandbox:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, name="lxkit-sandbox", daemon=True
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def faults(self) -> Faults:
        return self.injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.injector.configure(faults)

    @contextmanager
    def faulty(self, faults: Faults) -> Iterator[Sandbox]:
        """Apply ``faults`` inside the block, then restore the previous ones."""
        previous = self.faults
        self.faults = faults
        try:
            yield self
        finally:
            self.faults = previous

    @contextmanager
    def options_changed(self, **changes) -> Iterator[Sandbox]:
        """Temporarily change token lifetime or denied fields (tests share one server)."""
        saved = (self.issuer.lifetime, self.graphql)
        if "token_lifetime" in changes:
            self.issuer.lifetime = changes["token_lifetime"]
        if "denied_fields" in changes:
            from kit.sandbox.graphql_api import PathfinderGraphQL

            self.graphql = PathfinderGraphQL(self.store, denied_fields=changes["denied_fields"])
        try:
            yield self
        finally:
            self.issuer.lifetime, self.graphql = saved

    # -- request handling (called from the handler thread) ------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes) -> tuple[int, dict, bytes | None]:
        started = time.perf_counter()
        parts = urlsplit(target)
        path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query)
        latency = self.faults.latency
        if latency:
            time.sleep(latency)
        fault = self.injector.draw()
        if fault is not None:
            return self._fault(method, path, fault)
        try:
            for route_method, pattern, needs_auth, handler in self._routes:
                match = pattern.fullmatch(path)
                if match and route_method == method:
                    if needs_auth:
                        self._authorize(headers)
                    status, payload = handler(query=query, body=body, headers=headers, **match.groupdict())
                    break
            else:
                raise ApiError(404, {"errors": [f"No endpoint {method} {path} in the lxkit sandbox."]})
        except ApiError as exc:
            status, payload = exc.status, exc.body
        extra = {}
        if isinstance(payload, dict) and "_retry_after" in payload:
            extra["Retry-After"] = str(int(payload.pop("_retry_after")))
        self.log.append(RequestRecord(time.time(), method, path, status))
        body = None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        extra["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return status, extra, body

    def _fault(self, method: str, path: str, fault) -> tuple[int, dict, bytes | None]:
        self.log.append(
            RequestRecord(
                time.time(), method, path, 0 if fault.kind == "drop" else int(fault.kind[:3]), fault.kind
            )
        )
        if fault.kind == "drop":
            return -1, {}, None
        status = int(fault.kind[:3])
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
        messages = {
            429: "USER_INTERVAL_REQUEST_LIMIT_EXCEEDED",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }
        return status, headers, json.dumps({"status": "ERROR", "message": messages[status]}).encode()

    def _authorize(self, headers) -> dict:
        try:
            claims = self.issuer.verify(headers.get("Authorization"), self.faults.expire_tokens_after)
        except TokenRejected as exc:
            raise ApiError(401, {"status": "ERROR", "message": f"Unauthorized: {exc}"}) from None
        wait = self.limiter.check(claims["sub"])
        if wait is not None:
            raise ApiError(
                429,
                {
                    "status": "ERROR",
                    "message": "USER_INTERVAL_REQUEST_LIMIT_EXCEEDED",
                    "_retry_after": max(1, round(wait)),
                },
            )
        return claims


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: Sandbox

    def __init__(self, address, handler) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        # a client that went away (or a connection the fault injector dropped) is not worth a traceback
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this, Nagle's algorithm and the client's
        # delayed ACK hold every answer back by ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, payload = self.server.sandbox.handle(self.command, self.path, self.headers, body)
        if status == -1:  # injected dropped connection: no answer at all
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload or b"")))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


# -- routes ------------------------------------------------------------------------------------------------
Handler = Callable[..., tuple[int, object]]


def _routes(sandbox: Sandbox) -> list[tuple[str, re.Pattern, bool, Handler]]:
    from kit.sandbox import api
    from kit.sandbox import integration_runs as runs

    table = [
        ("POST", "/services/mtm/v1/oauth2/token", False, api.token),
        ("POST", "/services/pathfinder/v1/graphql", True, api.graphql),
        ("GET", f"{IAPI}/synchronizationRuns", True, api.runs),
        (
            "GET",
            f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/(?P<part>status|progress|stats|results)",
            True,
            api.run_part,
        ),
        ("GET", f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/warnings", True, api.run_warnings),
        ("GET", f"{IAPI}/configurations", True, api.configurations),
        ("PUT", f"{IAPI}/configurations", True, runs.upsert_configuration),
        ("DELETE", f"{IAPI}/configurations", True, runs.delete_configuration),
        ("POST", f"{IAPI}/synchronizationRuns", True, runs.create_run),
        ("POST", f"{IAPI}/synchronizationRuns/withConfig", True, runs.create_run_with_config),
        ("POST", f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/start", True, runs.start_run),
        ("POST", f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/stop", True, runs.stop_run),
        ("POST", f"{IAPI}/fastSynchronizationRuns", True, runs.fast_run),
        ("POST", f"{IAPI}/fastSynchronizationRuns/withConfig", True, _with_config(runs.fast_run)),
        ("GET", f"{SYNCLOG}/synchronizations", True, api.synchronizations),
        ("GET", f"{SYNCLOG}/synchronizations/(?P<sync_id>[^/]+)", True, api.synchronization),
        ("GET", f"{SYNCLOG}/synchronizations/(?P<sync_id>[^/]+)/syncItems", True, api.sync_items),
        ("GET", f"{SYNCLOG}/syncItems", True, api.sync_items),
    ]
    return [
        (method, re.compile(pattern), auth, _bind(handler, sandbox))
        for method, pattern, auth, handler in table
    ]


def _with_config(handler):
    def bound(sandbox, **kw):
        return handler(sandbox, with_config=True, **kw)

    return bound


def _bind(handler, sandbox):
    def bound(**kw):
        return handler(sandbox, **kw)

    return bound
