"""Writing a snapshot: fetch the frames into a work folder, manifest last, and swap it into place."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit._version import __version__
from kit.frames.reader import read_type
from kit.leanix.metamodel import MetaModel
from kit.snapshot.errors import SnapshotError
from kit.snapshot.files import _sync, _write_file
from kit.snapshot.frames import _concat, own_relations
from kit.snapshot.iapi import record_answers
from kit.snapshot.manifest import DIRECTORY_FILE, FIELDS_FILE, FORMAT, IAPI_FILE, LONG_FRAMES, MANIFEST, NAME
from kit.snapshot.swap import _new_work_folder, _remove_snapshot_folder, _swap_into_place, _tidy_after_crash
from kit.snapshot.target import check_target

if TYPE_CHECKING:
    from kit.frames.reader import WorkspaceReader as Workspace


def write_snapshot(
    ws: Workspace, directory: str | os.PathLike, types: list[str] | None = None, overwrite: bool = False
) -> Path:
    """Fetch the frames of ``types`` (default: all) and write them to ``directory``; returns its path.

    ``directory`` must be new, an empty folder, or, with ``overwrite``, a folder holding only a snapshot."""
    target = check_target(directory, overwrite)
    try:
        _tidy_after_crash(target)
        check_target(directory, overwrite)  # a snapshot put back needs ``overwrite`` like any other
        work = _new_work_folder(target, "partial")
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    try:
        _write_frames(ws, work, types)
        _sync(work)
        check_target(directory, overwrite)  # again: the folder may have changed during the fetch
        _swap_into_place(work, target)
    except BaseException as exc:
        _remove_snapshot_folder(work)
        if isinstance(exc, OSError):
            raise _write_failed(target, exc) from exc
        raise
    return Path(directory)


def _write_failed(target: Path, exc: OSError) -> SnapshotError:
    return SnapshotError(
        f"Could not write the snapshot to {target}: {exc.strerror or exc} ({exc.filename or target}). "
        "Nothing was changed there; check the folder's permissions and free space."
    )


def _write_frames(ws: Workspace, work: Path, types: list[str] | None) -> None:
    """Write every frame as Parquet into ``work``, then the manifest with each file's size and SHA-256."""
    files: dict[str, dict[str, Any]] = {}

    def save(frame: pd.DataFrame, name: str) -> None:
        files[name] = _write_file(work / name, frame.to_parquet(None, index=False))

    counts: dict[str, int] = {}
    long: dict[str, list[pd.DataFrame]] = {name: [] for name in LONG_FRAMES}
    fields: list[pd.DataFrame] = []
    for type_name in types or ws.types():
        # one paging pass per type (and archive pass) for the fact sheets and every long frame of them
        own = own_relations(type_name, _relation_names(ws, type_name))
        read = read_type(ws, type_name, include_archived=True, relations=own)
        frame = read.factsheets
        _check_writable_name(type_name, "fact sheet type")
        fields.append(ws.fields(type_name).assign(factSheetType=type_name))
        if frame.empty:
            continue
        counts[type_name] = len(frame)
        save(frame, f"factsheets-{type_name}.parquet")
        long["tags"].append(read.tags)
        long["lifecycles"].append(read.lifecycles)
        long["subscriptions"].append(read.subscriptions)
        for relation in own:
            _check_writable_name(relation, "relation")
            frame = read.relations[relation]
            long["relations"].append(frame)
            # one file per relation, empty ones too: each keeps exactly its own (typed) columns
            save(frame, f"relations-{type_name}-{relation}.parquet")
    for name, frames in long.items():
        if name != "relations" and frames:
            filled = [f for f in frames if not f.empty]
            save(_concat(filled) if filled else frames[0], f"{name}.parquet")
    runs = ws.runs()
    save(runs, "runs.parquet")
    save(_concat(fields) if fields else pd.DataFrame(), FIELDS_FILE)
    answers = json.dumps(record_answers(ws.client), separators=(",", ":"), sort_keys=True)
    files[IAPI_FILE] = _write_file(work / IAPI_FILE, answers.encode())
    directory = json.dumps(_directory(ws), separators=(",", ":"), sort_keys=True)
    files[DIRECTORY_FILE] = _write_file(work / DIRECTORY_FILE, directory.encode())
    model = ws.model
    manifest = {
        "format": FORMAT,
        "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": ws.host,
        "workspaceId": ws.id,
        "workspaceName": ws.name,
        "kitVersion": __version__,
        "factSheets": counts,
        "rows": {name: sum(len(f) for f in frames) for name, frames in long.items()} | {"runs": len(runs)},
        "files": files,
        "metaModel": model.to_dict() if isinstance(model, MetaModel) else None,
    }
    _write_file(work / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())


_DIRECTORY = {
    "tagGroups": "{ allTagGroups { edges { node { id name shortName mode restrictToFactSheetTypes } } } }",
    "tags": "{ allTags { edges { node { id name description color tagGroup { id name } } } } }",
    "subscriptionRoles": "{ allSubscriptionRoles { edges { node { id name } } } }",
}


def _directory(ws: Workspace) -> dict[str, list[Any]]:
    """Tag groups, tags and subscription roles (the frames hold names only; sources need ids and modes)."""
    out = {}
    for key, query in _DIRECTORY.items():
        answer = ws.client.graphql(query)
        out[key] = [e["node"] for e in next(iter(answer.values()))["edges"]]
    return out


def _relation_names(ws: Workspace, type_name: str) -> list[str]:
    """The connection names of a type, both directions, from the workspace's model."""
    model: Any = ws.model
    if isinstance(model, MetaModel):
        return list(model.relations_of(type_name))
    return list(model.type(type_name).relations)


def _check_writable_name(name: str, what: str) -> None:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise SnapshotError(
            f"The workspace has a {what} named {name!r}, which is not a valid name (letters, digits and _) "
            "and cannot become a file name in a snapshot; nothing was written. Leave it out with types=[...]."
        )
