"""Property tests: whatever the template and the context, the engine answers or raises a JuelError."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.integration.juel import (
    Integration,
    JuelError,
    JuelEvaluationError,
    compile_template,
    evaluate,
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)

NAMES = ["data", "x", "name", "list", "variables", "integration", "content", "myVar", "valueOfForEach", "now"]
METHODS = [
    "toUpperCase",
    "trim",
    "split",
    "substring",
    "replaceAll",
    "replace",
    "matches",
    "charAt",
    "size",
    "get",
    "sum",
    "join",
    "contains",
    "keySet",
    "intValue",
    "hashCode",
    "toJson",
    "toObject",
    "plusDays",
    "indexOf",
    "equals",
    "compareTo",
    "repeat",
]
TOKENS = st.sampled_from(
    [
        *NAMES,
        *METHODS,
        "helper:toList",
        "helper:getFromMap",
        "helper:toActiveLifecyclePhase",
        "math:round",
        "math:pow",
        "helper:localDateTimeToString",
        ".",
        "[",
        "]",
        "(",
        ")",
        ",",
        "?",
        ":",
        "+",
        "-",
        "*",
        "/",
        "%",
        "div",
        "mod",
        "==",
        "!=",
        "<",
        ">=",
        "&&",
        "||",
        "!",
        "not",
        "empty",
        "and",
        "or",
        "eq",
        "true",
        "false",
        "null",
        "0",
        "1",
        "-1",
        "2.5",
        "1e309",
        "9223372036854775807",
        "'a,b'",
        "''",
        "'(x'",
        "'[a-z]+'",
        "'\\\\p{L}'",
        "'$1'",
        "'yy-MM-dd'",
        "'{\"k\": [1]}'",
        '"text"',
    ],
)

BODIES = st.lists(TOKENS, min_size=1, max_size=14).map(" ".join)

ATOMS = st.sampled_from(
    [
        "data",
        "x",
        "list",
        "variables.myVar",
        "integration.x",
        "integration.now",
        "(1)",
        "(-3)",
        "(2.5)",
        "(0)",
        "'a,b'",
        "'12'",
        "''",
        "null",
        "true",
        "'[a-z]'",
    ],
)
BINARY = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"])
FUNCTIONS = st.sampled_from(
    [
        ("helper:toList", 3),
        ("helper:getFromMap", 2),
        ("math:round", 1),
        ("math:max", 2),
        ("helper:toActiveLifecyclePhase", 2),
        ("helper:localDateTimeToString", 2),
        ("helper:addIfNotExisting", 2),
        ("integration.toJson", 1),
        ("integration.toObject", 1),
    ],
)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "!", "empty "]), inner).map("".join),
        st.tuples(inner, st.sampled_from(METHODS), st.lists(inner, max_size=2)).map(
            lambda t: f"{t[0]}.{t[1]}({', '.join(t[2])})",
        ),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(inner, st.sampled_from(["name", "k", "size", "now"])).map(lambda t: f"{t[0]}.{t[1]}"),
        FUNCTIONS.flatmap(
            lambda f: st.lists(inner, min_size=f[1], max_size=f[1]).map(lambda a: f"{f[0]}({', '.join(a)})"),
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
    )


WELL_FORMED = st.recursive(ATOMS, _grow, max_leaves=8)


def _contexts() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {
            "data": JSON,
            "x": JSON,
            "list": st.lists(JSON, max_size=4),
            "variables": st.dictionaries(st.sampled_from(NAMES), st.lists(JSON, max_size=4), max_size=3),
        },
    ).map(lambda c: {**c, "integration": Integration(now=datetime(2024, 2, 29, 12, 0), values={"x": c["x"]})})


def _assert_only_juel_errors(template: str, context: dict[str, object]) -> None:
    try:
        compiled = compile_template(template)
    except JuelError:
        return
    try:
        result = compiled.evaluate(context)
    except JuelEvaluationError as exc:
        assert not exc.internal, f"internal error for {template!r}: {exc}"
        assert str(exc)
        return
    if not compiled.is_expression:
        assert isinstance(result, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=60), context=_contexts())
def test_arbitrary_text_compiles_or_raises_juel_errors(text: str, context: dict[str, object]) -> None:
    _assert_only_juel_errors(text, context)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, context=_contexts(), prefix=st.sampled_from(["", "x ", "#"]))
def test_token_soup_expressions_raise_only_juel_errors(
    body: str, context: dict[str, object], prefix: str
) -> None:
    template = f"{prefix}${{{body}}}" if prefix != "#" else f"#{{{body}}}"
    _assert_only_juel_errors(template, context)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=WELL_FORMED, context=_contexts())
def test_well_formed_expressions_raise_only_evaluation_errors(body: str, context: dict[str, object]) -> None:
    template = compile_template("${" + body + "}")
    try:
        template.evaluate(context)
    except JuelEvaluationError as exc:
        assert not exc.internal, f"internal error for {body!r}: {exc}"


@settings(max_examples=200, deadline=None)
@given(body=BODIES, context=_contexts())
def test_evaluate_agrees_with_compiled_template(body: str, context: dict[str, object]) -> None:
    template = "${" + body + "}"
    try:
        expected = compile_template(template).evaluate(context)
    except JuelError as exc:
        try:
            evaluate(template, context)
        except JuelError as again:
            assert type(again) is type(exc)
        else:
            raise AssertionError("evaluate() succeeded where the compiled template failed") from None
        return
    result = evaluate(template, context)
    assert result == expected or (result != result and expected != expected)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="$#\\"), max_size=40))
def test_text_without_expressions_is_returned_unchanged(text: str) -> None:
    template = compile_template(text)
    assert template.is_literal
    assert template.evaluate({}) == text


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(min_value=1, max_value=400), opener=st.sampled_from(["(", "-", "!", "[", "a."]))
def test_deep_nesting_is_a_syntax_error_not_a_crash(depth: int, opener: str) -> None:
    if opener == "(":
        body = "(" * depth + "1" + ")" * depth
    elif opener == "[":
        body = "a" + "[0]" * depth
    elif opener == "a.":
        body = "a" + ".b" * depth
    elif opener == "-":
        body = "- " * depth + "1"
    else:
        body = opener * depth + "true"
    try:
        result = evaluate("${" + body + "}", {"a": {"b": None}})
    except JuelError:
        assert depth > 50
    else:
        assert result in (1, None, True, False, -1)
