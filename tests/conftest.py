"""Shared fixtures: one sandbox server per session on loopback, clients with fast retries."""

from __future__ import annotations

import os
import socket

import pytest
from hypothesis import HealthCheck, settings

from kit.client import LeanIXClient, RetryPolicy
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.workspace import Workspace

# No per-example deadline: time is measured in benchmarks/, and a busy machine must not fail a property.
# CI explores the same examples every run (a property failure there is reproducible); locally they vary.
settings.register_profile("local", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "local")

# Same rules as production, shorter waits: tests stay fast and still go through urllib3's Retry.
FAST_RETRY = RetryPolicy(attempts=8, backoff_factor=0.005, backoff_max=0.05, backoff_jitter=0.005)
CANARY = "LXT_canary_7f3a9c1e5b2d4806_do_not_log"


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox(SandboxOptions(size=2000, seed=11)) as server:
        yield server


@pytest.fixture
def client(sandbox):
    with LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as c:
        yield c


@pytest.fixture
def ws(client):
    return Workspace(client, page_size=100, progress=False)


@pytest.fixture
def sandbox_env(sandbox, monkeypatch, tmp_path):
    """Environment pointing kit.connect() at the session sandbox, with no .env file around."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.delenv("LEANIX_WORKSPACE", raising=False)
    return sandbox
