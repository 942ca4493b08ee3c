"""Bad requests to the sandbox, and bad sandbox settings: each refused with its documented answer.

Requests (methods x paths x header and body mutations) go as raw bytes to the session sandbox; each case
asserts the status written by hand for its mutation class, a JSON error body in LeanIX's shape that quotes no
token, and that the server still answers a good request afterwards. They talk HTTP rather than raise, so
they are documented acceptances (``expect=None``) whose ``why`` names the answer and its source.

Settings (``SandboxOptions``, ``Sandbox(host=, port=)``, a running sandbox's faults) and ``lxkit sandbox
serve`` flags are clean errors: ``SandboxError`` / a failed CLI run naming the option.
"""

from __future__ import annotations

import functools
import json
import math
import socket
from collections.abc import Callable
from typing import Any

import pytest

from kit.sandbox import Faults, Sandbox, SandboxError, SandboxOptions
from tests.conftest import CANARY
from tests.robustness.outcomes import Case, CliFailed, check, params, run_cli
from tests.sandbox.raw_http import (
    GRANT,
    TOKEN_PATH,
    Answer,
    access_token,
    assert_error_body,
    basic,
    exchange,
    request,
    still_serving,
)

GRAPHQL = "/services/pathfinder/v1/graphql"
IAPI = "/services/integration-api/v1"
SYNCLOG = "/services/synclog/v1/synchronizations"

#: the session sandbox's port, a valid bearer header and the sandbox, set by the fixture below
TARGET: dict[str, Any] = {}


@pytest.fixture(autouse=True, scope="module")
def _target(sandbox) -> None:
    TARGET["port"] = int(sandbox.url.rsplit(":", 1)[1])
    TARGET["bearer"] = "Bearer " + access_token(TARGET["port"])
    TARGET["sandbox"] = sandbox


# -- requests ------------------------------------------------------------------------------------------------
ENDPOINTS = [
    ("token", "POST", TOKEN_PATH),
    ("graphql", "POST", GRAPHQL),
    ("runs", "GET", f"{IAPI}/synchronizationRuns"),
    ("synclog", "GET", SYNCLOG),
    ("config-put", "PUT", f"{IAPI}/configurations"),
    ("config-delete", "DELETE", f"{IAPI}/configurations"),
    ("unknown", "GET", "/services/unknown/v1/things"),
]

Send = Callable[[int, str, str], Answer]


def _headers(*pairs: tuple[str, str | bytes]) -> Send:
    return lambda port, method, path: request(port, method, path, list(pairs), b"{}")


def _host(value: str | None) -> Send:
    return lambda port, method, path: request(port, method, path, body=b"{}", host=value)


def _length(*values: str, body: bytes = b"{}", half_close: bool = False) -> Send:
    pairs = [("Content-Length", v) for v in values]
    return lambda port, method, path: request(
        port, method, path, pairs, body, content_length=False, half_close=half_close
    )


RFC_HOST = "HTTP/1.1 needs exactly one Host header (RFC 9112 §3.2)"
REBINDING = "only 127.0.0.1, localhost and [::1] are served (DNS rebinding protection)"
ASCII = "bearer must be ASCII (RFC 6750 §2.1, RFC 9110 §5.5)"
TOKEN68 = "credentials are one token68 after Bearer/Basic (RFC 6750 §2.1, RFC 7617)"
DIGITS = "Content-Length is 1*DIGIT (RFC 9110 §8.6)"

#: mutation name -> (send, status, why); every endpoint gets every one, refused before routing
HEADER_MUTATIONS: dict[str, tuple[Send, int, str]] = {
    "host-evil": (_host("evil.example"), 421, f"421: {REBINDING}"),
    "host-rebound-name": (_host("attacker.test:8765"), 421, f"421: {REBINDING}"),
    "host-lookalike": (_host("127.0.0.1.nip.io"), 421, f"421: {REBINDING}"),
    "host-missing": (_host(None), 400, f"400: {RFC_HOST}"),
    "host-twice": (_headers(("Host", "localhost")), 400, f"400: {RFC_HOST}"),
    "absolute-form-evil": (
        lambda port, method, path: request(port, method, "http://evil.example" + path, body=b"{}"),
        421,
        f"421: the target's authority replaces Host (RFC 9112 §3.2.2); {REBINDING}",
    ),
    "bearer-utf8": (_headers(("Authorization", "Bearer tökén".encode())), 401, f"401: {ASCII}"),
    "bearer-cyrillic": (_headers(("Authorization", "Bearer токен".encode())), 401, f"401: {ASCII}"),
    "bearer-latin1-byte": (_headers(("Authorization", b"Bearer a.b.\xe9")), 401, f"401: {ASCII}"),
    "bearer-control-char": (_headers(("Authorization", "Bearer a\x01b")), 401, f"401: {ASCII}"),
    "auth-scheme-only": (_headers(("Authorization", "Bearer")), 401, f"401: {TOKEN68}"),
    "auth-spaces-in-token": (_headers(("Authorization", "Bearer a b c")), 401, f"401: {TOKEN68}"),
    "auth-unknown-scheme": (_headers(("Authorization", "Digest username=x")), 401, f"401: {TOKEN68}"),
    "auth-twice": (
        _headers(("Authorization", "Bearer a.b.c"), ("Authorization", "Bearer d.e.f")),
        401,
        "401: one Authorization header (RFC 6750 §3.1 invalid_request)",
    ),
    "length-negative": (_length("-1"), 400, f"400: {DIGITS}"),
    "length-words": (_length("ten"), 400, f"400: {DIGITS}"),
    "length-underscore": (_length("1_0"), 400, f"400: {DIGITS} (Python's int() would read 10)"),
    "length-conflict": (_length("2", "3"), 400, "400: differing Content-Length values (RFC 9112 §6.3)"),
    "length-huge": (_length("1" + "0" * 30), 413, "413: more than 50 MB, LeanIX's LDIF limit per request"),
    "length-beyond-body": (
        _length("100", half_close=True),
        400,
        "400: the body ended before its Content-Length (RFC 9112 §8: incomplete message)",
    ),
    "transfer-encoding": (
        lambda port, method, path: request(
            port,
            method,
            path,
            [("Transfer-Encoding", "chunked")],
            b"2\r\n{}\r\n0\r\n\r\n",
            content_length=False,
        ),
        411,
        "411: the sandbox needs Content-Length (RFC 9110 §15.5.12)",
    ),
}

BODY_ENDPOINTS = [
    ("graphql", "POST", GRAPHQL),
    ("config-put", "PUT", f"{IAPI}/configurations"),
    ("run-create", "POST", f"{IAPI}/synchronizationRuns"),
    ("fast-run", "POST", f"{IAPI}/fastSynchronizationRuns"),
]

#: bodies none of the JSON endpoints can take: 400 with a JSON error, nothing created
BAD_BODIES: dict[str, bytes] = {
    "not-json": b"{nope",
    "not-utf8": b'{"query": "\xff\xfe"}',
    "truncated": b'{"query": "{ allFactSheets',
    "empty": b"",
    "array": b"[1, 2, 3]",
    "nested-100k-arrays": b"[" * 100_000 + b"]" * 100_000,
    "nested-100k-objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}

#: request lines and headers http.server itself refuses: fixed JSON answers, the connection closed
PROTOCOL: dict[str, tuple[Callable[[int, str], bytes], int, str]] = {
    "line-too-long": (
        lambda port, path: f"GET {path}?{'a' * 70_000} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(),
        414,
        "414: request line over 65,536 bytes (RFC 9110 §15.5.15)",
    ),
    "header-too-long": (
        lambda port, path: f"GET {path} HTTP/1.1\r\nHost: localhost\r\nX-L: {'a' * 70_000}\r\n\r\n".encode(),
        431,
        "431: header line over 65,536 bytes (RFC 6585 §5)",
    ),
    "too-many-headers": (
        lambda port, path: (
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\n".encode() + b"X-A: b\r\n" * 150 + b"\r\n"
        ),
        431,
        "431: more than 100 headers (RFC 6585 §5)",
    ),
    "http-0.9": (lambda port, path: f"GET {path}\r\n".encode(), 400, "400: HTTP/0.9 is not served"),
    "bad-version": (
        lambda port, path: f"GET {path} HTTX/1.1\r\nHost: localhost\r\n\r\n".encode(),
        400,
        "400: the request line must end in HTTP/1.x (RFC 9112 §3)",
    ),
    "http-2": (
        lambda port, path: f"GET {path} HTTP/2.0\r\nHost: localhost\r\n\r\n".encode(),
        505,
        "505: HTTP/1.0 and 1.1 only (RFC 9110 §15.6.6)",
    ),
    "method-patch": (
        lambda port, path: f"PATCH {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(),
        501,
        "501: the sandbox implements GET, POST, PUT, DELETE (RFC 9110 §15.6.2)",
    ),
    "method-options": (
        lambda port, path: f"OPTIONS {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(),
        501,
        "501: the sandbox implements GET, POST, PUT, DELETE (RFC 9110 §15.6.2)",
    ),
    "method-lowercase": (
        lambda port, path: f"post {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(),
        501,
        "501: methods are case-sensitive (RFC 9110 §9.1)",
    ),
    "target-without-slash": (
        lambda port, path: f"GET {path.lstrip('/')} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(),
        400,
        "400: origin-form targets start with / (RFC 9112 §3.2.1)",
    ),
}


def _expect_answer(send: Callable[[], Answer], status: int) -> None:
    answer = send()
    assert_error_body(answer, status, secrets=(CANARY, TARGET["bearer"].split(" ", 1)[1]))
    if status == 401:
        assert answer.headers["www-authenticate"].startswith(("Bearer ", "Basic "))
    still_serving(TARGET["port"])


def _header_case(send: Send, method: str, path: str, status: int) -> None:
    _expect_answer(lambda: send(TARGET["port"], method, path), status)


def _body_case(method: str, path: str, body: bytes) -> None:
    port = TARGET["port"]
    _expect_answer(lambda: request(port, method, path, [("Authorization", TARGET["bearer"])], body), 400)


def _protocol_case(build: Callable[[int, str], bytes], path: str, status: int) -> None:
    port = TARGET["port"]
    _expect_answer(lambda: exchange(port, build(port, path)), status)


def _echo_case(kind: str) -> None:
    """A canary sent where an error answer could quote it: the answer never does."""
    port, bearer = TARGET["port"], TARGET["bearer"]
    run_id = TARGET["sandbox"].history.runs[0]["id"]
    auth = [("Authorization", bearer)]
    sends: dict[str, tuple[Callable[[], Answer], int]] = {
        "path": (lambda: request(port, "GET", f"/services/{CANARY}"), 404),
        "run-id": (lambda: request(port, "GET", f"{IAPI}/synchronizationRuns/{CANARY}/status", auth), 404),
        "query-value": (
            lambda: request(
                port, "GET", f"{IAPI}/synchronizationRuns/{run_id}/warnings?limit={CANARY}", auth
            ),
            400,
        ),
        "bearer": (lambda: request(port, "GET", SYNCLOG, [("Authorization", f"Bearer {CANARY}")]), 401),
        "basic": (lambda: request(port, "POST", TOKEN_PATH, [("Authorization", basic(CANARY))], GRANT), 401),
        "jwt-in-path": (lambda: request(port, "GET", f"/x/{bearer.split(' ', 1)[1]}"), 404),
    }
    send, status = sends[kind]
    _expect_answer(send, status)


def _graphql_echo() -> None:
    port = TARGET["port"]
    body = json.dumps({"query": "{ %s }" % CANARY}).encode()
    answer = request(port, "POST", GRAPHQL, [("Authorization", TARGET["bearer"])], body)
    assert answer.status == 200 and CANARY not in answer.text
    assert answer.json()["errors"][0]["message"] == "Cannot query field '[redacted]' on type 'Query'."


REQUEST_CASES = [
    Case(
        f"{mutation}-{name}",
        functools.partial(_header_case, send, method, path, status),
        expect=None,
        why=why,
    )
    for mutation, (send, status, why) in HEADER_MUTATIONS.items()
    for name, method, path in ENDPOINTS
]
REQUEST_CASES += [
    Case(
        f"body-{mutation}-{name}",
        functools.partial(_body_case, method, path, body),
        expect=None,
        why="400: the body must be a JSON object; LeanIX answers 400 with a JSON error",
    )
    for mutation, body in BAD_BODIES.items()
    for name, method, path in BODY_ENDPOINTS
]
REQUEST_CASES += [
    Case(f"{mutation}-{name}", functools.partial(_protocol_case, build, path, status), expect=None, why=why)
    for mutation, (build, status, why) in PROTOCOL.items()
    for name, _method, path in (ENDPOINTS[0], ENDPOINTS[1], ENDPOINTS[-1])
]
REQUEST_CASES += [
    Case(
        f"echo-{kind}",
        functools.partial(_echo_case, kind),
        expect=None,
        why="error answers never quote a token",
    )
    for kind in ("path", "run-id", "query-value", "bearer", "basic", "jwt-in-path")
]
REQUEST_CASES.append(
    Case(
        "echo-graphql-field",
        _graphql_echo,
        expect=None,
        why="GraphQL answers 200 with errors[] (LeanIX does too); the error never quotes a token",
    )
)


@pytest.mark.parametrize("case", params(REQUEST_CASES))
def test_bad_request(case: Case) -> None:
    check(case)


# -- settings ------------------------------------------------------------------------------------------------
NAN, INF = math.nan, math.inf

#: option -> (values SandboxOptions refuses, the places its message names)
BAD_OPTIONS: dict[str, tuple[list[Any], tuple[str, ...]]] = {
    "size": ([-1, 1_000_001, 2.5, NAN, True, "100"], ("size", "--size")),
    "seed": ([1.5, NAN, "7", 2**64], ("seed", "--seed")),
    "token_lifetime": ([0, -1, NAN, INF, -INF, 1e12, "60"], ("token_lifetime", "--token-lifetime")),
    "fault_rate": ([-0.1, 1.5, 2, NAN, INF], ("fault_rate", "--fault-rate")),
    "rate_limit": ([0, -5, 1.5, NAN], ("rate_limit",)),
    "run_delay": ([-1, NAN, INF, 1e6], ("run_delay",)),
    "read_timeout": ([0, -1, NAN, INF], ("read_timeout",)),
    "api_token": (["", "two words", "tökén", None, f"{CANARY} x"], ("api_token",)),
    "denied_fields": (["businessCriticality", (1, 2)], ("denied_fields",)),
}

#: Faults that reach a server through SandboxOptions(faults=...) or ``sandbox.faults = ...``
BAD_FAULTS: dict[str, tuple[Callable[[], Faults], tuple[str, ...]]] = {
    "latency-negative": (lambda: Faults(latency=-1), ("Faults.latency", "--latency")),
    "latency-nan": (lambda: Faults(latency=NAN), ("Faults.latency", "--latency")),
    "latency-inf": (lambda: Faults(latency=INF), ("Faults.latency", "--latency")),
    "latency-huge": (lambda: Faults(latency=601), ("Faults.latency", "--latency")),
    "rate-nan": (lambda: Faults(rates={"503": NAN}), ("Faults.rates['503']",)),
    "rate-negative": (lambda: Faults(rates={"503": -0.5}), ("Faults.rates['503']",)),
    "retry-after-nan": (lambda: Faults(retry_after=NAN), ("Faults.retry_after",)),
    "expire-negative": (lambda: Faults(expire_tokens_after=-1), ("Faults.expire_tokens_after",)),
    "expire-inf": (lambda: Faults(expire_tokens_after=INF), ("Faults.expire_tokens_after",)),
}


def _set_faults(faults: Callable[[], Faults]) -> None:
    TARGET["sandbox"].faults = faults()  # refused before it applies: the session sandbox keeps its faults


def _change_lifetime(value: float) -> None:
    with TARGET["sandbox"].options_changed(token_lifetime=value):
        pass


def _busy_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        Sandbox(SandboxOptions(size=0), port=sock.getsockname()[1])


OPTION_CASES = [
    Case(
        f"option-{name}-{i if name == 'api_token' else repr(value)}",
        functools.partial(SandboxOptions, **{name: value}),
        expect=SandboxError,
        places=places,
        secrets=(CANARY, f"{CANARY} x"),
    )
    for name, (values, places) in BAD_OPTIONS.items()
    for i, value in enumerate(values)
]
OPTION_CASES += [
    Case(f"faults-{name}", lambda f=faults: SandboxOptions(faults=f()), expect=SandboxError, places=places)
    for name, (faults, places) in BAD_FAULTS.items()
]
OPTION_CASES += [
    Case(f"running-faults-{name}", functools.partial(_set_faults, faults), expect=SandboxError, places=places)
    for name, (faults, places) in BAD_FAULTS.items()
]
OPTION_CASES += [
    Case(
        f"running-lifetime-{v}",
        functools.partial(_change_lifetime, v),
        expect=SandboxError,
        places=("token_lifetime",),
    )
    for v in (0, -1, NAN, INF)
]
OPTION_CASES += [
    Case(
        "fault-rate-and-rates",
        lambda: SandboxOptions(fault_rate=0.2, faults=Faults(rates={"500": 0.1})),
        expect=SandboxError,
        places=("fault_rate", "faults.rates"),
    ),
    Case("busy-port", _busy_port, expect=SandboxError, places=("--port", "Address already in use")),
]
OPTION_CASES += [
    Case(
        f"host-{host!r}",
        functools.partial(Sandbox, SandboxOptions(size=0), host=host),
        expect=SandboxError,
        places=("host", "--host", "loopback"),
    )
    for host in (
        "0.0.0.0",
        "::",
        "192.168.1.20",
        "10.0.0.1",
        "example.com",
        "[::1]",
        "",
        None,
        "127.0.0.1 ",
        "::ffff:127.0.0.1",
    )
]
OPTION_CASES += [
    Case(
        f"port-{port!r}",
        functools.partial(Sandbox, SandboxOptions(size=0), port=port),
        expect=SandboxError,
        places=("port", "--port", "65,535"),
    )
    for port in (-1, 65536, 1.5, "8765", None)
]


@pytest.mark.parametrize("case", params(OPTION_CASES))
def test_bad_setting(case: Case) -> None:
    check(case)


# -- lxkit sandbox serve -------------------------------------------------------------------------------------
def _serve(argv: list[str], code: int) -> None:
    """``lxkit sandbox serve ARGV`` in-process: it must fail with ``code`` and print one line."""
    try:
        run_cli(["sandbox", "serve", *argv])
    except CliFailed as exc:
        assert exc.code == code, f"exit code {exc.code}, expected {code}: {exc}"
        assert len(str(exc).splitlines()) == 1 or code == 2 and str(exc).startswith("usage:"), str(exc)
        raise


def _serve_busy_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        _serve(["--port", str(sock.getsockname()[1]), "--size", "0"], 1)


SERVE_FLAGS: dict[str, list[str]] = {
    "--fault-rate": ["2", "-0.5", "nan", "inf", "1.0001"],
    "--token-lifetime": ["nan", "inf", "-1", "0", "1e12"],
    "--latency": ["-1", "nan", "inf", "1e9"],
    "--size": ["-1", "2000000", "abc", "1e6"],
    "--port": ["70000", "-1", "http"],
    "--host": ["0.0.0.0", "192.168.1.1", "example.com", "::"],
}

CLI_CASES = [
    Case(
        f"serve{flag}={value}",
        functools.partial(_serve, [f"{flag}={value}"], 2),
        expect=CliFailed,
        places=(flag,),
    )
    for flag, values in SERVE_FLAGS.items()
    for value in values
]
CLI_CASES.append(Case("serve-busy-port", _serve_busy_port, expect=CliFailed, places=("--port", "in use")))


@pytest.mark.parametrize("case", params(CLI_CASES))
def test_bad_serve_flags(case: Case) -> None:
    check(case)
