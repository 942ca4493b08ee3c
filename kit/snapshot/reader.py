"""Reading a snapshot: :func:`load_snapshot` checks the folder and its manifest, :class:`Snapshot` reads."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kit.frames.queries import BASE
from kit.leanix.introspection import UnknownFactSheetType
from kit.snapshot.errors import _WHAT_TO_DO, SnapshotError
from kit.snapshot.files import _read_regular_file
from kit.snapshot.frames import _concat
from kit.snapshot.manifest import FILE_NAME, MANIFEST, MAX_MANIFEST_BYTES, _at, _parse_manifest
from kit.snapshot.swap import WORK_FOLDER, _stale_work_folders
from kit.snapshot.target import _kind


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

    def files(self) -> dict[str, dict[str, Any] | None]:
        """Data file name -> recorded ``{"bytes", "sha256"}`` (None in format 1, which recorded none)."""
        if "files" in self.manifest:
            return dict(self.manifest["files"])
        names = [f"factsheets-{t}.parquet" for t in self.types()] + ["runs.parquet"]
        with contextlib.suppress(OSError):
            names += sorted(n for n in os.listdir(self.path) if FILE_NAME.fullmatch(n))
        return dict.fromkeys(names)

    def factsheets(
        self, type: str, fields: list[str] | None = None, include_archived: bool = False
    ) -> pd.DataFrame:  # noqa: A002
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
        if fields is not None:
            base = [c for c in frame.columns if c in BASE and c not in fields]
            frame = frame[[*base, *[f for f in fields if f in frame.columns]]]
        return frame

    def _long(self, name: str, type: str | None) -> pd.DataFrame:  # noqa: A002
        file = f"{name}.parquet"
        if file not in self.files():
            return pd.DataFrame()
        frame = self._read(file)
        if type is not None:
            key = "id" if "id" in frame.columns else "fromId"
            if key not in frame.columns:
                raise self._bad_columns(file, ["id"])
            frame = frame[frame[key].isin(self._ids(type))]
        return frame.reset_index(drop=True)

    def _ids(self, type: str) -> pd.Series:  # noqa: A002
        return self.factsheets(type, include_archived=True)["id"]

    def relations(self, type: str | None = None, relation: str | None = None) -> pd.DataFrame:  # noqa: A002
        """Relations read from ``type``'s side (``rel<Type>To…``, ``relToParent``); all by default."""
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
            return pd.DataFrame()
        return _concat([self._read(n) for n in names])

    def tags(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("tags", type)

    def lifecycles(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("lifecycles", type)

    def subscriptions(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self._long("subscriptions", type)

    def runs(self) -> pd.DataFrame:
        return self._read("runs.parquet")

    def _read(self, name: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        """One data file, checked against the manifest's size and SHA-256 before it is parsed."""
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
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as exc:  # pyarrow reports damage as ArrowInvalid, OSError, ValueError, ...
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise SnapshotError(
                f"{file} is not a readable Parquet file ({reason}); the snapshot is damaged. " + _WHAT_TO_DO
            ) from None
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise self._bad_columns(name, missing)
        return frame

    def _bad_columns(self, name: str, missing: list[str]) -> SnapshotError:
        return SnapshotError(
            f"{self.path / name} has no column {', '.join(missing)}: it is not a frame lxkit wrote. "
            + _WHAT_TO_DO
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
