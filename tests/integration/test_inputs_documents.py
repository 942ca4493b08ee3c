"""Reading inputs: sources, malformed JSON, JSON paths and the positions of values."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kit.errors import LxkitError
from kit.integration.inputs import (
    Document,
    InputError,
    Issue,
    format_path,
    load_config,
    load_ldif,
    parse_path,
    read_document,
)
from kit.integration.inputs.positions import LineIndex, PositionIndex, line_column, raw_offset_in_string

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"


@pytest.mark.parametrize(
    ("segments", "text"),
    [
        ((), ""),
        (("processors",), "processors"),
        (
            ("processors", 2, "updates", 0, "values", 1, "regexMatch"),
            "processors[2].updates[0].values[1].regexMatch",
        ),
        (("variables", "my var", 0), 'variables["my var"][0]'),
        (("a.b", "c"), '["a.b"].c'),
        ((0, "x"), "[0].x"),
        (("$x", 'quote"d'), '$x["quote\\"d"]'),
    ],
)
def test_paths_round_trip(segments: tuple, text: str) -> None:
    assert format_path(segments) == text
    assert parse_path(text) == segments


@pytest.mark.parametrize("bad", ["processors[x]", "a..b", "[1", "a b"])
def test_parse_path_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError, match="not a JSON path"):
        parse_path(bad)


TEXT = """{
  "processors": [
    {"processorType": "inboundFactSheet",
     "updates": [ {"key": {"expr": "name"}, "values": [{"expr": "${data.app}"}, {"expr": "x", "regexMatch": "a\\\\d"}]} ]
    }
  ],
  "dup": 1, "dup": [10, 20]
}"""


def test_positions_of_values_and_keys() -> None:
    document = Document(json.loads(TEXT), "config.json", TEXT)
    assert document.position("") == (1, 1)
    assert document.position("processors") == (2, 17)
    assert document.position("processors[0]") == (3, 5)
    assert document.position("processors[0].processorType") == (3, 23)
    assert document.position("processors[0].updates[0].values[1].regexMatch") == (4, 109)
    assert document.position("dup[1]") == (7, 25)  # a repeated key keeps its last value, like json.loads
    assert document.position("processors[0].missing") is None
    assert document.position("processors[5]") is None
    assert document.position("processors[0].processorType.x") is None
    assert document.where("processors[0].updates[0]") == "config.json:4:19 (processors[0].updates[0])"
    assert document.where("processors[0].nothing") == "config.json:3:5 (processors[0].nothing)"
    assert document.where(()) == "config.json:1:1 (<root>)"


def test_dict_documents_have_no_positions() -> None:
    document = read_document({"processors": []}, "processor configuration")
    assert document.name == "<dict>"
    assert document.position("processors") is None
    assert document.where("processors") == "<dict> (processors)"


def test_raw_offsets_inside_strings_count_escapes() -> None:
    text = '{"a": "x\\"y\\u00e9\\ud83d\\ude00z\\\\w"}'
    quote = text.index('"', 5)
    assert json.loads(text)["a"] == 'x"yé😀z\\w'
    decoded = json.loads(text)["a"]
    for index, char in enumerate(decoded):
        raw = raw_offset_in_string(text, quote, index)
        if char == "😀":
            assert text[raw : raw + 12] == "\\ud83d\\ude00"
        elif char in '"\\':
            assert text[raw : raw + 2] in ('\\"', "\\\\")
        elif char == "é":
            assert text[raw : raw + 6] == "\\u00e9"
        else:
            assert text[raw] == char


def test_line_index_matches_counting() -> None:
    text = "a\nbb\n\nccc\n" * 50
    index = LineIndex(text)
    for offset in list(range(0, len(text), 7)) * 2:  # more lookups than the direct-count threshold
        assert index(offset) == line_column(text, offset)


def test_position_index_is_cached_per_container() -> None:
    index = PositionIndex(TEXT)
    assert index.locate(("processors", 0, "processorType")) is not None
    cached = len(index._members)
    assert index.locate(("processors", 0, "updates")) is not None
    assert len(index._members) == cached  # processors[0] was already indexed


def test_sources_dict_string_path(tmp_path: Path) -> None:
    data = {"processors": []}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_config(data).name == "<dict>"
    assert load_config(json.dumps(data)).name == "<string>"
    assert load_config(path).name == str(path)
    assert load_config(str(path)).data == data
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert load_config(bom).data == data
    with pytest.raises(TypeError, match="expected a mapping, a JSON string or a path"):
        load_config(42)  # type: ignore[arg-type]


def test_malformed_json_trailing_comma() -> None:
    path = FIXTURES / "malformed_trailing_comma.json"
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert caught.value.issues == [
        Issue(
            "",
            "malformed JSON: Expecting property name enclosed in double quotes",
            "put keys in double quotes and remove a trailing comma before '}'",
            6,
            5,
            "json",
        )
    ]
    assert str(caught.value) == (
        f"{path}: 1 problem in this processor configuration\n"
        f"  {path}:6:5: malformed JSON: Expecting property name enclosed in double quotes; "
        "fix: put keys in double quotes and remove a trailing comma before '}'"
    )
    assert isinstance(caught.value, LxkitError)


def test_malformed_json_single_backslash_in_regex() -> None:
    with pytest.raises(InputError) as caught:
        load_config(FIXTURES / "malformed_regex_backslash.json")
    issue = caught.value.issues[0]
    assert (issue.line, issue.column, issue.message) == (5, 25, "malformed JSON: Invalid \\escape")
    assert issue.hint == 'write a backslash as \\\\ (a Java regex \\d is "\\\\d" in JSON)'


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"a": 1 "b": 2}', 1, 9, "malformed JSON: Expecting ',' delimiter"),
        ('{"a" 1}', 1, 6, "malformed JSON: Expecting ':' delimiter"),
        ('{"a": "x\ny"}', 1, 9, "malformed JSON: Invalid control character"),
        ('{"a": 1}\n{"b": 2}', 2, 1, "malformed JSON: Extra data"),
        ('{"a": [1, 2,]}', 1, 13, "malformed JSON: Expecting value"),
    ],
)
def test_malformed_json_positions(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_config(text)
    issue = caught.value.issues[0]
    assert (issue.line, issue.column, issue.message, issue.kind) == (line, column, message, "json")
    assert issue.hint


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_config(tmp_path / "nope.json")
    assert caught.value.issues[0].message == "file not found"
    assert str(caught.value).startswith(
        f"{tmp_path / 'nope.json'}: 1 problem in this processor configuration\n"
    )


def test_error_lists_at_most_500_issues_but_keeps_all() -> None:
    error = InputError("x.json", [Issue("a", f"problem {i}", None, i + 1, 1) for i in range(503)], "LDIF")
    lines = str(error).splitlines()
    assert lines[0] == "x.json: 503 problems in this LDIF"
    assert lines[1] == "  x.json:1:1 a: problem 0"
    assert lines[-1] == "  ... and 3 more (all of them are in .issues)"
    assert len(lines) == 502
    assert len(error.issues) == 503


# -- sources that must not hang or raise a foreign exception (issue 6) ------------------------------------


def _only_issue(source, load=load_config) -> tuple[str, Issue]:
    with pytest.raises(InputError) as caught:
        load(source)
    assert len(caught.value.issues) == 1
    str(caught.value).encode("utf-8")  # printable on any UTF-8 terminal
    return str(caught.value), caught.value.issues[0]


def test_a_named_pipe_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    text, issue = _only_issue(fifo)
    assert (
        issue.message
        == "this is a named pipe (FIFO), not a regular file; it is not read (reading could block)"
    )
    assert text.startswith(f"{fifo}: 1 problem in this processor configuration")


def test_a_folder_a_nul_path_and_a_device_are_named(tmp_path: Path) -> None:
    assert _only_issue(tmp_path)[1].message == "this is a folder, not a file"
    text, issue = _only_issue(str(tmp_path / "a\0b.json"))
    assert issue.message == "the path contains a NUL character"
    assert "a\\x00b.json: 1 problem" in text
    assert _only_issue("/dev/null")[1].message.startswith("this is a device or socket, not a regular file")
    long_name = "x" * 5000  # no JSON, no file: read as a path, too long for the file system
    assert _only_issue(long_name)[1].message == "cannot read the file: File name too long"


def test_text_that_is_not_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{\n  "processorName": "Käse"\n}'.encode("latin-1"))
    _, issue = _only_issue(path)
    assert issue.message == "not UTF-8 text: byte 23 (byte 22 of line 2) cannot be decoded"
    assert (issue.line, issue.column, issue.hint) == (2, 22, "save the file as UTF-8")
    utf16 = tmp_path / "utf16.json"
    utf16.write_text('{"processors": []}', encoding="utf-16")
    assert _only_issue(utf16)[1].message == "the file is UTF-16 text"


def test_a_bom_is_skipped_in_text_and_files(tmp_path: Path) -> None:
    assert load_config('\ufeff{"processors": []}').data == {"processors": []}
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{\n "processors": 1}')
    _, issue = _only_issue(path)  # positions count from after the BOM
    assert (issue.line, issue.column, issue.path) == (2, 16, "processors")


def test_an_integer_longer_than_python_reads_is_located() -> None:
    text = '{\n  "processors": [],\n  "variables": {"n": ' + "7" * 5000 + "}\n}"
    _, issue = _only_issue(text)
    assert issue.message == "an integer with 5,000 digits is too long to read (at most 4,300 digits)"
    assert (issue.line, issue.column) == (3, 22)
    digits_in_a_string = '{"processors": [], "variables": {"n": "' + "7" * 5000 + '"}}'
    assert len(load_config(digits_in_a_string).data["variables"]["n"]) == 5000
    _, negative = _only_issue('{"x": -' + "1" * 4301 + "}", load_ldif)
    assert negative.message.startswith("an integer with 4,301 digits") and negative.column == 7


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    _, issue = _only_issue('{"processors": [],\n "variables": {"x": "NaN", "y": ' + constant + "}}")
    assert issue.message == f"{constant} is not a JSON value"
    assert (issue.line, issue.column) == (2, 33)


def test_nesting_too_deep_for_the_parser_names_the_deepest_place() -> None:
    text = '{"variables": {"x": ' + "[" * 50_000 + "]" * 50_000 + "}}"
    _, issue = _only_issue(text)
    assert issue.message == (
        "malformed JSON: nested too deeply (50,002 levels of brackets; the deepest starts here)"
    )
    assert (issue.line, issue.column) == (1, 20 + 50_000)


def test_repeated_keys_in_a_configuration_are_reported_at_the_kept_key() -> None:
    text = '{\n "processors": [],\n "variables": {"a": 1, "a": 2},\n "processors": []\n}'
    with pytest.raises(InputError) as caught:
        load_config(text)
    assert [(i.path, i.line, i.column, i.kind) for i in caught.value.issues] == [
        ("variables.a", 3, 24, "duplicate-key"),
        ("processors", 4, 2, "duplicate-key"),
    ]
    assert caught.value.issues[1].message == (
        "key 'processors' appears more than once in the top level; only the last one counts"
    )
    assert read_document('{"a": 1, "a": 2}', "LDIF", find_duplicates=False).duplicates == []


def test_lone_surrogates_and_controls_stay_printable() -> None:
    text = '{"processors": [{"processorType": "inboundFactSheet", "type": "A", "identifier": {"internal": "x"}, "mode": "\\ud800\\u001b[2J", "\\udfff\\u202e": 1}]}'
    with pytest.raises(InputError) as caught:
        load_config(text)
    paths = {issue.path for issue in caught.value.issues}
    assert paths == {"processors[0].mode", 'processors[0]["\\udfff\\u202e"]'}
    assert parse_path('processors[0]["\\udfff\\u202e"]') == ("processors", 0, "\udfff\u202e")
    assert "'mode' is '\\ud800\\x1b[2J'; expected one of 'createOrUpdate', 'delete'" in str(caught.value)
    str(caught.value).encode("utf-8")
    assert "\x1b" not in str(caught.value) and "\u202e" not in str(caught.value)
