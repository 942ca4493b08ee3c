"""Java ``String`` methods and Java regular expressions."""

from __future__ import annotations

import pytest

from kit.integration.juel import (
    JuelEvaluationError,
    compile_java_regex,
    evaluate,
    java_replace_all,
    java_split,
)


def run(template: str, **data: object) -> object:
    return evaluate(template, {"data": data})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${'abc'.toUpperCase()}", "ABC"),
        ("${'ABC'.toLowerCase()}", "abc"),
        ("${'  hi  '.trim()}", "hi"),
        ("${'a-b-c'.replace('-', '+')}", "a+b+c"),
        ("${'aaa'.replace('aa', 'b')}", "ba"),
        ("${'a.b'.replace('.', 'x')}", "axb"),
        ("${'a.b.c'.replaceAll('.', 'x')}", "xxxxx"),
        ("${'a1b2'.replaceAll('([a-z])(\\\\d)', '$2$1')}", "1a2b"),
        ("${'a1b2'.replaceFirst('\\\\d', '#')}", "a#b2"),
        ("${'abc'.replaceAll('(b)', '$10')}", "ab0c"),
        ("${'abc'.replaceAll('b', '\\\\$')}", "a$c"),
        ("${'abc'.replaceAll('(x)?b', '[$1]')}", "a[]c"),
        ("${'hello'.substring(1)}", "ello"),
        ("${'hello'.substring(1, 3)}", "el"),
        ("${'hello'.substring(5)}", ""),
        ("${'hello'.substring('1')}", "ello"),
        ("${'hello'.startsWith('he')}", True),
        ("${'hello'.startsWith('l', 2)}", True),
        ("${'hello'.endsWith('lo')}", True),
        ("${'hello'.contains('ll')}", True),
        ("${'hello'.contains(null)}", True),
        ("${'hello'.matches('h.*o')}", True),
        ("${'hello'.matches('ell')}", False),
        ("${'hello'.equals('hello')}", True),
        ("${'1'.equals(1)}", False),
        ("${'hello'.equalsIgnoreCase('HELLO')}", True),
        ("${'hello'.equalsIgnoreCase(null)}", False),
        ("${'hello'.length()}", 5),
        ("${'hello'.isEmpty()}", False),
        ("${''.isEmpty()}", True),
        ("${'hello'.indexOf('l')}", 2),
        ("${'hello'.indexOf('l', 3)}", 3),
        ("${'hello'.indexOf('z')}", -1),
        ("${'hello'.indexOf('')}", 0),
        ("${'hello'.lastIndexOf('l')}", 3),
        ("${'hello'.lastIndexOf('l', 2)}", 2),
        ("${'hello'.lastIndexOf('l', -1)}", -1),
        ("${'hello'.concat('!')}", "hello!"),
        ("${'hello'.concat(1)}", "hello1"),
        ("${'hello'.charAt(1)}", "e"),
        ("${'hello'.hashCode()}", 99162322),
        ("${'Hello'.hashCode()}", 69609650),
        ("${''.hashCode()}", 0),
        ("${'polygenelubricants'.hashCode()}", -2147483648),
        ("${'apple'.compareTo('banana')}", -1),
        ("${'abc'.compareTo('abcd')}", -1),
        ("${'A'.compareTo('a')}", -32),
        ("${'a'.compareTo('a')}", 0),
        ("${'B'.compareToIgnoreCase('a')}", 1),
        ("${'hello'.toString()}", "hello"),
        ("${'ab'.repeat(3)}", "ababab"),
        ("${' x '.isBlank()}", False),
        ("${' x '.strip()}", "x"),
    ],
)
def test_string_methods(template: str, expected: object) -> None:
    result = run(template)
    assert result == expected
    assert type(result) is type(expected)


def test_trim_removes_only_control_characters_and_spaces_like_java() -> None:
    assert run("${data.s.trim()}", s="\u00a0 x \n\u0001") == "\u00a0 x"


@pytest.mark.parametrize(
    ("text", "regex", "expected"),
    [
        ("a,b,,", ",", ["a", "b"]),
        (",", ",", []),
        ("", ",", [""]),
        (",a", ",", ["", "a"]),
        ("a,b", ";", ["a,b"]),
        ("abc", "", ["a", "b", "c"]),
        ("a1b22c", "\\d+", ["a", "b", "c"]),
        ("boo:and:foo", "o", ["b", "", ":and:f"]),
        ("abc, def, ghi", ",\\s*", ["abc", "def", "ghi"]),
    ],
)
def test_split_follows_java(text: str, regex: str, expected: list[str]) -> None:
    assert run("${data.t.split(data.r)}", t=text, r=regex) == expected
    assert java_split(text, regex) == expected


@pytest.mark.parametrize(
    ("text", "template", "expected"),
    [  # a literal separator without regex characters takes a shortcut chosen at compile time: same answers
        ("a,,b,,", "${data.t.split(',')}", ["a", "", "b"]),
        ("", "${data.t.split(',')}", [""]),
        (",", "${data.t.split(',')}", []),
        (",,a", "${data.t.split(',')}", ["", "", "a"]),
        ("boo:and:foo", "${data.t.split(':')}", ["boo", "and", "foo"]),  # Java's String.split javadoc
        ("boo:and:foo", "${data.t.split('o')}", ["b", "", ":and:f"]),  # idem
        ("a; b;c", "${data.t.split('; ')}", ["a", "b;c"]),
        ("a.b", "${data.t.split('.')}", []),  # '.' is a regex: every character is a separator
    ],
)
def test_split_by_a_literal_separator_follows_java(text: str, template: str, expected: list[str]) -> None:
    assert run(template, t=text) == expected


def test_split_with_limit() -> None:
    assert run("${'a,b,c'.split(',', 2)}") == ["a", "b,c"]
    assert run("${'a,b,,'.split(',', -1)}") == ["a", "b", "", ""]
    assert run("${'a,b'.split(',', 1)}") == ["a,b"]
    assert run("${'a b'.split(' ')[1]}") == "b"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${'hello'.substring(6)}", "String.substring: index 6 is out of range for 'hello' (length 5)"),
        ("${'hello'.substring(3, 2)}", "String.substring: index 2 is out of range for 'hello' (length 5)"),
        ("${'hello'.charAt(9)}", "String.charAt: index 9 is out of range for 'hello' (length 5)"),
        ("${'hello'.substring('x')}", "cannot coerce 'x' to a number"),
        ("${'abc'.replaceAll('b', '$')}", "invalid replacement '$': group index is missing"),
        (
            "${'abc'.replaceAll('b', '$x')}",
            "invalid replacement '$x': illegal group reference (write \\$ for a dollar)",
        ),
        ("${'abc'.replaceAll('b', '$2')}", "invalid replacement '$2': no group 2"),
        ("${'abc'.replaceAll('b', '${n}')}", "invalid replacement '${n}': no group named 'n' in the pattern"),
        (
            "${'abc'.replaceAll('b', 'x\\\\')}",
            "invalid replacement 'x\\\\': character to be escaped is missing",
        ),
        ("${'x'.repeat(-1)}", "String.repeat: count is negative: -1"),
    ],
)
def test_string_method_errors(template: str, message: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run(template)
    assert caught.value.reason == message


@pytest.mark.parametrize(
    ("text", "regex", "expected"),
    [
        ("abab", "(?<p>ab)\\k<p>", True),
        ("abc", "\\p{Alpha}+", True),
        ("ab1", "\\p{Alpha}+", False),
        ("a!b", "a\\p{Punct}b", True),
        ("Grüße", "\\p{L}+", True),
        ("É", "\\p{Lu}", True),
        ("é", "\\p{IsLu}", False),
        ("ä1", "[\\p{L}0-9]+", True),
        ("abc", "\\P{Digit}+", True),
        ("über", "\\w+", False),
        ("über", "(?U)\\w+", True),
        ("ABC", "(?i)abc", True),
        ("Ä", "(?i)ä", False),
        ("Ä", "(?iu)ä", True),
        ("aBC", "a(?i)bc", True),
        ("AbC", "a(?i)bc", False),
        ("xB", "x(?i)b|y", True),
        ("Y", "x(?i)b|y", True),
        ("aaa", "a*+a", False),
        ("abc", "(?>a|ab)c", False),
        ("a.b", "\\Qa.b\\E", True),
        ("axb", "\\Qa.b\\E", False),
        (" \t", "\\h+", True),
        ("a\tb", "a\\x09b", True),
        ("a\tb", "a\\011b", True),
        ("a\tb", "a\\011", False),
        ("a\u0009b", "a\\u0009b", True),
        ("a\u001bb", "a\\eb", True),
        ("a\nb", "a\\Rb", True),
        ("a\r\nb", "a\\Rb", True),
        ("ab", "ab\\z", True),
        ("x", "(?s).", True),
        ("line1\nword here", "(?s).*\\bword\\b.*", True),
        ("aab", "a*(?<=a{1,3})b", True),
        ("bcx", ".*(?<!a|bc)x", False),
        ("bdx", ".*(?<!a|bc)x", True),
    ],
)
def test_java_regex_translation(text: str, regex: str, expected: bool) -> None:
    assert run("${data.t.matches(data.r)}", t=text, r=regex) is expected


@pytest.mark.parametrize(
    ("regex", "reason"),
    [
        ("[a-z&&[^aeiou]]", "intersections (&&)"),
        ("[a[bc]]", "nested character classes (unions) are not supported"),
        ("[a-z&&b]", "character class intersections (&&) are not supported"),
        ("\\p{IsLatin}", "character property \\p{IsLatin} (scripts, blocks, java* classes) is not supported"),
        ("[\\P{L}x]", "\\P{L} inside a character class is not supported"),
        ("\\Gx", "illegal or unsupported escape sequence \\G"),
        ("(?P<n>x)", "unknown group type '(?P'"),
        ("a{", "illegal repetition at index 1"),
        ("(", "missing ), unterminated subpattern at position 0"),
        ("a)", "unbalanced parenthesis at position 1"),
        ("(?<=a+)b", "the look-behind group at index 0 has no obvious maximum length"),
        ("(?<!x*)b", "the look-behind group at index 0 has no obvious maximum length"),
        ("(?<=a{2,})b", "the look-behind group at index 0 has no obvious maximum length"),
        ("(?<n>a)(?<n>b)", "the group name <n> at index 7 is already defined"),
        ("[abc", "unclosed character class"),
        ("abc\\", "unexpected backslash at the end of the pattern"),
    ],
)
def test_untranslatable_or_invalid_regexes_are_clear_errors(regex: str, reason: str) -> None:
    with pytest.raises(JuelEvaluationError) as caught:
        run("${'x'.matches(data.r)}", r=regex)
    assert caught.value.reason.startswith(f"invalid or unsupported Java regular expression {regex!r}: ")
    assert reason in caught.value.reason


def test_compiled_regexes_are_cached() -> None:
    assert compile_java_regex("(?<y>\\d{4})-\\d\\d") is compile_java_regex("(?<y>\\d{4})-\\d\\d")


def test_named_groups_in_replacements() -> None:
    assert java_replace_all("2024-05", "(?<y>\\d{4})-(?<m>\\d\\d)", "${m}/${y}") == "05/2024"
    assert run("${'2024-05'.replaceAll('(?<y>\\\\d{4})-(?<m>\\\\d\\\\d)', '${m}.${y}')}") == "05.2024"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${data.name.toUpperCase().charAt(0)}${data.name.substring(1)}", "Crm"),
        ("${data.clusterName.split(',')[1].trim()}", "def"),
        ("${data.clusterName.split(',')}", ["abc", " def", " ghi"]),
        ("${data.clusterName.toLowerCase().startsWith('abc') ? 'High' : 'Low'}", "High"),
        ("${data.name.length() > 3 ? data.name : data.clusterName}", "abc, def, ghi"),
        (
            "${data.name} (${data.app.hashCode() > 0 ? data.app.hashCode() : data.app.hashCode() * -1})",
            "crm (96801)",
        ),
        ("${data.name.replace('r', '')}", "cm"),
    ],
)
def test_documented_string_idioms(template: str, expected: object) -> None:
    assert run(template, name="crm", clusterName="abc, def, ghi", app="app") == expected
