"""What schedules did, and which one is running: ``.lxkit/state.json`` and ``.lxkit/locks/<name>.lock``.

``state.json`` holds, per schedule, the cron slot its last run covered (``slot``), when that run started
and finished, its status and exit code, the attempts it took and its last run folder::

    {"format": 1, "schedules": {"weekly-health": {"slot": "2026-11-30T05:00:00+00:00", "status": "alerts", …}}}

Every change is a read-modify-write under a blocking ``flock`` on ``state.lock`` (so ``run`` and ``run-due``
in parallel never lose each other's update), written to a temporary file beside it and renamed over it (a
reader never sees half a file). A missing file means nothing ran yet; a file that is not in this shape is
refused with its path and what to do, never overwritten.

While a schedule runs, its ``locks/<name>.lock`` is held with a non-blocking ``flock`` and holds the
holder's pid and start time, so a second ``run`` or ``run-due`` of the same schedule sees who runs it and
skips. The lock goes with the process (a killed run leaves no stale lock). ``install-cron``'s lines take a
separate ``<name>.cron.lock`` with flock(1), so the two locks never block each other's owner.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kit.reports.schedules.errors import ScheduleError

__all__ = [
    "STATE_FILE",
    "Busy",
    "RunLock",
    "acquire",
    "held",
    "read_state",
    "running",
    "update_state",
    "write_atomically",
]

STATE_FILE = "state.json"
STATE_LOCK = "state.lock"
LOCKS = "locks"
FORMAT = 1


def _corrupt(path: Path, reason: str) -> ScheduleError:
    return ScheduleError(
        f"{path} is not a schedules state file lxkit can read ({reason}). It records when each schedule last "
        "ran; move it aside (or delete it) to start afresh: every schedule then counts as never run, and the "
        "next run-due runs each of them once."
    )


def read_state(folder: Path) -> dict[str, dict[str, Any]]:
    """Per schedule name, what its last run recorded; {} when nothing ran yet. No lock: a rename is atomic."""
    path = folder / STATE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise _corrupt(path, getattr(exc, "strerror", None) or str(exc)) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _corrupt(path, f"not JSON: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("schedules"), dict)
    ):
        raise _corrupt(path, f'expected {{"format": {FORMAT}, "schedules": {{…}}}}')
    schedules = data["schedules"]
    for name, entry in schedules.items():
        if not isinstance(entry, dict):
            raise _corrupt(path, f"schedules.{name} is not an object")
    return schedules


def write_atomically(path: Path, text: str) -> None:
    """``text`` into ``path`` through a temporary file in the same folder and one rename."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def update_state(folder: Path, name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` into schedule ``name``'s entry under ``state.lock``; the entry as written."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / STATE_LOCK, "a+b") as lock:  # noqa: PTH123 - a file descriptor for flock
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            schedules = read_state(folder)
            entry = {**schedules.get(name, {}), **changes}
            schedules[name] = entry
            document = {"format": FORMAT, "schedules": dict(sorted(schedules.items()))}
            write_atomically(folder / STATE_FILE, json.dumps(document, indent=2) + "\n")
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return entry


@dataclass(frozen=True)
class Busy:
    """Another process holds the schedule's lock: its pid and since when (None if it had not written them)."""

    name: str
    pid: int | None
    since: str | None

    def message(self) -> str:
        """``weekly-health is already running (pid 4242, since 2026-12-04 06:00 UTC); skipped``."""
        pid = f"pid {self.pid}" if self.pid is not None else "pid unknown"
        since = ""
        if self.since:
            with contextlib.suppress(ValueError):
                since = f", since {datetime.fromisoformat(self.since).astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        return f"{self.name} is already running ({pid}{since}); skipped"


class RunLock:
    """The held lock of one schedule; release it (or leave the ``with`` block) when the run is over."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_path(folder: Path, name: str) -> Path:
    return folder / LOCKS / f"{name}.lock"


def _holder(fd: int, name: str) -> Busy:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        data = {}
    pid = data.get("pid") if isinstance(data, dict) else None
    since = data.get("since") if isinstance(data, dict) else None
    return Busy(name, pid if isinstance(pid, int) else None, since if isinstance(since, str) else None)


def acquire(folder: Path, name: str) -> RunLock | Busy:
    """Take schedule ``name``'s lock without waiting: a :class:`RunLock`, or :class:`Busy` saying who has it."""
    path = _lock_path(folder, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not truncated: the holder's pid is in it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        busy = _holder(fd, name)
        os.close(fd)
        return busy
    except BaseException:
        os.close(fd)
        raise
    since = datetime.now(UTC).isoformat(timespec="seconds")
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps({"pid": os.getpid(), "since": since}).encode(), 0)
    return RunLock(path, fd)


def running(folder: Path, name: str) -> Busy | None:
    """Who runs schedule ``name`` right now, or None (for ``list``; takes and drops the lock if free)."""
    path = _lock_path(folder, name)
    if not path.is_file():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd, name)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def held(folder: Path, name: str) -> Iterator[RunLock | Busy]:
    """``with held(folder, name) as lock:`` — a :class:`RunLock` released on leaving, or :class:`Busy`."""
    lock = acquire(folder, name)
    try:
        yield lock
    finally:
        if isinstance(lock, RunLock):
            lock.release()
