"""One small demo sandbox for the KPI tests (loopback), its raw GraphQL answers and a snapshot of it."""

from __future__ import annotations

import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import REFERENCE_DATE, SANDBOX_TOKEN, Sandbox, SandboxOptions
from kit.snapshot import load_snapshot
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY
from tests.metrics.hand import raw_factsheets

SIZE, SEED = 400, 5
TODAY = REFERENCE_DATE  # the demo's "today": lifecycles' current phases are the ones in effect then


@pytest.fixture(scope="session")
def demo_sandbox():
    with Sandbox(SandboxOptions(size=SIZE, seed=SEED)) as server:
        yield server


@pytest.fixture(scope="session")
def demo_client(demo_sandbox):
    with LeanIXClient(demo_sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY) as c:
        yield c


@pytest.fixture(scope="session")
def demo_ws(demo_client):
    return Workspace(demo_client, page_size=100, progress=False)


@pytest.fixture(scope="session")
def demo_raw(demo_client):
    return raw_factsheets(demo_client)


@pytest.fixture(scope="session")
def demo_snapshot(demo_ws, tmp_path_factory):
    return load_snapshot(demo_ws.snapshot(tmp_path_factory.mktemp("demo") / "snapshot"))
