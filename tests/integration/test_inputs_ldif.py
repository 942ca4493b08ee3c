"""LDIFs: mandatory keys, header limits, enums, content items, unknown keys as warnings, speed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kit.integration.inputs import InputError, Issue, Ldif, check_ldif, load_ldif

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"

HEADER = {
    "connectorType": "inboundExample",
    "connectorId": "inbound-example",
    "connectorVersion": "1.0.0",
    "lxVersion": "1.0.0",
    "processingDirection": "inbound",
}


def messages(data: Any) -> list[tuple[str, str]]:
    errors, _ = check_ldif(data)
    return [(p.path, p.message) for p in errors]


def test_starter_ldif_loads() -> None:
    ldif = load_ldif(FIXTURES / "ldif_starter.json")
    assert isinstance(ldif, Ldif)
    assert [item["id"] for item in ldif.content] == ["634c16bf-198c-1129-9d08-92630b573fbf", "westeurope"]
    assert (ldif.direction, ldif.mode, ldif.warnings) == ("inbound", "partial", ())
    assert ldif.document.position("content[1].data.tags[1]") == (24, 31)
    assert repr(ldif) == f"Ldif('{FIXTURES / 'ldif_starter.json'}', 2 content items, inbound, partial)"


def test_missing_mandatory_keys_and_bad_items_are_all_reported() -> None:
    path = FIXTURES / "ldif_missing_mandatory.json"
    with pytest.raises(InputError) as caught:
        load_ldif(path)
    assert caught.value.issues == [
        Issue("", "missing required key 'connectorId'", 'add "connectorId"', 1, 1),
        Issue("", "missing required key 'lxVersion'", 'add "lxVersion"', 1, 1),
        Issue(
            "processingDirection",
            "'processingDirection' is 'in'; expected one of 'inbound', 'outbound'",
            "use one of 'inbound', 'outbound'",
            4,
            26,
        ),
        Issue("content[1]", "missing required key 'id'", 'add "id"', 8, 5),
        Issue("content[2].id", "'id' must be a string, not a number", "write a string here", 9, 31),
        Issue("content[2].data", "'data' must be an object, not a list", "write an object here", 9, 42),
        Issue(
            "content[3]",
            "item 3 of 'content' must be an object, not a string",
            'write {"type": ..., "id": ..., "data": {...}}',
            10,
            5,
        ),
    ]
    assert str(caught.value).splitlines()[0] == f"{path}: 7 problems in this LDIF"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"processingMode": "FULL", "processingDirection": "Inbound"}, []),
        (
            {"processingMode": "delta"},
            [("processingMode", "'processingMode' is 'delta'; expected one of 'partial', 'full'")],
        ),
        (
            {"description": "x" * 501},
            [("description", "'description' is 501 characters long; at most 500 are allowed")],
        ),
        ({"connectorId": "y" * 500}, []),
        ({"connectorType": 3}, [("connectorType", "'connectorType' must be a string, not a number")]),
        ({"customFields": []}, [("customFields", "'customFields' must be an object, not a list")]),
        (
            {"chunkInformation": {"firstDataObject": 0, "lastDataObject": -1}},
            [("chunkInformation.lastDataObject", "'lastDataObject' must be at least 0, not -1")],
        ),
        ({"content": {}}, [("content", "'content' must be a list, not an object")]),
        ({"connectorVersion": None}, []),
    ],
)
def test_header_checks(changes: dict[str, Any], expected: list) -> None:
    assert messages({**HEADER, "content": [], **changes}) == expected


def test_unknown_keys_are_warnings_not_errors() -> None:
    ldif = load_ldif(Path(__file__).parent / "fixtures" / "lint" / "ldif_unknown_header_key.json")
    assert [(w.path, w.line, w.column, w.message, w.kind) for w in ldif.warnings] == [
        (
            "procesingMode",
            7,
            3,
            "unknown key 'procesingMode' in the top level; did you mean 'processingMode'?",
            "unknown-key",
        ),
        ("content[0].tags", 9, 71, "unknown key 'tags' in content[0]; LeanIX ignores it", "unknown-key"),
    ]
    assert ldif.mode == "partial"  # the misspelt key is ignored, as LeanIX would


def test_outbound_trigger_without_content() -> None:
    ldif = load_ldif({**HEADER, "processingDirection": "outbound"})
    assert (ldif.direction, ldif.content) == ("outbound", [])


def test_ldif_must_be_an_object() -> None:
    assert messages(["x"]) == [("", "an LDIF must be a JSON object")]


def test_100k_content_items_load_fast(tmp_path: Path) -> None:
    """A 100,000-item LDIF (about 30 MB, one item per line) loads whole; positions are found on demand.

    The load time against json.loads is measured in benchmarks/preview.py."""
    item = (
        '{{"type": "Deployment", "id": "634c16bf-198c-1129-9d08-{0:012d}", "data": {{"app": "HR Service {0}", '
        '"version": "1.8.4", "maturity": "3", "clusterName": "westeurope", '
        '"location": "1600 Pennsylvania Ave Nw, Washington, DC 20500", "tags": ["Important", "Mature"]}}}}'
    )
    header = json.dumps(HEADER)[:-1]
    text = header + ', "content": [\n' + ",\n".join(item.format(i) for i in range(100_000)) + "\n]}\n"
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    ldif = load_ldif(path)
    assert len(ldif.content) == 100_000
    assert ldif.content[-1]["data"]["app"] == "HR Service 99999"
    # positions are computed on demand: item i is on line i + 2
    line = text.splitlines()[100_000]
    assert ldif.document.position("content[99999].data.tags[1]") == (100_001, line.index('"Mature"') + 1)
    assert ldif.document.position("content[5000].data.app") == (5_002, line.index('"HR Service') + 1)


def test_many_bad_items_report_positions_quickly() -> None:
    items = [{"type": "Deployment", "id": i, "data": {}} for i in range(20_000)]
    text = json.dumps({**HEADER, "content": items}, indent=1)
    with pytest.raises(InputError) as caught:
        load_ldif(text)
    assert len(caught.value.issues) == 20_000
    last = caught.value.issues[-1]
    # json.dumps(indent=1): 7 header lines, then 5 lines per item with "id" on the third
    assert (last.path, last.line, last.column) == ("content[19999].id", 7 + 5 * 19_999 + 3, 10)


def test_the_documented_pure_cleanup_ldif_loads_as_inbound() -> None:
    cleanup = {  # reference §6.7: empty processors + empty content = delete what the scopes hold
        "connectorId": "subscription",
        "connectorType": "subscription",
        "connectorVersion": "1.0.0",
        "content": [],
        "lxVersion": "1.0.0",
    }
    ldif = load_ldif(cleanup)
    assert (ldif.direction, ldif.mode, ldif.content) == ("inbound", "partial", [])


def test_odd_text_in_data_is_kept_and_unknown_keys_stay_printable_warnings() -> None:
    text = (
        '{"connectorType": "t", "connectorId": "i", "lxVersion": "1.0.0", "\\ud800x": 1,\n'
        ' "content": [{"type": "T", "id": "1", "data": {"name": "a\\ud800\\u0000b"}}]}'
    )
    ldif = load_ldif(text)
    assert ldif.content[0]["data"]["name"] == "a\ud800\x00b"
    assert [(w.path, w.line, w.column, w.message) for w in ldif.warnings] == [
        ('["\\ud800x"]', 1, 66, "unknown key '\\ud800x' in the top level")
    ]


def test_repeated_keys_in_an_ldif_keep_the_last_value_like_json() -> None:
    ldif = load_ldif('{"connectorType": "a", "connectorType": "b", "connectorId": "i", "lxVersion": "1.0.0"}')
    assert ldif.data["connectorType"] == "b" and ldif.document.duplicates == []
