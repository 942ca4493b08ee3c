"""Putting a snapshot in place: hidden work folders, the atomic swap, the fallback renames, and tidying.

The swap is Linux's ``renameat2`` with ``RENAME_EXCHANGE`` or macOS's ``renamex_np`` with ``RENAME_SWAP``;
elsewhere the old folder is renamed aside first. Old snapshots are removed file by file, by the names a
snapshot writes, never with a recursive delete; work folders a killed writer left are put back or removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import re
import secrets
import socket
import sys
from pathlib import Path
from typing import Any

from kit.snapshot.files import _sync
from kit.snapshot.manifest import MANIFEST
from kit.snapshot.target import _is_snapshot_file, _kind

log = logging.getLogger("kit.snapshot")

WORK_FOLDER = re.compile(
    r"\.(?P<name>.+)\.lxkit-(?P<host>\w*)-(?P<pid>\d+)-[0-9a-f]{8}\.(?P<kind>partial|old)"
)


def _new_work_folder(target: Path, kind: str) -> Path:
    """A new hidden folder beside ``target`` named for this host and process (so a stale one is known)."""
    host = re.sub(r"[^0-9A-Za-z_]", "_", socket.gethostname())[:40]
    work = target.with_name(f".{target.name}.lxkit-{host}-{os.getpid()}-{secrets.token_hex(4)}.{kind}")
    target.parent.mkdir(parents=True, exist_ok=True)
    work.mkdir()
    return work


def _swap_into_place(work: Path, target: Path) -> None:
    """Put the complete snapshot in ``work`` at ``target`` in one atomic step, then remove the old one."""
    if _kind(target) is None or _is_empty(target):
        os.rename(work, target)  # atomic; replaces only an empty folder (a file added meanwhile: ENOTEMPTY)
    elif _exchange(work, target):
        _remove_snapshot_folder(work)  # now holds the old snapshot
    else:
        aside = _new_work_folder(target, "old")
        os.rmdir(aside)
        _rename(target, aside)
        _rename(work, target)
        _remove_snapshot_folder(aside)
    with contextlib.suppress(OSError):  # the snapshot is in place; durability of the rename is a bonus
        _sync(target.parent)


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _rename(source: Path, destination: Path) -> None:
    os.rename(source, destination)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system or file system cannot."""
    swap = _swap_function()
    if swap is None:
        return False
    if swap(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)):
        return False
    raise OSError(code, os.strerror(code), str(b))


_SWAP: list[Any] = []


def _swap_function() -> Any:
    """``(a, b) -> 0 or -1`` exchanging two paths: glibc's renameat2 or macOS's renamex_np; else None."""
    if not _SWAP:
        swap = None
        with contextlib.suppress(OSError, AttributeError, TypeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            if sys.platform.startswith("linux"):
                renameat2 = libc.renameat2
                renameat2.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                renameat2.restype = ctypes.c_int
                at_fdcwd, rename_exchange = -100, 2

                def swap(a: bytes, b: bytes) -> int:
                    return renameat2(at_fdcwd, a, at_fdcwd, b, rename_exchange)

            elif sys.platform == "darwin":
                renamex_np = libc.renamex_np
                renamex_np.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
                renamex_np.restype = ctypes.c_int

                def swap(a: bytes, b: bytes) -> int:
                    return renamex_np(a, b, 2)  # RENAME_SWAP

        _SWAP.append(swap)
    return _SWAP[0]


def _remove_snapshot_folder(folder: Path) -> None:
    """Delete the files a snapshot writes from ``folder``, then the folder if that left it empty.

    Never recursive: anything else in the folder stays, and so does the folder (with a warning)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("Could not tidy up %s (%s); delete it yourself.", folder, exc.strerror)
        return
    for entry in entries:
        if _is_snapshot_file(entry) or entry.name == f"{MANIFEST}.tmp":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    try:
        os.rmdir(folder)
    except OSError:
        log.warning("Left %s in place: it holds files a snapshot does not write.", folder)


def _stale_work_folders(target: Path) -> list[tuple[Path, str]]:
    """Work folders for ``target`` left by a process of this host that is gone: ``(path, kind)``."""
    if os.name == "nt":  # os.kill(pid, 0) is no liveness test there
        return []
    host = re.sub(r"[^0-9A-Za-z_]", "_", socket.gethostname())[:40]
    stale = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            match = WORK_FOLDER.fullmatch(entry.name)
            if not match or match["name"] != target.name or match["host"] != host:
                continue
            if entry.is_dir(follow_symlinks=False) and not _alive(int(match["pid"])):
                stale.append((Path(entry.path), match["kind"]))
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _tidy_after_crash(target: Path) -> None:
    """Undo what a killed writer of ``target`` left: put an old snapshot set aside back, drop work folders."""
    stale = _stale_work_folders(target)
    olds = sorted((p for p, kind in stale if kind == "old"), key=lambda p: p.stat().st_mtime_ns)
    if olds and _kind(target) is None and (olds[-1] / MANIFEST).is_file():
        os.rename(olds.pop(), target)
        log.warning("Put back the snapshot at %s that an interrupted overwrite had set aside.", target)
    for path, kind in stale:
        if kind == "partial" or (path in olds and (target / MANIFEST).is_file()):
            _remove_snapshot_folder(path)
