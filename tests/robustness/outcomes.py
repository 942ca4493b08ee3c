"""One bad input and the outcome it must have; the tally the suite prints at the end.

Every case in ``tests/robustness/`` is a :class:`Case`: a callable that feeds one bad input to the kit and
the outcome the kit promises for it:

* a **clean error**: an instance of ``expect`` (a :class:`kit.LxkitError` subclass) whose message contains
  every string of ``places`` (the JSON path, line/column, file, parameter or header it is about);
* a **documented acceptance**: ``expect=None`` and ``why`` says where the behaviour is documented (for
  example a value LeanIX itself accepts); the callable's own assertions check what it returned.

Anything else fails the test: a foreign exception (``KeyError``, ``UnicodeDecodeError``, a traceback where a
sentence was due), an error message that quotes a secret, or a hang (``pytest-timeout`` ends it).
"""

from __future__ import annotations

import base64
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import CANARY

#: outcome -> count, filled by :func:`check` and printed by the suite's ``pytest_terminal_summary``
TALLY: Counter[str] = Counter()


def secret_forms(secret: str) -> list[str]:
    """A secret as it may leak: plain, base64 (standard and URL-safe, without padding) and URL-encoded."""
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        urllib.parse.quote(secret, safe=""),
    ]


@dataclass(frozen=True)
class Case:
    """A bad input (``id`` names it in test ids) and the promised outcome."""

    id: str
    run: Callable[[], Any]
    expect: type[BaseException] | tuple[type[BaseException], ...] | None
    places: tuple[str, ...] = ()
    why: str = ""
    secrets: tuple[str, ...] = field(default=(CANARY,))

    def __post_init__(self) -> None:
        if self.expect is None and not self.why:
            raise ValueError(f"case {self.id}: a documented acceptance needs `why`")


def params(cases: Iterable[Case]) -> list[Any]:
    """``pytest.param`` per case, with the case's id as test id (ids must be unique in a module)."""
    cases = list(cases)
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate case ids: {sorted(duplicates)[:5]}")
    return [pytest.param(c, id=c.id) for c in cases]


def check(case: Case) -> None:
    """Run the case and assert its outcome; count it in :data:`TALLY`.

    ``expect`` is normally a :class:`kit.LxkitError` subclass; a CLI case may expect ``SystemExit`` (its
    callable checks the exit code and the words printed)."""
    TALLY["inputs tried"] += 1
    try:
        case.run()
    except BaseException as exc:
        if case.expect is None:
            TALLY["unexpected errors"] += 1
            raise AssertionError(
                f"{case.id}: documented acceptance ({case.why}), but raised {exc!r}"
            ) from exc
        if not isinstance(exc, case.expect):
            TALLY["foreign exceptions"] += 1
            raise AssertionError(
                f"{case.id}: expected {case.expect}, got {type(exc).__name__}: {exc}"
            ) from exc
        _assert_clean(case, exc)
        TALLY["clean errors"] += 1
        return
    if case.expect is not None:
        TALLY["silently accepted"] += 1
        raise AssertionError(f"{case.id}: expected {case.expect}, but the input was accepted")
    TALLY["documented acceptances"] += 1


def _assert_clean(case: Case, exc: BaseException) -> None:
    text = f"{exc}\n{exc!r}"
    missing = [place for place in case.places if place not in text]
    if missing or "Traceback (most recent call last)" in text:
        TALLY["unclear messages"] += 1
        raise AssertionError(f"{case.id}: the message does not name {missing} (or holds a traceback): {exc}")
    for secret in case.secrets:
        for form in secret_forms(secret):
            if form in text:
                TALLY["leaks"] += 1
                raise AssertionError(f"{case.id}: the message leaks a secret")


class CliFailed(Exception):
    """``lxkit`` exited non-zero; the message is what it printed."""

    def __init__(self, code: int, stderr: str) -> None:
        super().__init__(stderr.strip())
        self.code = code


def run_cli(argv: list[str]) -> str:
    """Run ``lxkit ARGV`` in-process; raise :class:`CliFailed` on a non-zero exit, else return stdout.

    A clean failure is a few lines on stderr (argparse's usage or ``lxkit: ...``) and no traceback."""
    import contextlib
    import io

    from kit.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    if code:
        text = err.getvalue() + out.getvalue()  # lint reports its findings on stdout
        assert text.strip(), f"lxkit {argv} exited {code} and said nothing"
        assert len(text.strip().splitlines()) <= 12, f"lxkit {argv}: a wall of text:\n{text}"
        raise CliFailed(code, text)
    return out.getvalue()
