"""A canary token never appears in logs, exception texts, reprs or written files."""

from __future__ import annotations

import logging

import pytest

import kit
from kit.client import LeanIXClient
from kit.config import Secret
from kit.sandbox import Sandbox, SandboxOptions
from tests.conftest import CANARY, FAST_RETRY, free_port


@pytest.fixture(scope="module")
def canary_sandbox():
    with Sandbox(SandboxOptions(size=300, seed=5, api_token=CANARY)) as server:
        yield server


def test_canary_never_leaks(canary_sandbox, monkeypatch, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEANIX_HOST", canary_sandbox.url)
    monkeypatch.setenv("LEANIX_API_TOKEN", CANARY)
    texts: list[str] = []

    ws = kit.connect(progress=False)
    texts += [repr(ws), repr(ws.client), repr(ws.client.tokens), repr(ws.client.transport), str(vars(ws))]
    texts.append(repr(kit.load_settings()))
    ws.factsheets("Application").to_string()
    snapshot = ws.snapshot(tmp_path / "snap", types=["Application"])
    for file in snapshot.rglob("*"):
        texts.append(file.read_bytes().decode("latin-1"))

    with canary_sandbox.faulty(kit.sandbox.Faults(expire_tokens_after=0.0)):  # 401s, renewals, then an error
        with pytest.raises(kit.AuthenticationError) as caught:
            ws.factsheets("Application")
    texts += [str(caught.value), repr(caught.value)]

    unreachable = LeanIXClient(f"http://127.0.0.1:{free_port()}", Secret(CANARY), retry=FAST_RETRY)
    with pytest.raises(kit.ConnectionFailed) as refused:
        unreachable.graphql("{ a }")
    texts += [str(refused.value), repr(unreachable)]

    wrong = LeanIXClient(canary_sandbox.url, Secret(CANARY + "x"), retry=FAST_RETRY)
    with pytest.raises(kit.AuthenticationError) as rejected:
        wrong.graphql("{ a }")
    texts.append(str(rejected.value))

    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "the run should have logged something to check"
    assert all(CANARY not in text for text in texts)
    assert any("sandbox" in t or "401" in t for t in texts)  # the texts we searched are real ones
