"""Rules on variables: read but never written, or read before the run level that writes them ends.

Reads are found in every JUEL expression of the configuration (``variables.x``, ``variables['x']``,
``variables.get('x')``, ``helper:getFromMap(variables, 'x')``); reads with a computed name are skipped.
Writes are the processors' ``variables`` entries (a key with expressions, like ``child_${data.id}``,
matches any name with that literal prefix/suffix) and the root ``variables`` defaults (level -1).
Expressions in processors run at the processor's level; deletion scopes and ``targetLdif`` after all levels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kit.integration.juel.lexer import scan_template
from kit.integration.juel.nodes import FunctionCall, Identifier, Index, Literal, MethodCall, Property, walk
from kit.integration.juel.parser import parse_expression

from .context import LintContext, processor_label, run_level
from .rule import Hit, rule

_AFTER_ALL_LEVELS = ("deletionScope", "targetLdif")


@dataclass(frozen=True)
class _Writer:
    pattern: re.Pattern[str]
    level: float
    label: str


def shown(name: str) -> str:
    """``variables.x`` or ``variables['my var']``."""
    return f"variables.{name}" if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name) else f"variables[{name!r}]"


def _is_variables(node: Any) -> bool:
    return isinstance(node, Identifier) and node.name == "variables"


def _literal(node: Any) -> str | None:
    return node.value if isinstance(node, Literal) and isinstance(node.value, str) else None


def variable_reads(text: str) -> list[str]:
    """The variable names a template reads by a constant name, in order (duplicates removed)."""
    names: list[str] = []
    for part in scan_template(text):
        if isinstance(part, str):
            continue
        for node in walk(parse_expression(part, text)):
            name = None
            if isinstance(node, Property) and _is_variables(node.base):
                name = node.name
            elif isinstance(node, Index) and _is_variables(node.base):
                name = _literal(node.key)
            elif (
                isinstance(node, MethodCall) and _is_variables(node.base) and node.name == "get" and node.args
            ):
                name = _literal(node.args[0])
            elif (
                isinstance(node, FunctionCall)
                and node.qualified_name == "helper:getFromMap"
                and len(node.args) == 2
            ):
                name = _literal(node.args[1]) if _is_variables(node.args[0]) else None
            if name is not None and name not in names:
                names.append(name)
    return names


def _key_pattern(key: str) -> re.Pattern[str] | None:
    """A regex for the names a (possibly templated) variable key produces; None when it is not a template."""
    try:
        parts = scan_template(key)
    except Exception:  # a JUEL syntax error is reported by LX011
        return None
    return re.compile("".join(re.escape(p) if isinstance(p, str) else ".*" for p in parts), re.DOTALL)


def _writers(ctx: LintContext) -> list[_Writer]:
    writers: list[_Writer] = []
    defaults = ctx.root.get("variables")
    for name in defaults if isinstance(defaults, dict) else {}:
        writers.append(_Writer(re.compile(re.escape(name)), -1, "the root 'variables' defaults"))
    for index, processor in ctx.processors(enabled_only=True):
        entries = processor.get("variables")
        for entry in entries if isinstance(entries, list) else []:
            key = entry.get("key") if isinstance(entry, dict) else None
            pattern = _key_pattern(key) if isinstance(key, str) else None
            if pattern is not None:
                writers.append(_Writer(pattern, run_level(processor), processor_label(index, processor)))
    return writers


def _reads(ctx: LintContext) -> Iterator[tuple[tuple[str | int, ...], str, float]]:
    """``(path, name, level)`` of every constant-name variable read."""
    processors = ctx.root.get("processors")
    for use in ctx.templates:
        first = use.segments[0] if use.segments else None
        if first == "processors":
            processor = processors[use.segments[1]]  # type: ignore[index]
            if processor.get("enabled") is False:
                continue
            level: float = run_level(processor)
        elif first in _AFTER_ALL_LEVELS:
            level = math.inf
        else:
            level = -1
        for name in variable_reads(use.template.text):
            yield use.segments, name, level


def _analyse(ctx: LintContext) -> Iterator[tuple[str, tuple[str | int, ...], str, float, list[_Writer]]]:
    if ctx.direction != "inbound":
        return
    writers = _writers(ctx)
    for segments, name, level in _reads(ctx):
        matching = [w for w in writers if w.pattern.fullmatch(name)]
        if not matching:
            yield "never", segments, name, level, []
        elif min(w.level for w in matching) >= level:
            yield "early", segments, name, level, matching


@rule(
    "LX060",
    "variable-never-written",
    "warning",
    "A variable no processor writes (and without a root default) is empty wherever it is read, so the "
    "expression silently yields nothing; source: SAP LeanIX docs 'Data exchange and Aggregation between "
    "Objects', swagger InboundProcessor.variables and InboundProcessorConfiguration.variables.",
    'Write it in a processor\'s "variables" at a lower run level, add a default in the root "variables", '
    "or correct the name.",
)
def variable_never_written(ctx: LintContext) -> Iterator[Hit]:
    for verdict, segments, name, *_ in _analyse(ctx):
        if verdict == "never":
            yield Hit(
                segments,
                f"{shown(name)} is read here but no processor writes it and it has no root default",
            )


@rule(
    "LX061",
    "variable-read-too-early",
    "error",
    "Variables written at run level n become readable only from level n+1 (levels run in order, processors "
    "within a level in parallel), so a read at the same or a lower level sees nothing; source: swagger "
    "InboundProcessor.variables ('the values will be provided in the next run'), SAP LeanIX docs "
    "'Writing Variables using Expressions'.",
    'Give the reading processor a higher "run" than every processor writing the variable.',
)
def variable_read_too_early(ctx: LintContext) -> Iterator[Hit]:
    for verdict, segments, name, level, writers in _analyse(ctx):
        if verdict != "early":
            continue
        lowest = min(w.level for w in writers)
        first = next(w for w in writers if w.level == lowest)
        yield Hit(
            segments,
            f"{shown(name)} is read at run level {int(level)} but written at run level {int(lowest)} by "
            f"{first.label}; it becomes readable only from level {int(lowest) + 1}",
            f'set "run": {int(lowest) + 1} (or higher) on the reading processor',
        )


RULES = (variable_never_written, variable_read_too_early)
