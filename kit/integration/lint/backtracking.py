"""Rule on regular expressions that backtrack catastrophically: a repeated group that can match the same text
in many ways (``(a+)+``, ``(a*)*``, ``(\\w+\\s?)+$``, ``(a|aa)+``, ``(.*a){20}``).

The patterns are read with a small structural parser (groups, alternatives, atoms, quantifiers) after
:func:`~kit.integration.juel.compile_java_regex` accepted them (invalid ones are LX010's). A group repeated
without bound (``*``, ``+``, ``{n,}``) or more than 10 times is flagged when, inside it, another repetition is
unbounded, or when two of its alternatives match the same text (``a|a?``, ``a|aa``). Possessive quantifiers (``a++``),
atomic groups (``(?>...)``) and look-arounds do not backtrack into themselves and are not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kit.integration.inputs.paths import Segments
from kit.integration.juel import JuelError, compile_java_regex
from kit.integration.juel.regex_literals import regex_literals

from .context import LintContext
from .rule import Hit, rule

__all__ = ["RULES", "catastrophic_reason", "config_regexes"]

#: more repetitions of a group than this count as "many" (OWASP's ``(.*a){x}`` for x > 10)
_MANY = 10
_INLINE_FLAGS = re.compile(r"\(\?[idmsuxU]*(?:-[idmsuxU]*)?\)")
_FLAGGED_GROUP = re.compile(r"\(\?[idmsuxU]*(?:-[idmsuxU]*)?:")
_BRACES = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")


@dataclass
class _Group:
    start: int
    #: atomic groups and look-arounds: the matcher never backtracks into them
    atomic: bool = False
    alternatives: list[list[_Item]] = field(default_factory=lambda: [[]])


@dataclass
class _Item:
    start: int
    atom: str
    group: _Group | None = None
    end: int = 0
    low: int = 1
    high: int | None = 1
    possessive: bool = False


def _escape_end(pattern: str, i: int) -> int:
    """Index after the escape sequence starting with the backslash at ``i``."""
    char = pattern[i + 1 : i + 2]
    if char == "Q":
        end = pattern.find("\\E", i + 2)
        return len(pattern) if end < 0 else end + 2
    if char in ("p", "P", "x", "N") and pattern.startswith("{", i + 2):
        return pattern.find("}", i + 2) + 1 or len(pattern)
    if char == "k" and pattern.startswith("<", i + 2):
        return pattern.find(">", i + 2) + 1 or len(pattern)
    if char in ("p", "P", "c"):
        return i + 3
    if char == "u":
        return i + 6
    if char == "x":
        return i + 4
    if char == "0":
        j = i + 2
        while j < len(pattern) and j < i + 5 and pattern[j] in "01234567":
            j += 1
        return j
    return i + 2


def _class_end(pattern: str, i: int) -> int:
    """Index after the character class starting with the ``[`` at ``i``."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        j += 1
    depth = 1
    while j < len(pattern):
        char = pattern[j]
        if char == "\\":
            j = _escape_end(pattern, j)
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return len(pattern)


def _parse(pattern: str) -> _Group:
    """The group structure of a (valid) Java pattern."""
    root = _Group(-1)
    stack = [root]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        current = stack[-1]
        item: _Item
        if char == "(":
            flags = _INLINE_FLAGS.match(pattern, i)
            if flags is not None:
                i = flags.end()
                continue
            flagged = _FLAGGED_GROUP.match(pattern, i)
            atomic = pattern.startswith(("(?>", "(?=", "(?!", "(?<=", "(?<!"), i)
            group = _Group(i, atomic=atomic)
            current.alternatives[-1].append(_Item(i, "(", group))
            stack.append(group)
            if flagged is not None:
                i = flagged.end()
            elif pattern.startswith(("(?<=", "(?<!"), i):
                i += 4
            elif pattern.startswith("(?<", i):
                i = pattern.find(">", i) + 1
            elif pattern.startswith("(?", i):
                i += 3
            else:
                i += 1
            continue
        if char == ")":
            i += 1
            if len(stack) == 1:
                continue  # an unbalanced ")" (not in a valid pattern): nothing to quantify
            stack.pop()
            item = stack[-1].alternatives[-1][-1]
        elif char == "|":
            current.alternatives.append([])
            i += 1
            continue
        elif char == "\\":
            end = _escape_end(pattern, i)
            atom = pattern[i:end] if pattern[i + 1 : i + 2] != "Q" else pattern[end - 3 : end - 2]
            item = _Item(i, atom)
            current.alternatives[-1].append(item)
            i = end
        elif char == "[":
            end = _class_end(pattern, i)
            item = _Item(i, pattern[i:end])
            current.alternatives[-1].append(item)
            i = end
        else:
            item = _Item(i, char)
            current.alternatives[-1].append(item)
            i += 1
        i = _quantifier(pattern, i, item)
    return root


def _quantifier(pattern: str, i: int, item: _Item) -> int:
    """Reads the quantifier after ``item`` (if any) into it; the index after it."""
    char = pattern[i : i + 1]
    braces = _BRACES.match(pattern, i) if char == "{" else None
    if char in ("*", "+", "?"):
        item.low, item.high = (0 if char != "+" else 1), (1 if char == "?" else None)
        i += 1
    elif braces is not None:
        low = int(braces.group(1))
        item.low = low
        item.high = low if braces.group(2) is None else (int(braces.group(3)) if braces.group(3) else None)
        i = braces.end()
    else:
        item.end = i
        return i
    if pattern.startswith("+", i):
        item.possessive = True
        i += 1
    elif pattern.startswith("?", i):
        i += 1
    item.end = i
    return i


def _unbounded_inside(group: _Group) -> _Item | None:
    """The first repetition without upper bound inside ``group`` that the matcher may backtrack into."""
    for alternative in group.alternatives:
        for item in alternative:
            if item.possessive or (item.group is not None and item.group.atomic):
                continue
            if item.high is None:
                return item
            if item.group is not None:
                found = _unbounded_inside(item.group)
                if found is not None:
                    return found
    return None


def _atoms(items: list[_Item], pattern: str) -> tuple[str, ...]:
    """The atoms of an alternative, quantifiers left out; a group of one alternative is spelled out."""
    out: list[str] = []
    for item in items:
        group = item.group
        if group is not None and not group.atomic and len(group.alternatives) == 1:
            out.extend(_atoms(group.alternatives[0], pattern))
        else:
            out.append(item.atom if group is None else pattern[item.start : item.end])
    return tuple(out)


def _overlapping(group: _Group, pattern: str) -> tuple[str, str] | None:
    """Two alternatives of ``group`` that match the same text in several ways when repeated: equal atoms
    (``a|a?``), or one is the other several times (``a|aa``, ``ab|abab``)."""
    spelled = [(_atoms(a, pattern), a) for a in group.alternatives]
    for i, (first, first_items) in enumerate(spelled):
        for second, second_items in spelled[i + 1 :]:
            short, long = sorted((first, second), key=len)
            if short and len(long) % len(short) == 0 and long == short * (len(long) // len(short)):
                return _text(first_items, pattern), _text(second_items, pattern)
    return None


def _text(items: list[_Item], pattern: str) -> str:
    return pattern[items[0].start : items[-1].end] if items else ""


def _snippet(pattern: str, start: int, end: int) -> str:
    text = pattern[start:end]
    return text if len(text) <= 40 else text[:37] + "..."


def catastrophic_reason(pattern: str) -> str | None:
    """Why ``pattern`` backtracks catastrophically (the first repeated group at fault), or None."""
    try:
        compile_java_regex(pattern)
    except JuelError:
        return None
    stack = [_parse(pattern)]
    while stack:
        group = stack.pop()
        for alternative in group.alternatives:
            for item in alternative:
                if item.group is None:
                    continue
                stack.append(item.group)
                repeated = item.high is None or item.high > _MANY
                if not repeated or item.possessive or item.group.atomic:
                    continue
                where = f"{_snippet(pattern, item.start, item.end)!r} at index {item.start}"
                inner = _unbounded_inside(item.group)
                if inner is not None:
                    return (
                        f"{where} repeats a group that itself holds a repetition "
                        f"({_snippet(pattern, inner.start, inner.end)!r})"
                    )
                overlap = _overlapping(item.group, pattern) if item.high is None else None
                if overlap is not None:
                    return (
                        f"{where} repeats alternatives that match the same text in several ways "
                        f"({overlap[0]!r} and {overlap[1]!r})"
                    )
    return None


def config_regexes(ctx: LintContext) -> Iterator[tuple[Segments, str, int | None]]:
    """``(segments, pattern, offset)`` of every regular expression the input holds: ``regexMatch``,
    ``regexReplace.match``, ``filter.type``/``filter.id``, ``read.documents.filter``, ``documentMatches``,
    ``tagScopes[].tag``, and literal patterns of ``matches``/``replaceAll``/``replaceFirst``/``split`` in JUEL
    (``offset``: where the literal starts in the string)."""
    stack: list[tuple[Segments, Any]] = [((), ctx.data)]
    while stack:
        segments, value = stack.pop()
        if isinstance(value, list):
            stack.extend(((*segments, i), v) for i, v in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, dict):
            continue
        for key, child in value.items():
            here = (*segments, key)
            if key == "regexMatch" and isinstance(child, str):
                yield here, child, None
            elif key == "regexReplace" and isinstance(child, dict) and isinstance(child.get("match"), str):
                yield (*here, "match"), child["match"], None
            elif key == "documentMatches" and isinstance(child, list):
                yield from (((*here, i), p, None) for i, p in enumerate(child) if isinstance(p, str))
            elif key == "tagScopes" and isinstance(child, list):
                for i, scope in enumerate(child):
                    if isinstance(scope, dict) and isinstance(scope.get("tag"), str):
                        yield (*here, i, "tag"), scope["tag"], None
            else:
                stack.append((here, child))
    for index, processor in ctx.processors():
        filter_ = processor.get("filter")
        if isinstance(filter_, dict):
            for key in ("type", "id"):
                if isinstance(filter_.get(key), str):
                    yield ("processors", index, "filter", key), filter_[key], None
        read = processor.get("read")
        for position, part in enumerate(read if isinstance(read, list) else [read]):
            documents = part.get("documents") if isinstance(part, dict) else None
            if isinstance(documents, dict) and isinstance(documents.get("filter"), str):
                where = ("read", position) if isinstance(read, list) else ("read",)
                yield ("processors", index, *where, "documents", "filter"), documents["filter"], None
    for use in ctx.templates:
        for pattern, offset in regex_literals(use.template.text):
            yield use.segments, pattern, offset


@rule(
    "LX012",
    "regex-catastrophic-backtracking",
    "warning",
    "A repeated group that can match the same text in many ways ((a+)+, (a*)*, (\\w+\\s?)+$, (a|aa)+, "
    "(.*a){20}) makes a backtracking matcher such as java.util.regex try exponentially many ways on a text "
    "that almost matches: one data object can stall the run (the kit stops such a pattern after "
    "LXKIT_REGEX_TIMEOUT, 1 s by default, and reports it); source: OWASP 'Regular expression Denial of "
    "Service - ReDoS' (evil regexes), java.util.regex.Pattern (possessive quantifiers, atomic groups).",
    "Remove the nesting ((a+)+ -> a+, (\\w+\\s?)+ -> [\\w\\s]+), make the inner repetition possessive (a++) or "
    "atomic ((?>a+)), or make the alternatives exclusive ((a|aa)+ -> a+).",
    target=("config", "mappings"),
)
def catastrophic_backtracking(ctx: LintContext) -> Iterator[Hit]:
    for segments, pattern, offset in config_regexes(ctx):
        reason = catastrophic_reason(pattern)
        if reason is not None:
            yield Hit(
                segments,
                f"regular expression {pattern!r} can backtrack catastrophically: {reason}",
                offset=offset,
            )


RULES = (catastrophic_backtracking,)
