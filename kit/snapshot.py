"""Snapshots: a workspace's frames as Parquet plus a manifest, readable offline with the same methods.

A snapshot is written into a temporary folder beside the target and renamed into place only when complete,
so a failed or interrupted snapshot leaves nothing half-written and never damages an earlier one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit._version import __version__
from kit.errors import LxkitError
from kit.factsheet_frames import BASE
from kit.model import UnknownFactSheetType

if TYPE_CHECKING:
    from kit.workspace import Workspace

__all__ = ["Snapshot", "SnapshotError", "load_snapshot", "write_snapshot"]

MANIFEST = "manifest.json"
FORMAT = 1
LONG_FRAMES = ("relations", "tags", "lifecycles", "subscriptions")


class SnapshotError(LxkitError):
    """A snapshot folder is missing, incomplete or of an unknown format."""


def own_relations(type_name: str, relations: list[str]) -> list[str]:
    """Relations read from this type's side: ``rel<Type>To…`` and ``relToParent`` (not the reverse ones)."""
    return [r for r in relations if r.startswith(f"rel{type_name}To") or r == "relToParent"]


def write_snapshot(
    ws: Workspace, directory: str | os.PathLike, types: list[str] | None = None, overwrite: bool = False
) -> Path:
    """Fetch the frames of ``types`` (default: all) and write them to ``directory``; returns its path."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise SnapshotError(
            f"{target} already exists and is not empty; choose a new folder or pass overwrite=True."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        counts: dict[str, int] = {}
        long: dict[str, list[pd.DataFrame]] = {name: [] for name in LONG_FRAMES}
        for type_name in types or ws.types():
            frame = ws.factsheets(type_name, include_archived=True)
            if frame.empty:
                continue
            counts[type_name] = len(frame)
            frame.to_parquet(work / f"factsheets-{type_name}.parquet", index=False)
            long["tags"].append(ws.tags(type_name, include_archived=True))
            long["lifecycles"].append(ws.lifecycles(type_name, include_archived=True))
            long["subscriptions"].append(ws.subscriptions(type_name, include_archived=True))
            for relation in own_relations(type_name, ws.model.type(type_name).relations):
                frame = ws.relations(type_name, relation, include_archived=True)
                long["relations"].append(frame)
                if not frame.empty:  # one file per relation: each keeps exactly its own relation fields
                    frame.to_parquet(work / f"relations-{type_name}-{relation}.parquet", index=False)
        for name, frames in long.items():
            if name == "relations":
                continue
            frames = [f for f in frames if not f.empty]
            if frames:
                _concat(frames).to_parquet(work / f"{name}.parquet", index=False)
        runs = ws.runs()
        runs.to_parquet(work / "runs.parquet", index=False)
        manifest = {
            "format": FORMAT,
            "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": ws.host,
            "workspaceId": ws.id,
            "workspaceName": ws.name,
            "kitVersion": __version__,
            "factSheets": counts,
            "rows": {name: sum(len(f) for f in frames) for name, frames in long.items()}
            | {"runs": len(runs)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        _swap_into_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames (columns may differ), keeping categoricals categorical with all categories."""
    result = pd.concat(frames, ignore_index=True)
    for column in result.columns:
        parts = [f[column] for f in frames if column in f.columns]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            categories = list(dict.fromkeys(c for p in parts for c in p.cat.categories))
            result[column] = pd.Categorical(
                result[column], categories=categories, ordered=parts[0].cat.ordered
            )
    return result


def _swap_into_place(work: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        work.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(target)


@dataclass(frozen=True)
class Snapshot:
    """Frames saved by :func:`write_snapshot`, with the same reading methods as a live Workspace."""

    path: Path
    manifest: dict[str, Any]

    def __repr__(self) -> str:
        total = sum(self.manifest["factSheets"].values())
        return f"Snapshot({str(self.path)!r}, {self.manifest.get('createdAt')}, fact_sheets={total})"

    @property
    def created_at(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["createdAt"])

    def types(self) -> list[str]:
        return list(self.manifest["factSheets"])

    def factsheets(
        self, type: str, fields: list[str] | None = None, include_archived: bool = False
    ) -> pd.DataFrame:  # noqa: A002
        if type not in self.manifest["factSheets"]:
            raise UnknownFactSheetType(
                f"The snapshot at {self.path} has no {type!r} fact sheets; it has: {', '.join(self.types())}."
            )
        frame = pd.read_parquet(self.path / f"factsheets-{type}.parquet")
        if not include_archived:
            frame = frame[frame["status"] != "ARCHIVED"].reset_index(drop=True)
        if fields is not None:
            base = [c for c in frame.columns if c in BASE and c not in fields]
            frame = frame[[*base, *[f for f in fields if f in frame.columns]]]
        return frame

    def _long(self, name: str, type: str | None, **match: str) -> pd.DataFrame:  # noqa: A002
        file = self.path / f"{name}.parquet"
        if not file.exists():
            return pd.DataFrame()
        frame = pd.read_parquet(file)
        if type is not None:
            frame = frame[frame["id" if "id" in frame.columns else "fromId"].isin(self._ids(type))]
        for column, value in match.items():
            frame = frame[frame[column] == value]
        return frame.reset_index(drop=True)

    def _ids(self, type: str) -> pd.Series:  # noqa: A002
        return self.factsheets(type, include_archived=True)["id"]

    def relations(self, type: str | None = None, relation: str | None = None) -> pd.DataFrame:  # noqa: A002
        """Relations read from ``type``'s side (``rel<Type>To…``, ``relToParent``); all of them by default."""
        files = sorted(self.path.glob(f"relations-{type or '*'}-{relation or '*'}.parquet"))
        if not files:
            return pd.DataFrame()
        return _concat([pd.read_parquet(f) for f in files])

    def tags(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("tags", type)

    def lifecycles(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("lifecycles", type)

    def subscriptions(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("subscriptions", type)

    def runs(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "runs.parquet")


def load_snapshot(directory: str | os.PathLike) -> Snapshot:
    """Open a snapshot folder written by ``ws.snapshot(...)``."""
    path = Path(directory)
    manifest_file = path / MANIFEST
    if not manifest_file.is_file():
        raise SnapshotError(
            f"{path} is not a snapshot (no {MANIFEST}). Write one with ws.snapshot({str(path)!r})."
        )
    try:
        manifest = json.loads(manifest_file.read_text())
    except ValueError as exc:
        raise SnapshotError(f"{manifest_file} is not valid JSON ({exc}); the snapshot is damaged.") from None
    if manifest.get("format") != FORMAT:
        raise SnapshotError(
            f"{path} has snapshot format {manifest.get('format')!r}; this kit reads {FORMAT}."
        )
    return Snapshot(path, manifest)
