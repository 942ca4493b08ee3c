"""Reading a snapshot: :func:`load_snapshot` checks the folder and its manifest, :class:`Snapshot` reads."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow.parquet as pq

from kit import formatting as fmt
from kit.client import LeanIXClient
from kit.frame import Frame, as_frame
from kit.frames.queries import BASE
from kit.frames.runs import RunsMixin, RunStats
from kit.leanix import MetaModel, MetaModelError, UnknownFactSheetType
from kit.snapshot.errors import _WHAT_TO_DO, SnapshotError
from kit.snapshot.files import _read_regular_file
from kit.snapshot.frames import _concat
from kit.snapshot.iapi import Replay
from kit.snapshot.manifest import (
    DIRECTORY_FILE,
    FIELDS_FILE,
    FILE_NAME,
    IAPI_FILE,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    _at,
    _parse_manifest,
)
from kit.snapshot.swap import WORK_FOLDER, _stale_work_folders
from kit.snapshot.target import _kind


@dataclass(frozen=True)
class Snapshot:
    """Frames saved by :func:`write_snapshot`, answering the reading methods of a live Workspace offline.

    Every public reading method of :class:`~kit.frames.reader.WorkspaceReader` and
    :class:`~kit.frames.runs.RunsMixin` is here and means the same, with these differences:

    * ``types()`` lists the types the snapshot holds fact sheets of, not every type of the workspace;
    * ``filter=`` (a LeanIX FilterInput) is not evaluated: a snapshot raises :class:`SnapshotError` for one
      (select rows with pandas, or use ``kit.sources.SnapshotView(snapshot).select(scope)``);
    * ``tags``, ``lifecycles``, ``subscriptions`` and ``relations`` also take ``type=None`` (all types);
    * the run readers answer within the bounds of :mod:`kit.snapshot.iapi` (the newest synchronizations
      and the details of their runs); older snapshots (format 1 and 2) kept none of them and raise
      :class:`SnapshotError` there, and have no ``fields()``; ``runs()`` works on every format;
    * ``model`` is the workspace's meta model as written (format 3); None for older snapshots.
    """

    path: Path
    manifest: dict[str, Any]

    def __repr__(self) -> str:
        total = sum(self.manifest["factSheets"].values())
        return f"Snapshot({str(self.path)!r}, {self.manifest.get('createdAt')}, fact_sheets={total})"

    def __str__(self) -> str:
        """For people: what was saved and when, without the folder's path (``repr`` has it)."""
        workspace = f" of workspace {self.name!r}" if self.name else ""
        return f"the snapshot{workspace} taken {fmt.moment(self.created_at)} (folder {self.path.name})"

    @property
    def created_at(self) -> pd.Timestamp:
        return pd.Timestamp(self.manifest["createdAt"])

    @cached_property
    def model(self) -> MetaModel | None:
        """The workspace's meta model when the snapshot was written; None in snapshots before format 3 (or
        written from a workspace whose model was not a :class:`~kit.leanix.MetaModel`)."""
        data = self.manifest.get("metaModel")
        if data is None:
            return None
        try:
            return MetaModel.from_dict(data)
        except (MetaModelError, KeyError, TypeError, ValueError) as exc:
            raise SnapshotError(
                f"{self.path / MANIFEST}: metaModel is not a meta model ({exc}); the manifest is damaged. "
                + _WHAT_TO_DO
            ) from None

    @property
    def name(self) -> str | None:
        return self.manifest.get("workspaceName")

    @property
    def id(self) -> str | None:
        return self.manifest.get("workspaceId")

    @property
    def host(self) -> str | None:
        return self.manifest.get("host")

    @cached_property
    def _runs_reader(self) -> RunsMixin:
        """The live run readers, answered from what the snapshot keeps (:mod:`kit.snapshot.iapi`)."""
        if IAPI_FILE not in self.files():
            raise SnapshotError(
                f"The snapshot at {self.path} was written by an older lxkit (format {self.manifest['format']}), "
                "which kept no Integration API runs or sync log. Write it again to read them offline."
            )
        try:
            answers = json.loads(self._read_bytes(IAPI_FILE).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise SnapshotError(
                f"{self.path / IAPI_FILE} is not valid JSON; the snapshot is damaged. " + _WHAT_TO_DO
            ) from None
        if not isinstance(answers, dict) or not {
            "runs",
            "details",
            "synclog",
            "syncItems",
            "syncItemsOf",
        } <= set(answers):
            raise SnapshotError(f"{self.path / IAPI_FILE} is not what lxkit writes. " + _WHAT_TO_DO)
        return _OfflineRuns(Replay(answers, str(self.path)))

    def run_status(self, run_id: str) -> pd.DataFrame:
        """As ``ws.run_status``, for the runs the snapshot keeps details of."""
        return self._runs_reader.run_status(run_id)

    def run_progress(self, run_id: str) -> pd.DataFrame:
        """As ``ws.run_progress``, for the runs the snapshot keeps details of."""
        return self._runs_reader.run_progress(run_id)

    def run_stats(self, run_id: str) -> RunStats:
        """As ``ws.run_stats``, for the runs the snapshot keeps details of."""
        return self._runs_reader.run_stats(run_id)

    def run_warnings(self, run_id: str, limit: int | None = None) -> pd.DataFrame:
        """As ``ws.run_warnings``, for the runs the snapshot keeps details of."""
        return self._runs_reader.run_warnings(run_id, limit)

    def synclog(self, limit: int | None = None, page_size: int = 100) -> pd.DataFrame:
        """As ``ws.synclog``: the newest synchronizations the snapshot keeps."""
        return self._runs_reader.synclog(limit, page_size)

    def synclog_items(
        self,
        synchronization_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        page_size: int = 100,
    ) -> pd.DataFrame:
        """As ``ws.synclog_items``: the newest sync items the snapshot keeps."""
        return self._runs_reader.synclog_items(synchronization_id, status, limit, page_size)

    def directory(self) -> dict[str, list[dict[str, Any]]] | None:
        """``{"tagGroups", "tags", "subscriptionRoles"}`` as GraphQL listed them (format 3); None before."""
        if DIRECTORY_FILE not in self.files():
            return None
        try:
            found = json.loads(self._read_bytes(DIRECTORY_FILE).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            found = None
        if not isinstance(found, dict) or not {"tagGroups", "tags", "subscriptionRoles"} <= set(found):
            raise SnapshotError(f"{self.path / DIRECTORY_FILE} is not what lxkit writes. " + _WHAT_TO_DO)
        return found

    def types(self) -> list[str]:
        """The fact sheet types the snapshot holds (those that had fact sheets when it was written)."""
        return list(self.manifest["factSheets"])

    def fields(self, type: str) -> pd.DataFrame:  # noqa: A002
        """The type's fields as ``ws.fields(type)`` answered when the snapshot was written."""
        if FIELDS_FILE not in self.files():
            raise SnapshotError(
                f"The snapshot at {self.path} was written by an older lxkit (format {self.manifest['format']}), "
                "which kept no field lists. Write it again to read them offline."
            )
        frame = self._read(FIELDS_FILE)
        if "factSheetType" not in frame.columns or type not in set(frame["factSheetType"]):
            raise UnknownFactSheetType(
                f"The snapshot at {self.path} has no fields of {type!r}; it has: "
                f"{', '.join(dict.fromkeys(frame.get('factSheetType', [])))}."
            )
        rows = frame[frame["factSheetType"] == type].drop(columns="factSheetType").reset_index(drop=True)
        for column in ("values", "relationFields"):
            if column in rows.columns:
                rows[column] = pd.Series(
                    [None if v is None else [str(x) for x in v] for v in rows[column]], dtype=object
                )
        if "kind" in rows.columns and isinstance(rows["kind"].dtype, pd.CategoricalDtype):
            rows["kind"] = rows["kind"].cat.remove_unused_categories()
        return rows

    def files(self) -> dict[str, dict[str, Any] | None]:
        """Data file name -> recorded ``{"bytes", "sha256"}`` (None in format 1, which recorded none)."""
        if "files" in self.manifest:
            return dict(self.manifest["files"])
        names = [f"factsheets-{t}.parquet" for t in self.types()] + ["runs.parquet"]
        with contextlib.suppress(OSError):
            names += sorted(n for n in os.listdir(self.path) if FILE_NAME.fullmatch(n))
        return dict.fromkeys(names)

    def factsheets(
        self,
        type: str,  # noqa: A002
        fields: list[str] | None = None,
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
        **_live_only: Any,
    ) -> pd.DataFrame:
        """One row per fact sheet of ``type``, as ``ws.factsheets`` (paging options are ignored)."""
        _no_filter(filter)
        if type not in self.manifest["factSheets"]:
            raise UnknownFactSheetType(
                f"The snapshot at {self.path} has no {type!r} fact sheets; it has: {', '.join(self.types())}."
            )
        name = f"factsheets-{type}.parquet"
        frame = self._read(name, ("id", "status"))
        if len(frame) != self.manifest["factSheets"][type]:
            raise SnapshotError(
                f"{self.path / name} holds {len(frame):,} fact sheets, but {self.path / MANIFEST} records "
                f"{_at('factSheets', type)} = {self.manifest['factSheets'][type]:,}: the snapshot was "
                "altered. " + _WHAT_TO_DO
            )
        if not include_archived:
            frame = frame[frame["status"] != "ARCHIVED"].reset_index(drop=True)
            for column in _INFERRED_CATEGORIES & set(frame.columns):  # live infers them from the rows read
                if isinstance(frame[column].dtype, pd.CategoricalDtype):
                    frame[column] = frame[column].cat.remove_unused_categories()
        if fields is not None:
            base = [c for c in frame.columns if c in BASE and c not in fields]
            frame = frame[[*base, *[f for f in fields if f in frame.columns]]]
        return frame

    def _long(self, name: str, type: str | None, include_archived: bool) -> pd.DataFrame:  # noqa: A002
        file = f"{name}.parquet"
        if file not in self.files():
            return Frame()
        frame = self._read(file)
        key = "id" if "id" in frame.columns else "fromId"
        if type is not None or not include_archived:
            if key not in frame.columns:
                raise self._bad_columns(file, ["id"])
            frame = frame[frame[key].isin(self._ids(type, include_archived))]
        return frame.reset_index(drop=True)

    def _ids(self, type: str | None, include_archived: bool = True) -> pd.Series:  # noqa: A002
        types = self.types() if type is None else [type]
        ids = [self.factsheets(t, include_archived=include_archived)["id"] for t in types]
        return pd.concat(ids, ignore_index=True) if ids else pd.Series([], dtype=object)

    def relations(
        self,
        type: str | None = None,  # noqa: A002
        relation: str | None = None,
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
    ) -> pd.DataFrame:
        """Relations read from ``type``'s side (``rel<Type>To…``, ``relToParent``); all types by default.

        As live, relations of archived fact sheets only with ``include_archived``."""
        _no_filter(filter)
        names = []
        for name in sorted(self.files()):
            match = FILE_NAME.fullmatch(name)
            if (
                match
                and match["relation"]
                and type in (None, match["from"])
                and relation in (None, match["relation"])
            ):
                names.append(name)
        if not names:
            return Frame()
        frames = [self._read(n) for n in names]
        filled = [f for f in frames if not f.empty]
        frame = _concat(filled) if len(filled) > 1 else (filled or frames)[0]
        if not include_archived:
            frame = frame[frame["fromId"].isin(self._ids(type, False))].reset_index(drop=True)
        return frame

    def tags(
        self,
        type: str | None = None,  # noqa: A002
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
    ) -> pd.DataFrame:
        """One row per tag assignment, as ``ws.tags``; all types by default."""
        _no_filter(filter)
        return self._long("tags", type, include_archived)

    def lifecycles(
        self,
        type: str | None = None,  # noqa: A002
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
    ) -> pd.DataFrame:
        """One row per lifecycle phase, as ``ws.lifecycles``; all types by default."""
        _no_filter(filter)
        return self._long("lifecycles", type, include_archived)

    def subscriptions(
        self,
        type: str | None = None,  # noqa: A002
        filter: Mapping[str, Any] | None = None,  # noqa: A002
        include_archived: bool = False,
    ) -> pd.DataFrame:
        """One row per subscription, as ``ws.subscriptions``; all types by default."""
        _no_filter(filter)
        return self._long("subscriptions", type, include_archived)

    def runs(self) -> pd.DataFrame:
        """The runs the workspace listed, as ``ws.runs()``."""
        return self._read("runs.parquet")

    def _read_bytes(self, name: str) -> bytes:
        """One data file's bytes, checked against the manifest's size and SHA-256."""
        if not FILE_NAME.fullmatch(name):  # every caller builds names from validated parts; never a path
            raise SnapshotError(f"{name!r} is not a snapshot file name.")
        file = self.path / name
        data = _read_regular_file(file, limit=None)
        recorded = self.files().get(name)
        if recorded is not None:
            if len(data) != recorded["bytes"]:
                raise SnapshotError(
                    f"{file} has {len(data):,} bytes, but {self.path / MANIFEST} records "
                    f"{recorded['bytes']:,}: "
                    "the file was truncated or altered. " + _WHAT_TO_DO
                )
            if hashlib.sha256(data).hexdigest() != recorded["sha256"]:
                raise SnapshotError(
                    f"{file} does not match the SHA-256 recorded in {self.path / MANIFEST}: the file was "
                    "damaged or altered. " + _WHAT_TO_DO
                )
        return data

    def _read(self, name: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        """One data file, checked against the manifest's size and SHA-256 before it is parsed."""
        file = self.path / name
        data = self._read_bytes(name)
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as exc:  # pyarrow reports damage as ArrowInvalid, OSError, ValueError, ...
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise SnapshotError(
                f"{file} is not a readable Parquet file ({reason}); the snapshot is damaged. " + _WHAT_TO_DO
            ) from None
        if frame.empty:
            _restore_empty_categoricals(frame, data)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise self._bad_columns(name, missing)
        return as_frame(frame)

    def _bad_columns(self, name: str, missing: list[str]) -> SnapshotError:
        return SnapshotError(
            f"{self.path / name} has no column {', '.join(missing)}: it is not a frame lxkit wrote. "
            + _WHAT_TO_DO
        )


def _restore_empty_categoricals(frame: pd.DataFrame, data: bytes) -> None:
    """Parquet reads an empty categorical column back as object; make it categorical again, as written."""
    meta = pq.read_schema(io.BytesIO(data)).pandas_metadata or {}
    for column in meta.get("columns") or ():
        name = column.get("name")
        if column.get("pandas_type") == "categorical" and name in frame.columns:
            ordered = bool((column.get("metadata") or {}).get("ordered"))
            empty = pd.Index([], dtype=object)
            frame[name] = pd.Series(pd.Categorical([], categories=empty, ordered=ordered), index=frame.index)


_INFERRED_CATEGORIES = {"status", "qualitySeal", "lxState"}
"""Categorical columns whose categories a live read takes from the rows it reads (kit.frames.queries)."""


class _OfflineRuns(RunsMixin):
    """RunsMixin over recorded answers: the same code builds the frames as live."""

    def __init__(self, replay: Replay) -> None:
        # Replay answers exactly the GET requests RunsMixin sends; it is not an HTTP client.
        self.client = cast(LeanIXClient, replay)


def _no_filter(filter: Mapping[str, Any] | None) -> None:  # noqa: A002
    if filter is not None:
        raise SnapshotError(
            "A snapshot does not evaluate LeanIX filters; select rows with pandas, or use "
            "kit.sources.SnapshotView(snapshot).select(scope) for the fact sheets in a scope."
        )


def load_snapshot(directory: str | os.PathLike) -> Snapshot:
    """Open a snapshot folder written by ``ws.snapshot(...)``, checking its manifest and files."""
    path = Path(directory)
    try:
        kind = _kind(path) if not path.is_dir() else "folder"
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"Cannot open a snapshot at {str(directory)!r}: {exc}.") from None
    work = WORK_FOLDER.fullmatch(path.name)
    if work and kind == "folder":
        real = path.with_name(work["name"])
        if work["kind"] == "old":
            raise SnapshotError(
                f"{path} is a snapshot an interrupted overwrite of {real} set aside; it is not read as a "
                "snapshot. "
                f"Writing {real} again puts it back; or rename it to {real} yourself."
            )
        raise SnapshotError(
            f"{path} is the work folder of a snapshot of {real} that did not finish, not a snapshot; lxkit "
            f"removes it the next time it writes {real}."
        )
    if kind is None:
        aside = [p for p, k in _stale_work_folders(path) if k == "old" and (p / MANIFEST).is_file()]
        if aside:
            raise SnapshotError(
                f"There is no snapshot at {path}: an overwrite of it was interrupted and the previous "
                "snapshot "
                f"is at {aside[-1]}. Rename that folder to {path.name}, or write the snapshot again."
            )
        raise SnapshotError(
            f"There is no snapshot at {path} (no such folder). Write one with ws.snapshot({str(path)!r})."
        )
    if kind != "folder":
        raise SnapshotError(
            f"{path} is a {kind}, not a snapshot folder. Give the folder ws.snapshot(...) wrote."
        )
    manifest_file = path / MANIFEST
    if not os.path.lexists(manifest_file):
        raise SnapshotError(
            f"{path} is not a snapshot (no {MANIFEST}). Write one with ws.snapshot({str(path)!r})."
        )
    manifest = _parse_manifest(manifest_file, _read_regular_file(manifest_file, MAX_MANIFEST_BYTES))
    snapshot = Snapshot(path, manifest)
    for name, recorded in snapshot.files().items():
        try:
            info = os.lstat(path / name)
        except FileNotFoundError:
            raise SnapshotError(
                f"{path / name} is missing, but {manifest_file} lists it; the snapshot is incomplete. "
                + _WHAT_TO_DO
            ) from None
        if not stat.S_ISREG(info.st_mode):
            raise SnapshotError(
                f"{path / name} is not a regular file; the snapshot is damaged. " + _WHAT_TO_DO
            )
        if recorded is not None and info.st_size != recorded["bytes"]:
            raise SnapshotError(
                f"{path / name} has {info.st_size:,} bytes, but {manifest_file} records "
                f"{recorded['bytes']:,}: the "
                "file was truncated or altered. " + _WHAT_TO_DO
            )
    return snapshot
