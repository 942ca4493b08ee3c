"""Each lint rule: one fixture that triggers it (and nothing else), one that does not; exact golden findings."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kit.integration.inputs import load_config
from kit.integration.lint import RULES, Finding, lint, lint_command, lint_ldif
from kit.integration.lint.backtracking import catastrophic_reason

LINT = Path(__file__).parent / "fixtures" / "lint"
MAPPINGS = Path(__file__).parent / "fixtures" / "mappings"
INPUTS = Path(__file__).parent / "fixtures" / "inputs"

#: rule -> (fixture that triggers it, how many findings, fixture that does not)
CASES = {
    "LX001": ("identifier_missing.json", 1, "identifier_external.json"),
    "LX002": ("processor_type_misspelt.json", 1, "processor_type_known.json"),
    "LX003": ("unknown_key_filters.json", 1, "comment_keys_anywhere.json"),
    "LX010": ("regex_unbalanced.json", 1, "regex_java_features.json"),
    "LX011": ("juel_unclosed.json", 1, "juel_valid_helpers.json"),
    "LX012": ("regex_catastrophic.json", 5, "regex_safe_repetition.json"),
    "LX020": ("connector_version_not_semver.json", 1, "connector_version_semver.json"),
    "LX030": ("value_mapping_without_catch_all.json", 1, "value_mapping_with_catch_all.json"),
    "LX040": ("filter_type_plain_name.json", 1, "filter_type_pattern.json"),
    "LX041": ("foreach_without_filter.json", 1, "foreach_many_iterations_allowed.json"),
    "LX042": ("processor_name_operators.json", 1, "processor_name_plain.json"),
    "LX050": ("deletion_scope_unfiltered.json", 1, "deletion_scope_test_tag.json"),
    "LX051": ("deletion_scope_partial_mode.json", 1, "deletion_scope_full_mode.json"),
    "LX052": ("deletion_ratio_guard_off.json", 1, "deletion_ratio_guarded.json"),
    "LX060": ("variable_never_written.json", 1, "variable_root_default.json"),
    "LX061": ("variable_read_same_level.json", 2, "variable_read_next_level.json"),
    "LX070": ("relation_same_run_level.json", 1, "starter_example.json"),
    "LX080": ("credentials_api_token.json", 1, "credentials_technical_user.json"),
}
LDIF_CASES = {"LX004": ("ldif_unknown_header_key.json", 2, "ldif_minimal.json")}
MAPPING_CASES = {
    "LX030": ("process_frequency_without_catch_all.json", 1, "process_frequency_with_catch_all.json")
}


def test_every_rule_has_a_trigger_and_a_clean_case() -> None:
    assert set(CASES) | set(LDIF_CASES) | {"LX000"} == set(RULES)


def test_malformed_json_rule_via_the_command() -> None:
    out = io.StringIO()
    assert lint_command([str(INPUTS / "malformed_trailing_comma.json")], out=out) == 1
    assert out.getvalue().splitlines()[0].split()[1:3] == ["error", "LX000"]
    out = io.StringIO()
    assert lint_command([str(LINT / "starter_example.json")], out=out) == 0
    assert out.getvalue() == "no findings in 1 file\n"


@pytest.mark.parametrize(("rule", "fixture", "count"), [(r, c[0], c[1]) for r, c in CASES.items()])
def test_rule_triggers(rule: str, fixture: str, count: int) -> None:
    findings = lint(LINT / fixture)
    assert findings.rules == [rule] * count
    assert {f.severity for f in findings} == {RULES[rule].severity}


@pytest.mark.parametrize(("rule", "fixture"), [(r, c[2]) for r, c in CASES.items()])
def test_rule_stays_quiet(rule: str, fixture: str) -> None:
    assert lint(LINT / fixture) == []


@pytest.mark.parametrize(("rule", "fixture", "count", "clean"), [(r, *c) for r, c in LDIF_CASES.items()])
def test_ldif_rules(rule: str, fixture: str, count: int, clean: str) -> None:
    assert lint_ldif(LINT / fixture).rules == [rule] * count
    assert lint_ldif(LINT / clean) == []


@pytest.mark.parametrize(("rule", "fixture", "count", "clean"), [(r, *c) for r, c in MAPPING_CASES.items()])
def test_mapping_rules(rule: str, fixture: str, count: int, clean: str) -> None:
    assert lint(mappings=MAPPINGS / fixture).rules == [rule] * count
    assert lint(mappings=MAPPINGS / clean) == []


def test_documented_starter_example_lints_clean() -> None:
    """Reference §6.10, the vendor's own minimal inbound configuration: no findings at all."""
    assert lint(LINT / "starter_example.json") == []
    assert lint(load_config(LINT / "starter_example.json")) == []


def golden(fixture: str) -> list[str]:
    return [str(f).replace(str(LINT) + "/", "") for f in lint(LINT / fixture)]


def test_golden_regex_finding() -> None:
    assert golden("regex_unbalanced.json") == [
        "regex_unbalanced.json:38:29 error LX010 processors[0].updates[1].values[0].regexMatch: invalid regular "
        "expression '(hr|fin': missing ), unterminated subpattern at position 0; fix: correct the pattern (Java regex "
        'syntax; in JSON a backslash is written \\\\, e.g. "\\\\d+")'
    ]


def test_golden_juel_finding_points_into_the_string() -> None:
    [finding] = lint(LINT / "juel_unclosed.json")
    line = (LINT / "juel_unclosed.json").read_text().splitlines()[finding.line - 1]
    assert line[finding.column - 1 :].startswith("${data.version")
    assert golden("juel_unclosed.json") == [
        "juel_unclosed.json:27:32 error LX011 processors[0].updates[0].values[0].expr: JUEL syntax error at column 9 "
        "of the expression: expression is not closed: missing '}'; fix: correct the expression near "
        "'Version ${data.versi' (JUEL: ${...} with Java-like syntax)"
    ]


def test_golden_backtracking_findings_name_every_kind_of_place() -> None:
    findings = lint(LINT / "regex_catastrophic.json")
    assert [(f.path, f.line, f.column) for f in findings] == [
        ("processors[0].filter.id", 9, 15),
        ("processors[0].identifier.external.id.regexReplace.match", 16, 24),
        ("processors[0].read.documents.filter", 27, 21),
        ("processors[0].updates[0].values[0].regexMatch", 38, 29),
        ("processors[0].updates[1].values[0].expr", 48, 44),
    ]
    line = (LINT / "regex_catastrophic.json").read_text().splitlines()[47]
    assert line[43:].startswith("'(.*a){20}')")  # the JUEL finding points at the literal in the string
    assert findings[0].message == (
        "regular expression '(a+)+$' can backtrack catastrophically: '(a+)+' at index 0 repeats a group that "
        "itself holds a repetition ('a+')"
    )
    assert findings[1].message == (
        "regular expression '(a|aa)+' can backtrack catastrophically: '(a|aa)+' at index 0 repeats alternatives "
        "that match the same text in several ways ('a' and 'aa')"
    )
    assert findings[0].hint.startswith("remove the nesting ((a+)+ -> a+")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a+)+", "'(a+)+' at index 0 repeats a group that itself holds a repetition ('a+')"),
        ("(a*)*", "'(a*)*' at index 0 repeats a group that itself holds a repetition ('a*')"),
        (
            "(\\w+\\s?)+$",
            "'(\\\\w+\\\\s?)+' at index 0 repeats a group that itself holds a repetition ('\\\\w+')",
        ),
        ("x([a-z]+)*y", "'([a-z]+)*' at index 1 repeats a group that itself holds a repetition ('[a-z]+')"),
        ("((ab)+)+", "'((ab)+)+' at index 0 repeats a group that itself holds a repetition ('(ab)+')"),
        ("(.*a){11}", "'(.*a){11}' at index 0 repeats a group that itself holds a repetition ('.*')"),
        (
            "(?<n>a{2,})*",
            "'(?<n>a{2,})*' at index 0 repeats a group that itself holds a repetition ('a{2,}')",
        ),
        (
            "(a|aa)+",
            "'(a|aa)+' at index 0 repeats alternatives that match the same text in several ways ('a' and 'aa')",
        ),
        (
            "(a|a?)+",
            "'(a|a?)+' at index 0 repeats alternatives that match the same text in several ways ('a' and 'a?')",
        ),
        (
            "(ab|abab)*",
            "'(ab|abab)*' at index 0 repeats alternatives that match the same text in several ways "
            "('ab' and 'abab')",
        ),
        ("(?=(a+)+)b", "'(a+)+' at index 3 repeats a group that itself holds a repetition ('a+')"),
    ],
)
def test_catastrophic_patterns_are_explained(pattern: str, reason: str) -> None:
    assert catastrophic_reason(pattern) == reason


@pytest.mark.parametrize(
    "pattern",
    [
        "(a++)+",  # possessive inside: no backtracking into it
        "(a+)++",  # possessive outside
        "(?>a+)+",  # atomic group
        "^((?!test).)*$",  # the documented negation idiom
        "(\\d+\\.){3}\\d+",  # a few repetitions only
        "(.*a){10}",
        "(cat|dog)+",  # alternatives that cannot match the same text
        "(ab|ac)+",
        "(a|ab)+",
        "(https?://)+",  # the inner repetition is bounded
        "[(]a+[)]+",  # brackets in a class are not groups
        "\\(a+\\)+",
        "(\\Qa+\\E)+",
        "(a+",  # invalid: LX010's finding, not this rule's
    ],
)
def test_harmless_patterns_are_not_flagged(pattern: str) -> None:
    assert catastrophic_reason(pattern) is None


def test_backtracking_rule_reads_signavio_value_mappings() -> None:
    mappings = {
        "inboundMappings": [
            {
                "leanixType": "tag",
                "fields": [
                    {
                        "leanixFieldName": "name",
                        "inboundPropertyPath": "Process Frequency",
                        "valueMappings": [
                            {"outputExpression": "High", "regexMatch": "(hi|hig|high)+"},
                            {"outputExpression": "Low", "regexMatch": "(lo+)+w"},
                            {"outputExpression": "Other value", "regexMatch": ".*"},
                        ],
                    }
                ],
            }
        ]
    }
    findings = lint(mappings=mappings)
    assert findings.rules == ["LX012"]
    assert findings[0].path == "inboundMappings[0].fields[0].valueMappings[1].regexMatch"


def test_golden_deletion_findings() -> None:
    assert golden("deletion_scope_unfiltered.json") == [
        "deletion_scope_unfiltered.json:10:18 warning LX050 deletionScope.factSheets[0].scope: "
        "deletionScope.factSheets[0] has no narrowing filter: it selects every fact sheet of type Project, and a full "
        "run deletes whatever the LDIF did not touch; fix: add a test tag facet such as "
        '{"facetKey": "${integration.tags.getTagGroupId(\'Testing\')}", "operator": "OR", '
        "\"keys\": [\"${integration.tags.getTagId('Testing','TEST_PRJ')}\"]} (or ids, externalIds, owner, advanced)"
    ]
    assert golden("deletion_scope_partial_mode.json") == [
        "deletion_scope_partial_mode.json:7:3 warning LX051 deletionScope: deletionScope is ignored: processingMode "
        'is \'partial\'; fix: set "processingMode": "full" (configuration and LDIF) or remove the deletionScope'
    ]
    assert golden("deletion_ratio_guard_off.json") == [
        "deletion_ratio_guard_off.json:9:21 warning LX052 deletionScope.maximumDeletionRatio.factSheets: "
        "maximumDeletionRatio.factSheets is 101: the deletion guard is off for factSheets (even 100% of the scope may "
        "be deleted); fix: use a limit below 100 (e.g. 30) and raise it only for a deliberate clean-up run"
    ]


def test_golden_variable_findings() -> None:
    assert golden("variable_read_same_level.json") == [
        "variable_read_same_level.json:44:23 error LX061 processors[1].updates[0].values[0].expr: "
        "variables['cost_HR Service'] is read at run level 0 but written at run level 0 by 'Collect costs' "
        '(processors[0]); it becomes readable only from level 1; fix: set "run": 1 (or higher) on the reading '
        "processor",
        "variable_read_same_level.json:44:23 error LX061 processors[1].updates[0].values[0].expr: "
        "variables.apps is read at run level 0 but written at run level 0 by 'Collect costs' (processors[0]); "
        'it becomes readable only from level 1; fix: set "run": 1 (or higher) on the reading processor',
    ]
    assert golden("variable_never_written.json") == [
        "variable_never_written.json:44:23 warning LX060 processors[1].updates[0].values[0].expr: "
        "variables.totalCost is read here but no processor writes it and it has no root default; fix: write it in "
        'a processor\'s "variables" at a lower run level, add a default in the root "variables", or correct the name'
    ]


def test_golden_run_level_findings() -> None:
    assert golden("relation_same_run_level.json") == [
        "relation_same_run_level.json:90:14 warning LX070 processors[2].run: 'Rel from Apps to ITComponent' "
        "(processors[2]) runs at level 0, but the Application fact sheets its 'from' identifier points to are "
        "created by 'Apps from Deployments' (processors[0]) at level 0: it may be processed before they exist; "
        "fix: set \"run\": 1 on 'Rel from Apps to ITComponent' (processors[2])"
    ]
    assert lint(LINT / "tag_same_run_level.json").rules == ["LX070"]


def test_golden_simple_findings() -> None:
    assert golden("connector_version_not_semver.json") == [
        "connector_version_not_semver.json:4:23 warning LX020 connectorVersion: connectorVersion 'v1.2' is not "
        "number.number.number; fix: use '1.2.0'"
    ]
    assert golden("filter_type_plain_name.json") == [
        "filter_type_plain_name.json:8:17 warning LX040 processors[0].filter.type: filter.type 'Application' matches "
        'every content type that starts with it (also \'ApplicationX\'); fix: use "exactType": "Application"'
    ]
    assert golden("processor_name_operators.json") == [
        "processor_name_operators.json:5:24 warning LX042 processors[0].processorName: processorName "
        "'Apps+ITComponents => LeanIX' contains operator characters + > =; fix: rename the processor without + * > = "
        "(e.g. 'Apps and ITComponents' instead of 'Apps+ITComponents')"
    ]
    assert golden("value_mapping_without_catch_all.json") == [
        "value_mapping_without_catch_all.json:25:21 warning LX030 processors[0].updates[0].values: the value mapping "
        "of 'category' (2 regexMatch alternatives) has no catch-all: input matching none of them gets no value and "
        'the run logs a \'no value\' warning; fix: add a last value {"expr": "${data.category}", "regexMatch": '
        '".*", "regexReplace": {"match": "^.*$", "replace": "Other"}}, or set "optional": true'
    ]


def test_inline_token_is_never_shown() -> None:
    findings = lint(LINT / "credentials_api_token.json")
    assert findings == [
        Finding(
            "LX080",
            "error",
            "credentials.apiToken",
            3,
            5,
            "credentials.apiToken holds an API token in the configuration file (value not shown)",
            'remove the token (and revoke it) and use "credentials": {"useTechnicalUser": true} or '
            '{"technicalUserId": "..."}',
            str(LINT / "credentials_api_token.json"),
        )
    ]
    token = json.loads((LINT / "credentials_api_token.json").read_text())["credentials"]["apiToken"]
    assert token not in str(findings)
    assert token not in findings.frame().to_string()
    assert token not in findings._repr_html_()


@pytest.mark.parametrize(
    ("values", "optional", "expected"),
    [
        (
            [{"expr": "${data.c}", "regexMatch": "a"}, {"expr": "${data.c}", "regexMatch": "b"}],
            False,
            ["LX030"],
        ),
        ([{"expr": "${data.c}", "regexMatch": "a"}, {"expr": "${data.c}", "regexMatch": "b"}], True, []),
        ([{"expr": "${data.c}", "regexMatch": "a"}, {"expr": "${data.c}", "regexMatch": "^.*$"}], False, []),
        ([{"expr": "${data.c}", "regexMatch": "a"}, {"expr": "${data.c}", "regexMatch": "(.*)"}], False, []),
        (
            [{"expr": "${data.c}", "regexMatch": "a"}, {"expr": "${data.c}", "regexMatch": ".+"}],
            False,
            ["LX030"],
        ),
        (
            [
                {"expr": "${data.c}", "regexMatch": "a"},
                {"expr": "${data.c}", "regexMatch": "b"},
                {"expr": "Other"},
            ],
            False,
            [],
        ),
        ([{"expr": "${data.c}", "regexMatch": "a"}], False, []),  # one condition is not a value mapping
    ],
)
def test_catch_all_variants(values: list, optional: bool, expected: list) -> None:
    config = json.loads((LINT / "identifier_external.json").read_text())
    config["processors"][0]["updates"] = [
        {"key": {"expr": "category"}, "values": values, "optional": optional}
    ]
    assert lint(config).rules == expected


@pytest.mark.parametrize(
    ("scope", "entry", "expected"),
    [
        (None, {}, ["LX050"]),
        ({}, {}, ["LX050"]),
        ({"ids": ["x"]}, {}, []),
        ({"externalIds": ["${'externalId/'.concat(header.customFields.id)}"]}, {}, []),
        (
            {"facetFilters": [{"facetKey": "FactSheetTypes", "keys": ["Project"]}]},
            {"advanced": "${true}"},
            [],
        ),
        (
            {"facetFilters": [{"facetKey": "FactSheetTypes", "keys": ["Project"]}]},
            {"owner": {"fieldName": "alias", "ownerId": "me"}},
            [],
        ),
    ],
)
def test_deletion_scope_narrowing(scope: dict | None, entry: dict, expected: list) -> None:
    config = json.loads((LINT / "deletion_scope_test_tag.json").read_text())
    config["deletionScope"]["factSheets"] = [{**({"scope": scope} if scope is not None else {}), **entry}]
    assert lint(config).rules == expected


def test_deletion_scope_other_kinds_need_a_selector_or_scope() -> None:
    config = json.loads((LINT / "deletion_scope_test_tag.json").read_text())
    config["deletionScope"]["relations"] = [
        {"relationTypes": ["relProjectToITComponent"], "scope": {"facetFilters": [], "ids": []}},
        {"scope": {"facetFilters": [], "ids": []}},
        {"scope": {"ids": []}, "advanced": "${lx.relation.description.contains('from hr service')}"},
    ]
    findings = lint(config)
    assert [(f.rule, f.path) for f in findings] == [("LX050", "deletionScope.relations[1].scope")]
    assert "it selects the relations of every fact sheet of the workspace" in findings[0].message


def test_variables_dynamic_names_and_defaults() -> None:
    config = json.loads((LINT / "variable_read_next_level.json").read_text())
    reader = config["processors"][1]
    reader["updates"][0]["values"] = [
        {
            "expr": "${variables[integration.valueOfForEach.concat('_cost')].sum()}"
        },  # computed name: not checked
        {"expr": "${helper:getFromMap(variables, 'cost_x').sum()} ${variables.get('apps').count()}"},
        {"expr": "${integration.variables.valueOfForEach}"},  # not a read of variables
    ]
    assert lint(config) == []
    reader["updates"][0]["values"] = [{"expr": "${helper:getFromMap(variables, 'nope')}"}]
    assert lint(config).rules == ["LX060"]


def test_variables_read_in_deletion_scope_see_every_level() -> None:
    config = json.loads((LINT / "variable_read_next_level.json").read_text())
    config.update(
        processingMode="full",
        deletionScope={
            "relations": [
                {
                    "relationTypes": ["relToParent"],
                    "advanced": "${variables.apps.contains(lx.factsheet.name)}",
                }
            ]
        },
    )
    assert lint(config) == []


def test_disabled_writer_does_not_count() -> None:
    config = json.loads((LINT / "variable_read_next_level.json").read_text())
    config["processors"][0]["enabled"] = False
    assert lint(config).rules == ["LX060", "LX060"]
