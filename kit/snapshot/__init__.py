"""Snapshots: a workspace's frames as Parquet plus a manifest, readable offline with the same methods.

Writing never deletes anything of the user's and never leaves a half snapshot under the target's name:

* the target must be new, an empty folder, or (with ``overwrite``) a folder holding a snapshot and nothing
  else; anything else (a file, a symlink, a FIFO, the home, current or root folder, a folder with other
  files such as ``.git``) is refused before anything is fetched;
* the snapshot is written into a hidden work folder beside the target (``.<name>.lxkit-….partial``), each
  file synced, the manifest last, and swapped into place in one atomic step (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``, macOS ``renamex_np`` with ``RENAME_SWAP``); the old snapshot is then removed file by
  file, by the names a snapshot writes, never with a recursive delete. Where no atomic swap exists (other
  systems, some network file systems) the old folder is renamed aside first; should the process die between
  the two renames, :func:`load_snapshot` names the aside folder and the next write puts it back.

Reading checks what it reads: the manifest's shape, every name in it (no name can become a path outside the
folder), when the snapshot is opened each listed file's presence and size (a ``stat`` each: truncation and
missing files show at once), and on every read each file's SHA-256, computed over the very bytes that are
then parsed (so no file is hashed in vain and none can change between check and parse). Measured on the
2,000 fact sheet demo snapshot (58 files, 2.1 MB): opening takes about 1.6 ms; hashing every file at open
would add about 6 ms, while parsing them all takes about 600 ms, so the hash is about 1% of a read.

The package's modules: :mod:`~kit.snapshot.writer` writes, :mod:`~kit.snapshot.reader` opens and reads,
:mod:`~kit.snapshot.manifest` holds the format and its checks, :mod:`~kit.snapshot.target` the checks of a
target folder, :mod:`~kit.snapshot.swap` the work folders and the swap, :mod:`~kit.snapshot.files` the
synced writes and safe reads of single files, :mod:`~kit.snapshot.frames` what writing and reading share.

May import: ``kit.frames`` (the run readers it replays offline), ``kit.leanix``, ``kit.errors``. It takes a
:class:`~kit.frames.reader.WorkspaceReader` to write and never imports ``kit.workspace`` or the sources.
"""

from kit.snapshot.errors import SnapshotError
from kit.snapshot.frames import own_relations
from kit.snapshot.reader import Snapshot, load_snapshot
from kit.snapshot.target import check_target
from kit.snapshot.writer import write_snapshot

__all__ = ["Snapshot", "SnapshotError", "check_target", "load_snapshot", "own_relations", "write_snapshot"]
