"""Files the kit writes for the user: checked before the work starts, then written whole or not at all.

``check_output_file`` refuses a target that cannot be written (a folder, a FIFO, a missing folder, a NUL in
the name, a suffix the writer does not know) before a preview or report spends any time; ``atomic_file``
writes into a hidden sibling and renames it over the target only when the writer finished, so a crash or a
full disk never leaves a half-written file under the user's name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kit.errors import LxkitError

__all__ = ["OutputError", "atomic_file", "check_output_file"]


class OutputError(LxkitError):
    """A file the kit was asked to write cannot be written there."""


def check_output_file(path: str | os.PathLike[str], *, suffixes: Iterable[str] = ()) -> Path:
    """``path`` as a Path, if a file can be written there; else :class:`OutputError` saying why and what to do."""
    text = os.fspath(path)
    if "\0" in text:
        raise OutputError(f"{text!r}: a file name cannot contain a NUL character; choose another name")
    target = Path(text)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(
            f"{text}: the folder {folder} does not exist; create it first or choose another path"
        )
    try:
        mode = target.stat(follow_symlinks=True).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"{text}: cannot be written ({exc.strerror}); choose another path") from None
    allowed = tuple(s.lower() for s in suffixes)
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(
            f"{text} is a folder; give a file name inside it, e.g. {target / ('preview' + (allowed[0] if allowed else ''))}"
        )
    if allowed and target.suffix.lower() not in allowed:
        raise OutputError(
            f"{text}: the file name must end in {' or '.join(allowed)}, not {target.suffix or 'nothing'!r}"
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"{text} is not a regular file (a FIFO, socket or device); choose another path")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"{text}: the folder {folder} is not writable; choose another folder")
    return target


@contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` when the block ends without error.

    On an error the temporary file is removed and ``path`` keeps its old content (or stays absent). A write
    that the system refuses (read-only file system, ``/proc``, disk full) becomes an :class:`OutputError`."""
    target = Path(path)
    work = target.with_name(f".{target.stem}.{os.getpid()}.partial{target.suffix}")
    try:
        yield work
        os.replace(work, target)
    except OSError as exc:
        work.unlink(missing_ok=True)
        raise OutputError(
            f"{target}: cannot be written ({exc.strerror or exc}); choose another path"
        ) from None
    except BaseException:
        work.unlink(missing_ok=True)
        raise
