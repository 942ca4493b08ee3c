"""Error messages quote a short, sanitised excerpt of what a proxy answered, never a token.

Real loopback servers answer with a megabyte of HTML, terminal escapes and control characters, bytes that
are no UTF-8, and an echo of the request's credentials; the message quotes at most 200 characters of
readable text.
"""

from __future__ import annotations

import pytest

from kit.client import BadRequest, LeanIXClient, LeanIXError, ServerError
from kit.client._excerpt import LIMIT, excerpt
from kit.config import Secret
from tests.client.loopback import ACCESS_TOKEN, Loopback, leanix_like
from tests.conftest import FAST_RETRY
from tests.robustness.outcomes import secret_forms

TOKEN = "LXT_body_test_token_0815_secret"
PATH = "/services/integration-api/v1/synchronizationRuns"

#: a proxy's error page, padded to a megabyte with scripts, styles and paragraphs
BIG_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title>"
    "<style>body { font-family: sans-serif; } h1 { color: #c00; }</style>"
    "<script>window.location = '<not text>'; var x = 1 < 2;</script></head>"
    "<body><h1>Bad&nbsp;Gateway</h1><p>The proxy server received an invalid response from an upstream "
    "server.</p>"
    + "<p>padding &amp; more padding</p><script>var filler = 'no';</script>" * 16_000
    + "</body></html>"
).encode()


def answer_body(status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> Loopback:
    return Loopback(leanix_like(status, body, {"Content-Type": content_type}))


def failure(server: Loopback, method: str = "POST") -> LeanIXError:
    with LeanIXClient(server.url, Secret(TOKEN), retry=FAST_RETRY) as client:
        with pytest.raises(LeanIXError) as caught:
            client.request(method, PATH, json={"x": 1})
    return caught.value


def quoted(error: LeanIXError, method: str = "POST") -> str:
    """The excerpt of the body in a message ``METHOD URL answered HTTP n: <excerpt>. <advice>``."""
    head, _, rest = str(error).partition(f"answered HTTP {error.status}: ")
    assert head.startswith(method) and rest, str(error)
    return rest


def test_a_megabyte_of_html_is_quoted_as_200_characters_of_text():
    assert len(BIG_PAGE) > 1_000_000
    with answer_body(502, BIG_PAGE) as server:
        error = failure(server)
    assert isinstance(error, ServerError) and error.status == 502
    text = quoted(error)
    expected = (
        "502 Bad Gateway Bad Gateway The proxy server received an invalid response from an upstream server. "
        "padding & more padding padding & more padding padding & more padding padding & more padding padding…"
    )
    assert len(expected) <= 200
    assert text == expected + ". LeanIX had a server error; try again later."
    assert len(str(error)) < 400


def test_idempotent_calls_retried_on_502_still_quote_the_excerpt():
    with answer_body(502, BIG_PAGE) as server:
        error = failure(server, "GET")
        assert len(server.requests) == 1 + 1 + 8  # token exchange, first try, eight retries
    assert quoted(error, "GET").startswith("502 Bad Gateway Bad Gateway The proxy server received")


def test_control_characters_and_terminal_escapes_are_dropped():
    body = (
        b"\x1b[31mERROR\x1b[0m\x00 upstream\r\n\tfailed \x1b]0;owned\x07\x07\x08 at \xe2\x80\xae step 3\x7f"
    )
    with answer_body(500, body, "text/plain; charset=utf-8") as server:
        error = failure(server)
    assert quoted(error) == "ERROR upstream failed at step 3. LeanIX had a server error; try again later."


def test_bytes_that_are_not_utf8_are_replaced_not_raised():
    with answer_body(503, b"caf\xe9 \xff\xfe closed", "text/plain; charset=utf-8") as server:
        error = failure(server)
    assert quoted(error).startswith("caf\ufffd \ufffd\ufffd closed.")
    str(error).encode("utf-8")  # printable


def test_an_echo_of_the_credentials_is_redacted():
    basic = "YXBpdG9rZW46TFhUX2JvZHlfdGVzdF90b2tlbl8wODE1X3NlY3JldA=="  # base64 of apitoken:<TOKEN>
    body = (
        f'{{"error": "bad request", "echo": {{"Authorization": "Bearer {ACCESS_TOKEN}", '
        f'"X-Api": "Basic {basic}", "apiToken": "{TOKEN}", "raw": "{TOKEN}"}}}}'
    ).encode()
    with answer_body(400, body, "application/json") as server:
        error = failure(server)
    assert isinstance(error, BadRequest)
    message = str(error)
    for secret in (TOKEN, ACCESS_TOKEN, basic):
        for form in secret_forms(secret):
            assert form not in message
    assert quoted(error).startswith(
        '{"error": "bad request", "echo": {"Authorization": "Bearer [redacted]", "X-Api": "Basic [redacted]", '
        '"apiToken": "[redacted]", "raw": "[redacted]"}}.'
    )


def test_an_empty_body_adds_nothing():
    with answer_body(404, b"", "text/plain") as server:
        error = failure(server)
    assert (
        str(error)
        == f"POST {server.url}{PATH} answered HTTP 404. Check the id or path; the object may have been deleted."
    )


def test_a_non_json_answer_names_a_clean_content_type():
    with Loopback(
        leanix_like(200, b"<html>hello</html>", {"Content-Type": "text/html\x1b[2J; charset=utf-8"})
    ) as server:
        with LeanIXClient(server.url, Secret(TOKEN), retry=FAST_RETRY) as client:
            with pytest.raises(LeanIXError) as caught:
                client.get(PATH)
    assert "with a body that is not JSON (text/html ; charset=utf-8)" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", ""),
        ("   \n\t ", ""),
        (
            '{"status": "ERROR", "message": "Unknown field"}',
            '{"status": "ERROR", "message": "Unknown field"}',
        ),
        ("<p>a &lt;b&gt; c</p>", "a <b> c"),
        ("x" * 500, "x" * (LIMIT - 1) + "…"),
        ("token expired, please renew", "token expired, please renew"),
        ("password: required", "password: required"),
        ("password=hunter2345", "password=[redacted]"),
        ("\ud800 lone surrogate", "lone surrogate"),
    ],
)
def test_excerpt(body, expected):
    assert excerpt(body) == expected
