"""Bad LDIFs and processor configurations, mutated from the samples in ``data/``: one InputError naming the place.

Every mutation is generated from the two sample configurations and the two sample LDIFs: truncations at
many offsets, a wrong type at every JSON path, an unknown key in every object, typos of keys, wrong enum
values, integers longer than Python reads, lone surrogates, NULs, C1 and bidi controls in values and keys,
byte order marks, deep nesting, repeated keys and files that are no regular UTF-8 files. Each case expects an
:class:`InputError` whose message names the JSON path or the line and column (``<string>:12:7``) and stays
printable, or a documented acceptance whose callable checks what was loaded.

Expected places are computed here by hand from the mutated text (line = newlines before the offset + 1),
never by the loaders under test.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kit.integration.inputs import InputError, load_config, load_ldif
from tests.robustness.outcomes import Case, check, params

DATA = Path(__file__).resolve().parents[2] / "data"
WORK = Path(tempfile.mkdtemp(prefix="lxkit-inputs-corpus-"))

#: (family, file name) -> parsed sample; families: "config" (processor configurations) and "ldif"
SAMPLES: dict[tuple[str, str], Any] = {
    ("config", "starter"): json.loads((DATA / "processors/starter.json").read_text(encoding="utf-8")),
    ("config", "projects"): json.loads(
        (DATA / "processors/test_projects_full.json").read_text(encoding="utf-8")
    ),
    ("ldif", "starter"): json.loads((DATA / "ldif/starter.json").read_text(encoding="utf-8")),
    ("ldif", "projects"): json.loads((DATA / "ldif/test_projects.json").read_text(encoding="utf-8")),
}
LOAD: dict[str, Callable[[Any], Any]] = {"config": load_config, "ldif": load_ldif}
#: odd characters a value or key may hold, and how JSON / lxkit writes them escaped
ODD = {"surrogate": "\ud800", "nul": "\x00", "c1": "\x9b", "bidi": "\u202e"}

# -- documented acceptances ----------------------------------------------------------------------------------
WHY_COMMENT = "reference §6.3: `processorDescription` and `description` keys are comments allowed anywhere"
WHY_DATA = "reference §5: an LDIF's `data` is a free-form nested map, and `customFields` a map of any values"
WHY_LDIF_UNKNOWN = (
    "LeanIX ignores unknown LDIF keys (kit/integration/inputs/ldif.py); lxkit lists them as warnings"
)
WHY_MODE_CASE = "reference §5: the docs write processingMode as `PARTIAL`/`FULL` too"
WHY_BOM = "RFC 8259 §8.1: a parser may ignore a leading byte order mark; Windows editors write one"
WHY_TEXT = "RFC 8259 §7: any code point may be escaped in a JSON string; a literal value is plain text"
WHY_DUPLICATE_LDIF = (
    "RFC 8259 §4 leaves repeated names to the parser (json.loads keeps the last); LDIFs are read without "
    "the check to load at json.loads speed (README, benchmarks)"
)
WHY_BIG_RUN = "reference §6.3: `run` is an integer >= 0; 4,300 digits is the most Python converts"


def path_text(segments: tuple) -> str:
    """A JSON path as lxkit writes it, for identifier keys (every key in the samples is one)."""
    out = ""
    for segment in segments:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out


def walk(value: Any, segments: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    yield segments, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*segments, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*segments, index))


def replaced(data: Any, segments: tuple, new: Any) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for segment in segments[:-1]:
        parent = parent[segment]
    parent[segments[-1]] = new
    return data


def get(data: Any, segments: tuple) -> Any:
    for segment in segments:
        data = data[segment]
    return data


def where(text: str, offset: int) -> str:
    """``<string>:line:column`` of an offset, counted here."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"<string>:{line}:{column}"


def free_form(family: str, segments: tuple) -> bool:
    """Values no schema checks: LDIF data and customFields contents, comment keys in configurations."""
    if family == "ldif":
        return (len(segments) > 3 and segments[0] == "content" and segments[2] == "data") or (
            len(segments) > 1 and segments[0] == "customFields"
        )
    return any(s in ("description", "processorDescription") for s in segments if isinstance(s, str))


def printable_error(load: Callable[[Any], Any], source: Any, odd: str | None = None) -> Callable[[], Any]:
    """Load ``source``; an InputError must encode as UTF-8 and hold no raw ``odd`` character."""

    def run() -> Any:
        try:
            return load(source)
        except InputError as exc:
            text = str(exc)
            text.encode("utf-8")
            assert odd is None or odd not in text, "a raw control/surrogate character in the message"
            raise

    return run


def accepted(load: Callable[[Any], Any], source: Any, verify: Callable[[Any], bool]) -> Callable[[], Any]:
    def run() -> Any:
        result = load(source)
        assert verify(result), "loaded, but not as documented"
        return result

    return run


# -- truncations ------------------------------------------------------------------------------------------------


def truncations() -> Iterator[Case]:
    for (family, name), data in SAMPLES.items():
        text = json.dumps(data, indent=2)
        offsets = sorted({1 + (len(text) - 2) * i // 19 for i in range(20)})
        for offset in offsets:
            cut = text[:offset]
            yield Case(
                f"truncated-{family}-{name}-at-{offset}",
                printable_error(LOAD[family], cut),
                InputError,
                (where(cut, offset).rsplit(":", 1)[0] + ":", "malformed JSON"),
            )


# -- a wrong type at every path ---------------------------------------------------------------------------------


def wrong_values(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["true", 1, []]
    if isinstance(value, int | float):
        return ["1", True, {}]
    if isinstance(value, str):
        return [1, True, ["x"], {"x": "y"}]
    if isinstance(value, list):
        return ["x", 1, {}]
    return ["x", 1, []]


def type_swaps() -> Iterator[Case]:
    for (family, name), data in SAMPLES.items():
        for index, (segments, value) in enumerate(walk(data)):
            if not segments:
                continue
            choices = wrong_values(value)
            new = choices[index % len(choices)]
            mutated = replaced(data, segments, new)
            source = json.dumps(mutated, indent=2) if index % 2 else mutated
            case_id = f"swap-{family}-{name}-{path_text(segments)}-to-{type(new).__name__}"
            if free_form(family, segments):
                why = WHY_COMMENT if family == "config" else WHY_DATA
                verify = _has(segments, new)
                yield Case(case_id, accepted(LOAD[family], source, verify), None, why=why)
            else:
                yield Case(case_id, printable_error(LOAD[family], source), InputError, (path_text(segments),))


def _has(segments: tuple, value: Any) -> Callable[[Any], bool]:
    return lambda loaded: get(loaded.data, segments) == value


# -- unknown keys and typos -------------------------------------------------------------------------------------


def unknown_keys() -> Iterator[Case]:
    for (family, name), data in SAMPLES.items():
        for segments, value in walk(data):
            if not isinstance(value, dict) or free_form(family, (*segments, "x")):
                continue
            if family == "ldif" and len(segments) > 2:
                continue  # inside data: free-form, covered by the swaps
            mutated = replaced(data, (*segments, "unknownKey"), 1) if segments else {**data, "unknownKey": 1}
            source = json.dumps(mutated, indent=2)
            key_path = path_text((*segments, "unknownKey"))
            case_id = f"unknown-key-{family}-{name}-{path_text(segments) or 'root'}"
            if family == "config":
                places = (key_path, "unknown key 'unknownKey'")
                yield Case(case_id, printable_error(load_config, source), InputError, places)
            else:
                verify = lambda ldif, p=key_path: [w.path for w in ldif.warnings] == [p]  # noqa: E731
                yield Case(case_id, accepted(load_ldif, source, verify), None, why=WHY_LDIF_UNKNOWN)


#: (family, path of the key, misspelling, the key it should be)
TYPOS = [
    ("config", ("processors", 0, "filter"), "filters", "filter"),
    ("config", ("processors", 0, "processorName"), "procesorName", "processorName"),
    ("config", ("processors", 0, "updates"), "updtes", "updates"),
    ("config", ("processors", 0, "identifier"), "identifer", "identifier"),
    ("config", ("processors", 0, "identifier", "external"), "extrenal", "external"),
    ("config", ("processors", 0, "updates", 0, "values"), "value", "values"),
    ("config", ("processors", 2, "from"), "form", "from"),
    ("config", ("processingMode",), "procesingMode", "processingMode"),
    ("config", ("connectorType",), "conectorType", "connectorType"),
    ("config", ("processors", 1, "filter", "exactType"), "exacttype", "exactType"),
]


def typos() -> Iterator[Case]:
    data = SAMPLES["config", "starter"]
    for _, segments, wrong, right in TYPOS:
        mutated = copy.deepcopy(data)
        parent = get(mutated, segments[:-1])
        parent[wrong] = parent.pop(segments[-1])
        places = (path_text((*segments[:-1], wrong)), f"did you mean '{right}'?")
        source = json.dumps(mutated, indent=2)
        yield Case(
            f"typo-{path_text(segments)}-{wrong}", printable_error(load_config, source), InputError, places
        )


# -- enums ---------------------------------------------------------------------------------------------------------

BAD_ENUMS = {
    ("processingDirection",): ["inbond", "in bound", "", "outbound ", "\x00inbound", "sideways"],
    ("processingMode",): ["fulll", "partail", "", "delta", "full\n"],
    ("processors", 0, "mode"): ["upsert", "create", "", "remove"],
    ("processors", 0, "logLevel"): ["verbose", "info", "", "warnings"],
}


def enums() -> Iterator[Case]:
    for family in ("config", "ldif"):
        data = SAMPLES[family, "starter"]
        for segments, values in BAD_ENUMS.items():
            if family == "ldif" and segments[0] == "processors":
                continue
            for value in values:
                mutated = replaced(data, segments, value)
                yield Case(
                    f"enum-{family}-{path_text(segments)}-{value!r}",
                    printable_error(LOAD[family], json.dumps(mutated, indent=2), "\x00"),
                    InputError,
                    (path_text(segments), "expected one of"),
                )
        for value in ("FULL", "Partial", "PARTIAL"):
            mutated = replaced(data, ("processingMode",), value)
            verify = lambda loaded, v=value: loaded.mode == v.lower()  # noqa: E731
            source = json.dumps(mutated)
            yield Case(
                f"enum-{family}-mode-case-{value}",
                accepted(LOAD[family], source, verify),
                None,
                why=WHY_MODE_CASE,
            )


# -- integers longer than Python reads --------------------------------------------------------------------------


def huge_ints() -> Iterator[Case]:
    sizes = ["9" * 4301, "-" + "1" * 5000, "7" * 50_000]
    for (family, name), data in SAMPLES.items():
        leaves = [s for s, v in walk(data) if s and not isinstance(v, dict | list)]
        for index, segments in enumerate(leaves[:: max(1, len(leaves) // 8)]):
            digits = sizes[index % len(sizes)]
            text = json.dumps(replaced(data, segments, "__HUGE__"), indent=2)
            offset = text.index('"__HUGE__"')
            text = text.replace('"__HUGE__"', digits)
            yield Case(
                f"huge-int-{family}-{name}-{path_text(segments)}-{len(digits)}",
                printable_error(LOAD[family], text),
                InputError,
                (where(text, offset), "digits"),
            )
    starter = SAMPLES["config", "starter"]
    for digits in (1, 4300):
        value = int("9" * digits)
        text = json.dumps(replaced(starter, ("processors", 2, "run"), value))
        verify = lambda config, v=value: config.processors[2]["run"] == v  # noqa: E731
        yield Case(
            f"big-run-level-{digits}-digits", accepted(load_config, text, verify), None, why=WHY_BIG_RUN
        )


# -- lone surrogates, NULs, C1 and bidi controls --------------------------------------------------------------


def odd_characters() -> Iterator[Case]:
    config, ldif = SAMPLES["config", "starter"], SAMPLES["ldif", "starter"]
    for label, char in ODD.items():
        escaped = f"\\u{ord(char):04x}"
        # in enum values: an error naming the path, printable
        for family, data in (("config", config), ("ldif", ldif)):
            for segments in (("processingMode",), ("processingDirection",)):
                text = json.dumps(replaced(data, segments, "full" + char))
                yield Case(
                    f"odd-{label}-enum-{family}-{segments[0]}",
                    printable_error(LOAD[family], text, char),
                    InputError,
                    (path_text(segments), "expected one of"),
                )
        # as a key: an unknown key whose path is written with a JSON escape
        for segments in (
            (),
            ("processors", 0),
            ("processors", 0, "identifier", "external"),
            ("processors", 2, "to"),
        ):
            mutated = copy.deepcopy(config)
            get(mutated, segments)["k" + char] = 1
            place = f'{path_text(segments)}["k{escaped}"]'
            yield Case(
                f"odd-{label}-key-at-{path_text(segments) or 'root'}",
                printable_error(load_config, json.dumps(mutated), char),
                InputError,
                (place, "unknown key"),
            )
        # inside a JUEL expression: a syntax error at that value
        for segments in (
            ("processors", 0, "updates", 0, "values", 0, "expr"),
            ("processors", 2, "to", "external", "id", "expr"),
        ):
            text = json.dumps(replaced(config, segments, "${data." + char + "x}"))
            yield Case(
                f"odd-{label}-juel-{path_text(segments)}",
                printable_error(load_config, text, char),
                InputError,
                (path_text(segments), "JUEL syntax error"),
            )
        # as the processor type: unknown type, printable
        text = json.dumps(replaced(config, ("processors", 1, "processorType"), "inbound" + char))
        yield Case(
            f"odd-{label}-processor-type",
            printable_error(load_config, text, char),
            InputError,
            ("processors[1].processorType", "unknown processor type"),
        )
        # in plain text values: accepted as they are
        for family, data, segments in (
            ("config", config, ("processors", 0, "processorName")),
            ("config", config, ("processors", 0, "filter", "exactType")),
            ("ldif", ldif, ("content", 0, "data", "app")),
            ("ldif", ldif, ("content", 1, "id")),
            ("ldif", ldif, ("customFields",)),
        ):
            value = {"k" + char: char} if segments == ("customFields",) else "x" + char + "y"
            text = json.dumps(replaced(data, segments, value))
            yield Case(
                f"odd-{label}-text-{family}-{path_text(segments)}",
                accepted(LOAD[family], text, _has(segments, value)),
                None,
                why=WHY_TEXT if family == "config" or segments[0] != "customFields" else WHY_DATA,
            )
        # raw (unescaped) in the JSON text, between two members: malformed JSON at that place
        if char != "\ud800":
            text = json.dumps(config, indent=2)
            offset = text.index('\n  "processors"') + 1
            broken = text[:offset] + char + text[offset:]
            yield Case(
                f"odd-{label}-raw-between-members",
                printable_error(load_config, broken, char),
                InputError,
                (where(broken, offset), "malformed JSON"),
            )


# -- byte order marks ----------------------------------------------------------------------------------------------


def boms() -> Iterator[Case]:
    for (family, name), data in SAMPLES.items():
        text = json.dumps(data, indent=2)
        load = LOAD[family]
        expected = data
        yield Case(
            f"bom-{family}-{name}-leading",
            accepted(load, "\ufeff" + text, lambda loaded, d=expected: loaded.data == d),
            None,
            why=WHY_BOM,
        )
        yield Case(
            f"bom-{family}-{name}-twice",
            printable_error(load, "\ufeff\ufeff" + text),
            InputError,
            ("<string>:1:1",),
        )
        middle = text.index("\n") + 1
        broken = text[:middle] + "\ufeff" + text[middle:]
        yield Case(
            f"bom-{family}-{name}-between-members",
            printable_error(load, broken),
            InputError,
            (where(broken, middle), "malformed JSON"),
        )
        path = WORK / f"bom-{family}-{name}.json"
        yield Case(
            f"bom-{family}-{name}-file",
            accepted(
                load,
                _file(path, b"\xef\xbb\xbf" + text.encode()),
                lambda loaded, d=expected: loaded.data == d,
            ),
            None,
            why=WHY_BOM,
        )
        path = WORK / f"utf16-{family}-{name}.json"
        yield Case(
            f"bom-{family}-{name}-utf16-file",
            printable_error(load, _file(path, text.encode("utf-16"))),
            InputError,
            (str(path), "UTF-16"),
        )


class _file(os.PathLike):  # noqa: N801 - reads like a function: the file is written when first opened
    """A path whose file is written on first use (collection stays cheap, the corpus folder stays small)."""

    def __init__(self, path: Path, content: bytes | None = None, make: Callable[[Path], None] | None = None):
        self.path, self.content, self.make = path, content, make

    def __fspath__(self) -> str:
        if not os.path.lexists(self.path):
            if self.make is not None:
                self.make(self.path)
            elif self.content is not None:
                self.path.write_bytes(self.content)
        return str(self.path)


# -- files that are no regular UTF-8 files ------------------------------------------------------------------------


def _loop(path: Path) -> None:
    os.symlink(path, path)


def _dangling(path: Path) -> None:
    os.symlink(path.with_name(path.name + ".gone"), path)


FILES: dict[str, tuple[Callable[[Path], Any], str]] = {
    "missing": (lambda p: p, "file not found"),
    "folder": (lambda p: _file(p, make=lambda q: q.mkdir()), "this is a folder, not a file"),
    "fifo": (lambda p: _file(p, make=os.mkfifo), "named pipe (FIFO)"),
    "device": (lambda p: "/dev/null", "a device or socket"),
    "nul-in-path": (lambda p: str(p) + "\x00.json", "the path contains a NUL character"),
    "empty": (lambda p: _file(p, b""), "malformed JSON: Expecting value"),
    "blank": (lambda p: _file(p, b" \n\t\n"), "malformed JSON: Expecting value"),
    "latin1": (
        lambda p: _file(p, '{\n "connectorId": "Käse"\n}'.encode("latin-1")),
        "not UTF-8 text: byte 20 (byte 19 of line 2)",
    ),
    "binary": (lambda p: _file(p, bytes(range(128, 256))), "not UTF-8 text: byte 0"),
    "symlink-loop": (lambda p: _file(p, make=_loop), "Too many levels of symbolic links"),
    "dangling-symlink": (lambda p: _file(p, make=_dangling), "file not found"),
}


def bad_files() -> Iterator[Case]:
    for family in ("config", "ldif"):
        for label, (make, says) in FILES.items():
            path = WORK / f"{family}-{label}.json"
            name = "/dev/null" if label == "device" else str(path)
            source = make(path)
            yield Case(
                f"file-{family}-{label}", printable_error(LOAD[family], source), InputError, (name, says)
            )


# -- deep nesting and repeated keys -------------------------------------------------------------------------------


def nesting_and_duplicates() -> Iterator[Case]:
    for family, segments in (("config", ("variables",)), ("ldif", ("content", 0, "data", "tags"))):
        data = SAMPLES[family, "starter"]
        for depth in (20_000, 200_000):
            text = json.dumps(replaced(data, segments, "__DEEP__"), indent=2)
            offset = text.index('"__DEEP__"')
            text = text.replace('"__DEEP__"', "[" * depth + "]" * depth)
            yield Case(
                f"deep-{family}-{depth}",
                printable_error(LOAD[family], text),
                InputError,
                ("nested too deeply", where(text, offset + depth - 1)),
            )
    nested = {"a": {"b": [[[[[["deep"]]]]]]}}
    ldif = replaced(SAMPLES["ldif", "starter"], ("content", 0, "data", "tree"), nested)
    yield Case(
        "deep-ldif-data-moderate",
        accepted(load_ldif, json.dumps(ldif), _has(("content", 0, "data", "tree"), nested)),
        None,
        why=WHY_DATA,
    )
    config = json.dumps(SAMPLES["config", "starter"], indent=2)
    for member, path in (
        ('"connectorId": ', "connectorId"),
        ('"processorName": ', "processors[0].processorName"),
        ('"expr": ', "processors[0].identifier.external.id.expr"),
        ('"exactType": ', "processors[0].filter.exactType"),
    ):
        doubled = config.replace(member, f'{member}"first", {member}', 1)
        yield Case(
            f"duplicate-key-config-{path}",
            printable_error(load_config, doubled),
            InputError,
            (path, "appears more than once"),
        )
    ldif_text = json.dumps(SAMPLES["ldif", "starter"], indent=2)
    doubled = ldif_text.replace(
        '"connectorId": "inbound-example",', '"connectorId": "a", "connectorId": "b",', 1
    )
    yield Case(
        "duplicate-key-ldif-header",
        accepted(load_ldif, doubled, lambda loaded: loaded.data["connectorId"] == "b"),
        None,
        why=WHY_DUPLICATE_LDIF,
    )


CASES = [
    *truncations(),
    *type_swaps(),
    *unknown_keys(),
    *typos(),
    *enums(),
    *huge_ints(),
    *odd_characters(),
    *boms(),
    *bad_files(),
    *nesting_and_duplicates(),
]


@pytest.mark.parametrize("case", params(CASES))
def test_bad_input(case: Case) -> None:
    check(case)


def test_the_corpus_is_about_four_hundred_inputs() -> None:
    assert len(CASES) >= 400
