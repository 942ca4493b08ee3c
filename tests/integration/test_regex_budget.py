"""User-supplied regular expressions run within a time budget (issue 6): JUEL string methods, processor
``regexMatch``/``regexReplace``, filters, a sandbox test run.

``(a|aa)+$`` on forty ``a`` and a ``b`` tries about 10^8 ways to split the ``a`` before failing: it never
returned with ``re`` (which cannot be interrupted), so every test here hung on the previous code. The budget is
lowered to 0.2 s so the suite stays quick; assertions are on messages and values, never on time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import kit
from kit.config import ConfigError
from kit.integration.juel import (
    JuelEvaluationError,
    RegexTimeout,
    compile_java_regex,
    evaluate,
    java_matches,
    regex_budget,
    set_regex_budget,
)
from tests.builders import Inputs, fact_sheets, item, update

pytestmark = pytest.mark.timeout(120)  # a hang (the old behaviour) fails instead of stalling the suite

EVIL = "(a|aa)+$"
ALMOST = "a" * 40 + "b"
INPUTS = Inputs("regex-budget", "regex-budget")


@pytest.fixture(autouse=True)
def small_budget() -> Iterator[None]:
    """0.2 s per operation, and fresh compiled patterns (their overrun memory starts empty)."""
    compile_java_regex.cache_clear()
    set_regex_budget(0.2)
    yield
    set_regex_budget(None)
    compile_java_regex.cache_clear()


# -- JUEL --------------------------------------------------------------------------------------------------


def test_the_issue_pattern_now_answers() -> None:
    """``(a+)+$`` from the issue: the regex engine fails it at once, as Java's String.matches says false."""
    assert evaluate("${data.x.matches('(a+)+$')}", {"data": {"x": ALMOST}}) is False
    assert evaluate("${data.x.matches('(a+)+$')}", {"data": {"x": "aaaa"}}) is True


def test_a_catastrophic_match_is_a_juel_error_naming_pattern_and_place() -> None:
    with pytest.raises(RegexTimeout) as caught:
        evaluate("${data.x.matches('(a|aa)+$')}", {"data": {"x": ALMOST}})
    message = str(caught.value)
    assert message.startswith(
        "JUEL evaluation error at line 1, column 10: regular expression '(a|aa)+$' ran "
    )
    assert "past its time budget of 0.2 s on a text of 41 characters" in message
    assert "LXKIT_REGEX_TIMEOUT" in message
    assert message.endswith("in ${data.x.matches('(a|aa)+$')}")
    assert isinstance(caught.value, JuelEvaluationError)


@pytest.mark.parametrize(
    "expression",
    [
        "${data.x.replaceAll('(a|aa)+$', 'z')}",
        "${data.x.replaceFirst('(a|aa)+$', 'z')}",
        "${data.x.split('(a|aa)+$')}",
    ],
)
def test_every_regex_method_is_budgeted(expression: str) -> None:
    with pytest.raises(RegexTimeout, match=r"regular expression '\(a\|aa\)\+\$' ran past its time budget"):
        evaluate(expression, {"data": {"x": ALMOST}})


def test_the_same_pattern_still_works_on_harmless_text() -> None:
    assert evaluate("${data.x.replaceAll('(a|aa)+$', 'z')}", {"data": {"x": "baaa"}}) == "bz"
    assert evaluate("${data.x.split('(a|aa)+')}", {"data": {"x": "xaayaz"}}) == ["x", "y", "z"]


def test_a_pattern_that_overran_three_times_is_not_run_again_under_the_same_budget() -> None:
    for n in (40, 41, 42):
        with pytest.raises(RegexTimeout) as caught:
            java_matches("a" * n + "b", EVIL)
        assert caught.value.struck is False
    with pytest.raises(RegexTimeout) as caught:
        java_matches("aa", EVIL)  # harmless text, but the pattern is known to be catastrophic
    assert caught.value.struck is True
    assert "it overran 3 times, so it is no longer run until it is fixed or the budget changes" in str(
        caught.value
    )
    set_regex_budget(0.3)  # a new budget: the pattern gets another chance
    assert java_matches("aa", EVIL) is True


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LXKIT_REGEX_TIMEOUT", "0.25")
    set_regex_budget(None)
    assert regex_budget() == 0.25
    monkeypatch.delenv("LXKIT_REGEX_TIMEOUT")
    set_regex_budget(None)
    assert regex_budget() == 1.0


@pytest.mark.parametrize("text", ["soon", "0", "-1", "nan", "inf"])
def test_a_bad_budget_setting_is_a_config_error(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("LXKIT_REGEX_TIMEOUT", text)
    set_regex_budget(None)
    with pytest.raises(ConfigError) as caught:
        regex_budget()
    assert str(caught.value).startswith(f"LXKIT_REGEX_TIMEOUT={text!r} is not a positive number of seconds")
    monkeypatch.delenv("LXKIT_REGEX_TIMEOUT")
    set_regex_budget(None)


# -- processor configurations --------------------------------------------------------------------------------


def config(updates: list[dict[str, Any]], flt: dict[str, Any] | None = None) -> dict[str, Any]:
    apps = fact_sheets(
        "Application", update("name", "${data.name}"), *updates, filter=flt or {"exactType": "App"}
    )
    return INPUTS.config(apps)


def ldif(codes: dict[str, str]) -> dict[str, Any]:
    return INPUTS.ldif(
        *(item(item_id, "App", name=f"Budget {item_id}", code=code) for item_id, code in codes.items())
    )


CODES = {"rb-1": "aaa", "rb-2": ALMOST, "rb-3": "xaa"}


def descriptions(p: Any) -> dict[str, Any]:
    frame = p.changes
    rows = frame[frame["key"] == "description"]
    return dict(zip(rows["content_id"], rows["after"], strict=True))


def test_regex_replace_over_budget_is_a_warning_with_its_json_path_and_the_run_goes_on() -> None:
    updates = [
        {
            "key": {"expr": "description"},
            "values": [{"expr": "${data.code}", "regexReplace": {"match": EVIL, "replace": "X"}}],
        }
    ]
    p = kit.preview(config(updates), ldif(CODES))
    warnings = p.warnings[["content", "category", "message"]].values.tolist()
    assert warnings == [
        [
            "rb-2",
            "JUEL_EVALUATION",
            "Regular expression failed for key 'description': processors[0].updates[1].values[0].regexReplace.match: "
            "regular expression '(a|aa)+$' ran past its time budget of 0.2 s on a text of 41 characters "
            "(catastrophic backtracking: nested quantifiers such as (a+)+ or (a|aa)+ retry exponentially many "
            "ways); rewrite it without nested or overlapping repetition (e.g. a possessive a++ or an atomic "
            "group (?>...)), or raise LXKIT_REGEX_TIMEOUT",
        ]
    ]
    assert descriptions(p) == {"rb-1": "X", "rb-3": "xX"}


def test_regex_match_over_budget_names_its_json_path() -> None:
    updates = [
        {
            "key": {"expr": "description"},
            "values": [{"expr": "${data.code}", "regexMatch": EVIL}, {"expr": "no match"}],
        }
    ]
    p = kit.preview(config(updates), ldif(CODES))
    [message] = p.warnings["message"].tolist()
    assert message.startswith(
        "Regular expression failed for key 'description': processors[0].updates[1].values[0].regexMatch: "
        "regular expression '(a|aa)+$' ran past its time budget"
    )
    assert descriptions(p) == {"rb-1": "aaa", "rb-2": "no match", "rb-3": "no match"}  # matches: whole text


def test_juel_matches_over_budget_names_the_expression_path() -> None:
    updates = [
        {
            "key": {"expr": "description"},
            "values": [{"expr": "${data.code.matches('(a|aa)+$') ? 'as' : 'other'}"}],
        }
    ]
    p = kit.preview(config(updates), ldif(CODES))
    [message] = p.warnings["message"].tolist()
    assert message.startswith(
        "Expression failed for key 'description': processors[0].updates[1].values[0].expr: regular expression "
        "'(a|aa)+$' ran past its time budget"
    )
    assert descriptions(p) == {"rb-1": "as", "rb-3": "other"}


def test_a_filter_id_over_budget_skips_that_item_with_a_warning() -> None:
    p = kit.preview(
        config([], {"exactType": "App", "id": "rb-(a|aa)+$"}), ldif({"rb-a": "", "rb-" + ALMOST: ""})
    )
    warnings = p.warnings[["content", "message"]].values.tolist()
    assert len(warnings) == 1 and warnings[0][0] == "rb-" + ALMOST
    assert warnings[0][1].startswith(
        "The filter failed, the item is skipped: processors[0].filter.id: regular expression 'rb-(a|aa)+$' ran "
        "past its time budget"
    )
    names = p.changes[p.changes["key"] == "name"]["after"].tolist()
    assert names == ["Budget rb-a"]


def test_a_key_regex_replace_over_budget_names_the_key_path() -> None:
    updates = [
        {
            "key": {"expr": "${data.code}", "regexReplace": {"match": EVIL, "replace": "description"}},
            "values": [{"expr": "from the key"}],
        }
    ]
    p = kit.preview(config(updates), ldif(CODES))
    [message] = p.warnings["message"].tolist()
    assert message.startswith(
        "Regular expression failed: processors[0].updates[1].key.regexReplace.match: regular expression "
        "'(a|aa)+$' ran past its time budget"
    )
    keys = p.changes[p.changes["key"] != "name"][["content_id", "key"]].values.tolist()
    assert keys == [["rb-1", "description"], ["rb-3", "xdescription"]]  # rb-2's key could not be made


# -- the sandbox ---------------------------------------------------------------------------------------------


def test_a_sandbox_test_run_with_a_catastrophic_pattern_finishes_and_releases_the_store(ws) -> None:
    """The sandbox evaluates the run (no local prediction) under its store lock; the run finishes with the
    warning, and the sandbox answers GraphQL (which takes the same lock) and runs the next configuration."""
    updates = [
        {
            "key": {"expr": "description"},
            "values": [{"expr": "${data.code}", "regexReplace": {"match": EVIL, "replace": "X"}}],
        }
    ]
    result = ws.run(config(updates), ldif(CODES), predict=False, timeout=90)
    assert result.status == "FINISHED"
    warned = result.warnings[["processorIndex", "content", "status"]].values.tolist()
    assert warned == [[0, "rb-2", "ERROR"]]
    [message] = result.warnings["message"].tolist()
    assert "processors[0].updates[1].values[0].regexReplace.match: regular expression '(a|aa)+$'" in message
    apps = ws.factsheets("Application", filter={"fullTextSearch": "Budget rb-"})
    assert len(apps) == 0  # answered (the lock is free), and a test run persisted nothing
    harmless = ws.run(config([]), ldif({"rb-4": "a"}), predict=False, timeout=90)
    assert harmless.status == "FINISHED" and len(harmless.warnings) == 0
