"""A snapshot answers every public reading method of a live workspace, with the same answer.

The test walks :class:`kit.frames.reader.WorkspaceReader` (and :class:`kit.frames.runs.RunsMixin`) by
introspection: a reading method added there without snapshot support fails it.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pandas as pd
import pytest

import kit
from kit.frames.reader import WorkspaceReader
from kit.frames.runs import RunsMixin, RunStats
from kit.leanix import MetaModel
from kit.snapshot import SnapshotError
from kit.snapshot.iapi import DETAILED

TYPES = ["Application", "ITComponent"]

# Documented differences (kit.snapshot.reader.Snapshot): types() lists the types the snapshot holds.
DIFFERENT = {"types"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory, sandbox):
    from kit.client import LeanIXClient
    from kit.config import Secret
    from kit.sandbox import SANDBOX_TOKEN
    from kit.workspace import Workspace
    from tests.conftest import FAST_RETRY

    ws = Workspace(LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY), progress=False)
    target = tmp_path_factory.mktemp("reading") / "snap"
    ws.snapshot(target, types=TYPES)
    return ws, kit.load_snapshot(target)


def reading_methods() -> list[str]:
    """Public methods and properties of the live reader (the run readers included)."""
    names = set()
    for cls in (WorkspaceReader, RunsMixin):
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_") and (callable(member) or isinstance(member, property)):
                names.add(name)
    return sorted(names)


def arguments(ws: Any) -> dict[str, list[dict[str, Any]]]:
    """Calls to make per method (each a set of keyword arguments); required parameters by name."""
    synclog = ws.synclog()
    newest = str(synclog["id"].iloc[0])
    run_id = str(synclog["runId"].iloc[0])
    typed = [{"type": t} for t in TYPES] + [{"type": "Application", "include_archived": True}]
    return {
        "fields": [{"type": t} for t in TYPES],
        "factsheets": typed + [{"type": "Application", "fields": ["businessCriticality"]}],
        "tags": typed,
        "lifecycles": typed,
        "subscriptions": typed,
        "relations": [
            {"type": "Application", "relation": "relApplicationToITComponent"},
            {"type": "ITComponent", "relation": "relToParent", "include_archived": True},
        ],
        "run_status": [{"run_id": run_id}],
        "run_progress": [{"run_id": run_id}],
        "run_stats": [{"run_id": run_id}],
        "run_warnings": [{"run_id": run_id}, {"run_id": run_id, "limit": 3}],
        "synclog": [{}, {"limit": 5}],
        "synclog_items": [
            {"limit": 150},
            {"synchronization_id": newest},
            {"synchronization_id": newest, "status": "ERROR"},
        ],
    }


def same(live: Any, offline: Any, where: str) -> None:
    if isinstance(live, pd.DataFrame):
        pd.testing.assert_frame_equal(offline, live, obj=where)
    elif isinstance(live, RunStats):
        for name in ("status_changes", "processors", "run_levels", "deleted_objects"):
            pd.testing.assert_frame_equal(getattr(offline, name), getattr(live, name), obj=f"{where}.{name}")
        assert (offline.run_id, offline.total_blocking_time) == (live.run_id, live.total_blocking_time), where
    else:
        assert offline == live, where


def test_every_reading_method_of_a_workspace_answers_the_same_on_a_snapshot(pair):
    ws, snap = pair
    calls = arguments(ws)
    checked = []
    for name in reading_methods():
        assert hasattr(snap, name), f"Snapshot has no {name}(): a reading method without snapshot support"
        member = inspect.getattr_static(WorkspaceReader, name)
        if isinstance(member, property):
            same(getattr(ws, name), getattr(snap, name), name)
            checked.append(name)
            continue
        required = [
            p.name
            for p in list(inspect.signature(getattr(ws, name)).parameters.values())
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ]
        assert name in calls or not required, f"add calls for {name}({', '.join(required)}) to arguments()"
        for kwargs in calls.get(name, [{}]):
            live, offline = getattr(ws, name)(**kwargs), getattr(snap, name)(**kwargs)
            if name in DIFFERENT:
                assert set(offline) <= set(live) and set(offline) == set(TYPES), name
            else:
                same(live, offline, f"{name}({kwargs})")
        checked.append(name)
    assert {"fields", "synclog", "run_stats", "model", "factsheets"} <= set(checked)


def test_snapshot_keeps_the_meta_model_in_its_manifest(pair):
    ws, snap = pair
    manifest = json.loads((snap.path / "manifest.json").read_text())
    assert manifest["format"] == 3
    assert isinstance(snap.model, MetaModel) and snap.model == ws.model
    assert MetaModel.from_dict(manifest["metaModel"]) == ws.model


def test_runs_outside_the_kept_bound_are_named(pair):
    ws, snap = pair
    kept = {str(r) for r in ws.synclog()["runId"].iloc[:DETAILED]}
    older = next(str(r) for r in ws.runs()["id"] if str(r) not in kept)
    with pytest.raises(SnapshotError, match=f"newest {DETAILED} synchronizations; run {older}"):
        snap.run_stats(older)


def test_a_filter_is_refused_offline(pair):
    _ws, snap = pair
    with pytest.raises(SnapshotError, match="does not evaluate LeanIX filters"):
        snap.factsheets("Application", filter={"fullTextSearch": "x"})


def test_older_snapshots_load_without_model_and_say_what_they_lack(pair, tmp_path):
    _ws, snap = pair
    copy = tmp_path / "old"
    copy.mkdir()
    manifest = dict(snap.manifest)
    manifest["format"] = 2
    del manifest["metaModel"]
    manifest["files"] = {
        n: v for n, v in manifest["files"].items() if n not in ("iapi.json", "fields.parquet")
    }
    for name in manifest["files"]:
        (copy / name).write_bytes((snap.path / name).read_bytes())
    (copy / "manifest.json").write_text(json.dumps(manifest))
    old = kit.load_snapshot(copy)
    assert old.model is None
    assert len(old.runs()) == len(snap.runs())
    with pytest.raises(SnapshotError, match="older lxkit \\(format 2\\).*no Integration API runs"):
        old.synclog()
    with pytest.raises(SnapshotError, match="older lxkit \\(format 2\\).*no field lists"):
        old.fields("Application")
