"""Checking a target folder: a snapshot is written only where it replaces nothing but a snapshot."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from kit.snapshot.errors import SnapshotError
from kit.snapshot.manifest import FILE_NAME, MANIFEST


def check_target(directory: str | os.PathLike, overwrite: bool = False) -> Path:
    """The absolute target path, or :class:`SnapshotError` if a snapshot must not be written there.

    Allowed: a path that does not exist yet, an empty folder, or (with ``overwrite``) a folder holding a
    snapshot's manifest and nothing but the files a snapshot writes."""
    try:
        target = _absolute(Path(directory))
        kind = _kind(target)
    except (OSError, ValueError) as exc:
        raise SnapshotError(
            f"Cannot write a snapshot to {str(directory)!r}: {exc}. Choose another folder."
        ) from None
    special = _special_folders()
    if target in special:
        raise SnapshotError(
            f"{target} is {special[target]}: a snapshot replaces its whole folder, so lxkit never writes one "
            f"there and nothing was changed. Give a new folder inside it, such as {target / 'snapshot'}."
        )
    if kind == "symbolic link":
        pointing = ""
        with contextlib.suppress(OSError):
            pointing = f" (to {os.readlink(target)})"
        raise SnapshotError(
            f"{target} is a symbolic link{pointing}: lxkit writes a snapshot only to a real folder and "
            "nothing was changed. Give the folder it points to, or a new folder."
        )
    if kind is None:
        return target
    if kind != "folder":
        raise SnapshotError(
            f"{target} is a {kind}, not a folder, and lxkit never replaces it: nothing was changed. Give a "
            "folder path that does not exist yet, or an empty folder."
        )
    try:
        entries = list(os.scandir(target))
    except OSError as exc:
        raise SnapshotError(f"{target} cannot be listed ({exc.strerror}); choose another folder.") from None
    if not entries:
        return target
    foreign = sorted(_shown(e) for e in entries if not _is_snapshot_file(e))
    has_manifest = any(e.name == MANIFEST for e in entries if _is_snapshot_file(e))
    if not foreign and has_manifest:
        if overwrite:
            return target
        raise SnapshotError(
            f"{target} already exists and holds a snapshot; nothing was changed. Pass overwrite=True "
            "(lxkit snapshot --overwrite) to replace it, or choose a new folder."
        )
    if foreign:
        listed = ", ".join(foreign[:5]) + (f" (and {len(foreign) - 5} more)" if len(foreign) > 5 else "")
        what = f"holds {len(foreign)} {_plural(len(foreign), 'file or folder', 'files or folders')} that "
        what += f"{'is' if len(foreign) == 1 else 'are'} not part of a snapshot: {listed}"
    else:
        what = f"holds no {MANIFEST}, so it is not a complete snapshot (perhaps a half-copied one)"
    rule = "overwrite replaces only a snapshot folder or an empty folder" if overwrite else "it is not empty"
    raise SnapshotError(
        f"{target} already exists and {what}; {rule}, so nothing was changed. Choose a new or empty folder"
        + (", or move those out of it." if foreign else ", or delete the folder yourself if it is unwanted.")
    )


def _absolute(path: Path) -> Path:
    """``path`` made absolute with its parent resolved, keeping the last part (it may be a symlink)."""
    if path.name in ("", ".", ".."):
        return path.resolve()
    return path.parent.resolve() / path.name


def _kind(path: Path) -> str | None:
    """What is at ``path`` (not following a symlink): None when nothing is."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device file" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def _special_folders() -> dict[Path, str]:
    special = {Path(Path.cwd().anchor or "/"): "the file system root", Path("/"): "the file system root"}
    with contextlib.suppress(OSError, RuntimeError):
        special[Path.home().resolve()] = "your home folder"
    with contextlib.suppress(OSError):
        special[Path.cwd().resolve()] = "the current folder"
    return special


def _is_snapshot_file(entry: os.DirEntry) -> bool:
    """A regular file (not a symlink) named like one a snapshot writes."""
    return (entry.name == MANIFEST or bool(FILE_NAME.fullmatch(entry.name))) and entry.is_file(
        follow_symlinks=False
    )


def _shown(entry: os.DirEntry) -> str:
    name = entry.name if entry.name.isprintable() else repr(entry.name)
    if entry.is_symlink():
        return name + "@"
    return name + "/" if entry.is_dir(follow_symlinks=False) else name


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
