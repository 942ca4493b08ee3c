"""Settings come from the environment and .env; hosts are normalised; the token never shows."""

import pytest

from kit.config import ConfigError, Secret, load_settings, normalize_host


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.leanix.net", "https://acme.leanix.net"),
        ("https://acme.leanix.net", "https://acme.leanix.net"),
        ("https://demo-eu-1.leanix.net/CSIDemo/dashboard", "https://demo-eu-1.leanix.net"),
        ("  eu.leanix.net  ", "https://eu.leanix.net"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://[::1]:8765/", "http://[::1]:8765"),
        ("http://localhost:9000", "http://localhost:9000"),
    ],
)
def test_hosts_are_normalised_to_a_base_url(raw, expected):
    assert normalize_host(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "empty"),
        ("ftp://acme.leanix.net", "scheme 'ftp'"),
        ("https://", "does not name a valid host"),
        ("acme..leanix.net", "does not name a valid host"),
        ("acme leanix net", "does not name a valid host"),
        ("https://acme.leanix.net:99999", "not a valid host"),
        ("http://acme.leanix.net", "plain http"),
    ],
)
def test_malformed_hosts_get_one_clear_error(raw, says):
    with pytest.raises(ConfigError) as caught:
        normalize_host(raw)
    assert says in str(caught.value)
    assert "LEANIX_HOST" in str(caught.value)


def test_no_host_means_sandbox(tmp_path):
    settings = load_settings({}, dotenv=tmp_path / "missing.env")
    assert settings.uses_sandbox and settings.host is None and settings.token is None


def test_environment_wins_over_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("LEANIX_HOST=file.leanix.net\nLEANIX_API_TOKEN=from-file\nLEANIX_WORKSPACE=Demo\n")
    from_file = load_settings({}, dotenv=dotenv)
    assert from_file.host == "https://file.leanix.net"
    assert from_file.token.reveal() == "from-file"
    assert from_file.workspace == "Demo"
    mixed = load_settings({"LEANIX_API_TOKEN": "from-env"}, dotenv=dotenv)
    assert mixed.host == "https://file.leanix.net" and mixed.token.reveal() == "from-env"


def test_host_without_token_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings({"LEANIX_HOST": "acme.leanix.net"}, dotenv=tmp_path / "none")
    assert "LEANIX_API_TOKEN is missing" in str(caught.value)
    assert ".env" in str(caught.value)


def test_secret_never_shows_itself():
    secret = Secret("LXT_canary_123")
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", "%s" % secret):
        assert "LXT_canary_123" not in text
    assert secret.reveal() == "LXT_canary_123"
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    settings = load_settings({"LEANIX_HOST": "acme.leanix.net", "LEANIX_API_TOKEN": "LXT_canary_123"}, None)
    assert "LXT_canary_123" not in repr(settings)
