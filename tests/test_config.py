"""Settings come from the environment and .env; hosts are normalised; the token never shows."""

import os

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


# -- issue 6: settings that cannot work get one clear error, never the token -----------------------------------

TOKEN = "LXT_config_test_0042_secret"


def test_a_dotenv_that_is_not_utf8_names_file_line_and_byte(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(f"LEANIX_HOST=acme.leanix.net\nLEANIX_API_TOKEN={TOKEN}\n# Käse\n".encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_settings({}, dotenv=dotenv)
    assert str(caught.value) == (
        f"The settings file {str(dotenv)!r} is not UTF-8 text: byte 76 (line 3, byte 4 of the line) cannot be "
        "decoded. Save the file as UTF-8 (most editors: 'Save with encoding')."
    )


def test_a_dotenv_with_a_bom_still_sets_the_first_key(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"\xef\xbb\xbf" + f"LEANIX_HOST=acme.leanix.net\nLEANIX_API_TOKEN={TOKEN}\n".encode())
    settings = load_settings({}, dotenv=dotenv)
    assert settings.host == "https://acme.leanix.net" and settings.token.reveal() == TOKEN


def test_a_dotenv_folder_is_skipped_and_a_fifo_is_refused_without_blocking(tmp_path):
    folder = tmp_path / ".env"
    folder.mkdir()  # python -m venv .env
    assert load_settings({}, dotenv=folder).uses_sandbox
    fifo = tmp_path / "fifo.env"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"is a named pipe \(FIFO\), so it is not read"):
        load_settings({}, dotenv=fifo)


@pytest.mark.parametrize(
    ("token", "says"),
    [
        (
            TOKEN + "€",
            "holds a character that cannot be sent in an HTTP header (it is not Latin-1) at position 28 of 28",
        ),
        (TOKEN[:3] + " " + TOKEN[3:], "holds whitespace at position 4 of 28"),
        (TOKEN + "\x00", "holds a control character at position 28 of 28"),
        (TOKEN + "é", "holds a non-ASCII character at position 28 of 28"),
        (f'"{TOKEN}"', "is wrapped in quotes"),
        ("", "is empty"),
    ],
)
def test_tokens_that_cannot_be_sent_are_refused_without_showing_them(token, says):
    with pytest.raises(ConfigError) as caught:
        load_settings({"LEANIX_HOST": "acme.leanix.net", "LEANIX_API_TOKEN": token}, dotenv=None)
    assert f"LEANIX_API_TOKEN {says}" in str(caught.value)
    assert "config_test" not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "says"),
    [
        (
            "https://me:pw@acme.leanix.net",
            "LEANIX_HOST 'https://…@acme.leanix.net' holds a user name or password",
        ),
        ("acme.leanix.net:0", "LEANIX_HOST 'acme.leanix.net:0' has port 0; a port is 1 to 65535"),
        (
            "acme\n.leanix.net",
            "LEANIX_HOST 'acme\\n.leanix.net' contains a control or invisible character at position 5",
        ),
        (TOKEN, "LEANIX_HOST holds the API token (are LEANIX_HOST and LEANIX_API_TOKEN swapped?)"),
    ],
)
def test_hosts_with_credentials_controls_or_bad_ports_are_refused(host, says):
    with pytest.raises(ConfigError) as caught:
        load_settings({"LEANIX_HOST": host, "LEANIX_API_TOKEN": TOKEN}, dotenv=None)
    assert str(caught.value).startswith(says)
    assert "config_test" not in str(caught.value) and ":pw@" not in str(caught.value)
