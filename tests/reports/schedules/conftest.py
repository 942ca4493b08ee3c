"""Fixtures of the schedule tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def quiet_env(monkeypatch, tmp_path):
    """No LEANIX_* settings, no .env and no profiles file anywhere: what a bare cron job sees."""
    for name in list(os.environ):
        if name.startswith("LEANIX_") or name in ("LXKIT_SCHEDULES", "LXKIT_PROFILES"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("LXKIT_DOTENV", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path
