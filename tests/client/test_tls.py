"""TLS failures are final and say what to do: real TLS servers on 127.0.0.1 with self-signed certificates.

An untrusted certificate, a certificate for another name, or https against a plain-http server fails the same
way on every attempt, so the client must not retry (each test counts the connections that reached the
server) and must name the host, the cause and ``REQUESTS_CA_BUNDLE``. The advice is checked too: pointing
``REQUESTS_CA_BUNDLE`` at the server's certificate makes the very same call succeed.
"""

from __future__ import annotations

import pytest

from kit.client import ConnectionFailed, LeanIXClient, TLSError
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN
from tests.client.loopback import Loopback, certificate, leanix_like, tls_context
from tests.conftest import FAST_RETRY

TOKEN = "LXT_tls_test_token_4711_secret"
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A certificate for 127.0.0.1 and localhost, and one for another name only."""
    right, other = tmp_path_factory.mktemp("right"), tmp_path_factory.mktemp("other")
    return {
        "loopback": certificate(right, ["localhost", "127.0.0.1"]),
        "other": certificate(other, ["other.example"]),
    }


@pytest.fixture
def system_bundle(monkeypatch):
    """The machine's CA bundle (which does not hold the test certificates)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def call(url: str) -> object:
    with LeanIXClient(url, Secret(TOKEN), retry=FAST_RETRY) as client:
        return client.get("/services/integration-api/v1/configurations")


def test_an_untrusted_certificate_is_not_retried_and_says_requests_ca_bundle(
    certificates, system_bundle, monkeypatch
):
    cert, key = certificates["loopback"]
    with Loopback(leanix_like(), tls_context(cert, key)) as server:
        host = f"127.0.0.1:{server.server_address[1]}"
        with pytest.raises(TLSError) as caught:
            call(server.url)
        assert server.connections == 1  # one handshake, no retry (the old transport made 9)
        assert server.requests == []
        message = str(caught.value)
        assert f"TLS certificate check failed for {host}" in message
        assert "the certificate is not trusted (self-signed certificate)" in message
        assert "REQUESTS_CA_BUNDLE" in message and SYSTEM_BUNDLE in message
        assert TOKEN not in message
        assert caught.value.host == host
        assert caught.value.cause == "the certificate is not trusted (self-signed certificate)"
        assert isinstance(caught.value, ConnectionFailed)

        # the advice works: trust the certificate through REQUESTS_CA_BUNDLE and the same call succeeds
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        assert call(server.url) == {"ok": True}
        assert server.requests == [
            ("POST", "/services/mtm/v1/oauth2/token"),
            ("GET", "/services/integration-api/v1/configurations"),
        ]


def test_a_certificate_for_another_name_says_host_name_mismatch(certificates, system_bundle, monkeypatch):
    cert, key = certificates["other"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trusted, but issued for other.example
    with Loopback(leanix_like(), tls_context(cert, key)) as server:
        with pytest.raises(TLSError) as caught:
            call(server.url)
        assert server.connections == 1 and server.requests == []
    message = str(caught.value)
    assert "the certificate is not valid for the host name '127.0.0.1'" in message
    assert "IP address mismatch" in message
    assert "Check LEANIX_HOST" in message and "REQUESTS_CA_BUNDLE" in message


def test_https_against_a_plain_http_server_says_it_does_not_speak_tls(system_bundle):
    with Loopback(leanix_like()) as server:
        port = server.server_address[1]
        with pytest.raises(TLSError) as caught:
            call(f"https://127.0.0.1:{port}")
        assert server.connections == 1  # not retried
        assert server.requests == []  # the ClientHello is no HTTP request
    message = str(caught.value)
    assert f"TLS connection to 127.0.0.1:{port} failed" in message
    assert "the server does not speak TLS (wrong version number)" in message
    assert "plain-http server, or the wrong port" in message and "REQUESTS_CA_BUNDLE" in message


def test_https_against_the_plain_http_sandbox(sandbox, system_bundle):
    before = len(sandbox.log)
    url = sandbox.url.replace("http://", "https://")
    with LeanIXClient(url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as client:
        with pytest.raises(TLSError, match="the server does not speak TLS") as caught:
            client.graphql("{ allFactSheets { totalCount } }")
    assert len(sandbox.log) == before  # nothing reached the sandbox's routes
    assert sandbox.url.split("//")[1] in str(caught.value)
    assert SANDBOX_TOKEN not in str(caught.value)


def test_a_missing_ca_bundle_is_named(monkeypatch, tmp_path):
    missing = tmp_path / "corporate-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(missing))
    with pytest.raises(TLSError) as caught:
        call("https://127.0.0.1:9")  # never contacted: the bundle is checked first
    message = str(caught.value)
    assert f"REQUESTS_CA_BUNDLE names '{missing}', which does not exist" in message
    assert "unset it to use the default bundle" in message


def test_a_ca_bundle_without_certificates_is_named(certificates, monkeypatch, tmp_path):
    junk = tmp_path / "bundle.pem"
    junk.write_text("this is not a certificate\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(junk))
    cert, key = certificates["loopback"]
    with Loopback(leanix_like(), tls_context(cert, key)) as server:
        with pytest.raises(TLSError) as caught:
            call(server.url)
        assert server.requests == []
    message = str(caught.value)
    assert "the CA bundle holds no usable certificate (NO_CERTIFICATE_OR_CRL_FOUND)" in message
    assert str(junk) in message
