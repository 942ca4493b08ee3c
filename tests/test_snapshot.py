"""Snapshots round-trip through Parquet and never leave a half-written folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import kit
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
    everything = snap.relations()
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
