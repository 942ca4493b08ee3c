"""The output folder of a report run: checked and prepared before a kernel starts, published atomically.

``out`` is created when missing (with its parents). Refused before anything runs, with the path named: an
empty path or one holding a NUL byte, a path that is (or runs through) a file, a folder that cannot be
created or written (``/proc/…``, a read-only folder), and a ``runs.jsonl`` that is not a writable file.

A run writes into ``out/<notebook>/.<time>.partial/`` and renames it to ``out/<notebook>/<time>/`` when every
file is in place; a run killed half-way leaves only the hidden ``.partial`` folder. The record is then
appended to ``out/runs.jsonl`` with one ``write`` of a whole line (``O_APPEND``), so the log stays one JSON
record per line even when runs are killed or run side by side.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from kit.reports.errors import ReportError
from kit.reports.parameters import shown_path

__all__ = ["RUNS_LOG", "append_line", "prepare"]

RUNS_LOG = "runs.jsonl"
_HINT = "Give --out (run_report's out=) a folder you can write to; a missing folder is created."


def _refuse(out: object, reason: str) -> ReportError:
    return ReportError(f"cannot write reports to {shown_path(out)}: {reason}. {_HINT}")  # type: ignore[arg-type]


def prepare(out: str | os.PathLike[str], notebook: str, stamp: str) -> Path:
    """Create and return the hidden ``.partial`` folder of this run; :class:`ReportError` if ``out`` is unusable."""
    try:
        text = os.fspath(out)
    except TypeError:
        raise ReportError(f"out must be a folder path, not {type(out).__name__}. {_HINT}") from None
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text.strip():
        raise _refuse(text, "the path is empty")
    if "\0" in text:
        raise _refuse(text, "the path holds a NUL byte")
    root = Path(text)
    try:
        _check_folders(root, notebook, text)
    except OSError as exc:
        raise _refuse(text, _reason(exc)) from None
    partial = root / notebook / f".{stamp}.partial"
    try:
        partial.mkdir()
    except OSError as exc:
        raise _refuse(text, _reason(exc)) from None
    return partial


def _check_folders(root: Path, notebook: str, text: str) -> None:
    """``root`` and its parents are folders (or missing); ``root/notebook`` created; ``runs.jsonl`` writable."""
    for folder in (root, *root.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                what = "is a file" if folder.is_file() else "exists and is not a folder"
                where = "" if folder == root else f" ({shown_path(folder)} {what})"
                raise _refuse(
                    text, f"{'it ' + what if folder == root else 'a parent is not a folder'}{where}"
                )
            break
    (root / notebook).mkdir(parents=True, exist_ok=True)
    log = root / RUNS_LOG
    if log.exists() or log.is_symlink():
        if not log.is_file():
            raise _refuse(text, f"{RUNS_LOG} there is not a file")
        if not os.access(log, os.W_OK):
            raise _refuse(text, f"{RUNS_LOG} there is not writable")
    elif not os.access(root, os.W_OK | os.X_OK):
        raise _refuse(text, "the folder is not writable")


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"the folder is not writable ({exc.strerror})"
    return exc.strerror or str(exc)


def append_line(path: Path, line: str) -> None:
    """Append ``line`` and a newline to ``path`` in one ``write`` (after a newline if the file lacks one)."""
    data = line.encode("utf-8") + b"\n"
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
