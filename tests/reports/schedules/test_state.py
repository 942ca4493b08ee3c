"""state.json and the schedule locks: atomic updates, clear refusals of a corrupt file, who holds a lock."""

from __future__ import annotations

import json
import os
import threading

import pytest

from kit.reports.schedules import ScheduleError
from kit.reports.schedules.state import Busy, RunLock, acquire, read_state, running, update_state


def test_a_missing_state_means_nothing_ran(tmp_path):
    assert read_state(tmp_path / ".lxkit") == {}


def test_updates_merge_per_schedule_and_leave_no_temporary_files(tmp_path):
    folder = tmp_path / ".lxkit"
    update_state(folder, "a", {"slot": "2026-12-07T06:00:00+00:00", "status": "running"})
    update_state(folder, "b", {"status": "failed"})
    update_state(folder, "a", {"status": "succeeded", "exit_code": 0})
    assert json.loads((folder / "state.json").read_text()) == {
        "format": 1,
        "schedules": {
            "a": {"slot": "2026-12-07T06:00:00+00:00", "status": "succeeded", "exit_code": 0},
            "b": {"status": "failed"},
        },
    }
    assert sorted(p.name for p in folder.iterdir()) == ["state.json", "state.lock"]


def test_parallel_updates_lose_nothing(tmp_path):
    folder = tmp_path / ".lxkit"

    def bump(name: str) -> None:
        for n in range(25):
            update_state(folder, name, {"n": n, name: True})

    threads = [threading.Thread(target=bump, args=(f"s{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read_state(folder) == {f"s{i}": {"n": 24, f"s{i}": True} for i in range(6)}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"format": 2, "schedules": {}}', 'expected {"format": 1, "schedules": {…}}'),
        ('{"format": 1, "schedules": {"a": 3}}', "schedules.a is not an object"),
    ],
)
def test_a_corrupt_state_file_is_refused_not_overwritten(tmp_path, content, reason):
    folder = tmp_path / ".lxkit"
    folder.mkdir()
    (folder / "state.json").write_text(content)
    with pytest.raises(ScheduleError) as refused:
        update_state(folder, "a", {"status": "running"})
    message = str(refused.value)
    assert message.startswith(
        f"{folder / 'state.json'} is not a schedules state file lxkit can read ({reason}"
    )
    assert "move it aside (or delete it) to start afresh" in message
    assert (folder / "state.json").read_text() == content


def test_a_held_lock_says_who_holds_it(tmp_path):
    folder = tmp_path / ".lxkit"
    assert running(folder, "weekly") is None
    first = acquire(folder, "weekly")
    assert isinstance(first, RunLock)
    second = acquire(folder, "weekly")
    assert isinstance(second, Busy) and second.pid == os.getpid()
    assert running(folder, "weekly") == second
    other = acquire(folder, "daily")
    assert isinstance(other, RunLock)  # locks are per schedule
    other.release()
    first.release()
    assert running(folder, "weekly") is None
    again = acquire(folder, "weekly")
    assert isinstance(again, RunLock)
    again.release()


def test_busy_message():
    busy = Busy("weekly-health", 4242, "2026-12-04T06:00:03+00:00")
    assert (
        busy.message()
        == "weekly-health is already running (pid 4242, since 2026-12-04 06:00:03 UTC); skipped"
    )
    assert Busy("x", None, None).message() == "x is already running (pid unknown); skipped"
