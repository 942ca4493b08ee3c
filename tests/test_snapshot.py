"""Snapshots round-trip through Parquet and never leave a half-written folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import kit
import kit.snapshot.swap as swap_module
from kit.snapshot import SnapshotError


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory, sandbox):
    from kit.client import LeanIXClient
    from kit.config import Secret
    from kit.sandbox import SANDBOX_TOKEN
    from kit.workspace import Workspace
    from tests.conftest import FAST_RETRY

    ws = Workspace(LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY), progress=False)
    target = tmp_path_factory.mktemp("snaps") / "first"
    ws.snapshot(target, types=["Application", "ITComponent", "Project"])
    return target, ws


def test_snapshot_gives_the_same_frames_back(snapshot_dir):
    target, ws = snapshot_dir
    snap = kit.load_snapshot(target)
    live = ws.factsheets("Application")
    offline = snap.factsheets("Application")
    pd.testing.assert_frame_equal(offline, live)
    with_archived = snap.factsheets("Application", include_archived=True)
    assert len(with_archived) == len(ws.factsheets("Application", include_archived=True))
    pd.testing.assert_frame_equal(
        snap.relations("Application", "relApplicationToITComponent"),
        ws.relations("Application", "relApplicationToITComponent", include_archived=True),
    )
    everything = snap.relations(include_archived=True)
    assert len(everything) == snap.manifest["rows"]["relations"]
    assert set(everything["relation"]) >= {"relApplicationToITComponent", "relToParent"}
    assert len(snap.runs()) == len(ws.runs())


def test_manifest_records_time_host_workspace_counts_and_version(snapshot_dir, sandbox):
    target, ws = snapshot_dir
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["host"] == sandbox.url and manifest["workspaceId"] == sandbox.store.workspace_id
    counts = sandbox.store.count_by_type(include_archived=True)
    assert manifest["factSheets"] == {t: counts[t] for t in ("Application", "ITComponent", "Project")}
    assert manifest["kitVersion"] == kit.__version__
    assert pd.Timestamp(manifest["createdAt"]).tzinfo is not None


def test_existing_snapshot_is_not_overwritten_by_accident(snapshot_dir):
    target, ws = snapshot_dir
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(SnapshotError, match="already exists"):
        ws.snapshot(target)
    assert sorted(p.name for p in target.iterdir()) == before


def test_failed_snapshot_leaves_nothing_behind(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    with pytest.raises(kit.UnknownFactSheetType):
        ws.snapshot(tmp_path / "broken", types=["Application", "NoSuchType"])
    assert list(tmp_path.iterdir()) == []


def test_loading_a_folder_that_is_not_a_snapshot(tmp_path):
    with pytest.raises(SnapshotError, match="not a snapshot"):
        kit.load_snapshot(tmp_path)
    (tmp_path / "manifest.json").write_text("{broken")
    with pytest.raises(SnapshotError, match="not valid JSON"):
        kit.load_snapshot(tmp_path)


# -- overwrite: only a snapshot or an empty folder is ever replaced -----------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> content), to show nothing of the user's changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_overwrite_replaces_a_snapshot_and_leaves_no_work_folder(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    target = tmp_path / "snap"
    ws.snapshot(target, types=["Project"])
    assert kit.load_snapshot(target).types() == ["Project"]
    ws.snapshot(target, types=["Provider"], overwrite=True)
    assert kit.load_snapshot(target).types() == ["Provider"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_overwrite_refuses_a_folder_with_files_of_the_user(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    target = tmp_path / "project"
    ws.snapshot(target, types=["Project"])
    (target / "notes.txt").write_text("my notes")
    (target / ".git").mkdir()
    (target / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (target / "src").mkdir()
    before = _tree(target)
    with pytest.raises(SnapshotError) as caught:
        ws.snapshot(target, types=["Provider"], overwrite=True)
    assert str(target) in str(caught.value)
    assert "holds 3 files or folders that are not part of a snapshot: .git/, notes.txt, src/" in str(
        caught.value
    )
    assert _tree(target) == before and (target / "src").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def test_overwrite_refuses_a_file_and_a_symlink(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    file = tmp_path / "report.txt"
    file.write_text("keep me")
    with pytest.raises(SnapshotError, match="is a file, not a folder"):
        ws.snapshot(file, overwrite=True)
    assert file.read_text() == "keep me"
    real = tmp_path / "real"
    ws.snapshot(real, types=["Project"])
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(SnapshotError, match="is a symbolic link"):
        ws.snapshot(link, types=["Provider"], overwrite=True)
    assert link.is_symlink() and kit.load_snapshot(real).types() == ["Project"]


def test_an_empty_folder_is_filled_and_keeps_the_usual_permissions(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    target = tmp_path / "empty"
    target.mkdir()
    ws.snapshot(target, types=["Project"])
    assert kit.load_snapshot(target).types() == ["Project"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0o700


def test_overwrite_without_an_atomic_swap_renames_aside_and_removes_the_old(
    snapshot_dir, tmp_path, monkeypatch
):
    _target, ws = snapshot_dir
    target = tmp_path / "snap"
    ws.snapshot(target, types=["Project"])
    monkeypatch.setattr(swap_module, "_exchange", lambda a, b: False)  # as on a file system without it
    ws.snapshot(target, types=["Provider"], overwrite=True)
    assert kit.load_snapshot(target).types() == ["Provider"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _work_name(target: Path, pid: int, kind: str) -> Path:
    host = re.sub(r"[^0-9A-Za-z_]", "_", socket.gethostname())[:40]
    return target.with_name(f".{target.name}.lxkit-{host}-{pid}-0123abcd.{kind}")


def test_a_snapshot_set_aside_by_a_killed_overwrite_is_named_and_put_back(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    target = tmp_path / "snap"
    ws.snapshot(target, types=["Project"])
    aside = _work_name(target, _dead_pid(), "old")
    target.rename(aside)  # the state a kill between the fallback's two renames leaves
    with pytest.raises(SnapshotError, match="interrupted") as caught:
        kit.load_snapshot(target)
    assert str(aside) in str(caught.value)
    with pytest.raises(SnapshotError, match="set aside"):
        kit.load_snapshot(aside)
    with pytest.raises(SnapshotError, match="holds a snapshot"):  # put back, so overwrite is needed again
        ws.snapshot(target, types=["Provider"])
    assert kit.load_snapshot(target).types() == ["Project"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_a_killed_writers_work_folder_is_no_snapshot_and_is_removed_next_time(snapshot_dir, tmp_path):
    _target, ws = snapshot_dir
    target = tmp_path / "snap"
    ws.snapshot(target, types=["Project"])
    stray = _work_name(target, _dead_pid(), "partial")
    shutil.copytree(target, stray)  # complete, manifest and all, as if killed just before the swap
    with pytest.raises(SnapshotError, match="did not finish"):
        kit.load_snapshot(stray)
    live = _work_name(target, os.getpid(), "partial")  # a writer still running: left alone
    live.mkdir()
    ws.snapshot(target, types=["Provider"], overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["snap", live.name])


def test_cli_overwrite_refuses_a_folder_of_the_user_before_connecting(sandbox_env, tmp_path, capsys):
    from kit.cli import main

    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "thesis.tex").write_text("\\documentclass{article}")
    assert main(["snapshot", str(folder), "--overwrite"]) == 1
    err = capsys.readouterr().err
    assert f"lxkit: {folder} already exists and holds 1 file or folder that is not part of a snapshot" in err
    assert "not part of a snapshot: thesis.tex;" in err
    assert (folder / "thesis.tex").read_text() == "\\documentclass{article}"


# -- reading: damage and alteration are reported, never parsed --------------------------------------------


def _copy(snapshot_dir, tmp_path) -> Path:
    target, _ws = snapshot_dir
    return Path(shutil.copytree(target, tmp_path / "copy"))


def test_manifest_records_size_and_sha256_of_every_file(snapshot_dir):
    target, _ws = snapshot_dir
    files = json.loads((target / "manifest.json").read_text())["files"]
    on_disk = sorted(p.name for p in target.iterdir() if p.name != "manifest.json")
    assert sorted(files) == on_disk
    for name, recorded in files.items():
        data = (target / name).read_bytes()
        assert recorded == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_a_file_altered_in_place_is_refused_when_read(snapshot_dir, tmp_path):
    copy = _copy(snapshot_dir, tmp_path)
    runs = copy / "runs.parquet"
    data = bytearray(runs.read_bytes())
    data[len(data) // 2] ^= 0xFF
    runs.write_bytes(bytes(data))
    snap = kit.load_snapshot(copy)  # same size: opening succeeds, reading that file does not
    assert len(snap.factsheets("Project", include_archived=True)) == snap.manifest["factSheets"]["Project"]
    with pytest.raises(SnapshotError, match="does not match the SHA-256") as caught:
        snap.runs()
    assert str(runs) in str(caught.value)


def test_a_truncated_file_is_refused_when_opened(snapshot_dir, tmp_path):
    copy = _copy(snapshot_dir, tmp_path)
    tags = copy / "tags.parquet"
    tags.write_bytes(tags.read_bytes()[:100])
    with pytest.raises(SnapshotError, match="has 100 bytes, but") as caught:
        kit.load_snapshot(copy)
    assert str(tags) in str(caught.value)


def test_format_1_snapshots_are_still_read(snapshot_dir, tmp_path):
    copy = _copy(snapshot_dir, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    del manifest["files"]
    manifest["format"] = 1
    (copy / "manifest.json").write_text(json.dumps(manifest))
    snap = kit.load_snapshot(copy)
    original = kit.load_snapshot(snapshot_dir[0])
    pd.testing.assert_frame_equal(snap.factsheets("Application"), original.factsheets("Application"))
    pd.testing.assert_frame_equal(snap.relations(), original.relations())
    (copy / "runs.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(SnapshotError, match="is not a readable Parquet file") as caught:
        snap.runs()
    assert str(copy / "runs.parquet") in str(caught.value)


def test_names_from_the_caller_never_become_paths(snapshot_dir):
    target, _ws = snapshot_dir
    snap = kit.load_snapshot(target)
    assert snap.relations("../../etc/passwd").empty
    assert snap.relations("Application", "*").empty
    with pytest.raises(kit.UnknownFactSheetType):
        snap.factsheets("../manifest")
