"""SAP Signavio inboundMappings: loading with clear errors, previewing values and warnings, linting."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kit.integration.inputs import InputError
from kit.integration.lint import lint
from kit.integration.mappings import InboundMappings, load_mappings
from kit.previews.mappings import MappingPreview, preview_mappings

MAPPINGS = Path(__file__).parent / "fixtures" / "mappings"

# Glossary items as the glossary endpoint returns them (only what the mapping reads).
HIGH = {"metaDataValues": {"meta-processfrequency": "ci1560953961659160925663"}}
LOW = {"metaDataValues": {"meta-processfrequency": "ci1560953961659682886651"}}
UNMAPPED = {"metaDataValues": {"meta-processfrequency": "ci9999999999999999999999"}}


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [
        tuple(None if pd.isna(v) else v for v in row) for row in frame[list(columns)].itertuples(index=False)
    ]


def test_vendor_example_with_catch_all_has_no_warning_for_an_unmapped_value() -> None:
    """The best-practice page's example: the last mapping {"Other value", ".*"} catches everything.

    (The page's inboundPropertyPath is cut short to ``${["meta-processfrequency"]}``; it reads the glossary
    item's metaDataValues, so it is written out in full here.)
    """
    preview = preview_mappings(
        MAPPINGS / "process_frequency_with_catch_all.json", [HIGH, LOW, UNMAPPED], "glossary"
    )
    assert isinstance(preview, MappingPreview)
    assert preview.warnings.empty
    assert rows(preview.values, "record", "field", "output", "mapping", "via") == [
        (0, "group", "Process Frequency", None, "as is"),
        (0, "name", "High", 0, "mapping"),
        (1, "group", "Process Frequency", None, "as is"),
        (1, "name", "Low", 2, "mapping"),
        (2, "group", "Process Frequency", None, "as is"),
        (2, "name", "Other value", 4, "mapping"),
    ]


def test_vendor_example_without_catch_all_warns_naming_the_value() -> None:
    preview = preview_mappings(
        MAPPINGS / "process_frequency_without_catch_all.json", [HIGH, UNMAPPED], "glossary"
    )
    assert rows(preview.values, "record", "field", "resolved", "output", "via") == [
        (0, "group", "Process Frequency", "Process Frequency", "as is"),
        (0, "name", "ci1560953961659160925663", "High", "mapping"),
        (1, "group", "Process Frequency", "Process Frequency", "as is"),
        (1, "name", "ci9999999999999999999999", None, "unmatched"),
    ]
    assert preview.warnings.to_dict("records") == [
        {
            "record": 1,
            "leanixType": "tag",
            "field": "name",
            "resolved": "ci9999999999999999999999",
            "message": "no value mapping matches 'ci9999999999999999999999'; nothing is written "
            "(add a catch-all regexMatch '.*')",
            "path": "inboundMappings[0].fields[1]",
        }
    ]
    html = preview._repr_html_()
    assert "4 values, 1 warning" in html
    assert "ci9999999999999999999999" in html
    assert repr(preview) == "MappingPreview(4 values, 1 warning)"


def test_reference_publish_status_tag_example() -> None:
    """Reference §15: ${model.status.publish} -> published / non-published; defaultValue "" for a missing status."""
    records = [{"status": {"publish": True}}, {"status": {"publish": False}}, {"status": {}}]
    preview = preview_mappings(MAPPINGS / "publish_status_tags.json", records)
    assert rows(preview.values, "record", "leanixType", "field", "resolved", "output", "mapping", "via") == [
        (0, "tag", "group", "PublishStatus", "PublishStatus", None, "as is"),
        (0, "tag", "name", True, "published", 0, "mapping"),
        (1, "tag", "group", "PublishStatus", "PublishStatus", None, "as is"),
        (1, "tag", "name", False, "non-published", 1, "mapping"),
        (2, "tag", "group", "PublishStatus", "PublishStatus", None, "as is"),
        (2, "tag", "name", None, "", None, "default"),
    ]
    assert preview.warnings.empty
    assert lint(mappings=MAPPINGS / "publish_status_tags.json") == []


def test_default_value_replaces_a_catch_all() -> None:
    """SAP Signavio Case 3: every other language, and an empty one, becomes "Other"."""
    records = [
        {"model": {"properties": {"language": "English"}}},
        {"model": {"properties": {"language": "French"}}},
        {"model": {"properties": {"language": ""}}},
    ]
    preview = preview_mappings(MAPPINGS / "language_default_value.json", records, "editordata")
    assert rows(preview.values, "resolved", "output", "via") == [
        ("English", "EN", "mapping"),
        ("French", "Other", "default"),
        ("", "Other", "default"),
    ]
    assert preview.warnings.empty
    assert lint(mappings=MAPPINGS / "language_default_value.json") == []


def test_input_symbol_and_several_endpoints() -> None:
    """SAP Signavio Case 5: ${input} is the resolved value; the record may bind several symbols."""
    records = [
        {
            "model": {"name": "1.1.3 Summary of objections"},
            "editordata": {"model": {"properties": {"language": "English"}}},
        },
        {"model": {"name": "Summary"}, "editordata": {"model": {"properties": {"language": "English"}}}},
        {"model": {}, "editordata": {}},
    ]
    preview = preview_mappings(MAPPINGS / "process_number_expression.json", records, ("model", "editordata"))
    assert rows(preview.values, "resolved", "output", "via") == [
        ("1.1.3 Summary of objections", "1.1.3 - English", "mapping"),
        ("Summary", None, "unmatched"),
        (None, None, "ignored"),  # ignoreUnknownProperty: a missing name is no warning ...
    ]
    # ... but a name that exists and matches no mapping still is
    assert preview.warnings["message"].tolist() == [
        "no value mapping matches 'Summary'; nothing is written (add a catch-all regexMatch '.*')"
    ]


def test_unknown_property_warns_unless_ignored() -> None:
    mappings = {
        "inboundMappings": [
            {
                "leanixType": "factSheetField",
                "fields": [{"leanixFieldName": "description", "inboundPropertyPath": "${model.description}"}],
            }
        ]
    }
    preview = preview_mappings(mappings, [{"description": "text"}, {}])
    assert rows(preview.values, "output", "via") == [("text", "as is"), (None, "missing")]
    assert preview.warnings["message"].tolist() == [
        "inboundPropertyPath '${model.description}' resolved to nothing (unknown property)"
    ]
    mappings["inboundMappings"][0]["fields"][0]["ignoreUnknownProperty"] = True
    assert preview_mappings(mappings, [{}]).warnings.empty


def test_evaluation_errors_become_warnings() -> None:
    mappings = {
        "inboundMappings": [
            {
                "leanixType": "factSheetField",
                "fields": [
                    {"leanixFieldName": "a", "inboundPropertyPath": "${editordata.x}"},
                    {
                        "leanixFieldName": "b",
                        "inboundPropertyPath": "${model.n}",
                        "valueMappings": [
                            {"regexMatch": ".*", "outputExpression": "${input.substring(0, 99)}"}
                        ],
                    },
                ],
            }
        ]
    }
    preview = preview_mappings(mappings, [{"n": "short"}])
    assert rows(preview.values, "field", "via") == [("a", "error"), ("b", "error")]
    messages = preview.warnings["message"].tolist()
    assert messages[0].startswith("inboundPropertyPath could not be resolved: JUEL evaluation error")
    assert "unknown identifier 'editordata'" in messages[0]
    assert messages[1].startswith("outputExpression of valueMappings[0] failed: JUEL evaluation error")


def test_regex_match_is_a_full_match() -> None:
    mappings = {
        "inboundMappings": [
            {
                "leanixType": "factSheetField",
                "fields": [
                    {
                        "leanixFieldName": "f",
                        "inboundPropertyPath": "${model.v}",
                        "valueMappings": [
                            {"regexMatch": "Eng", "outputExpression": "prefix"},
                            {"regexMatch": "(?i)english", "outputExpression": "EN"},
                        ],
                    }
                ],
            }
        ]
    }
    preview = preview_mappings(mappings, [{"v": "English"}, {"v": "Eng"}])
    assert preview.values["output"].tolist() == ["EN", "prefix"]


def test_load_mappings_reports_every_problem() -> None:
    path = MAPPINGS / "unknown_key_regex_matches.json"
    with pytest.raises(InputError) as caught:
        load_mappings(path)
    assert [(i.line, i.column, i.path, i.message) for i in caught.value.issues] == [
        (
            4,
            21,
            "inboundMappings[0].leanixType",
            "'leanixType' is 'tags'; expected one of 'factSheetField', 'tag', 'subscription'; did you mean 'tag'?",
        ),
        (
            8,
            35,
            "inboundMappings[0].fields[0].inboundPropertyPath",
            "JUEL syntax error at column 1 of the expression: expression is not closed: missing '}'",
        ),
        (10, 13, "inboundMappings[0].fields[0].valueMappings[0]", "missing required key 'regexMatch'"),
        (
            10,
            47,
            "inboundMappings[0].fields[0].valueMappings[0].regexMatches",
            "unknown key 'regexMatches' in inboundMappings[0].fields[0].valueMappings[0]; did you mean 'regexMatch'?",
        ),
        (
            11,
            57,
            "inboundMappings[0].fields[0].valueMappings[1].regexMatch",
            "invalid regular expression '[a-': unclosed character class starting at index 0",
        ),
    ]
    assert str(caught.value).splitlines()[0] == f"{path}: 5 problems in this inbound mappings"


def test_field_names_per_leanix_type() -> None:
    with pytest.raises(InputError) as caught:
        load_mappings(MAPPINGS / "subscription_missing_role.json")
    assert [(i.path, i.message, i.hint) for i in caught.value.issues] == [
        (
            "inboundMappings[0].fields",
            "a 'subscription' mapping needs a field with leanixFieldName 'role'",
            'add {"leanixFieldName": "role", "inboundPropertyPath": "..."}',
        ),
        (
            "inboundMappings[0].fields[2].leanixFieldName",
            "'roles' is not a field of a 'subscription' mapping; expected one of 'comment', 'email', 'role', 'type'; "
            "did you mean 'role'?",
            "use 'role'",
        ),
    ]


def test_loaded_mappings_and_sources() -> None:
    mappings = load_mappings(MAPPINGS / "publish_status_tags.json")
    assert isinstance(mappings, InboundMappings)
    assert (
        repr(mappings) == f"InboundMappings('{MAPPINGS / 'publish_status_tags.json'}', 1 mappings, 2 fields)"
    )
    assert mappings.document.position("inboundMappings[0].fields[1].valueMappings[1].regexMatch") == (12, 65)
    same = load_mappings(json.loads((MAPPINGS / "publish_status_tags.json").read_text()))
    assert same.name == "<dict>"
    assert preview_mappings(same, []).values.empty
    with pytest.raises(InputError) as caught:
        load_mappings({"inboundMapping": []})
    assert [i.message for i in caught.value.issues] == [
        "unknown key 'inboundMapping' in the top level; did you mean 'inboundMappings'?",
        "missing required key 'inboundMappings'",
    ]


def test_lint_mappings_golden() -> None:
    findings = lint(mappings=MAPPINGS / "process_frequency_without_catch_all.json")
    assert [str(f).replace(str(MAPPINGS) + "/", "") for f in findings] == [
        "process_frequency_without_catch_all.json:14:28 warning LX030 inboundMappings[0].fields[1].valueMappings: "
        "valueMappings of 'name' (4 mappings) end without a catch-all: a value no regexMatch matches is logged as a "
        'warning in the sync log; fix: add {"outputExpression": "Other value", "regexMatch": ".*"} as the last '
        "mapping, or set a defaultValue"
    ]
    both = lint(
        Path(__file__).parent / "fixtures" / "lint" / "filter_type_plain_name.json",
        mappings=MAPPINGS / "process_number_expression.json",
    )
    assert both.rules == ["LX040", "LX030"]
