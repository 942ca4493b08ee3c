"""Files on disk: written whole and synced with their size and SHA-256, read only when regular files."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from kit.snapshot.errors import _WHAT_TO_DO, SnapshotError


def _write_file(path: Path, data: bytes) -> dict[str, Any]:
    """Create ``path`` (never replacing a file) with ``data``, synced to disk; returns its size and hash."""
    with open(path, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _sync(folder: Path) -> None:
    """Make a folder's entries durable (a no-op where folders cannot be opened, as on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_regular_file(file: Path, limit: int | None) -> bytes:
    """The bytes of a regular file (never a symlink, FIFO or device), or a SnapshotError saying why not."""
    flags = (
        os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(file, flags)
    except FileNotFoundError:
        raise SnapshotError(f"{file} is missing; the snapshot is incomplete. " + _WHAT_TO_DO) from None
    except OSError as exc:
        reason = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise SnapshotError(f"{file} cannot be read ({reason}). " + _WHAT_TO_DO) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SnapshotError(f"{file} is not a regular file; the snapshot is damaged. " + _WHAT_TO_DO)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as exc:
            raise SnapshotError(f"{file} cannot be read ({exc.strerror}). " + _WHAT_TO_DO) from None
    if limit is not None and len(data) > limit:
        raise SnapshotError(
            f"{file} is larger than {limit // (1024 * 1024)} MiB, far more than a manifest holds: it is "
            "not a "
            "snapshot manifest. " + _WHAT_TO_DO
        )
    return data
