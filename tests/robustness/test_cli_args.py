"""Bad command lines and bad files given to ``lxkit lint | preview | scope``: one short error naming the place.

The files are made per case in a temporary folder: missing, a folder, empty, truncated or broken JSON, not
UTF-8, a NUL in the name, a FIFO (must not hang), JSON of the wrong shape. ``--out`` targets that cannot be
written are refused before the preview runs. Options argparse does not know end with its usage line.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.robustness.outcomes import Case, CliFailed, check, params, run_cli

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "data/processors/starter.json")
LDIF = str(ROOT / "data/ldif/starter.json")
WORK = Path(tempfile.mkdtemp(prefix="lxkit-cli-corpus-"))

#: name -> how to make that bad file (returns its path); the place the error must name is the file name
BAD_FILES: dict[str, Callable[[Path], str]] = {
    "missing": lambda d: str(d / "missing.json"),
    "folder": lambda d: str(d),
    "empty": lambda d: _write(d / "empty.json", b""),
    "open-brace": lambda d: _write(d / "brace.json", b"{"),
    "open-list": lambda d: _write(d / "list.json", b"[1, 2"),
    "trailing-comma": lambda d: _write(d / "comma.json", b'{"a": 1,}'),
    "single-quotes": lambda d: _write(d / "quotes.json", b"{'a': 1}"),
    "not-utf8": lambda d: _write(d / "latin1.json", '{"a": "café"}'.encode("latin-1")),
    "utf16": lambda d: _write(d / "utf16.json", '{"a": 1}'.encode("utf-16")),
    "binary": lambda d: _write(d / "binary.json", bytes(range(256))),
    "null": lambda d: _write(d / "null.json", b"null"),
    "number": lambda d: _write(d / "number.json", b"42"),
    "string": lambda d: _write(d / "string.json", b'"text"'),
    "list": lambda d: _write(d / "array.json", b"[]"),
    "nul-in-name": lambda d: str(d / "bad\0name.json"),
    "fifo": lambda d: _fifo(d / "fifo.json"),
    "deep": lambda d: _write(d / "deep.json", b"[" * 100_000 + b"]" * 100_000),
    "huge-int": lambda d: _write(d / "hugeint.json", b'{"a": ' + b"9" * 5000 + b"}"),
    "nan": lambda d: _write(d / "nan.json", b'{"a": NaN}'),
}


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _fifo(path: Path) -> str:
    if not path.exists():
        os.mkfifo(path)
    return str(path)


def _place(path: str) -> str:
    """What the message must name: the file's name (a NUL is shown escaped, so its first part)."""
    return Path(path.split("\0")[0]).name or path


def _bad_file_case(command: str, position: str, kind: str, make: Callable[[Path], str]) -> Case:
    def run() -> None:
        folder = Path(tempfile.mkdtemp(dir=WORK))
        path = make(folder)
        if command == "lint":
            argv = ["lint", path]
        else:
            argv = [command, path, LDIF] if position == "config" else [command, CONFIG, path]
        try:
            run_cli(argv)
        except CliFailed as exc:
            assert _place(path) in str(exc), f"the message does not name {_place(path)!r}: {exc}"
            raise

    return Case(f"{command}-{position}-{kind}", run, CliFailed)


def _out_case(kind: str, target: Callable[[Path], str], place: str) -> Case:
    def run() -> None:
        folder = Path(tempfile.mkdtemp(dir=WORK))
        out = target(folder)
        before = sorted(p.name for p in folder.iterdir())
        try:
            run_cli(["preview", CONFIG, LDIF, "--out", out])
        finally:
            after = sorted(p.name for p in folder.iterdir())
            assert after == before, f"--out {kind} left files behind: {after}"

    return Case(f"preview-out-{kind}", run, CliFailed, (place,))


def _argv_case(name: str, argv: list[str], place: str) -> Case:
    return Case(f"argv-{name}", lambda: run_cli(argv), CliFailed, (place,))


def _cases() -> list[Case]:
    cases = []
    for kind, make in BAD_FILES.items():
        cases.append(_bad_file_case("lint", "config", kind, make))
        for command in ("preview", "scope"):
            for position in ("config", "ldif"):
                cases.append(_bad_file_case(command, position, kind, make))
    outs = {
        "missing-folder": (lambda d: str(d / "no" / "such" / "p.html"), "does not exist"),
        "a-folder": (lambda d: str(d), "is a folder"),
        "no-suffix": (lambda d: str(d / "preview"), "must end in"),
        "txt-suffix": (lambda d: str(d / "preview.txt"), "must end in"),
        "csv-suffix": (lambda d: str(d / "preview.csv"), "must end in"),
        "nul": (lambda d: str(d / "p\0.html"), "NUL"),
        "proc": (lambda d: "/proc/lxkit-preview.html", "/proc/lxkit-preview.html"),
        "fifo": (lambda d: _fifo(d / "pipe.html"), "not a regular file"),
        "folder-named-html": (lambda d: (d / "x.html").mkdir() or str(d / "x.html"), "is a folder"),
    }
    for kind, (target, place) in outs.items():
        cases.append(_out_case(kind, target, place))
    valid = {
        "lint": ["lint", CONFIG],
        "preview": ["preview", CONFIG, LDIF],
        "scope": ["scope", CONFIG, LDIF],
        "report": ["report", "explore"],
        "snapshot": ["snapshot", str(WORK / "snap")],
        "sandbox": ["sandbox", "serve"],
    }
    for command, argv in valid.items():
        cases.append(_argv_case(f"{command}-unknown-option", [*argv, "--no-such-option"], "--no-such-option"))
    cases += [
        _argv_case("no-command", [], "command"),
        _argv_case("unknown-command", ["explode"], "explode"),
        _argv_case("preview-one-file", ["preview", CONFIG], "ldif"),
        _argv_case("scope-no-files", ["scope"], "config"),
        _argv_case("lint-no-files", ["lint"], "CONFIG"),
        _argv_case("lint-bad-format", ["lint", CONFIG, "--format", "xml"], "--format"),
        _argv_case(
            "preview-live-and-snapshot", ["preview", CONFIG, LDIF, "--live", "--snapshot", "x"], "--live"
        ),
        _argv_case("scope-live-and-snapshot", ["scope", CONFIG, LDIF, "--live", "--snapshot", "x"], "--live"),
        _argv_case(
            "preview-snapshot-missing", ["preview", CONFIG, LDIF, "--snapshot", str(WORK / "nope")], "nope"
        ),
        _argv_case("scope-snapshot-a-file", ["scope", CONFIG, LDIF, "--snapshot", CONFIG], "starter.json"),
        _argv_case("demo-size-text", ["demo", "--size", "many"], "--size"),
        _argv_case("sandbox-no-subcommand", ["sandbox"], "sandbox"),
    ]
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", params(CASES))
def test_bad_command_line(case: Case) -> None:
    check(case)
