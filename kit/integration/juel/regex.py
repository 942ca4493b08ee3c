"""Java regular expressions (``java.util.regex``) run by the ``regex`` package, within a time budget.

Patterns are translated once and cached. What Java spells differently is rewritten: ``(?<name>..)``,
``\\k<name>``, ``\\Q..\\E``, ``\\z``/``\\Z``, ``\\h``/``\\v``/``\\R``, ``\\e``/``\\cX``/``\\0nn``/``\\x{..}``,
POSIX and Unicode classes (``\\p{Alpha}``, ``\\p{L}``, ``\\p{IsLu}``), inline flags in the middle of a
pattern. Java's ASCII-only ``\\d \\w \\s \\b`` and case folding are kept (``ASCII``) unless the pattern
asks for ``(?U)``/``(?u)``. Possessive quantifiers, atomic groups and bounded look-behind pass through.
What cannot be expressed (class unions/intersections ``[a[b]]`` ``[a&&b]``, ``\\G``, ``\\X``, scripts and
blocks) raises :class:`JuelEvaluationError`, as does any pattern Java itself would reject (an unbounded
look-behind, a group name used twice).
Replacement strings use Java's syntax: ``$1``, ``${name}``, ``\\$`` for a literal dollar.

The translation is compiled with ``regex`` (not ``re``) for its native ``timeout``: every match, search,
substitution and split runs within the budget of :mod:`.budget` (``LXKIT_REGEX_TIMEOUT``, default 1 s) and an
overrun is a :class:`~.budget.RegexTimeout` naming the pattern.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .budget import ASCII, JavaPattern, compile_budgeted, error
from .errors import JuelEvaluationError

__all__ = [
    "compile_java_regex",
    "java_matches",
    "java_replace_all",
    "java_replace_first",
    "java_split",
    "translate_java_regex",
]

_POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e",
    "Graph": "\\x21-\\x7e",
    "Print": "\\x20-\\x7e",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}
_WHITE_SPACE = "\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_BINARY_PROPERTIES = {
    "alphabetic": ("L", "Nl"),
    "letter": ("L",),
    "digit": ("Nd",),
    "uppercase": ("Lu",),
    "lowercase": ("Ll",),
    "titlecase": ("Lt",),
    "punctuation": ("P",),
    "control": ("Cc",),
}
_CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cs Cn LC".split()  # noqa: SIM905
)
_HORIZONTAL = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
_VERTICAL = "\\n\\x0b\\f\\r\\x85\\u2028\\u2029"
_SIMPLE_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "a": "\\x07", "e": "\\x1b"}
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
_GROUP_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_INLINE_FLAGS = re.compile(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?([:)])")


class _Unsupported(Exception):
    """Raised inside the translator; turned into a JuelEvaluationError that names the pattern."""


def _fail(pattern: str, reason: str) -> JuelEvaluationError:
    return JuelEvaluationError(f"invalid or unsupported Java regular expression {pattern!r}: {reason}")


@lru_cache(maxsize=1024)
def compile_java_regex(pattern: str) -> JavaPattern:
    """The compiled equivalent of a Java regular expression (cached); every use runs within the budget."""
    translated, unicode_mode = translate_java_regex(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile_budgeted(pattern, translated, 0 if unicode_mode else ASCII)
    except error as exc:
        raise _fail(pattern, _where(exc, pattern, translated)) from None
    except (RecursionError, OverflowError, ValueError) as exc:
        raise _fail(pattern, f"too complex ({exc})") from None


def _where(exc: Any, pattern: str, translated: str) -> str:
    """The compiler's complaint; its position counts in the rewritten pattern, so that one is shown when it
    differs from the Java one (and is short enough to read)."""
    text = str(exc)
    if translated == pattern or getattr(exc, "pos", None) is None:
        return text
    reason = getattr(exc, "msg", text)
    if len(translated) > 120:
        return reason
    return f"{reason} at position {exc.pos} of the pattern as rewritten for matching, {translated!r}"


def translate_java_regex(pattern: str) -> tuple[str, bool]:
    """The Python spelling of a Java pattern, and whether it asked for Unicode-aware classes."""
    try:
        return _Translator(pattern).run()
    except _Unsupported as exc:
        raise _fail(pattern, str(exc)) from None


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.out: list[str] = []
        self.unicode_mode = False
        # For each open group (and the top level at index 0): the inline flag groups opened inside it.
        self.flag_groups: list[list[str]] = [[]]
        # For each open group: where it starts and whether it is a look-behind.
        self.opened: list[tuple[int, bool]] = []
        self.names: set[str] = set()

    def open_group(self, i: int, *, lookbehind: bool = False) -> None:
        self.flag_groups.append([])
        self.opened.append((i, lookbehind))

    def unbounded(self, i: int) -> None:
        """Java rejects a repetition without upper bound inside a look-behind (``regex`` would accept it)."""
        for start, lookbehind in self.opened:
            if lookbehind:
                raise _Unsupported(
                    f"the look-behind group at index {start} has no obvious maximum length "
                    f"(unbounded repetition at index {i}; use {{0,n}} instead of * or +)"
                )

    def run(self) -> tuple[str, bool]:
        pattern = self.pattern
        i = 0
        at_start = True
        previous = ""  # the quantifier just read ("?", "*", "+" or "{"), else ""
        while i < len(pattern):
            char = pattern[i]
            quantifier = ""
            if char == "(" and pattern.startswith("(?", i):
                flags = _INLINE_FLAGS.match(pattern, i)
                if flags is not None:
                    i = self.inline_flags(flags, at_start)
                    continue
                i = self.special_group(i)
            elif char == "(":
                self.out.append("(")
                self.open_group(i)
                i += 1
            elif char == ")":
                if not self.opened:
                    raise _Unsupported(f"unbalanced parenthesis at position {i}")
                self.opened.pop()
                opened = self.flag_groups.pop()
                self.out.append(")" * len(opened) + ")")
                i += 1
            elif char == "|":
                opened = self.flag_groups[-1]
                self.out.append(")" * len(opened) + "|" + "".join(f"(?{f}:" for f in opened))
                i += 1
            elif char == "\\":
                piece, i = self.escape(i, in_class=False)
                self.out.append(piece)
            elif char == "[":
                piece, i = self.char_class(i)
                self.out.append(piece)
            elif char == "{":
                match = _QUANTIFIER.match(pattern, i)
                if match is None:
                    raise _Unsupported(f"illegal repetition at index {i}")
                if match.group().endswith(",}"):
                    self.unbounded(i)
                self.out.append(match.group())
                i = match.end()
                quantifier = "{"
            else:
                if char in "*+?":
                    quantifier = char
                    if char == "*" or (char == "+" and previous not in ("?", "{")):
                        self.unbounded(i)
                self.out.append(char)
                i += 1
            at_start = False
            previous = quantifier
        if self.opened:
            raise _Unsupported(f"missing ), unterminated subpattern at position {self.opened[-1][0]}")
        self.out.append(")" * len(self.flag_groups[0]))
        return "".join(self.out), self.unicode_mode

    def inline_flags(self, match: re.Match[str], at_start: bool) -> int:
        on, off, end = match.group(1), match.group(2) or "", match.group(3)
        if "u" in on or "U" in on:
            self.unicode_mode = True
        on = "".join(f for f in on if f in "imsx")
        off = "".join(f for f in off if f in "imsx")
        spec = on + (f"-{off}" if off else "")
        if end == ":":
            self.out.append(f"(?{spec}:" if spec else "(?:")
            self.open_group(match.start())
        elif spec and at_start and not off and len(self.flag_groups) == 1:
            self.out.append(f"(?{on})")
        elif spec:
            self.out.append(f"(?{spec}:")
            self.flag_groups[-1].append(spec)
        return match.end()

    def special_group(self, i: int) -> int:
        pattern = self.pattern
        rest = pattern[i + 2 : i + 3]
        if pattern.startswith(("(?<=", "(?<!"), i) or rest in ("=", "!", ">", ":"):
            length = 4 if pattern.startswith(("(?<=", "(?<!"), i) else 3
            self.out.append(pattern[i : i + length])
            self.open_group(i, lookbehind=length == 4)
            return i + length
        if rest == "<":
            name = _GROUP_NAME.match(pattern, i + 3)
            if name is None or not pattern.startswith(">", name.end()):
                raise _Unsupported(f"bad named group at index {i}")
            if name.group() in self.names:
                raise _Unsupported(f"the group name <{name.group()}> at index {i} is already defined")
            self.names.add(name.group())
            self.out.append(f"(?P<{name.group()}>")
            self.open_group(i)
            return name.end() + 1
        raise _Unsupported(f"unknown group type '(?{rest}' at index {i}")

    def char_class(self, i: int) -> tuple[str, int]:
        pattern = self.pattern
        parts = ["["]
        j = i + 1
        if pattern.startswith("^", j):
            parts.append("^")
            j += 1
        first = True
        while j < len(pattern):
            char = pattern[j]
            if char == "]" and not first:
                parts.append("]")
                return "".join(parts), j + 1
            first = False
            if char == "[":
                raise _Unsupported(f"nested character classes (unions) are not supported, at index {j}")
            if char == "&" and pattern.startswith("&&", j):
                raise _Unsupported(f"character class intersections (&&) are not supported, at index {j}")
            if char == "\\":
                piece, j = self.escape(j, in_class=True)
                parts.append(piece)
                continue
            parts.append("\\" + char if char in "~|&]" else char)
            j += 1
        raise _Unsupported(f"unclosed character class starting at index {i}")

    def escape(self, i: int, *, in_class: bool) -> tuple[str, int]:
        pattern = self.pattern
        if i + 1 >= len(pattern):
            raise _Unsupported("unexpected backslash at the end of the pattern")
        char = pattern[i + 1]
        j = i + 2
        if char == "Q":
            end = pattern.find("\\E", j)
            literal = pattern[j:] if end < 0 else pattern[j:end]
            return "".join(_literal(c) for c in literal), (len(pattern) if end < 0 else end + 2)
        if char in "dDwWsS":
            return "\\" + char, j
        if char in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[char], j
        if char == "0":
            digits = re.match(r"[0-7]{1,3}", pattern[j:])
            if digits is None:
                raise _Unsupported(f"illegal octal escape at index {i}")
            text = digits.group()
            if len(text) == 3 and text[0] > "3":
                text = text[:2]
            return _literal(chr(int(text, 8))), j + len(text)
        if char == "x":
            braced = re.match(r"\{([0-9a-fA-F]{1,6})\}", pattern[j:])
            if braced is not None:
                code = int(braced.group(1), 16)
                if code > 0x10FFFF:
                    raise _Unsupported(f"hexadecimal escape out of range at index {i}")
                return _literal(chr(code)), j + braced.end()
            two = re.match(r"[0-9a-fA-F]{2}", pattern[j:])
            if two is None:
                raise _Unsupported(f"illegal hexadecimal escape at index {i}")
            return _literal(chr(int(two.group(), 16))), j + 2
        if char == "u":
            four = re.match(r"[0-9a-fA-F]{4}", pattern[j:])
            if four is None:
                raise _Unsupported(f"illegal Unicode escape at index {i}")
            return _literal(chr(int(four.group(), 16))), j + 4
        if char == "c":
            if j >= len(pattern):
                raise _Unsupported("illegal control escape at the end of the pattern")
            return _literal(chr(ord(pattern[j]) ^ 64)), j + 1
        if char in "pP":
            return self.property_class(i, in_class=in_class)
        if char in "hv":
            ranges = _HORIZONTAL if char == "h" else _VERTICAL
            return (ranges if in_class else f"[{ranges}]"), j
        if char in "HV":
            if in_class:
                raise _Unsupported(f"\\{char} inside a character class is not supported")
            return f"[^{_HORIZONTAL if char == 'H' else _VERTICAL}]", j
        if not in_class:
            if char in "bBA":
                return "\\" + char, j
            if char == "z":
                return "\\Z", j
            if char == "Z":
                return "(?=\\n?\\Z)", j
            if char == "R":
                return f"(?:\\r\\n|[{_VERTICAL}])", j
            if char == "k":
                name = re.match(r"<([a-zA-Z][a-zA-Z0-9]*)>", pattern[j:])
                if name is None:
                    raise _Unsupported(f"\\k is not followed by a group name at index {i}")
                if name.group(1) not in self.names:
                    raise _Unsupported(
                        f"named group <{name.group(1)}> (referenced at index {i}) does not exist"
                    )
                return f"(?P={name.group(1)})", j + name.end()
            if "1" <= char <= "9":
                return f"(?:\\{char})", j
        if char.isascii() and char.isalnum():
            raise _Unsupported(f"illegal or unsupported escape sequence \\{char} at index {i}")
        return _literal(char), j

    def property_class(self, i: int, *, in_class: bool) -> tuple[str, int]:
        pattern = self.pattern
        negated = pattern[i + 1] == "P"
        j = i + 2
        if pattern.startswith("{", j):
            end = pattern.find("}", j)
            if end < 0:
                raise _Unsupported(f"unclosed character family at index {i}")
            name, j = pattern[j + 1 : end], end + 1
        elif j < len(pattern):
            name, j = pattern[j], j + 1
        else:
            raise _Unsupported("\\p at the end of the pattern")
        ranges = _property_ranges(name)
        if negated and in_class:
            raise _Unsupported(f"\\P{{{name}}} inside a character class is not supported")
        if in_class:
            return ranges, j
        return (f"[^{ranges}]" if negated else f"[{ranges}]"), j


def _literal(char: str) -> str:
    """``char`` as a literal in a pattern, inside or outside a class."""
    if char.isalnum() or char == "_":
        return char
    code = ord(char)
    if code < 128:
        return "\\" + char if char.isprintable() else f"\\x{code:02x}"
    return char if char.isprintable() else (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")


def _property_ranges(name: str) -> str:
    """Class contents (without brackets) for a ``\\p{name}``."""
    if name in _POSIX:
        return _POSIX[name]
    key = name
    for prefix in ("general_category=", "gc=", "Is"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    if key in _CATEGORIES:
        return _category_ranges((key,) if key != "LC" else ("Lu", "Ll", "Lt"))
    lowered = key.lower().replace("_", "")
    if lowered == "whitespace":
        return _WHITE_SPACE
    if lowered in _BINARY_PROPERTIES:
        return _category_ranges(_BINARY_PROPERTIES[lowered])
    raise _Unsupported(f"character property \\p{{{name}}} (scripts, blocks, java* classes) is not supported")


@lru_cache(maxsize=64)
def _category_ranges(categories: tuple[str, ...]) -> str:
    """Class contents covering the given Unicode general categories (one letter means all of them)."""
    table = _category_table()
    spans = sorted(
        span for category, found in table.items() for span in found if category.startswith(categories)
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return "".join(_code(a) if a == b else f"{_code(a)}-{_code(b)}" for a, b in merged)


def _code(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@lru_cache(maxsize=1)
def _category_table() -> dict[str, list[tuple[int, int]]]:
    """Every code point's general category, as ranges (built once, on first use of ``\\p{..}``)."""
    table: dict[str, list[tuple[int, int]]] = {}
    category = unicodedata.category
    start, current = 0, category("\x00")
    for code in range(1, 0x110000):
        found = category(chr(code))
        if found != current:
            table.setdefault(current, []).append((start, code - 1))
            start, current = code, found
    table.setdefault(current, []).append((start, 0x10FFFF))
    return table


# -- operations ----------------------------------------------------------------------------------------


def java_matches(text: str, regex: str) -> bool:
    """Java's ``String.matches``: the whole string must match."""
    return compile_java_regex(regex).fullmatch(text) is not None


def java_replace_all(text: str, regex: str, replacement: str) -> str:
    """Java's ``String.replaceAll`` (``$1``/``${name}`` group references, ``\\`` escapes)."""
    pattern = compile_java_regex(regex)
    return pattern.sub(_replacement(pattern, replacement), text)


def java_replace_first(text: str, regex: str, replacement: str) -> str:
    """Java's ``String.replaceFirst``."""
    pattern = compile_java_regex(regex)
    return pattern.sub(_replacement(pattern, replacement), text, count=1)


def java_split(text: str, regex: str, limit: int = 0) -> list[str]:
    """Java's ``String.split``: no leading empty string for a zero-width match at 0; with ``limit`` 0
    trailing empty strings are dropped; no match at all gives ``[text]``."""
    pattern = compile_java_regex(regex)
    pieces: list[str] = []
    index = 0
    for match in pattern.finditer(text):
        if limit > 0 and len(pieces) >= limit - 1:
            break
        if match.end() == 0:
            continue
        pieces.append(text[index : match.start()])
        index = match.end()
    if index == 0 and not pieces:
        return [text]
    pieces.append(text[index:])
    if limit == 0:
        while pieces and pieces[-1] == "":
            pieces.pop()
    return pieces


@lru_cache(maxsize=1024)
def _replacement(pattern: JavaPattern, replacement: str) -> Callable[[Any], str]:
    """A ``re.sub`` callback doing what Java's ``Matcher.appendReplacement`` does with ``replacement``."""
    parts: list[tuple[bool, str | int]] = []
    literal: list[str] = []
    groups = pattern.groups
    i = 0
    while i < len(replacement):
        char = replacement[i]
        if char == "\\":
            if i + 1 >= len(replacement):
                raise JuelEvaluationError(
                    f"invalid replacement {replacement!r}: character to be escaped is missing",
                )
            literal.append(replacement[i + 1])
            i += 2
        elif char == "$":
            i += 1
            if i >= len(replacement):
                raise JuelEvaluationError(f"invalid replacement {replacement!r}: group index is missing")
            reference: str | int
            if replacement[i] == "{":
                end = replacement.find("}", i)
                name = replacement[i + 1 : end] if end > 0 else ""
                if not _GROUP_NAME.fullmatch(name) or name not in pattern.groupindex:
                    raise JuelEvaluationError(
                        f"invalid replacement {replacement!r}: no group named {name!r} in the pattern",
                    )
                reference, i = name, end + 1
            else:
                if not ("0" <= replacement[i] <= "9"):
                    raise JuelEvaluationError(
                        f"invalid replacement {replacement!r}: illegal group reference (write \\$ for a dollar)",
                    )
                number = int(replacement[i])
                i += 1
                while i < len(replacement) and "0" <= replacement[i] <= "9":
                    bigger = number * 10 + int(replacement[i])
                    if bigger > groups:
                        break
                    number, i = bigger, i + 1
                if number > groups:
                    raise JuelEvaluationError(f"invalid replacement {replacement!r}: no group {number}")
                reference = number
            if literal:
                parts.append((False, "".join(literal)))
                literal = []
            parts.append((True, reference))
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append((False, "".join(literal)))
    if not any(is_group for is_group, _ in parts):
        constant = "".join(str(value) for _, value in parts)
        return lambda match: constant
    frozen = tuple(parts)

    def expand(match: Any) -> str:
        out = []
        for is_group, value in frozen:
            if is_group:
                found = match.group(value)
                if found is not None:
                    out.append(found)
            else:
                out.append(value)
        return "".join(out)

    return expand
