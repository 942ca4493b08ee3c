"""A process writing a snapshot over an existing one is killed (SIGKILL) at every step of the write.

Whatever the moment, the target is afterwards either the old complete snapshot or the new complete one: it
loads and its counts are the sandbox's. Stray work folders are hidden, refused by ``load_snapshot`` and
removed (or put back) by the next write. The child process runs the real kit against the session sandbox
over loopback; the only thing added to it is a pause point around the steps of ``kit.snapshot`` (written
here, in the child's script), so the parent can kill it exactly there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kit
from kit.sandbox import SANDBOX_TOKEN
from kit.snapshot import SnapshotError

pytestmark = [pytest.mark.skipif(os.name == "nt", reason="SIGKILL"), pytest.mark.timeout(600)]

OLD, NEW = ["Project"], ["Provider"]
# each step as module.name, once for every module of kit.snapshot that calls it (each looks it up itself)
STEPS = (
    "writer._write_file",
    "writer._sync",
    "swap._sync",
    "swap._exchange",
    "swap._rename",
    "writer._remove_snapshot_folder",
    "swap._remove_snapshot_folder",
)

CHILD = """
import importlib, sys, time
import kit.snapshot.swap as swap
from kit.client import LeanIXClient
from kit.config import Secret
from kit.workspace import Workspace

url, token, target, types, mode, pause_at = sys.argv[1:7]
pause_at, step = int(pause_at), [0]

def point(label):
    print(step[0], label, flush=True)
    if step[0] == pause_at:
        time.sleep(120)  # the parent kills us here
    step[0] += 1

def hook(where):
    module_name, name = where.split(".")
    module = importlib.import_module("kit.snapshot." + module_name)
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        point("before " + name)
        result = real(*args, **kwargs)
        point("after " + name)
        return result
    setattr(module, name, wrapper)

if mode == "fallback":
    swap._exchange = lambda a, b: False  # as on a file system without an atomic exchange
for where in sys.argv[7:]:
    hook(where)
ws = Workspace(LeanIXClient(url, Secret(token)), progress=False)
ws.snapshot(target, types=types.split(","), overwrite=True)
point("done")
"""


def _child(sandbox, target: Path, mode: str, pause_at: int) -> subprocess.Popen:
    args = [sys.executable, "-c", CHILD, sandbox.url, SANDBOX_TOKEN, str(target), ",".join(NEW), mode]
    return subprocess.Popen(
        [*args, str(pause_at), *STEPS], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1]
    )


def _run_until(child: subprocess.Popen, pause_at: int) -> str:
    """Read the child's steps until it pauses at ``pause_at``; kill it there. Returns that step's label."""
    for line in child.stdout:
        number, label = line.strip().split(" ", 1)
        if int(number) == pause_at:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            return label
    raise AssertionError(f"the child ended (exit {child.wait()}) before step {pause_at}")


def _assert_whole(snap: kit.Snapshot, types: list[str], counts: dict[str, int]) -> None:
    assert snap.types() == types
    for type_name in types:
        assert len(snap.factsheets(type_name, include_archived=True)) == counts[type_name]
    rows = snap.manifest["rows"]
    assert len(snap.runs()) == rows["runs"] > 0
    assert len(snap.relations(include_archived=True)) == rows["relations"]
    assert len(snap.tags(include_archived=True)) == rows["tags"]
    assert len(snap.subscriptions(include_archived=True)) == rows["subscriptions"]


def _old_or_new(target: Path, counts: dict[str, int]) -> list[str]:
    """The target holds the old or the new snapshot, whole; strays beside it are no snapshots."""
    snap = kit.load_snapshot(target)
    assert snap.types() in (OLD, NEW)
    _assert_whole(snap, snap.types(), counts)
    _assert_strays_refused(target)
    return snap.types()


def _assert_strays_refused(target: Path) -> None:
    for stray in target.parent.iterdir():
        if stray.name == target.name:
            continue
        assert stray.name.startswith(f".{target.name}.lxkit-"), stray.name
        assert stray.name.endswith((".partial", ".old")), stray.name
        with pytest.raises(SnapshotError):
            kit.load_snapshot(stray)


def _reset(ws, target: Path) -> None:
    """Write the old snapshot again (in this process); this also tidies what the killed child left."""
    ws.snapshot(target, types=OLD, overwrite=True)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


@pytest.fixture
def setup(sandbox, ws, tmp_path):
    counts = sandbox.store.count_by_type(include_archived=True)
    target = tmp_path / "snap"
    _reset(ws, target)
    return target, counts


def _steps(sandbox, target: Path, mode: str) -> list[str]:
    """The labels of every step of one uninterrupted write (it runs to the end)."""
    child = _child(sandbox, target, mode, -1)
    labels = [line.strip().split(" ", 1)[1] for line in child.stdout]
    child.stdout.close()
    assert child.wait() == 0 and labels[-1] == "done"
    return labels


def test_killed_at_every_step_of_an_overwrite_leaves_the_old_or_the_new_snapshot(sandbox, ws, setup):
    target, counts = setup
    labels = _steps(sandbox, target, "exchange")
    assert "before _exchange" in labels and "before _rename" not in labels
    _assert_whole(kit.load_snapshot(target), NEW, counts)
    _reset(ws, target)
    # each kind of state on disk: work folder begun, data written, manifest half and wholly written and
    # synced, swapped, old snapshot being removed, parent folder being synced (the files between the
    # first and the last are the same state as the first)
    writes = [i for i, label in enumerate(labels) if label == "before _write_file"]
    points = [writes[0], writes[-1], writes[-1] + 1]
    points += [i for i, label in enumerate(labels) if label.startswith("before") and i > writes[-1]]
    points.append(labels.index("after _exchange"))
    seen = {}
    for pause_at in points:
        label = _run_until(_child(sandbox, target, "exchange", pause_at), pause_at)
        seen[label] = _old_or_new(target, counts)
        _reset(ws, target)
    assert seen["before _exchange"] == OLD and seen["after _exchange"] == NEW
    assert seen["before _remove_snapshot_folder"] == NEW


def test_killed_after_random_short_delays_leaves_the_old_or_the_new_snapshot(sandbox, ws, setup):
    target, counts = setup
    started = time.monotonic()
    _steps(sandbox, target, "exchange")
    duration = time.monotonic() - started
    _reset(ws, target)
    chance = random.Random(6)
    for _ in range(3):
        child = _child(sandbox, target, "exchange", -1)
        time.sleep(chance.uniform(0.5, duration))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        _old_or_new(target, counts)
        _reset(ws, target)


def test_killed_between_the_fallback_renames_the_old_snapshot_is_named_and_put_back(sandbox, ws, setup):
    target, counts = setup
    labels = _steps(sandbox, target, "fallback")
    _reset(ws, target)
    renames = [i for i, label in enumerate(labels) if label.endswith("_rename")]
    assert [labels[i] for i in renames] == ["before _rename", "after _rename"] * 2
    removal = labels.index("before _remove_snapshot_folder", renames[-1])
    for pause_at in [*renames, removal]:
        _run_until(_child(sandbox, target, "fallback", pause_at), pause_at)
        if pause_at in renames[1:3]:  # between the renames: the old snapshot is aside, the target gone
            assert not os.path.lexists(target)
            with pytest.raises(SnapshotError, match="an overwrite of it was interrupted"):
                kit.load_snapshot(target)
            _assert_strays_refused(target)
            with pytest.raises(SnapshotError, match="holds a snapshot"):
                ws.snapshot(target, types=NEW)  # the next write puts the old one back first
            _assert_whole(kit.load_snapshot(target), OLD, counts)
        else:
            _old_or_new(target, counts)
        _reset(ws, target)
