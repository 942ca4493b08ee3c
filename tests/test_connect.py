"""kit.connect(): the embedded sandbox by default, clear errors for bad settings."""

from __future__ import annotations

import logging

import pytest

import kit
from kit.sandbox import SANDBOX_TOKEN


def test_no_host_starts_the_embedded_sandbox_and_says_so_once(monkeypatch, tmp_path, caplog):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEANIX_HOST", raising=False)
    monkeypatch.delenv("LEANIX_API_TOKEN", raising=False)
    monkeypatch.delenv("LEANIX_PROFILE", raising=False)
    monkeypatch.delenv("LXKIT_DOTENV", raising=False)
    caplog.set_level(logging.WARNING, logger="kit.sandbox")
    first = kit.connect(sandbox_size=120, progress=False)
    second = kit.connect(sandbox_size=120, progress=False)
    assert first.host == second.host and first.host.startswith("http://127.0.0.1:")
    notes = [r.getMessage() for r in caplog.records if "embedded lxkit sandbox" in r.getMessage()]
    assert len(notes) == 1 and first.host in notes[0]
    # why (Settings.describe(), docs/schedules.md §1): the folders looked in, this one first
    assert (
        "the embedded demo sandbox (no LEANIX_HOST in the environment or a .env file (looked in "
        f"{tmp_path}, {tmp_path.parent}, "
    ) in notes[0]
    assert notes[0].endswith(
        "Set LEANIX_HOST and LEANIX_API_TOKEN, or choose a profile, to use a real workspace."
    )
    frame = first.factsheets("Application")
    from kit.sandbox import embedded

    assert len(frame) > 0 and first.name == embedded(size=120).store.workspace_name


def test_dotenv_file_is_read(sandbox, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEANIX_HOST", raising=False)
    monkeypatch.delenv("LEANIX_API_TOKEN", raising=False)
    (tmp_path / ".env").write_text(f"LEANIX_HOST={sandbox.url}\nLEANIX_API_TOKEN={SANDBOX_TOKEN}\n")
    ws = kit.connect(progress=False)
    assert ws.host == sandbox.url and ws.id == sandbox.store.workspace_id


def test_workspace_setting_must_match_the_token(sandbox_env, monkeypatch):
    monkeypatch.setenv("LEANIX_WORKSPACE", "SomeOtherWorkspace")
    with pytest.raises(
        kit.ConfigError, match=f"token belongs to workspace '{sandbox_env.store.workspace_name}'"
    ):
        kit.connect(progress=False)
    monkeypatch.setenv("LEANIX_WORKSPACE", sandbox_env.store.workspace_name)
    assert kit.connect(progress=False).name == sandbox_env.store.workspace_name


def test_wrong_token_unreachable_and_malformed_host_fail_at_connect(sandbox_env, monkeypatch):
    monkeypatch.setenv("LEANIX_API_TOKEN", "LXT_wrong")
    with pytest.raises(kit.AuthenticationError, match="rejected the API token"):
        kit.connect(progress=False)
    with pytest.raises(kit.ConfigError, match="does not name a valid host"):
        kit.connect(host="acme..leanix.net", progress=False)
    monkeypatch.setenv("LEANIX_HOST", "http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(kit.ConnectionFailed, match="connection refused"):
        kit.connect(progress=False, retry=kit.RetryPolicy(attempts=1, connect_attempts=1, backoff_factor=0))
