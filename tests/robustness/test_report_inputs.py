"""Bad report inputs: ``-p`` values and names, ``-f`` parameters files, ``run_report`` parameters, ``--out``.

Every one is refused before a kernel starts, with a :class:`~kit.reports.errors.ReportError` (parameters:
its subclass ``ParameterError``) naming the parameter, file (and line/column) or output path. No case here
starts a kernel: each is refused first (and the documented acceptances call the checks directly).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from kit.reports import run_report
from kit.reports.errors import ParameterError, ReportError
from kit.reports.output_folder import prepare
from kit.reports.parameters import check_value, parse_value, read_parameters_file
from tests.conftest import CANARY
from tests.robustness.outcomes import Case, check, params

#: the folder, notebook and environment the cases use (filled by the module's fixture)
WORK: dict[str, Path] = {}


@pytest.fixture(scope="module", autouse=True)
def work(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-inputs")
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("days: int = 7  # a number\nlabel: str = ''  # a label")
    cell.metadata["tags"] = ["parameters"]
    book.cells = [cell, nbformat.v4.new_code_cell("print(days)")]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, folder / "nb.ipynb")
    WORK.update(folder=folder, notebook=folder / "nb.ipynb")
    with pytest.MonkeyPatch.context() as env:
        env.chdir(folder)
        env.setenv("LEANIX_HOST", "https://acme.leanix.net")  # never contacted: every case stops earlier
        env.setenv("LEANIX_API_TOKEN", CANARY)
        env.delenv("LEANIX_WORKSPACE", raising=False)
        yield folder


def report(parameters: Any = None, out: Any = None) -> Callable[[], Any]:
    """Start a report of the module's notebook (it must be refused before the kernel starts)."""

    def run() -> Any:
        target = out() if callable(out) else (out if out is not None else WORK["folder"] / "reports")
        return run_report(WORK["notebook"], parameters, out=target)

    return run


def from_file(name: str, content: bytes | str) -> Callable[[], Any]:
    """Write ``content`` to ``name`` in the work folder, then read it as a parameters file."""

    def run() -> Any:
        path = WORK["folder"] / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return read_parameters_file(path)

    return run


CASES: list[Case] = []

# -- -p NAME VALUE: values -------------------------------------------------------------------------------------
for digits in (20, 64, 309, 1000, 4300, 4301, 5000, 20_000):
    for sign in ("", "-"):
        CASES.append(
            Case(
                f"p-int-{sign or '+'}{digits}-digits",
                lambda text=sign + "9" * digits: parse_value(text, "days"),
                ParameterError,
                ("'days'", "-p days", f"{digits:,} digits", "64 bits"),
            )
        )
for text in ("[1, 99999999999999999999]", '{"a": [123456789012345678901234]}'):
    CASES.append(
        Case(f"p-nested-int-{len(text)}", lambda t=text: parse_value(t, "days"), ParameterError, ("'days'",))
    )
for text in ("NaN", "Infinity", "-Infinity", "1e400", "-1e999", "[1, NaN]", '{"x": Infinity}'):
    CASES.append(
        Case(
            f"p-nonfinite-{text}", lambda t=text: parse_value(t, "days"), ParameterError, ("'days'", "finite")
        )
    )
for depth in (33, 34, 200, 5_000, 100_000):
    CASES.append(
        Case(
            f"p-nested-{depth}",
            lambda d=depth: parse_value("[" * d + "]" * d, "label"),
            ParameterError,
            ("'label'", "nested"),
        )
    )
ACCEPTED_VALUES = {
    "9223372036854775807": 2**63 - 1,
    "-9223372036854775808": -(2**63),
    "1e300": 1e300,
    "14": 14,
    "123abc": "123abc",
    "2026-11-01": "2026-11-01",
    "[" * 32 + "]" * 32: None,  # the deepest nesting allowed: checked below
}
for text, expected in ACCEPTED_VALUES.items():

    def accepted(text: str = text, expected: Any = expected) -> None:
        value = parse_value(text, "label")
        if expected is None:
            depth = 0
            while value:
                value, depth = value[0], depth + 1
            assert value == [] and depth == 31
        else:
            assert value == expected and type(value) is type(expected)

    CASES.append(
        Case(
            f"p-accepted-{text[:24]}",
            accepted,
            None,
            why="README: -p VALUE is JSON when it parses, else text; integers up to 64 bits, 32 levels",
        )
    )

# -- parameter names (-p, files, run_report) ---------------------------------------------------------------------
BAD_NAMES = [
    "",
    " ",
    "1days",
    "days-ago",
    "days ago",
    "a.b",
    "$x",
    "x\0y",
    "class",
    "None",
    "lambda",
    "🙂",
    "-p",
]
for index, name in enumerate(BAD_NAMES):
    CASES.append(
        Case(
            f"p-name-{index}", lambda n=name: parse_value("1", n), ParameterError, (repr(name), "identifier")
        )
    )
    CASES.append(Case(f"api-name-{index}", report({name: 1}), ParameterError, (repr(name), "identifier")))
for index, name in enumerate([1, None, 2.5, ("a",), b"days"]):
    CASES.append(
        Case(f"api-name-type-{index}", report({name: 1}), ParameterError, (repr(name), "parameter name"))
    )

# -- run_report(parameters=...): values ----------------------------------------------------------------------------
shared: list[Any] = []
for _ in range(30):
    shared = [shared, shared]  # 2**30 leaves once expanded, a few dozen objects in memory
deep: list[Any] = []
for _ in range(40):
    deep = [deep]
API_VALUES = {
    "int-2**63": (2**63, "64 bits"),
    "int--2**63-1": (-(2**63) - 1, "64 bits"),
    "int-10**5000": (10**4000, "64 bits"),
    "float-nan": (math.nan, "finite"),
    "float-inf": (math.inf, "finite"),
    "float--inf": (-math.inf, "finite"),
    "set": ({1, 2}, "set"),
    "frozenset": (frozenset({1}), "frozenset"),
    "bytes": (b"abc", "bytes"),
    "bytearray": (bytearray(b"abc"), "bytearray"),
    "complex": (1j, "complex"),
    "object": (object(), "object"),
    "path": (Path("a"), "Path"),
    "function": (print, "builtin_function_or_method"),
    "dict-int-key": ({1: "a"}, "key 1"),
    "dict-tuple-key": ({("a",): 1}, "key ('a',)"),
    "list-with-set": ([1, {2}], "[1]"),
    "nested-bytes": ({"a": [b"x"]}, "['a'][0]"),
    "deep-40": (deep, "nested"),
    "shared-2**30": (shared, "values in all"),
    "list-200k": (list(range(200_000)), "values in all"),
    "token-plain": (CANARY, "API token"),
    "token-in-list": (["x", f"prefix {CANARY} suffix"], "API token"),
    "token-base64": ("QkxYVF9jYW5hcnlfN2YzYTljMWU1YjJkNDgwNl9kb19ub3RfbG9n", "API token"),
    "jwt": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWZha2U", "access token"),
}
for case_id, (value, place) in API_VALUES.items():
    CASES.append(Case(f"api-value-{case_id}", report({"label": value}), ParameterError, ("'label'", place)))
for case_id, value in {"list": [("days", 1)], "str": "days=1", "int": 3}.items():
    CASES.append(
        Case(f"api-parameters-{case_id}", report(value), ParameterError, ("mapping", type(value).__name__))
    )
CASES.append(Case("api-unknown", report({"weeks": 2}), ParameterError, ("'weeks'", "days, label")))
CASES.append(
    Case(
        "api-accepted-values",
        lambda: check_value("label", {"a": [1, 2.5, True, None, "x", (1, 2)], "b": {"c": -(2**63)}}),
        None,
        why="JSON-like values (tuples as lists) within 64-bit integers are what papermill writes into a notebook",
    )
)

# -- -f parameters files ---------------------------------------------------------------------------------------------
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
YAML_FILES: dict[str, tuple[bytes | str, tuple[str, ...]]] = {
    "billion-laughs": (LAUGHS, ("line 2", "alias *a")),
    "one-alias": ("days: &d 3\nlabel: *d\n", ("line 2, column 8", "alias *d")),
    "merge-alias": ("base: &b {days: 1}\nrun:\n  <<: *b\n", ("line 3", "alias *b")),
    "top-list": ("- days\n- 3\n", ("must hold a mapping", "list")),
    "top-str": ("days 3\n", ("must hold a mapping", "str")),
    "top-int": ("3\n", ("must hold a mapping", "int")),
    "top-float": ("3.5\n", ("must hold a mapping", "float")),
    "top-bool": ("true\n", ("must hold a mapping", "bool")),
    "unclosed-flow": ("days: [1, 2\n", ("line 2, column 1",)),
    "unclosed-quote": ('label: "abc\n', ("line 2, column 1", "quoted scalar")),
    "bad-indent": ("days: 1\n  label: x\n", ("line 2, column 8",)),
    "tab-indent": ("days:\n\t- 1\n", ("line 2, column 1",)),
    "colon-value": ("label: a: b\n", ("line 1, column 9",)),
    "two-documents": ("days: 1\n---\nlabel: x\n", ("line 2, column 1", "single document")),
    "duplicate-key": ("days: 1\nlabel: x\ndays: 2\n", ("line 3, column 1", "duplicate key 'days'", "line 1")),
    "unhashable-key": ("? [a, b]\n: 1\n", ("line 1, column 3",)),
    "python-object": ("days: !!python/object:os.system ls\n", ("line 1, column 7",)),
    "python-name": ("days: !!python/name:os.system\n", ("line 1, column 7",)),
    "unknown-tag": ("days: !custom 1\n", ("line 1, column 7", "!custom")),
    "big-int-25": ("days: " + "9" * 25 + "\n", ("line 1, column 7", "25 digits")),
    "big-int-5000": ("days: " + "9" * 5000 + "\n", ("line 1, column 7", "5,000 digits")),
    "big-int-neg": ("days: -" + "1" * 40 + "\n", ("line 1, column 7", "40 digits")),
    "big-int-nested": ("label: [1, " + "7" * 30 + "]\n", ("line 1, column 12", "30 digits")),
    "nan": ("days: .nan\n", ("'days'", "finite")),
    "inf": ("days: .inf\n", ("'days'", "finite")),
    "neg-inf": ("days: -.inf\n", ("'days'", "finite")),
    "binary": ("label: !!binary aGVsbG8=\n", ("'label'", "bytes")),
    "set": ("label: !!set {a, b}\n", ("'label'", "set")),
    "int-key-nested": ("label: {1: a}\n", ("'label'", "key 1")),
    "deep-40": ("label: " + "[" * 40 + "]" * 40 + "\n", ("line 1, column 40", "nested")),
    "deep-5000": ("label: " + "[" * 5000 + "]" * 5000 + "\n", ("nested",)),
    "name-int": ("1: a\n", ("1", "parameter name")),
    "name-null": ("null: a\n", ("None", "parameter name")),
    "name-bool": ("true: a\n", ("True", "parameter name")),
    "name-dash": ("days-ago: 1\n", ("'days-ago'", "identifier")),
    "name-space": ("'days ago': 1\n", ("'days ago'", "identifier")),
    "name-digit": ("1days: 1\n", ("'1days'", "identifier")),
    "name-keyword": ("class: 1\n", ("'class'", "identifier")),
    "name-empty": ("'': 1\n", ("''", "identifier")),
    "name-dot": ("a.b: 1\n", ("'a.b'", "identifier")),
    "latin1": ("label: caf\xe9\n".encode("latin-1"), ("line 1", "0xe9", "offset 10", "UTF-8")),
    "byte-ff": (b"days: 1\nlabel: \xff\n", ("line 2", "0xff", "UTF-8")),
    "truncated-utf8": (b"label: \xc3", ("line 1", "0xc3", "UTF-8")),
    "utf16-bom": ("days: 1\n".encode("utf-16"), ("line 1", "0xff", "UTF-8")),
    "cp1252-quote": ("label: \u201cx\u201d\n".encode("cp1252"), ("line 1", "0x93", "UTF-8")),
    "nul-byte": (b"days: 1\x00\n", ("line 1, column 8", "U+0000")),
    "control-char": ("days: 1\nlabel: a\x07b\n", ("line 2, column 9", "U+0007")),
    "too-large": ("label: " + "x" * (1 << 20) + "\n", ("larger than", "bytes")),
}
for case_id, (content, places) in YAML_FILES.items():
    name = f"{case_id}.yaml"
    CASES.append(Case(f"file-{case_id}", from_file(name, content), ParameterError, (name, *places)))
for case_id, make in {
    "missing": lambda: WORK["folder"] / "no-such.yaml",
    "directory": lambda: WORK["folder"],
    "nul-in-path": lambda: str(WORK["folder"] / "a\0b.yaml"),
    "under-a-file": lambda: WORK["folder"] / "nb.ipynb" / "p.yaml",
    "name-too-long": lambda: WORK["folder"] / ("p" * 300 + ".yaml"),
}.items():
    CASES.append(
        Case(
            f"file-path-{case_id}",
            lambda make=make: read_parameters_file(make()),
            ParameterError,
            ("cannot read parameters file", "-f"),
        )
    )
for case_id, (content, expected) in {
    "empty": ("", {}),
    "comments-only": ("# nothing yet\n", {}),
    "bom": ("\ufeffdays: 3\n", {"days": 3}),
    "date-stays-text": ("label: 2026-11-01\n", {"label": "2026-11-01"}),
    "max-int": (f"days: {2**63 - 1}\n", {"days": 2**63 - 1}),
    "quoted-long-number": ("label: '" + "9" * 5000 + "'\n", {"label": "9" * 5000}),
    "anchor-without-alias": ("days: &d 3\n", {"days": 3}),
}.items():

    def accepted_file(case_id: str = case_id, content: str = content, expected: Any = expected) -> None:
        assert from_file(f"ok-{case_id}.yaml", content)() == expected

    CASES.append(
        Case(
            f"file-accepted-{case_id}",
            accepted_file,
            None,
            why="kit/reports/parameters.py: an empty file means no parameters; dates stay text; anchors alone harm nothing",
        )
    )


# -- --out targets ---------------------------------------------------------------------------------------------------
def out_in_work(make: Callable[[Path], Path | str]) -> Callable[[], Path | str]:
    return lambda: make(WORK["folder"])


def a_file(folder: Path) -> Path:
    (folder / "a-file.txt").write_text("x")
    return folder / "a-file.txt"


def runs_log_is_a_folder(folder: Path) -> Path:
    (folder / "log-dir" / "runs.jsonl").mkdir(parents=True, exist_ok=True)
    return folder / "log-dir"


def notebook_folder_is_a_file(folder: Path) -> Path:
    (folder / "nb-file").mkdir(exist_ok=True)
    (folder / "nb-file" / "nb").write_text("x")
    return folder / "nb-file"


def dangling(folder: Path) -> Path:
    link = folder / "dangling"
    if not link.is_symlink():
        link.symlink_to(folder / "nowhere" / "at-all")
    return link


def loop(folder: Path) -> Path:
    link = folder / "loop"
    if not link.is_symlink():
        link.symlink_to(link)
    return link / "out"


def fifo(folder: Path) -> Path:
    path = folder / "a-fifo"
    if not path.exists():
        os.mkfifo(path)
    return path


OUT_TARGETS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "a-file": (out_in_work(a_file), ("a-file.txt", "is a file")),
    "under-a-file": (out_in_work(lambda f: a_file(f) / "reports"), ("a-file.txt", "not a folder")),
    "deep-under-a-file": (out_in_work(lambda f: a_file(f) / "x" / "y"), ("a-file.txt", "not a folder")),
    "dev-null": ("/dev/null", ("/dev/null", "not a folder")),
    "fifo": (out_in_work(fifo), ("a-fifo", "not a folder")),
    "proc-missing": ("/proc/lxkit-reports", ("/proc/lxkit-reports",)),
    "proc-deep": ("/proc/lxkit/reports/out", ("/proc/lxkit/reports/out",)),
    "proc-self-status": ("/proc/self/status", ("/proc/self/status", "is a file")),
    "proc-self": ("/proc/self", ("/proc/self",)),
    "proc-sys": ("/proc/sys/kernel", ("/proc/sys/kernel",)),
    "sys": ("/sys/lxkit-reports", ("/sys/lxkit-reports", "not writable")),
    "sys-kernel": ("/sys/kernel/lxkit", ("/sys/kernel/lxkit",)),
    "nul": (out_in_work(lambda f: f"{f}/re\0ports"), ("re\\x00ports", "NUL")),
    "nul-only": ("\0", ("NUL",)),
    "empty": ("", ("empty",)),
    "blank": ("   ", ("empty",)),
    "runs-log-is-a-folder": (out_in_work(runs_log_is_a_folder), ("log-dir", "runs.jsonl")),
    "notebook-folder-is-a-file": (out_in_work(notebook_folder_is_a_file), ("nb-file",)),
    "dangling-symlink": (out_in_work(dangling), ("dangling",)),
    "symlink-loop": (out_in_work(loop), ("loop",)),
    "name-too-long": (out_in_work(lambda f: f / ("r" * 300)), ("r" * 300, "too long")),
    "not-a-path": (3.5, ("out must be a folder path", "float")),
}
for case_id, (target, places) in OUT_TARGETS.items():
    CASES.append(Case(f"out-{case_id}", report({}, out=target), ReportError, (*places, "--out")))


def missing_parents_are_created() -> None:
    target = WORK["folder"] / "new" / "deeper" / "reports"
    partial = prepare(target, "nb", "20260101T000000000000Z")
    assert partial == target / "nb" / ".20260101T000000000000Z.partial" and partial.is_dir()


CASES.append(
    Case(
        "out-accepted-missing-parents",
        missing_parents_are_created,
        None,
        why="run_report's docstring and kit/reports/output_folder.py: a missing out folder is created",
    )
)


@pytest.mark.parametrize("case", params(CASES))
def test_bad_report_input(case: Case) -> None:
    check(case)


def test_the_corpus_is_the_size_the_report_says():
    assert len(CASES) >= 150
