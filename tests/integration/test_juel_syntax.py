"""Literals, template structure and syntax errors (with line and column)."""

from __future__ import annotations

import pytest

from kit.errors import LxkitError
from kit.integration.juel import JuelError, JuelSyntaxError, compile_template, evaluate


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${1}", 1),
        ("${0}", 0),
        ("${007}", 7),
        ("${9223372036854775807}", 9223372036854775807),
        ("${-9223372036854775807}", -9223372036854775807),
        ("${2.5}", 2.5),
        ("${1.}", 1.0),
        ("${.5}", 0.5),
        ("${1e3}", 1000.0),
        ("${1.5E-2}", 0.015),
        ("${'single'}", "single"),
        ('${"double"}', "double"),
        ("${'it\\'s'}", "it's"),
        ('${"say \\"hi\\""}', 'say "hi"'),
        ("${'back\\\\slash'}", "back\\slash"),
        ("${'braces } inside'}", "braces } inside"),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
        ("${ 1 + 1 }", 2),
        ("#{1 + 1}", 2),
    ],
)
def test_literals(template: str, expected: object) -> None:
    result = evaluate(template)
    assert result == expected
    assert type(result) is type(expected)


def test_integer_literal_beyond_long_is_a_syntax_error() -> None:
    with pytest.raises(JuelSyntaxError, match="out of range for a Long") as caught:
        compile_template("${9223372036854775808}")
    assert caught.value.position == 2


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("price: $5 and #1 {x}", "price: $5 and #1 {x}"),
        ("\\${not an expression}", "${not an expression}"),
        ("\\#{deferred}", "#{deferred}"),
        ("a\\b", "a\\b"),
        ("${'a'}${'b'}", "ab"),
        ("[${1}]", "[1]"),
    ],
)
def test_template_text(template: str, expected: str) -> None:
    assert evaluate(template) == expected


def test_template_flags_and_names() -> None:
    single = compile_template("${helper:toList(data.a, variables.b.get())}")
    assert single.is_expression and not single.is_literal
    assert single.identifiers == {"data", "variables"}
    assert single.functions == {"helper:toList"}
    mixed = compile_template("x ${data.a}")
    assert not mixed.is_expression and not mixed.is_literal
    literal = compile_template("just text")
    assert literal.is_literal and not literal.is_expression
    assert repr(literal) == "Template('just text')"


@pytest.mark.parametrize(
    ("template", "reason", "line", "column"),
    [
        ("${toUpperCase(data.x}", "expected ',' or ')' but found '}'", 1, 21),
        ("${a b}", "expected an operator or '}' but found 'b'", 1, 5),
        ("${1 +}", "expected an expression but found '}'", 1, 6),
        ("${}", "empty expression", 1, 1),
        ("text ${data.x", "expression is not closed: missing '}'", 1, 6),
        ("${'open}", "unterminated string literal", 1, 3),
        ("${a = b}", "unexpected character '=' (did you mean '=='?)", 1, 5),
        ("${a & b}", "unexpected character '&'", 1, 5),
        ("${a # b}", "unexpected character '#'", 1, 5),
        ("${x ? 1}", "expected ':' of the conditional operator but found '}'", 1, 8),
        ("${data.}", "expected a property name after '.' but found '}'", 1, 8),
        ("${data.empty}", "use ['empty'] for a reserved word", 1, 8),
        ("${data[1}", "expected ']' but found '}'", 1, 9),
        ("${'a\\d'}", "invalid escape sequence \\d in string literal", 1, 5),
        ("line one\n  ${data.x +* 2}", "expected an expression but found '*'", 2, 13),
        ("${helper:nope(1)}", "unknown function 'helper:nope'", 1, 3),
        ("${upper(data.x)}", "unknown function 'upper'", 1, 3),
        ("${math:round(1, 2)}", "function 'math:round' takes 1 argument(s), got 2", 1, 3),
        ("${helper:getFromMap(data)}", "function 'helper:getFromMap' takes 2 argument(s), got 1", 1, 3),
    ],
)
def test_syntax_errors_say_what_and_where(template: str, reason: str, line: int, column: int) -> None:
    with pytest.raises(JuelSyntaxError) as caught:
        compile_template(template)
    error = caught.value
    assert reason in error.reason
    assert (error.line, error.column) == (line, column)
    assert error.expression == template
    assert str(error).startswith(f"JUEL syntax error at line {line}, column {column}: ")
    assert str(error).endswith(f" in {template}")


def test_syntax_error_position_is_an_offset_into_the_template() -> None:
    with pytest.raises(JuelSyntaxError) as caught:
        compile_template("ab\ncd ${x y}")
    assert caught.value.position == 10
    assert caught.value.expression[caught.value.position] == "y"


def test_errors_belong_to_the_kit_hierarchy() -> None:
    assert issubclass(JuelSyntaxError, JuelError)
    assert issubclass(JuelError, LxkitError)


def test_long_templates_are_shown_as_an_excerpt() -> None:
    template = "x" * 500 + "${a b}" + "y" * 500
    with pytest.raises(JuelSyntaxError) as caught:
        compile_template(template)
    message = str(caught.value)
    assert "${a b}" in message
    assert len(message) < 300


@pytest.mark.parametrize(
    "body",
    [
        "(" * 100 + "1" + ")" * 100,
        "a" + ".b" * 200,
        "a" + "[0]" * 200,
        "!" * 300 + "true",
        " + ".join(["1"] * 300),
        "helper:toList(" * 80 + ")" * 80,
    ],
)
def test_deep_nesting_is_rejected_cleanly(body: str) -> None:
    with pytest.raises(JuelSyntaxError, match="nested too deeply"):
        compile_template("${" + body + "}")


def test_moderate_nesting_still_works() -> None:
    assert evaluate("${" + "(" * 40 + "1" + ")" * 40 + "}") == 1
    assert evaluate("${" + " + ".join(["1"] * 100) + "}") == 100


def test_colon_after_identifier_and_call_is_a_function_like_in_juel() -> None:
    # JUEL reads ``a:b(`` as a namespaced function even inside a conditional; parentheses avoid it.
    with pytest.raises(JuelSyntaxError, match="expected ':' of the conditional operator"):
        compile_template("${x ? a : b(1)}")
    assert evaluate("${true ? 'a' : (helper:toList(1))}") == "a"


def test_non_string_template_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        compile_template(42)  # type: ignore[arg-type]
