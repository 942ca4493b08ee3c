"""Damaged and altered snapshots, and folders a snapshot must never replace.

Every data file of a small snapshot is truncated at several offsets, has bytes flipped (with and without the
manifest re-hashed to match), is removed, or replaced by a folder or a symlink; the manifest is truncated,
is not JSON, has the wrong shape, loses or retypes each field, or names path-traversing types and files.
Each must end in a ``SnapshotError`` naming the file (or the manifest field). Overwrite targets that are not
a snapshot (a folder with other files, ``.git``, a file, a symlink, a FIFO, a device, the current, home and
root folders) must be refused with a ``SnapshotError`` naming the folder, the user's files untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kit
from kit.snapshot import SnapshotError
from kit.sources import SnapshotView
from tests.robustness.outcomes import Case, check, params

TYPES = ["Project", "Provider"]
DATA_FILES = [
    "factsheets-Project.parquet",
    "factsheets-Provider.parquet",
    "relations-Project-relProjectToApplication.parquet",
    "relations-Project-relToParent.parquet",
    "relations-Provider-relProviderToITComponent.parquet",
    "fields.parquet",
    "tags.parquet",
    "lifecycles.parquet",
    "subscriptions.parquet",
    "runs.parquet",
]
#: how each data file is read: the reading method that opens it
READERS: dict[str, Callable[[kit.Snapshot], Any]] = {
    "factsheets-Project.parquet": lambda s: s.factsheets("Project"),
    "factsheets-Provider.parquet": lambda s: s.factsheets("Provider", include_archived=True),
    "relations-Project-relProjectToApplication.parquet": lambda s: s.relations("Project"),
    "relations-Project-relToParent.parquet": lambda s: s.relations("Project", "relToParent"),
    "relations-Provider-relProviderToITComponent.parquet": lambda s: s.relations(),
    "fields.parquet": lambda s: s.fields("Project"),
    "tags.parquet": lambda s: s.tags(),
    "lifecycles.parquet": lambda s: s.lifecycles(),
    "subscriptions.parquet": lambda s: s.subscriptions(),
    "runs.parquet": lambda s: s.runs(),
}
#: the JSON files of format 3: the Integration API answers and the workspace's directory (tag groups, roles)
JSON_FILES: dict[str, Callable[[kit.Snapshot], Any]] = {
    "iapi.json": lambda s: s.synclog(),
    "directory.json": lambda s: SnapshotView(s).tag_groups(),
}
STATE: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _snapshot(sandbox, tmp_path_factory):
    """One snapshot of the session sandbox, and a workspace for the overwrite cases."""
    from kit.client import LeanIXClient
    from kit.config import Secret
    from kit.sandbox import SANDBOX_TOKEN
    from kit.workspace import Workspace
    from tests.conftest import FAST_RETRY

    ws = Workspace(LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=FAST_RETRY), progress=False)
    root = tmp_path_factory.mktemp("robust-snapshots")
    ws.snapshot(root / "base", types=TYPES)
    assert sorted(p.name for p in (root / "base").iterdir()) == sorted(
        [*DATA_FILES, *JSON_FILES, "manifest.json"]
    )
    STATE.update(ws=ws, root=root, base=root / "base")
    yield
    STATE.clear()


def _copy() -> Path:
    return Path(shutil.copytree(STATE["base"], tempfile.mkdtemp(dir=STATE["root"]), dirs_exist_ok=True))


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text())


def _rehash(folder: Path, name: str) -> None:
    """Record the file's new size and hash in the manifest, as someone altering it carefully would."""
    manifest = _manifest(folder)
    data = (folder / name).read_bytes()
    manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _open_and_read(folder: Path, name: str) -> None:
    (READERS | JSON_FILES)[name](kit.load_snapshot(folder))


# -- data files ---------------------------------------------------------------------------------------------


def _truncate(name: str, keep: Callable[[int], int], rehash: bool) -> Callable[[], None]:
    def run() -> None:
        folder = _copy()
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: keep(len(data))])
        if rehash:
            _rehash(folder, name)
        _open_and_read(folder, name)

    return run


def _flip(name: str, offset: Callable[[int], int], rehash: bool) -> Callable[[], None]:
    def run() -> None:
        folder = _copy()
        data = bytearray((folder / name).read_bytes())
        data[offset(len(data))] ^= 0x5A
        (folder / name).write_bytes(bytes(data))
        if rehash:
            _rehash(folder, name)
        _open_and_read(folder, name)

    return run


def _replace(name: str, how: str) -> Callable[[], None]:
    def run() -> None:
        folder = _copy()
        file = folder / name
        file.unlink()
        if how == "folder":
            file.mkdir()
        elif how == "symlink":
            outside = Path(STATE["root"]) / f"outside-{name}"
            shutil.copy(STATE["base"] / name, outside)  # same bytes: only the link is wrong
            file.symlink_to(outside)
        elif how == "fifo":
            os.mkfifo(file)
        _open_and_read(folder, name)

    return run


TRUNCATIONS = {"empty": lambda n: 0, "1-byte": lambda n: 1, "half": lambda n: n // 2}
TRUNCATIONS |= {"all-but-1": lambda n: n - 1, "all-but-8": lambda n: n - 8}
FLIPS = {
    "magic": lambda n: 0,
    "middle": lambda n: n // 2,
    "footer-length": lambda n: n - 6,
    "end": lambda n: n - 1,
}
# re-hashed damage reaches the Parquet reader: only damage it certainly detects (magic, footer, metadata)
REHASHED = {
    "truncated-half": ("truncate", TRUNCATIONS["half"]),
    "truncated-8": ("truncate", TRUNCATIONS["all-but-8"]),
}
REHASHED |= {"end": ("flip", FLIPS["end"]), "footer": ("flip", lambda n: n - 5)}


def _leading_magic_flipped_and_rehashed(name: str) -> Callable[[], None]:
    """Parquet readers find everything from the footer; the leading magic is never read, the data intact."""

    def run() -> None:
        folder = _copy()
        data = bytearray((folder / name).read_bytes())
        data[0] ^= 0x5A
        (folder / name).write_bytes(bytes(data))
        _rehash(folder, name)
        got, want = READERS[name](kit.load_snapshot(folder)), READERS[name](kit.load_snapshot(STATE["base"]))
        pd.testing.assert_frame_equal(got, want)

    return run


CASES: list[Case] = []
for name in DATA_FILES:
    stem = name.removesuffix(".parquet")
    for label, keep in TRUNCATIONS.items():
        CASES.append(
            Case(f"{stem}-truncated-{label}", _truncate(name, keep, False), SnapshotError, (name, "bytes"))
        )
    for label, offset in FLIPS.items():
        CASES.append(
            Case(f"{stem}-flipped-{label}", _flip(name, offset, False), SnapshotError, (name, "SHA-256"))
        )
    for label, (kind, where) in REHASHED.items():
        run = _truncate(name, where, True) if kind == "truncate" else _flip(name, where, True)
        CASES.append(Case(f"{stem}-rehashed-{label}", run, SnapshotError, (name, "Parquet")))
    CASES.append(
        Case(
            f"{stem}-rehashed-magic",
            _leading_magic_flipped_and_rehashed(name),
            None,
            why="the Parquet format locates data from the footer (pyarrow never reads the leading magic)",
        )
    )
    for how in ("missing", "folder", "symlink", "fifo"):
        CASES.append(Case(f"{stem}-{how}", _replace(name, how), SnapshotError, (name,)))


for name in JSON_FILES:
    stem = name.removesuffix(".json")
    CASES.append(
        Case(f"{stem}-truncated", _truncate(name, lambda n: n // 2, False), SnapshotError, (name, "bytes"))
    )
    CASES.append(
        Case(f"{stem}-flipped", _flip(name, lambda n: n // 2, False), SnapshotError, (name, "SHA-256"))
    )
    CASES.append(
        Case(f"{stem}-rehashed-cut", _truncate(name, lambda n: n // 2, True), SnapshotError, (name,))
    )
    for how in ("missing", "folder", "symlink", "fifo"):
        CASES.append(Case(f"{stem}-{how}", _replace(name, how), SnapshotError, (name,)))


# -- the manifest -------------------------------------------------------------------------------------------


def _manifest_bytes(data: Callable[[bytes], bytes], read: str = "runs.parquet") -> Callable[[], None]:
    def run() -> None:
        folder = _copy()
        file = folder / "manifest.json"
        file.write_bytes(data(file.read_bytes()))
        _open_and_read(folder, read)

    return run


def _edit(change: Callable[[dict[str, Any]], Any], read: str = "runs.parquet") -> Callable[[], None]:
    def run() -> None:
        folder = _copy()
        manifest = _manifest(folder)
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest))
        _open_and_read(folder, read)

    return run


RAW = {
    "truncated-empty": lambda b: b"",
    "truncated-1": lambda b: b[:1],
    "truncated-half": lambda b: b[: len(b) // 2],
    "truncated-all-but-3": lambda b: b[:-3],
    "not-json": lambda b: b"{broken",
    "not-utf8": lambda b: b"\xff\xfe" + b,
    "nul-bytes": lambda b: b"\x00" * 64,
    "nested-deeply": lambda b: b"[" * 200_000 + b"]" * 200_000,
    "trailing-garbage": lambda b: b + b"}",
    "nan-format": lambda b: b.replace(b'"format": 3', b'"format": NaN'),
}
for label, data in RAW.items():
    CASES.append(Case(f"manifest-{label}", _manifest_bytes(data), SnapshotError, ("manifest.json",)))

for label, value in {"list": [], "text": "manifest", "number": 2, "null": None}.items():
    CASES.append(
        Case(
            f"manifest-top-{label}",
            _manifest_bytes(lambda b, v=value: json.dumps(v).encode()),
            SnapshotError,
            ("manifest.json", "top level"),
        )
    )

for field in ("format", "createdAt", "factSheets", "rows", "files"):
    CASES.append(
        Case(
            f"manifest-no-{field}",
            _edit(lambda m, f=field: m.pop(f)),
            SnapshotError,
            (field, "missing"),
        )
    )

RETYPED: dict[str, list[Any]] = {
    "format": ["3", 3.0, True, None, [3], 0, -1, 4, 10**30],
    "createdAt": [123, "", "yesterday", "2026-13-45T00:00:00+00:00", "2026-01-01T00:00:00", None],
    "factSheets": [[], "Project", {"Project": -1}, {"Project": "12"}, {"Project": True}, {"Project": 1.5}],
    "rows": [None, {"runs": None}, {"runs": -3}],
    "files": [[], {"runs.parquet": []}, {"runs.parquet": {"bytes": "12", "sha256": "0" * 64}}],
    "host": [5, ["a"]],
    "workspaceName": [{"a": 1}],
}
for field, values in RETYPED.items():
    for i, value in enumerate(values):
        CASES.append(
            Case(
                f"manifest-{field}-retyped-{i}",
                _edit(lambda m, f=field, v=value: m.__setitem__(f, v)),
                SnapshotError,
                ("manifest.json", field),
            )
        )

TRAVERSING = [
    "../../etc/passwd",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "a\x00b",
    "..",
    ".",
    "",
    "C:\\evil",
    " Project",
]
TRAVERSING += ["Project/../../x", "Pro ject", "Project\n"]


def _rename_key(table: str, old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def change(manifest: dict[str, Any]) -> None:
        manifest[table][new] = manifest[table].pop(old)

    return change


for i, bad in enumerate(TRAVERSING):
    CASES.append(
        Case(
            f"manifest-type-name-{i}",
            _edit(_rename_key("factSheets", "Project", bad)),
            SnapshotError,
            ("factSheets",),
        )
    )
    CASES.append(
        Case(
            f"manifest-file-name-{i}",
            _edit(_rename_key("files", "tags.parquet", bad)),
            SnapshotError,
            ("files",),
        )
    )
    CASES.append(
        Case(
            f"manifest-file-type-name-{i}",
            _edit(_rename_key("files", "factsheets-Project.parquet", f"factsheets-{bad}.parquet")),
            SnapshotError,
            ("files",),
        )
    )

ALTERED = {
    "count": (
        lambda m: m["factSheets"].__setitem__("Project", m["factSheets"]["Project"] + 1),
        "factsheets-Project.parquet",
        "factSheets",
    ),
    "size": (lambda m: m["files"]["tags.parquet"].__setitem__("bytes", 7), "tags.parquet", "records 7"),
    "sha256": (
        lambda m: m["files"]["runs.parquet"].__setitem__("sha256", "0" * 64),
        "runs.parquet",
        "SHA-256",
    ),
    "unlisted-runs": (
        lambda m: m["files"].pop("runs.parquet"),
        "runs.parquet",
        "does not list runs.parquet",
    ),
    "unlisted-type": (
        lambda m: m["files"].pop("factsheets-Provider.parquet"),
        "runs.parquet",
        "factsheets-Provider.parquet",
    ),
    "type-without-file": (
        lambda m: m["factSheets"].__setitem__("Application", 3),
        "runs.parquet",
        "factsheets-Application.parquet",
    ),
    "format-1-with-files": (lambda m: m.__setitem__("format", 1), "runs.parquet", "format 1"),
}
for label, (change, read, place) in ALTERED.items():
    CASES.append(
        Case(
            f"manifest-altered-{label}",
            _edit(change, read),
            SnapshotError,
            ("manifest.json" if label != "count" else read, place),
        )
    )


def _manifest_missing() -> None:
    folder = _copy()
    (folder / "manifest.json").unlink()
    kit.load_snapshot(folder)


def _manifest_symlink_to_device() -> None:
    folder = _copy()
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").symlink_to("/dev/zero")
    kit.load_snapshot(folder)


def _manifest_folder() -> None:
    folder = _copy()
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").mkdir()
    kit.load_snapshot(folder)


CASES += [
    Case("manifest-missing", _manifest_missing, SnapshotError, ("manifest.json", "not a snapshot")),
    Case("manifest-symlink-to-dev-zero", _manifest_symlink_to_device, SnapshotError, ("manifest.json",)),
    Case("manifest-is-a-folder", _manifest_folder, SnapshotError, ("manifest.json",)),
    Case(
        "load-a-missing-folder",
        lambda: kit.load_snapshot(Path(STATE["root"]) / "nowhere"),
        SnapshotError,
        ("nowhere",),
    ),
    Case(
        "load-a-file",
        lambda: kit.load_snapshot(STATE["base"] / "runs.parquet"),
        SnapshotError,
        ("runs.parquet", "is a file"),
    ),
    Case("load-a-nul-path", lambda: kit.load_snapshot("snap\x00shot"), SnapshotError, ("snap",)),
]


# -- overwrite targets: refused, and the user's files are still there ---------------------------------------


def _tree(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() and not p.is_symlink() else None
        for p in sorted(folder.rglob("*"))
    }


def _refused(make: Callable[[Path], Path], overwrite: bool = True) -> Callable[[], None]:
    """Build a target in a fresh folder, try to write a snapshot there, and check nothing changed."""

    def run() -> None:
        place = Path(tempfile.mkdtemp(dir=STATE["root"]))
        target = make(place)
        before = _tree(place)
        try:
            STATE["ws"].snapshot(target, types=["Project"], overwrite=overwrite)
        finally:
            assert _tree(place) == before, "the user's files changed"

    return run


def _folder_with(*names: str, snapshot: bool = False, name: str = "target") -> Callable[[Path], Path]:
    def make(place: Path) -> Path:
        target = place / name
        if snapshot:
            shutil.copytree(STATE["base"], target)
        target.mkdir(exist_ok=True)
        for entry in names:
            path = target / entry.rstrip("/")
            if path.is_file():
                path.unlink()  # a snapshot's file name taken by a folder of the user's
            if entry.endswith("/"):
                path.mkdir(parents=True)
                (path / "keep.txt").write_text("keep")
            else:
                path.write_text(f"the user's {entry}")
        return target

    return make


def _file(place: Path) -> Path:
    (place / "report.txt").write_text("keep me")
    return place / "report.txt"


def _symlink_to_snapshot(place: Path) -> Path:
    shutil.copytree(STATE["base"], place / "real-snapshot")
    (place / "link-to-snapshot").symlink_to(place / "real-snapshot")
    return place / "link-to-snapshot"


def _symlink_to_folder(place: Path) -> Path:
    _folder_with("diary.txt", name="documents")(place)
    (place / "link-to-documents").symlink_to(place / "documents")
    return place / "link-to-documents"


def _dangling(place: Path) -> Path:
    (place / "dangling-link").symlink_to(place / "nowhere")
    return place / "dangling-link"


def _fifo(place: Path) -> Path:
    os.mkfifo(place / "a-fifo")
    return place / "a-fifo"


def _socket(place: Path) -> Path:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(place / "a-socket"))
    return place / "a-socket"


def _in_a_file(place: Path) -> Path:
    (place / "plain.txt").write_text("keep")
    return place / "plain.txt" / "snapshot"


def _in_current_folder() -> None:
    """The current folder (given as ``.``) holding the user's files."""
    old = Path.cwd()
    place = Path(tempfile.mkdtemp(dir=STATE["root"]))
    folder = _folder_with("notes.txt", name="cwd-folder")(place)
    before = _tree(place)
    os.chdir(folder)
    try:
        STATE["ws"].snapshot(".", types=["Project"], overwrite=True)
    finally:
        os.chdir(old)
        assert _tree(place) == before


def _in_home_folder() -> None:
    """The home folder ($HOME pointed at a stand-in, never the real one)."""
    old = os.environ.get("HOME")
    place = Path(tempfile.mkdtemp(dir=STATE["root"]))
    home = _folder_with("bashrc", ".ssh/", name="fake-home")(place)
    before = _tree(place)
    os.environ["HOME"] = str(home)
    try:
        STATE["ws"].snapshot(home, types=["Project"], overwrite=True)
    finally:
        if old is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = old
        assert _tree(place) == before


TARGETS = {
    "notes": (_folder_with("notes.txt"), ("target", "holds 1 file or folder", "notes.txt")),
    "git": (_folder_with(".git/", "README.md"), ("target", ".git/", "README.md")),
    "subfolder": (_folder_with("src/"), ("target", "src/")),
    "snapshot-plus-notes": (
        _folder_with("notes.txt", snapshot=True),
        ("target", "holds 1 file", "notes.txt"),
    ),
    "snapshot-plus-git": (_folder_with(".git/", snapshot=True), ("target", ".git/")),
    "snapshot-files-no-manifest": (
        _folder_with("runs.parquet", "tags.parquet"),
        ("target", "no manifest.json"),
    ),
    "snapshot-name-as-folder": (_folder_with("tags.parquet/", snapshot=True), ("target", "tags.parquet/")),
    "many-files": (_folder_with(*[f"f{i}.txt" for i in range(8)]), ("target", "holds 8", "and 3 more")),
    "a-file": (_file, ("report.txt", "is a file")),
    "symlink-to-snapshot": (_symlink_to_snapshot, ("link-to-snapshot", "symbolic link")),
    "symlink-to-folder": (_symlink_to_folder, ("link-to-documents", "symbolic link")),
    "dangling-symlink": (_dangling, ("dangling-link", "symbolic link")),
    "fifo": (_fifo, ("a-fifo", "FIFO")),
    "socket": (_socket, ("a-socket", "socket")),
    "inside-a-file": (_in_a_file, ("plain.txt",)),
}
for label, (make, places) in TARGETS.items():
    CASES.append(Case(f"overwrite-{label}", _refused(make), SnapshotError, places))
for label in ("notes", "git", "a-file", "symlink-to-snapshot", "fifo"):
    make, places = TARGETS[label]
    CASES.append(Case(f"no-overwrite-{label}", _refused(make, overwrite=False), SnapshotError, places))
CASES += [
    Case(
        "no-overwrite-snapshot",
        _refused(_folder_with(snapshot=True), False),
        SnapshotError,
        ("target", "overwrite=True"),
    ),
    Case("overwrite-current-folder", _in_current_folder, SnapshotError, ("cwd-folder", "current folder")),
    Case("overwrite-home-folder", _in_home_folder, SnapshotError, ("fake-home", "home folder")),
    Case(
        "overwrite-root",
        lambda: STATE["ws"].snapshot("/", types=["Project"], overwrite=True),
        SnapshotError,
        ("file system root",),
    ),
    Case(
        "overwrite-dev-null",
        lambda: STATE["ws"].snapshot("/dev/null", types=["Project"], overwrite=True),
        SnapshotError,
        ("/dev/null", "device"),
    ),
    Case(
        "overwrite-nul-path",
        lambda: STATE["ws"].snapshot("snap\x00shot", overwrite=True),
        SnapshotError,
        ("snap",),
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_bad_snapshot(case: Case) -> None:
    check(case)
