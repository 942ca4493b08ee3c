"""Bad JUEL and bad regular expressions: every one is a JuelError (or an InputError for a configuration file)
naming the expression or pattern and, for syntax errors, the column; catastrophic patterns end within the regex
time budget. Cases are generated from a few valid expressions and lists of bad patterns, mutated in loops.

Expected columns are worked out from how each mutation is built (the offset where the bad token is put, plus
one), never read back from the kit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import kit
from kit.integration.inputs import InputError
from kit.integration.juel import (
    FUNCTIONS,
    JuelError,
    JuelEvaluationError,
    JuelSyntaxError,
    RegexTimeout,
    compile_java_regex,
    evaluate,
    java_matches,
    set_regex_budget,
)
from tests.builders import Inputs, item
from tests.robustness.outcomes import Case, check, params

BUDGET = 0.05
DATA = {"x": "s", "n": 2, "list": ["a", "b"]}


@pytest.fixture(autouse=True, scope="module")
def small_budget() -> Iterator[None]:
    """A 50 ms regex budget keeps the catastrophic cases quick; fresh compiled patterns before and after."""
    compile_java_regex.cache_clear()
    set_regex_budget(BUDGET)
    yield
    set_regex_budget(None)
    compile_java_regex.cache_clear()


def juel(text: str, data: dict[str, Any] | None = None) -> Callable[[], Any]:
    return lambda: evaluate(text, {"data": DATA if data is None else data})


def accepts(run: Callable[[], Any], expected: Any) -> Callable[[], None]:
    """A callable that runs ``run`` and asserts its value (for documented acceptances)."""

    def go() -> None:
        assert run() == expected

    return go


# -- JUEL syntax: mutations of valid expressions ---------------------------------------------------------------

BASES = [
    "${data.x}",
    "${data.x.toUpperCase()}",
    "${data.n + 1}",
    "${data.x == 'a' ? 'y' : 'n'}",
    "${helper:toList(data.x)}",
    "Name: ${data.x} (${data.n})",
    "${data.list[0]}",
    "${empty data.x}",
]
BAD_CHARACTERS = {
    "hash": "#",
    "semicolon": ";",
    "at": "@",
    "backtick": "`",
    "tilde": "~",
    "caret": "^",
    "nul": "\x00",
}


def _before_last_brace(base: str, insert: str) -> tuple[str, int]:
    """``base`` with ``insert`` put before its last ``}``, and the offset where ``insert`` starts."""
    at = base.rfind("}")
    return base[:at] + insert + base[at:], at


def _mutations(base: str) -> Iterator[tuple[str, str, int, str]]:
    """``(name, text, column, words)``: a broken version of ``base``, the 1-based column of the fault and words
    the reason must contain."""
    at = base.rfind("}")
    yield (
        "unclosed",
        base[:at] + base[at + 1 :],
        base.rfind("${") + 1,
        "expression is not closed: missing '}'",
    )
    text, start = _before_last_brace(base, " +")
    yield "dangling-operator", text, start + 3, "expected an expression but found '}'"
    text, start = _before_last_brace(base, ")")
    yield "stray-paren", text, start + 1, "but found ')'"
    text, start = _before_last_brace(base, " === 1")
    yield "triple-equals", text, start + 4, "(did you mean '=='?)"
    text, start = _before_last_brace(base, " + nope:fn(1)")
    yield "unknown-function", text, start + 4, "unknown function 'nope:fn'"
    dot = base.find("data.") + len("data.")
    yield "double-dot", base[:dot] + "." + base[dot:], dot + 1, "expected a property name after '.'"
    for name, char in BAD_CHARACTERS.items():
        text, start = _before_last_brace(base, " " + char)
        yield f"char-{name}", text, start + 2, "unexpected character"


def syntax_case(case_id: str, text: str, column: int, words: str) -> Case:
    return Case(case_id, juel(text), JuelSyntaxError, (f"column {column}", words))


SYNTAX = [
    syntax_case(f"syntax-{name}-{b}", text, column, words)
    for b, base in enumerate(BASES)
    for name, text, column, words in _mutations(base)
]

# Functions resolve at compile time (reference: "an unknown name or a wrong argument count is a syntax error").
ARGUMENTS = [
    syntax_case(
        f"arguments-{name}-{count}",
        "${" + name + "(" + ", ".join(["1"] * count) + ")}",
        3,
        f"function '{name}' takes",
    )
    for name, function in FUNCTIONS.items()
    for count in (
        ([function.min_args - 1] if function.min_args > 0 else [])
        + ([function.max_args + 1] if function.max_args is not None else [])
    )
]

# String methods check their argument count when called: an evaluation error at the method name (column 10).
METHOD_ARGUMENTS = [
    Case(
        f"method-arguments-{method}-{len(args)}",
        juel("${data.x." + method + "(" + ", ".join(args) + ")}"),
        JuelEvaluationError,
        ("column 10", f"method '{method}' on String takes"),
    )
    for method, bad in {
        "matches": ([], ["'a'", "'b'"]),
        "replaceAll": (["'a'"], ["'a'", "'b'", "'c'"]),
        "replaceFirst": ([], ["'a'"]),
        "split": ([], ["'a'", "1", "2"]),
    }.items()
    for args in bad
]

# Nesting is bounded (parser.MAX_NESTING = 60 brackets, MAX_DEPTH = 120 tree levels); the column is where the
# first level too many starts.
NESTING = {
    "parens": (lambda n: "${" + "(" * n + "1" + ")" * n + "}", 63),
    "brackets": (lambda n: "${" + "a[" * n + "1" + "]" * n + "}", 123),
    "properties": (lambda n: "${" + "a." * n + "b}", 243),
    # a chain of unary operators is measured from its operand: the 120th "!" from the inside is one too many
    "negations": (lambda n: "${" + "!" * n + "true}", None),
    "method-chain": (lambda n: "${" + "a.b()." * n + "c}", 363),
}
DEEP = [
    Case(
        f"deep-{kind}-{n}",
        juel(build(n)),
        JuelSyntaxError,
        ("nested too deeply", f"column {column or 2 + (n - 120) + 1}"),
    )
    for kind, (build, column) in NESTING.items()
    for n in (200, 5000)
]

MILLION = 1_000_000
HUGE = [
    Case(
        "huge-string-literal",
        accepts(juel("${'" + "x" * MILLION + "'}"), "x" * MILLION),
        None,
        why="a string literal of any length is valid JUEL (JSR-245 StringLiteral)",
    ),
    Case(
        "huge-integer-literal",
        juel("${" + "9" * 5000 + "}"),
        JuelSyntaxError,
        ("column 3", "out of range for a Long"),
    ),
    Case(
        "long-overflow-literal",
        juel("${9223372036854775808}"),
        JuelSyntaxError,
        ("column 3", "integer literal 9223372036854775808 is out of range for a Long"),
    ),
    Case(
        "huge-float-literal",
        accepts(juel("${1e5000}"), float("inf")),
        None,
        why="a floating-point literal beyond Double's range is Infinity (Java's Double.valueOf, which EL uses)",
    ),
    Case(
        "error-after-a-million-characters",
        juel("x" * MILLION + "${data.x +}"),
        JuelSyntaxError,
        (f"column {MILLION + 11}", "expected an expression"),  # the '}' after "${data.x +"
    ),
    Case(
        "ten-thousand-expressions",
        accepts(juel("${data.x}" * 10_000), "s" * 10_000),
        None,
        why="a template is any sequence of literal text and expressions (JSR-245 composite expressions)",
    ),
]

SURROGATES = [
    Case(
        "surrogate-in-string-literal",
        accepts(juel("${'\ud800'}"), "\ud800"),
        None,
        why="a Java String may hold a lone surrogate; JSON text can carry one as \\ud800",
    ),
    Case(
        "surrogate-in-literal-text",
        accepts(juel("pre\udc00 ${data.x}"), "pre\udc00 s"),
        None,
        why="literal text of a template is copied as it is",
    ),
    Case(
        "surrogate-as-operator",
        juel("${data.x\ud800}"),
        JuelSyntaxError,
        ("column 9", "unexpected character"),
    ),
    Case(
        "surrogate-in-data-matched",
        accepts(juel("${data.x.matches('\ud800.')}", {"x": "\ud800a"}), True),
        None,
        why="String.matches works on UTF-16 code units; a lone surrogate matches itself",
    ),
    Case(
        "surrogate-class-range",
        accepts(lambda: java_matches("\udbff", "[\ud800-\udbff]"), True),
        None,
        why="a class range of surrogates is valid in java.util.regex",
    ),
    Case(
        "surrogate-replaced",
        accepts(juel("${data.x.replaceAll('\udfff', 'y')}", {"x": "a\udfffb"}), "ayb"),
        None,
        why="replaceAll with a literal surrogate replaces it",
    ),
]

# -- invalid Java regular expressions ------------------------------------------------------------------------

INVALID = {
    "open-group": ("(", "missing ), unterminated subpattern at position 0"),
    "close-group": ("a)", "unbalanced parenthesis at position 1"),
    "unclosed-class": ("[a", "unclosed character class starting at index 0"),
    "empty-class": ("[]", "unclosed character class"),
    "open-brace": ("a{", "illegal repetition at index 1"),
    "open-count": ("a{1", "illegal repetition at index 1"),
    "reversed-count": ("a{2,1}", "min repeat greater than max repeat"),
    "nothing-to-repeat": ("*a", "nothing to repeat at position 0"),
    "plus-first": ("+a", "nothing to repeat"),
    "alternative-star": ("a|*", "nothing to repeat at position 2"),
    "double-star": ("a**", "multiple repeat"),
    "count-count": ("x{2}{3}", "multiple repeat"),
    "trailing-backslash": ("abc\\", "unexpected backslash at the end of the pattern"),
    "reversed-range": ("[z-a]", "bad character range"),
    "duplicate-name": ("(?<n>a)(?<n>b)", "the group name <n> at index 7 is already defined"),
    "unbounded-lookbehind": ("(?<=a+)b", "the look-behind group at index 0 has no obvious maximum length"),
    "star-lookbehind": ("(?<!x*)y", "has no obvious maximum length"),
    "script": ("\\p{IsLatin}", "character property \\p{IsLatin}"),
    "unknown-property": ("\\p{Nope}", "character property \\p{Nope}"),
    "unclosed-property": ("\\p{L", "unclosed character family at index 0"),
    "intersection": ("[a-z&&[^aeiou]]", "are not supported"),
    "union": ("[a[b]]", "nested character classes (unions) are not supported, at index 2"),
    "end-of-match": ("\\Gx", "illegal or unsupported escape sequence \\G at index 0"),
    "python-group": ("(?P<n>x)", "unknown group type '(?P' at index 0"),
    "unknown-name": ("\\k<zz>", "named group <zz> (referenced at index 0) does not exist"),
    "missing-group": ("(a)\\2", "invalid group reference"),
    "hex-range": ("\\x{110000}", "hexadecimal escape out of range at index 0"),
    "short-unicode": ("\\u12", "illegal Unicode escape at index 0"),
    "octal": ("\\0", "illegal octal escape at index 0"),
    "unknown-escape": ("\\q", "illegal or unsupported escape sequence \\q at index 0"),
    "bad-group-name": ("(?<1a>x)", "bad named group at index 0"),
    "unknown-flag": ("(?z)", "unknown group type '(?z' at index 0"),
    "huge-count": ("x{99999999999}", "repeat count too big"),
}
CONTEXTS: dict[str, Callable[[str], Callable[[], Any]]] = {
    "compile": lambda pattern: lambda: compile_java_regex(pattern),
    "matches": lambda pattern: juel("${data.s.matches(data.r)}", {"s": "abc", "r": pattern}),
    "replaceAll": lambda pattern: juel("${data.s.replaceAll(data.r, 'x')}", {"s": "abc", "r": pattern}),
}
INVALID_REGEXES = [
    Case(
        f"regex-{context}-{name}",
        make(pattern),
        JuelEvaluationError,
        (f"invalid or unsupported Java regular expression {pattern!r}", words)
        + (("column 10",) if context != "compile" else ()),
    )
    for name, (pattern, words) in INVALID.items()
    for context, make in CONTEXTS.items()
]

REPLACEMENTS = {
    "lone-dollar": ("$", "group index is missing"),
    "missing-group": ("$2", "no group 2"),
    "unknown-name": ("${nope}", "no group named 'nope' in the pattern"),
    "trailing-backslash": ("x\\", "character to be escaped is missing"),
    "dollar-letter": ("$a", "illegal group reference"),
}
BAD_REPLACEMENTS = [
    Case(
        f"replacement-{method}-{name}",
        juel("${data.s." + method + "('(a)', data.r)}", {"s": "abc", "r": replacement}),
        JuelEvaluationError,
        (f"invalid replacement {replacement!r}", words, "column 10"),
    )
    for name, (replacement, words) in REPLACEMENTS.items()
    for method in ("replaceAll", "replaceFirst")
]

# -- catastrophic regular expressions ------------------------------------------------------------------------

ALMOST = "a" * 40 + "b"
CATASTROPHIC = {
    "a-or-aa": ("(a|aa)+$", ALMOST),
    "a-or-a": ("(a|a)+$", ALMOST),
    "aa-or-a": ("(aa|a)+$", ALMOST),
    "a-or-aa-star": ("(a|aa)*$", ALMOST),
    "non-capturing": ("(?:a|aa)+$", ALMOST),
    "counted": ("(a|aa){2,}$", ALMOST),
    "digits": ("(\\d|\\d\\d)+$", "1" * 40 + "x"),
    "pairs": ("(ab|abab)+$", "ab" * 30 + "c"),
    "classes": ("([ab]|[ab][ab])+$", "ab" * 20 + "c"),
    "words": ("(\\w|\\w\\w)+$", "w" * 40 + "!"),
    "case-insensitive": ("(?i)(A|aa)+$", ALMOST),
    "spaces": ("(\\s|\\s\\s)+$", " " * 40 + "x"),
}
OPERATIONS = {
    "matches": "${data.s.matches(data.r)}",
    "replaceAll": "${data.s.replaceAll(data.r, 'z')}",
    "replaceFirst": "${data.s.replaceFirst(data.r, 'z')}",
    "split": "${data.s.split(data.r)}",
}
OVERRUNS = [
    Case(
        f"catastrophic-{operation}-{name}",
        juel(template, {"s": text, "r": pattern}),
        RegexTimeout,
        (f"regular expression {pattern!r} ran past its time budget of {BUDGET:g} s", "column 10"),
    )
    for name, (pattern, text) in CATASTROPHIC.items()
    for operation, template in OPERATIONS.items()
]

# Nested quantifiers the matcher decides without exponential backtracking: the answer is String.matches's.
DECIDED = {
    "plus-plus": ("(a+)+$", ALMOST, False),
    "star-star": ("(a*)*$", ALMOST, False),
    "a-or-optional-a": ("(a|a?)+$", ALMOST, False),
    "x-plus-twice": ("(x+x+)+y", "x" * 40, False),
    "words-and-spaces": ("^(\\w+\\s?)*$", "a" * 45 + "!", False),
    "dot-star-a": ("(.*a){20}", "a" * 30, True),
    "optional-then-fixed": ("(a?){30}a{30}", "a" * 30, True),
    "triple-nesting": ("((a+)+)+c", "a" * 40, False),
    "a-b-ab": ("(a|b|ab)*c", "ab" * 30, False),
}
ANSWERED = [
    Case(
        f"decided-{name}",
        accepts(lambda pattern=pattern, text=text: java_matches(text, pattern), expected),
        None,
        why="java.util.regex gives this answer (String.matches); the regex engine reaches it without "
        "exponential backtracking",
    )
    for name, (pattern, text, expected) in DECIDED.items()
]

# -- the same in processor configurations ----------------------------------------------------------------------

INPUTS = Inputs("robust-regex", "robust-regex")
PLACES: dict[str, Callable[[str], tuple[dict[str, Any], list[dict[str, Any]]]]] = {
    # (filter, updates) with the pattern at one place; the JSON path is the key of this table
    "processors[0].filter.id": lambda p: ({"exactType": "App", "id": p}, []),
    "processors[0].updates[1].values[0].regexMatch": lambda p: (
        {"exactType": "App"},
        [{"key": {"expr": "description"}, "values": [{"expr": "${data.code}", "regexMatch": p}]}],
    ),
    "processors[0].updates[1].values[0].regexReplace.match": lambda p: (
        {"exactType": "App"},
        [
            {
                "key": {"expr": "description"},
                "values": [{"expr": "${data.code}", "regexReplace": {"match": p, "replace": "z"}}],
            }
        ],
    ),
}


def _config(flt: dict[str, Any], updates: list[dict[str, Any]]) -> dict[str, Any]:
    name = {"key": {"expr": "name"}, "values": [{"expr": "${data.name}"}]}
    processor = {
        "processorType": "inboundFactSheet",
        "processorName": "Apps",
        "type": "Application",
        "filter": flt,
        "identifier": {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}},
        "updates": [name, *updates],
    }
    return INPUTS.config(processor)


def _ldif(ids_and_codes: list[tuple[str, str]]) -> dict[str, Any]:
    return INPUTS.ldif(*(item(i, "App", name=f"N {i}", code=c) for i, c in ids_and_codes))


def _preview(path: str, pattern: str, items: list[tuple[str, str]]) -> Any:
    return kit.preview(_config(*PLACES[path](pattern)), _ldif(items))


CONFIG_INVALID = [
    Case(
        f"config-invalid-{path.split('.')[-1]}-{name}",
        lambda path=path, pattern=pattern: _preview(path, pattern, [("a", "a")]),
        InputError,
        (path, f"invalid regular expression {pattern!r}"),
    )
    for path in PLACES
    for name, (pattern, _) in list(INVALID.items())[::4]
]


def _warns_and_goes_on(path: str, pattern: str, text: str) -> Callable[[], None]:
    def go() -> None:
        compile_java_regex.cache_clear()  # the cases above struck these patterns out; start afresh
        evil_id = text if path.endswith("filter.id") else "evil"
        p = _preview(path, pattern, [("aa", "aa"), (evil_id, text)])  # "aa" matches every pattern used
        [message] = p.warnings["message"].tolist()
        assert f"{path}: regular expression {pattern!r} ran past its time budget" in message
        assert "N aa" in p.changes["after"].tolist()  # the other item went through

    return go


CONFIG_OVERRUNS = [
    Case(
        f"config-catastrophic-{path.split('.')[-1]}-{name}",
        _warns_and_goes_on(path, pattern, text),
        None,
        why="an overrun in a run is a JUEL_EVALUATION warning naming the pattern and its JSON path, and the "
        "run goes on (kit.integration.engine.values rule 5, iAPI's per-item warnings)",
    )
    for path in PLACES
    for name, (pattern, text) in list(CATASTROPHIC.items())[:3]
]

CASES = [
    *SYNTAX,
    *ARGUMENTS,
    *METHOD_ARGUMENTS,
    *DEEP,
    *HUGE,
    *SURROGATES,
    *INVALID_REGEXES,
    *BAD_REPLACEMENTS,
    *OVERRUNS,
    *ANSWERED,
    *CONFIG_INVALID,
    *CONFIG_OVERRUNS,
]


@pytest.mark.parametrize("case", params(CASES))
def test_bad_input(case: Case) -> None:
    check(case)


def test_every_juel_failure_is_a_juel_error() -> None:
    """The corpus's error classes are all JuelError (or InputError for configuration files)."""
    assert {c.expect for c in CASES} == {JuelSyntaxError, JuelEvaluationError, RegexTimeout, InputError, None}
    assert all(issubclass(e, JuelError) for e in (JuelSyntaxError, JuelEvaluationError, RegexTimeout))
    assert len(CASES) >= 300
