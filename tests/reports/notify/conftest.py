"""Fixtures of the notification tests: local receivers and no waiting between retries."""

from __future__ import annotations

import pytest

from tests.receivers import MailReceiver, Receiver


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setenv("LXKIT_NOTIFY_BACKOFF", "0")


@pytest.fixture
def slack():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def flaky():
    server = Receiver(statuses=[500])
    yield server
    server.close()


@pytest.fixture
def mail():
    server = MailReceiver()
    yield server
    server.close()
