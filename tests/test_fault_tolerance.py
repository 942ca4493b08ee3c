"""Acceptance: 20,000 fact sheets fetched through 20% injected faults and expiring tokens equal a clean fetch.

Token expiry is forced by the server every quarter second (it rejects tokens older than that, whatever ``expires_in``
said), so several 401-and-renew cycles happen within one fetch; the issued lifetime itself is 30 s.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import SANDBOX_TOKEN, Faults, Sandbox, SandboxOptions
from kit.workspace import Workspace
from tests.conftest import FAST_RETRY


@pytest.fixture(scope="module")
def big():
    with Sandbox(SandboxOptions(size=20_000, seed=3, token_lifetime=30, rate_limit=None)) as server:
        yield server


def fetch_all(server) -> dict[str, pd.DataFrame]:
    client = LeanIXClient(server.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY)
    ws = Workspace(client, page_size=500, progress=False)
    frames = {t: ws.factsheets(t, include_archived=True) for t in ws.types()}
    client.close()
    return frames


def test_faulty_fetch_equals_clean_fetch(big):
    clean = fetch_all(big)
    assert sum(len(f) for f in clean.values()) == 20_000
    before = len(big.log)
    with big.faulty(Faults.mixed(0.20, seed=42, expire_tokens_after=0.25)):
        faulty = fetch_all(big)
    assert clean.keys() == faulty.keys()
    for type_name, frame in clean.items():
        pd.testing.assert_frame_equal(faulty[type_name], frame, obj=type_name)
    seen = Counter(r.fault or r.status for r in list(big.log)[before:])
    for kind in ("429", "429-retry-after", "503", "drop"):
        assert seen[kind] > 0, seen
    assert seen[401] >= 2, seen  # tokens really expired mid-fetch and were renewed
    faults = sum(seen[k] for k in ("429", "429-retry-after", "503", "drop"))
    assert 0.12 < faults / sum(seen.values()) < 0.28, seen
