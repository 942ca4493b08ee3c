"""The sandbox: a local, LeanIX-compatible HTTP server over a generated demo workspace.

It serves MTM's token endpoint, Pathfinder GraphQL, the Integration API's read endpoints and the sync log,
the Webhooks API (with PUSH deliveries of run events to loopback targets) and the Metrics API v2, with per-server fault injection and LeanIX's rate limit. Loopback only. Start it in-process
(``Sandbox().start()``) or from the shell (``lxkit sandbox serve --port 8765``).
"""

from __future__ import annotations

import base64
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kit.integration.plan import MetricPoint
from kit.sandbox import api, integration_runs, metrics, rest, webhooks
from kit.sandbox.demo import generate_workspace
from kit.sandbox.errors import ApiError, SandboxError
from kit.sandbox.faults import Fault, FaultInjector, Faults, RateLimiter
from kit.sandbox.graphql_api import PathfinderGraphQL
from kit.sandbox.guards import (
    authorization_problem,
    check_faults,
    check_host,
    check_port,
    check_token_lifetime,
    content_length,
    host_header_problem,
    port_unavailable,
    redact,
)
from kit.sandbox.options import SANDBOX_TOKEN, SandboxOptions
from kit.sandbox.runs import generate_runs
from kit.sandbox.store import Store
from kit.sandbox.tokens import TokenIssuer, TokenRejected
from kit.sandbox.webhook_deliveries import Deliveries

__all__ = ["SANDBOX_TOKEN", "RequestRecord", "Sandbox", "SandboxError", "SandboxOptions"]

log = logging.getLogger("kit.sandbox")

IAPI = "/services/integration-api/v1"
SYNCLOG = "/services/synclog/v1"
WEBHOOKS = "/services/webhooks/v1"
METRICS = "/services/metrics/v2"


@dataclass(frozen=True)
class RequestRecord:
    """One answered request, for tests and for ``lxkit sandbox serve`` logs (no headers, no bodies)."""

    at: float
    method: str
    path: str
    status: int
    fault: str | None = None


class Sandbox:
    """A running (or ready to run) sandbox server; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        options: SandboxOptions | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        store: Store | None = None,
    ) -> None:
        """Generate the workspace (or serve ``store``, then ``options.size`` is not used) and bind
        ``host:port`` (loopback only; port 0 picks a free one)."""
        self.options = options or SandboxOptions()
        if not isinstance(self.options, SandboxOptions):
            raise SandboxError(f"options must be a SandboxOptions, got a {type(self.options).__name__}.")
        check_host(host)
        check_port(port)
        # bind first, so that a busy port fails before the workspace is generated; listen only once the
        # server can answer (clients that poll the port for readiness get "connection refused" until then)
        self._httpd = _Server((host, port), _Handler, bind_and_activate=False)
        try:
            try:
                self._httpd.server_bind()
            except OSError as exc:
                raise port_unavailable(host, port, exc) from None
            self._build(store)
            try:
                self._httpd.server_activate()
            except OSError as exc:
                raise port_unavailable(host, port, exc) from None
        except BaseException:
            self._httpd.server_close()
            raise

    def _build(self, store: Store | None) -> None:
        if store is not None and not isinstance(store, Store):
            raise SandboxError(f"store must be a kit.sandbox.store.Store, got a {type(store).__name__}.")
        as_of = self.options.as_of
        if store is None:
            store = generate_workspace(size=self.options.size, seed=self.options.seed, as_of=as_of)
        self.store = store
        # the runs of the as_of day are over by its end (the next midnight, UTC); none come later
        until = (
            None if as_of is None else datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)
        )
        self.history = generate_runs(self.store.workspace_id, seed=self.options.seed, until=until)
        self.graphql = PathfinderGraphQL(
            self.store, denied_fields=self.options.denied_fields, between_pages=self.options.between_pages
        )
        gc.freeze()  # the generated workspace lives as long as the server: keep it out of GC passes
        self.lock = threading.RLock()  # runs write the store while GraphQL reads it
        self.metric_points: list[MetricPoint] = []  # every inboundMetrics point of real runs, as planned
        self.metrics = metrics.MetricsStore()
        self.webhooks = webhooks.Subscriptions(
            self.store.workspace_id,
            Deliveries(
                lambda: (self.options.webhook_retry_interval, self.options.webhook_retry_limit),
                lambda: [self.options.api_token],
            ),
        )
        self.injector = FaultInjector(self.options.starting_faults())
        self.limiter = RateLimiter(self.options.rate_limit)
        self.log: deque[RequestRecord] = deque(maxlen=100_000)
        self._httpd.sandbox = self
        self.issuer = TokenIssuer(
            api_token=self.options.api_token,
            workspace_id=self.store.workspace_id,
            workspace_name=self.store.workspace_name,
            instance_url=self.url,
            lifetime=self.options.token_lifetime,
        )
        # from here on every change (mutations, Integration API runs) is an event of allLogEvents, by the
        # technical user the tokens belong to (generation above is history, not events)
        self.store.actor = {
            "id": self.issuer.user_id,
            "userName": "lxkit-sandbox-technical-user",
            "displayName": "lxkit-sandbox-technical-user",
            "email": None,
            "technicalUser": True,
        }
        self.store.start_event_log()
        self._thread: threading.Thread | None = None
        self._routes = _routes(self)

    def __repr__(self) -> str:
        return f"Sandbox({self.url!r}, fact_sheets={sum(self.store.count_by_type().values())})"

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
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

    def deliveries_settled(self, timeout: float = 10.0) -> bool:
        """Wait up to ``timeout`` seconds until no webhook delivery is pending; True if none is (for tests:
        deliveries run in the background, retried every ``options.webhook_retry_interval`` seconds)."""
        return self.webhooks.deliveries.settled(timeout)

    def stop(self) -> None:
        self.webhooks.deliveries.stop()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread = None
        gc.unfreeze()  # a stopped sandbox's workspace must be collectable (frozen objects never are)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def faults(self) -> Faults:
        return self.injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.injector.configure(check_faults(faults))

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
    def options_changed(self, **changes: Any) -> Iterator[Sandbox]:
        """Temporarily change token lifetime or denied fields (tests share one server)."""
        saved = (self.issuer.lifetime, self.graphql)
        if "token_lifetime" in changes:
            check_token_lifetime(changes["token_lifetime"])
            self.issuer.lifetime = changes["token_lifetime"]
        if "denied_fields" in changes:
            self.graphql = PathfinderGraphQL(self.store, denied_fields=changes["denied_fields"])
        try:
            yield self
        finally:
            self.issuer.lifetime, self.graphql = saved

    # -- request handling (called from the handler thread) ------------------------------------------
    def handle(
        self, method: str, target: str, headers: Message, body: bytes
    ) -> tuple[int, dict[str, str], bytes | None]:
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
        except RecursionError:  # json.loads or the GraphQL parser on a body nested thousands deep
            status, payload = 400, _error("The request body nests too deeply to parse; flatten it.")
        except Exception as exc:  # a sandbox bug: answer 500 rather than drop the connection
            log.error("lxkit sandbox: %s %s failed: %s", method, redact(path, ()), type(exc).__name__)
            log.debug("lxkit sandbox: traceback", exc_info=True)
            status, payload = 500, _error(f"Internal error in the lxkit sandbox ({type(exc).__name__}).")
        extra = {}
        if isinstance(payload, dict) and "_retry_after" in payload:
            extra["Retry-After"] = str(int(payload.pop("_retry_after")))
        if status == 401:
            extra["WWW-Authenticate"] = 'Basic realm="MTM"' if path.endswith("/oauth2/token") else BEARER
        self.log.append(RequestRecord(time.time(), method, path, status))
        # error answers may quote the request (a path, a query value, GraphQL text): never a token
        if status >= 400:
            payload = _redacted(payload, self._presented_secrets(headers))
        elif isinstance(payload, dict) and payload.get("errors"):
            payload = {**payload, "errors": _redacted(payload["errors"], self._presented_secrets(headers))}
        answer = None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        extra["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return status, extra, answer

    def _fault(self, method: str, path: str, fault: Fault) -> tuple[int, dict[str, str], bytes | None]:
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

    def _presented_secrets(self, headers: Message) -> list[str]:
        """The API token and whatever credentials the request carried (to keep them out of answers)."""
        found = [self.options.api_token]
        credentials = (headers.get("Authorization") or "").partition(" ")[2]
        if credentials:
            found.append(credentials)
            with contextlib.suppress(ValueError):
                found.append(base64.b64decode(credentials, validate=True).decode().partition(":")[2])
        return found

    def _authorize(self, headers: Message) -> dict[str, Any]:
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


BEARER = 'Bearer realm="LeanIX"'


def _error(message: str) -> dict[str, str]:
    """An error body in the shape LeanIX's services answer 401/429/5xx with."""
    return {"status": "ERROR", "message": message}


def _redacted(value: object, secrets: list[str]) -> object:
    """``value`` (a JSON payload) with every string passed through :func:`redact`."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact(str(k), secrets): _redacted(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v, secrets) for v in value]
    return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: Sandbox

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        bind_and_activate: bool = True,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler, bind_and_activate)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that went away (or a connection the fault injector dropped) is not worth a traceback
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


_PROTOCOL_ERRORS = {
    400: "The request line or headers are not valid HTTP/1.1 (RFC 9112).",
    414: "The request line is longer than 65,536 bytes.",
    431: "A header line is longer than 65,536 bytes, or the request has more than 100 headers.",
    501: "The lxkit sandbox implements GET, POST, PUT and DELETE only.",
    505: "The lxkit sandbox speaks HTTP/1.0 and HTTP/1.1 only.",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    raw_requestline: bytes  # set by BaseHTTPRequestHandler.handle_one_request
    _checked: bool
    _length: int

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this, Nagle's algorithm and the client's
        # delayed ACK hold every answer back by ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # -- refusing bad requests: a JSON answer in LeanIX's shape, never a dropped connection or a hang --------
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, too long, unknown method) as JSON; their texts
        are fixed per status because http.server's would quote the request line back."""
        self._refuse(code, _PROTOCOL_ERRORS.get(code, HTTPStatus(code).phrase), close=True)

    def _refuse(self, code: int, message: str, *, close: bool, extra: dict[str, str] | None = None) -> None:
        if self.request_version in ("HTTP/0.9", "", None):  # so that a status line and headers go out
            self.request_version = "HTTP/1.0"
        payload = json.dumps(_error(message), separators=(",", ":")).encode()
        sandbox = getattr(self.server, "sandbox", None)
        if sandbox is not None and self.command:
            path = urlsplit(self.path or "").path or "/"
            sandbox.log.append(RequestRecord(time.time(), self.command, path, code))
        if close:
            self.close_connection = True
        self.send_response(code)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        if close:
            self._linger()

    def _linger(self) -> None:
        """Read (and drop) what the client still sends, briefly, after the answer: closing a socket with
        unread data resets the connection, and the client would lose the answer."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            drained = 0
            while drained < 4 * 2**20:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)

    def parse_request(self) -> bool:
        self._checked = False  # one handler serves every request of a keep-alive connection
        if len(self.raw_requestline.split()) == 2:  # an HTTP/0.9 request: no headers would follow
            self.command, self.path, self.request_version, self.requestline = "", "", "HTTP/1.0", ""
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        return True

    def handle_expect_100(self) -> bool:
        """Refuse a bad request before the client sends its body (RFC 9110 §10.1.1)."""
        if self._check_headers():
            return False
        return super().handle_expect_100()

    def _check_headers(self) -> bool:
        """Refuse a request whose target, Host, Content-Length or Authorization is bad; True if refused.

        Checked before routing, so that every endpoint (and an unknown path) gives the same answer; once per
        request (``Expect: 100-continue`` checks before the body)."""
        if self._checked:
            return False
        length, status, reason = content_length(
            self.headers.get_all("Content-Length") or [], self.headers.get_all("Transfer-Encoding") or []
        )
        if reason:
            self._refuse(status, reason, close=True)
            return True
        self._length = length
        target = self.path
        hosts = self.headers.get_all("Host") or []
        if not target.startswith("/"):
            absolute = re.fullmatch(r"(?i)https?://([^/?#]*)([^#]*)", target)
            if not absolute:
                self._refuse(400, "The request target must be a path starting with '/'.", close=True)
                return True
            hosts, self.path = [absolute[1]], absolute[2] or "/"  # the target's authority wins over Host
        if hosts or self.request_version != "HTTP/1.0":  # HTTP/1.0 may leave Host out
            problem = host_header_problem(hosts)
            if problem:
                self._refuse(problem[0], problem[1], close=True)
                return True
        reason, authorization = authorization_problem(self.headers.get_all("Authorization") or [])
        if reason:
            self._refuse(401, f"Unauthorized: {reason}.", close=True, extra={"WWW-Authenticate": BEARER})
            return True
        if authorization:
            self.headers.replace_header("Authorization", authorization)
        self._checked = True
        return False

    def _read_body(self, length: int) -> bytes | None:
        """The request body, or None (after a 400) if it ended or stalled before ``length`` bytes."""
        if not length:
            return b""
        timeout = self.server.sandbox.options.read_timeout
        chunks, got, stalled = [], 0, False
        try:
            self.connection.settimeout(timeout)
            while got < length:
                chunk = self.rfile.read1(min(length - got, 2**20))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        except TimeoutError:
            stalled = True
        except OSError:  # the client reset the connection: the body is short
            pass
        if got < length:
            why = f"nothing more came for {timeout:g} s" if stalled else "the client stopped sending"
            self._refuse(
                400,
                f"The request body ended after {got} of the {length} bytes its Content-Length announced "
                f"({why}); send the whole body or fix Content-Length.",
                close=True,
            )
            return None
        self.connection.settimeout(None)
        return b"".join(chunks)

    def _prepare(self) -> tuple[int, dict[str, str], bytes | None] | None:
        """The answer to send, or None when the request was refused (and answered) already."""
        if self._check_headers():
            return None
        body = self._read_body(self._length)
        if body is None:
            return None
        return self.server.sandbox.handle(self.command, self.path, self.headers, body)

    def _serve(self) -> None:
        try:
            answer = self._prepare()
        except Exception as exc:  # a sandbox bug before the answer: a 500, not a dropped connection
            log.error("lxkit sandbox: %s failed before routing: %s", self.command, type(exc).__name__)
            log.debug("lxkit sandbox: traceback", exc_info=True)
            self._refuse(500, f"Internal error in the lxkit sandbox ({type(exc).__name__}).", close=True)
            return
        if answer is None:
            return
        status, headers, payload = answer
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

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


# -- routes ------------------------------------------------------------------------------------------------
#: an endpoint handler: ``(sandbox, query=, body=, headers=, **path parameters) -> (status, JSON)``
Handler = Callable[..., tuple[int, Any]]
#: a handler bound to its sandbox
Route = Callable[..., tuple[int, Any]]


def _routes(sandbox: Sandbox) -> list[tuple[str, re.Pattern[str], bool, Route]]:
    table: list[tuple[str, str, bool, Handler]] = [
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
        ("PUT", f"{IAPI}/configurations", True, integration_runs.upsert_configuration),
        ("DELETE", f"{IAPI}/configurations", True, integration_runs.delete_configuration),
        ("POST", f"{IAPI}/synchronizationRuns", True, integration_runs.create_run),
        ("POST", f"{IAPI}/synchronizationRuns/withConfig", True, integration_runs.create_run_with_config),
        ("POST", f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/start", True, integration_runs.start_run),
        ("POST", f"{IAPI}/synchronizationRuns/(?P<run_id>[^/]+)/stop", True, integration_runs.stop_run),
        ("POST", f"{IAPI}/fastSynchronizationRuns", True, integration_runs.fast_run),
        (
            "POST",
            f"{IAPI}/fastSynchronizationRuns/withConfig",
            True,
            partial(integration_runs.fast_run, with_config=True),
        ),
        ("GET", f"{SYNCLOG}/synchronizations", True, api.synchronizations),
        ("GET", f"{SYNCLOG}/synchronizations/(?P<sync_id>[^/]+)", True, api.synchronization),
        ("GET", f"{SYNCLOG}/synchronizations/(?P<sync_id>[^/]+)/syncItems", True, api.sync_items),
        ("GET", f"{SYNCLOG}/syncItems", True, api.sync_items),
        ("GET", f"{WEBHOOKS}/subscriptions", True, webhooks.list_subscriptions),
        ("POST", f"{WEBHOOKS}/subscriptions", True, webhooks.create_subscription),
        ("GET", f"{WEBHOOKS}/subscriptions/(?P<subscription_id>[^/]+)", True, webhooks.get_subscription),
        ("PUT", f"{WEBHOOKS}/subscriptions/(?P<subscription_id>[^/]+)", True, webhooks.update_subscription),
        (
            "DELETE",
            f"{WEBHOOKS}/subscriptions/(?P<subscription_id>[^/]+)",
            True,
            webhooks.delete_subscription,
        ),
        (
            "GET",
            f"{WEBHOOKS}/subscriptions/(?P<subscription_id>[^/]+)/deliveries",
            True,
            webhooks.subscription_deliveries,
        ),
        ("GET", f"{WEBHOOKS}/eventTags", True, webhooks.event_tags),
        ("GET", f"{METRICS}/schemas", True, metrics.list_schemas),
        ("POST", f"{METRICS}/schemas", True, metrics.create_schema),
        ("GET", f"{METRICS}/schemas/(?P<schema_uuid>[^/]+)", True, metrics.get_schema),
        ("DELETE", f"{METRICS}/schemas/(?P<schema_uuid>[^/]+)", True, metrics.delete_schema),
        ("GET", f"{METRICS}/schemas/(?P<schema_uuid>[^/]+)/points", True, metrics.list_points),
        ("POST", f"{METRICS}/schemas/(?P<schema_uuid>[^/]+)/points", True, metrics.write_point),
        ("DELETE", f"{METRICS}/schemas/(?P<schema_uuid>[^/]+)/points", True, metrics.delete_points),
        *rest.ROUTES,
    ]
    return [
        (method, re.compile(pattern), auth, partial(handler, sandbox))
        for method, pattern, auth, handler in table
    ]
