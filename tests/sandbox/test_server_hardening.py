"""The sandbox refuses bad settings and bad requests clearly: a SandboxError naming the option, or an HTTP
answer with a JSON error body (never a dropped connection, a hang or a traceback on stderr).

Raw sockets against the session sandbox (read-only probing), and small sandboxes of their own where a
setting must differ (read timeout) or a server must fail to start.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import math
import socket

import pytest

from kit.cli import main
from kit.sandbox import SANDBOX_TOKEN, Faults, Sandbox, SandboxError, SandboxOptions
from tests.conftest import CANARY
from tests.sandbox.raw_http import (
    GRANT,
    TOKEN_PATH,
    access_token,
    assert_error_body,
    basic,
    exchange,
    request,
    still_serving,
)

GRAPHQL = "/services/pathfinder/v1/graphql"
RUNS = "/services/integration-api/v1/synchronizationRuns"


@pytest.fixture(scope="module")
def port(sandbox) -> int:
    return int(sandbox.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def bearer(port) -> str:
    return "Bearer " + access_token(port)


@pytest.fixture
def listening():
    """A socket bound and listening on 127.0.0.1 (a port some other program uses)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def run_main(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


# -- settings ------------------------------------------------------------------------------------------------
def test_python_refuses_a_fault_rate_above_one():
    with pytest.raises(SandboxError) as caught:
        Sandbox(SandboxOptions(fault_rate=2))
    assert str(caught.value) == (
        "fault_rate (lxkit sandbox serve --fault-rate) must be a finite number >= 0 and <= 1, got 2."
    )


@pytest.mark.parametrize("lifetime", [math.nan, math.inf, -1.0, 0.0])
def test_python_refuses_token_lifetimes_that_are_not_positive_and_finite(lifetime):
    with pytest.raises(SandboxError, match=r"token_lifetime \(lxkit sandbox serve --token-lifetime\)"):
        SandboxOptions(token_lifetime=lifetime)


def test_fault_rate_is_spread_over_the_transient_faults_with_the_seed():
    faults = SandboxOptions(size=0, seed=3, fault_rate=0.4).starting_faults()
    assert faults.rates == {"429": 0.1, "429-retry-after": 0.1, "503": 0.1, "drop": 0.1}
    assert faults.seed == 3


def test_fault_rate_and_fault_rates_together_are_refused():
    with pytest.raises(SandboxError, match="give only one"):
        SandboxOptions(fault_rate=0.1, faults=Faults(rates={"500": 0.1}))


def test_a_running_sandbox_refuses_bad_faults_and_keeps_its_own(sandbox):
    before = sandbox.faults
    with pytest.raises(SandboxError, match=r"Faults.latency \(lxkit sandbox serve --latency\)"):
        sandbox.faults = Faults(latency=math.nan)
    with pytest.raises(SandboxError, match="token_lifetime"):
        with sandbox.options_changed(token_lifetime=-5):
            pass
    assert sandbox.faults is before
    assert sandbox.issuer.lifetime == 3600.0


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com", "[::1]", ""])
def test_python_refuses_hosts_that_are_not_loopback(host):
    with pytest.raises(SandboxError, match=r"host \(lxkit sandbox serve --host\) must be a loopback address"):
        Sandbox(SandboxOptions(size=0), host=host)


def test_localhost_and_other_loopback_addresses_are_served():
    for host in ("localhost", "127.0.0.2"):
        with Sandbox(SandboxOptions(size=0), host=host) as small:
            port = int(small.url.rsplit(":", 1)[1])
            assert small.url.startswith(f"http://127.0.0.{2 if host == '127.0.0.2' else 1}:")
            if host == "localhost":
                still_serving(port)


def test_python_busy_port_is_a_sandbox_error_naming_the_port(listening):
    with pytest.raises(SandboxError) as caught:
        Sandbox(SandboxOptions(size=0), port=listening)
    assert str(caught.value) == (
        f"port (lxkit sandbox serve --port) {listening} on 127.0.0.1 cannot be used: Address already in use. "
        "Choose another port, or 0 for any free one."
    )


def test_cli_busy_port_exits_1_with_one_line(listening):
    code, err = run_main(["sandbox", "serve", "--port", str(listening), "--size", "0"])
    assert code == 1
    assert err.splitlines() == [
        f"lxkit: port (lxkit sandbox serve --port) {listening} on 127.0.0.1 cannot be used: Address already "
        "in use. Choose another port, or 0 for any free one."
    ]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--fault-rate", "2"], "--fault-rate"),
        (["--fault-rate", "nan"], "--fault-rate"),
        (["--token-lifetime", "inf"], "--token-lifetime"),
        (["--latency", "-1"], "--latency"),
        (["--size", "-5"], "--size"),
        (["--host", "0.0.0.0"], "--host"),
        (["--port", "70000"], "--port"),
    ],
)
def test_cli_bad_settings_exit_2_with_one_line_naming_the_flag(argv, flag):
    code, err = run_main(["sandbox", "serve", *argv])
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lxkit: ") and flag in lines[0]
    assert "Traceback" not in err


# -- requests: refusals before routing -----------------------------------------------------------------------
def test_non_ascii_bearer_gets_401_with_a_json_body_and_www_authenticate(port):
    answer = request(port, "GET", RUNS, [("Authorization", "Bearer tökén".encode())])
    payload = assert_error_body(answer, 401)
    assert payload["message"] == (
        "Unauthorized: the Authorization header must be printable ASCII (RFC 9110 §5.5, RFC 6750 §2.1)."
    )
    assert answer.headers["www-authenticate"] == 'Bearer realm="LeanIX"'
    still_serving(port)


def test_non_ascii_basic_credentials_at_the_token_endpoint_get_401(port):
    answer = request(port, "POST", TOKEN_PATH, [("Authorization", "Basic ééé".encode())], GRANT)
    assert_error_body(answer, 401)


def test_lowercase_bearer_scheme_is_accepted(port, bearer):
    # RFC 9110 §11.1: the authentication scheme is case-insensitive
    answer = request(port, "GET", RUNS, [("Authorization", "bearer " + bearer.split(" ", 1)[1])])
    assert answer.status == 200 and isinstance(answer.json(), list)


@pytest.mark.parametrize(
    ("value", "status", "words"),
    [
        ("-1", 400, "digits only"),
        ("abc", 400, "digits only"),
        ("5_0", 400, "digits only"),  # int() would read 50
        ("99999999999999999999", 413, "larger than 50 MB"),
    ],
)
def test_bad_content_length_is_refused_at_once(port, value, status, words):
    answer = request(port, "POST", GRAPHQL, [("Content-Length", value)], b"{}", content_length=False)
    payload = assert_error_body(answer, status)
    assert words in payload["message"]
    assert answer.headers["connection"] == "close"


def test_body_shorter_than_content_length_gets_400_when_the_client_stops_sending(port):
    data = f"POST {GRAPHQL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 100\r\n\r\n{{}}".encode()
    payload = assert_error_body(exchange(port, data, half_close=True), 400)
    assert payload["message"] == (
        "The request body ended after 2 of the 100 bytes its Content-Length announced (the client stopped "
        "sending); send the whole body or fix Content-Length."
    )


def test_body_that_stalls_gets_400_after_the_read_timeout():
    with Sandbox(SandboxOptions(size=0, read_timeout=0.2)) as small:
        port = int(small.url.rsplit(":", 1)[1])
        data = f"POST {GRAPHQL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 10\r\n\r\nabc".encode()
        payload = assert_error_body(exchange(port, data), 400)  # the connection stays open: no FIN
        assert payload["message"] == (
            "The request body ended after 3 of the 10 bytes its Content-Length announced (nothing more came "
            "for 0.2 s); send the whole body or fix Content-Length."
        )


def test_expect_100_continue_with_a_huge_body_is_refused_before_the_body(port):
    data = (
        f"PUT {RUNS[:-20]}configurations HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nExpect: 100-continue\r\n"
        "Content-Length: 999999999999\r\n\r\n"
    ).encode()
    assert_error_body(exchange(port, data), 413)


def test_chunked_bodies_are_refused_with_411(port):
    answer = request(
        port,
        "POST",
        GRAPHQL,
        [("Transfer-Encoding", "chunked")],
        b"2\r\n{}\r\n0\r\n\r\n",
        content_length=False,
    )
    assert_error_body(answer, 411)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "LOCALHOST:1234", "[::1]:8765", "127.0.0.2:80", "127.0.0.1:"],
)
def test_loopback_host_headers_are_served(port, host):
    answer = request(port, "POST", TOKEN_PATH, [("Authorization", basic())], GRANT, host=host)
    assert answer.status == 200, answer.text


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "0.0.0.0",
        "10.0.0.1:{port}",
        "[::2]",
        "[::ffff:127.0.0.1]",
        "127.0.0.1:99999",
        "127.0.0.1:80:80",
        "local host",
    ],
)
def test_other_host_headers_get_421_dns_rebinding(port, host):
    answer = request(
        port, "POST", TOKEN_PATH, [("Authorization", basic())], GRANT, host=host.format(port=port)
    )
    payload = assert_error_body(answer, 421)
    assert payload["message"] == (
        "The Host header names a host this sandbox does not serve; it answers only requests for 127.0.0.1, "
        "localhost or [::1] (with any port), which protects it against DNS rebinding."
    )


def test_missing_or_repeated_host_header_gets_400(port):
    assert_error_body(request(port, "GET", RUNS, host=None), 400)
    assert_error_body(request(port, "GET", RUNS, [("Host", "localhost")]), 400)
    # HTTP/1.0 may leave Host out (RFC 1945): routed as usual
    assert request(port, "GET", "/nowhere", host=None, version="HTTP/1.0").status == 404


def test_absolute_form_target_is_checked_like_a_host_header(port):
    assert_error_body(request(port, "GET", "http://evil.example/x"), 421)
    answer = request(port, "GET", f"http://127.0.0.1:{port}/nowhere")
    assert_error_body(answer, 404)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /\r\n", 400),  # HTTP/0.9
        (b"GET / FOO\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
        (b"\x00\xff\xfe garbage\r\n\r\n", 400),
        (b"PATCH / HTTP/1.1\r\nHost: localhost\r\n\r\n", 501),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n", 431),
    ],
    ids=["http-0.9", "bad-version", "http-2", "garbage", "patch", "long-line", "long-header", "many-headers"],
)
def test_protocol_errors_get_json_answers(port, data, status):
    answer = exchange(port, data)
    assert_error_body(answer, status)
    assert answer.headers["connection"] == "close"
    still_serving(port)


def test_json_nested_100000_deep_gets_400(port, bearer):
    body = b"[" * 100_000 + b"]" * 100_000
    answer = request(port, "POST", GRAPHQL, [("Authorization", bearer)], body)
    payload = assert_error_body(answer, 400)
    assert payload["message"] == "The request body nests too deeply to parse; flatten it."
    still_serving(port)


def test_body_that_is_not_utf8_gets_400(port, bearer):
    answer = request(port, "POST", GRAPHQL, [("Authorization", bearer)], b'{"query": "\xff\xfe"}')
    payload = assert_error_body(answer, 400)
    assert "not valid JSON" in payload["errors"][0]["message"]


def test_bad_requests_leave_no_traceback_on_stderr(port, bearer, capfd):
    capfd.readouterr()
    exchange(port, f"GET {RUNS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff.\xfe.\xfd\r\n\r\n".encode())
    exchange(port, b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
    request(port, "POST", GRAPHQL, [("Authorization", bearer)], b"{" * 50_000)
    request(port, "GET", RUNS, [("Authorization", "Bearer a.b.\u00ff".encode("latin-1"))])
    out, err = capfd.readouterr()
    assert "Traceback" not in err and "Traceback" not in out


# -- error answers never quote a token -----------------------------------------------------------------------
def test_error_answers_never_quote_a_token(sandbox, port, bearer):
    jwt = bearer.split(" ", 1)[1]
    run_id = sandbox.history.runs[0]["id"]
    cases = [
        (request(port, "GET", f"/services/{CANARY}/x"), 404),
        (request(port, "GET", f"{RUNS}/{CANARY}/status", [("Authorization", bearer)]), 404),
        (request(port, "GET", f"{RUNS}/{run_id}/warnings?limit={CANARY}", [("Authorization", bearer)]), 400),
        (request(port, "GET", f"/nowhere/{jwt}"), 404),
        (request(port, "GET", RUNS, [("Authorization", f"Bearer {CANARY}")]), 401),
        (request(port, "POST", TOKEN_PATH, [("Authorization", basic(CANARY))], GRANT), 401),
        (request(port, "GET", RUNS, [("Authorization", f"Bearer {CANARY} {CANARY}")]), 401),
    ]
    for answer, status in cases:
        assert_error_body(answer, status, secrets=(CANARY, jwt, SANDBOX_TOKEN))


def test_graphql_errors_never_quote_a_token(port, bearer):
    query = {"query": "{ %s }" % CANARY}
    answer = request(port, "POST", GRAPHQL, [("Authorization", bearer)], json.dumps(query).encode())
    assert answer.status == 200  # GraphQL answers 200 with errors[] (LeanIX does too)
    errors = answer.json()["errors"]
    assert errors[0]["message"] == "Cannot query field '[redacted]' on type 'Query'."
    assert CANARY not in answer.text


def test_checks_apply_to_every_request_of_a_keep_alive_connection(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Authorization": basic(), "Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", TOKEN_PATH, body=GRANT, headers=headers)
        first = connection.getresponse()
        assert first.status == 200 and "access_token" in json.loads(first.read())
        connection.putrequest("GET", RUNS, skip_host=True)
        connection.putheader("Host", "evil.example")
        connection.endheaders()
        second = connection.getresponse()
        assert second.status == 421 and json.loads(second.read())["status"] == "ERROR"
    finally:
        connection.close()
