"""Reading inputs: sources, malformed JSON, JSON paths and the positions of values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit.errors import LxkitError
from kit.integration.inputs import (
    Document,
    InputError,
    Issue,
    format_path,
    load_config,
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
        ('{"a": "x\ny"}', 1, 9, "malformed JSON: Invalid control character at"),
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
