"""Whether a person is watching: the report runner's switch, the kernel's execute request, a terminal."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from kit.attended import attended
from kit.frames.reader import _interactive


def in_kernel(monkeypatch, **kernel):
    """Stand in for IPython inside ipykernel: ``get_ipython().kernel`` with the given attributes."""
    shell = SimpleNamespace(kernel=SimpleNamespace(**kernel))
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: shell))


def stderr_is_a_terminal(monkeypatch, tty: bool):
    monkeypatch.setattr(sys, "stderr", SimpleNamespace(isatty=lambda: tty, write=lambda _text: None))


@pytest.fixture(autouse=True)
def not_headless(monkeypatch):
    monkeypatch.delenv("LXKIT_HEADLESS", raising=False)


def test_a_headless_run_is_never_watched(monkeypatch):
    monkeypatch.setenv("LXKIT_HEADLESS", "1")
    in_kernel(monkeypatch, _allow_stdin=True)
    assert attended() is False
    assert _interactive() is False  # no tqdm bar (a widget in a kernel) either


def test_a_kernel_run_by_jupyterlab_allows_stdin_and_is_watched(monkeypatch):
    in_kernel(monkeypatch, _allow_stdin=True)
    stderr_is_a_terminal(monkeypatch, False)  # a kernel's stderr is never a terminal
    assert attended() is True
    assert _interactive() is True


def test_a_kernel_run_by_papermill_denies_stdin_and_is_not_watched(monkeypatch):
    in_kernel(monkeypatch, _allow_stdin=False)
    stderr_is_a_terminal(monkeypatch, True)
    assert attended() is False
    assert _interactive() is False


def test_a_kernel_without_the_flag_is_taken_as_unwatched(monkeypatch):
    in_kernel(monkeypatch)  # a later ipykernel that renamed its private attribute
    assert attended() is False


@pytest.mark.parametrize("tty", [True, False])
def test_outside_a_kernel_a_terminal_decides(monkeypatch, tty):
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: None))
    stderr_is_a_terminal(monkeypatch, tty)
    assert attended() is tty
    monkeypatch.delitem(sys.modules, "IPython")  # a process that never loaded IPython
    assert attended() is tty


def test_a_terminal_ipython_shell_has_no_kernel(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: SimpleNamespace()))
    stderr_is_a_terminal(monkeypatch, True)
    assert attended() is True
