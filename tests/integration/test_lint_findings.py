"""The Findings type, the lint command, and linting never raising for a bad configuration."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kit.integration.inputs import InputError
from kit.integration.lint import Finding, Findings, lint, lint_command

LINT = Path(__file__).parent / "fixtures" / "lint"
MAPPINGS = Path(__file__).parent / "fixtures" / "mappings"
INPUTS = Path(__file__).parent / "fixtures" / "inputs"

E = Finding(
    "LX010", "error", "processors[0].filter.id", 3, 5, "invalid regular expression '[a'", "fix <it>", "c.json"
)
W = Finding(
    "LX040", "warning", "processors[0].filter.type", 4, 7, "filter.type 'A' matches 'AX'", None, "c.json"
)
N = Finding("LX000", "info", "", None, None, "note & more", None, "<dict>")


def test_findings_views_and_text() -> None:
    findings = Findings([E, W, N])
    assert findings.errors == [E]
    assert findings.warnings == [W]
    assert findings.infos == [N]
    assert isinstance(findings.errors, Findings)
    assert findings.rules == ["LX010", "LX040", "LX000"]
    assert findings.summary() == "1 error, 1 warning, 1 info"
    assert Findings().summary() == "no findings"
    assert str(findings) == (
        "c.json:3:5 error LX010 processors[0].filter.id: invalid regular expression '[a'; fix: fix <it>\n"
        "c.json:4:7 warning LX040 processors[0].filter.type: filter.type 'A' matches 'AX'\n"
        "<dict> info LX000 <root>: note & more"
    )


def test_findings_frame() -> None:
    frame = Findings([E, N]).frame()
    assert list(frame.columns) == ["rule", "severity", "path", "line", "column", "message", "hint"]
    assert frame["rule"].tolist() == ["LX010", "LX000"]
    assert str(frame["line"].dtype) == "Int64"
    assert frame["line"].tolist()[0] == 3
    assert frame["line"].isna().tolist() == [False, True]
    assert Findings().frame().empty


def test_findings_html_escapes() -> None:
    rendered = Findings([E, N])._repr_html_()
    assert "fix &lt;it&gt;" in rendered
    assert "note &amp; more" in rendered
    assert "<b>Lint</b>: 1 error, 1 info" in rendered
    assert rendered.count("<tr>") == 3
    assert Findings()._repr_html_() == "<p><b>Lint</b>: no findings</p>"


def test_lint_command_text(tmp_path: Path) -> None:
    out = io.StringIO()
    code = lint_command(
        [str(LINT / "starter_example.json"), str(LINT / "filter_type_plain_name.json")], out=out
    )
    assert code == 0
    assert out.getvalue() == (
        f"{LINT / 'filter_type_plain_name.json'}:8:17 warning LX040 processors[0].filter.type: filter.type "
        "'Application' matches every content type that starts with it (also 'ApplicationX'); "
        'fix: use "exactType": "Application"\n'
        "1 warning in 2 files\n"
    )


def test_lint_command_errors_and_kinds() -> None:
    out = io.StringIO()
    paths = [
        str(LINT / "regex_unbalanced.json"),  # configuration
        str(MAPPINGS / "process_frequency_without_catch_all.json"),  # detected as inbound mappings
        str(LINT / "ldif_unknown_header_key.json"),  # detected as an LDIF
        str(INPUTS / "malformed_trailing_comma.json"),
    ]
    assert lint_command(paths, out=out) == 1
    lines = out.getvalue().splitlines()
    assert [line.split()[1:3] for line in lines[:-1]] == [
        ["error", "LX010"],
        ["warning", "LX030"],
        ["warning", "LX004"],
        ["warning", "LX004"],
        ["error", "LX000"],
    ]
    assert lines[-2] == (
        f"{INPUTS / 'malformed_trailing_comma.json'}:6:5 error LX000 <root>: malformed JSON: Expecting property name "
        "enclosed in double quotes; fix: put keys in double quotes and remove a trailing comma before '}'"
    )
    assert lines[-1] == "2 errors, 3 warnings in 4 files"


def test_lint_command_json(tmp_path: Path) -> None:
    out = io.StringIO()
    assert (
        lint_command([str(LINT / "credentials_api_token.json"), str(tmp_path / "missing.json")], "json", out)
        == 1
    )
    assert json.loads(out.getvalue()) == [
        {
            "rule": "LX080",
            "severity": "error",
            "path": "credentials.apiToken",
            "line": 3,
            "column": 5,
            "message": "credentials.apiToken holds an API token in the configuration file (value not shown)",
            "hint": 'remove the token (and revoke it) and use "credentials": {"useTechnicalUser": true} or '
            '{"technicalUserId": "..."}',
            "file": str(LINT / "credentials_api_token.json"),
        },
        {
            "rule": "LX000",
            "severity": "error",
            "path": "",
            "line": None,
            "column": None,
            "message": "file not found",
            "hint": f"check the path (relative to {Path.cwd()})",
            "file": str(tmp_path / "missing.json"),
        },
    ]
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        lint_command([], "xml", io.StringIO())


def test_lint_command_clean_exit_code() -> None:
    out = io.StringIO()
    assert lint_command([str(LINT / "deletion_scope_test_tag.json")], out=out) == 0
    assert out.getvalue() == "no findings in 1 file\n"


def test_malformed_json_raises_from_lint() -> None:
    with pytest.raises(InputError):
        lint(INPUTS / "malformed_trailing_comma.json")


@pytest.mark.parametrize(
    "config",
    [
        [],
        "[1, 2]",
        {"processors": "all"},
        {"processors": [None, 1, "x", [], {"processorType": None}]},
        {"processors": [{"processorType": "inboundRelation", "type": 5, "from": [], "to": {"external": []}}]},
        {"deletionScope": [], "credentials": "token", "variables": [], "connectorVersion": 1},
        {
            "deletionScope": {"factSheets": [None, {"scope": []}], "maximumDeletionRatio": {"tags": "all"}},
            "processingMode": 3,
            "processors": [],
        },
        {
            "processors": [
                {
                    "processorType": "variableProcessor",
                    "variables": [{"key": "${", "value": "${x"}],
                    "forEach": 5,
                    "filter": "x",
                }
            ]
        },
        {
            "processors": [
                {
                    "processorType": "inboundFactSheet",
                    "updates": [{"values": [None, {"regexMatch": 5}]}],
                    "identifier": {"external": {"type": {"expr": 5}}},
                }
            ]
        },
    ],
)
def test_lint_never_raises_for_a_bad_configuration(config: Any) -> None:
    findings = lint(config if not isinstance(config, list) else json.dumps(config))
    assert findings.errors  # every one of these is broken
    assert all(f.severity != "info" for f in findings), str(findings)  # no rule crashed


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 200)
    | st.sampled_from(["", ".*", "${", "${data.x}", "(a", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "processors",
                    "processorType",
                    "run",
                    "values",
                    "regexMatch",
                    "filter",
                    "type",
                    "forEach",
                    "updates",
                    "deletionScope",
                    "factSheets",
                    "scope",
                    "identifier",
                    "external",
                    "key",
                    "expr",
                    "variables",
                    "value",
                    "credentials",
                    "apiToken",
                    "maximumDeletionRatio",
                    "from",
                    "to",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_json)
@example(data={"processors": [{"processorType": []}]})  # found by hypothesis: an unhashable type name
def test_lint_survives_arbitrary_json(data: Any) -> None:
    findings = lint(json.dumps(data))
    assert all(f.severity != "info" for f in findings), str(findings)


@settings(max_examples=100, deadline=None)
@given(
    path=st.lists(
        st.sampled_from(["processors", 0, 1, 2, "updates", "values", "filter", "identifier", "run"]),
        min_size=1,
        max_size=4,
    ),
    value=st.none() | st.integers(-2, 3) | st.text(max_size=5) | st.lists(st.integers(), max_size=2),
)
def test_lint_survives_mutated_starter(path: list, value: Any) -> None:
    config = json.loads((LINT / "starter_example.json").read_text())
    target: Any = config
    for step in path[:-1]:
        try:
            target = target[step]
        except (KeyError, IndexError, TypeError):
            return
    mutated = copy.deepcopy(config)
    try:
        holder: Any = mutated
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        return
    findings = lint(mutated)
    assert all(f.severity != "info" for f in findings), str(findings)
