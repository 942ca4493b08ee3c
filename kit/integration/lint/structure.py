"""Rules that report what the input checks found: structure, unknown types and keys, regexes, JUEL syntax.

They share the checks of :mod:`kit.integration.inputs`, so ``lint`` and ``load_config`` always agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, rule

_ALL = ("config", "mappings", "ldif")
_SWAGGER = (
    "Integration API swagger (ProcessorConfiguration, InboundProcessor, FilterConfig, PatchTemplate, ...)"
)


def _problems(ctx: LintContext, *kinds: str) -> Iterator[Hit]:
    for problem in ctx.problems:
        if problem.kind in kinds:
            yield Hit(problem.segments, problem.message, problem.hint, problem.at_key, problem.offset)


@rule(
    "LX000",
    "malformed-json",
    "error",
    "A file that is not JSON (a trailing comma, single quotes, a lone backslash in a regex) cannot be "
    "uploaded or run at all; lint() raises InputError for it, lint_command reports it as this rule.",
    "Fix the JSON at the reported line and column.",
    target=_ALL,
)
def malformed_json(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "json")  # parsing failed before any rule could run; see lint_command


@rule(
    "LX001",
    "invalid-structure",
    "error",
    f"A missing required key, a wrong type or a value outside its enum makes iAPI reject the configuration or "
    f"skip the processor; source: {_SWAGGER}, SAP LeanIX docs 'Inbound Processors / General Structure', "
    "LDIF 'Mandatory Attributes', SAP Signavio 'Advanced Inbound Mappings'.",
    "Add the key or correct the value as the finding says.",
    target=_ALL,
)
def invalid_structure(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "schema", "mapping")


@rule(
    "LX002",
    "unknown-processor-type",
    "error",
    "iAPI only knows the documented processor types (inboundFactSheet, inboundRelation, inboundTag, "
    "inboundDocument, inboundSubscription, inboundMetrics, inboundImpact, inboundToDo, variableProcessor, "
    "writeToLdif, outboundFactSheet); source: swagger InboundProcessor.processorType, SAP LeanIX docs "
    "'Types of Inbound Data Processors'.",
    "Use the spelling of a documented processor type (they are case-sensitive).",
)
def unknown_processor_type(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "unknown-type")


@rule(
    "LX003",
    "unknown-key",
    "error",
    "An unknown key is silently ignored, so a typo disables what it meant to configure (the docs themselves "
    "once write 'filters' for 'filter': the processor then runs on every data object); source: swagger "
    "schemas and SAP LeanIX docs 'General Structure'. Comment keys (description, processorDescription, "
    "comment) are allowed anywhere ('Comments in Processors').",
    "Rename the key to the suggested spelling or remove it.",
    target=("config", "mappings"),
)
def unknown_key(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "unknown-key")


@rule(
    "LX004",
    "unknown-ldif-key",
    "warning",
    "LeanIX ignores unknown LDIF keys, so a misspelt header key (e.g. 'procesingMode') silently falls back to "
    "its default; source: SAP LeanIX docs 'LDIF / Content Array', swagger LeanIxDataInterchangeFormat.",
    "Correct the spelling, or move source data into a content item's 'data'.",
    target=("ldif",),
)
def unknown_ldif_key(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "unknown-key")


@rule(
    "LX010",
    "invalid-regex",
    "error",
    "regexMatch, regexReplace.match, filter.type, filter.id, documentMatches and tag scopes are Java regular "
    "expressions; an invalid one makes the value or processor fail at run time; source: SAP LeanIX docs "
    "'JUEL and RegEx', swagger ValueTemplate/RegexReplace/FilterConfig.",
    'Fix the pattern (Java syntax; inside JSON a backslash is written twice: "\\\\d+").',
    target=("config", "mappings"),
)
def invalid_regex(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "regex")


@rule(
    "LX011",
    "juel-syntax",
    "error",
    "Expressions (${...}) are compiled by iAPI when the processor runs; a syntax error fails every data "
    "object the processor handles; source: SAP LeanIX docs 'Advanced JUEL', JSR-245.",
    "Correct the expression at the reported column.",
    target=("config", "mappings"),
)
def juel_syntax(ctx: LintContext) -> Iterator[Hit]:
    yield from _problems(ctx, "juel")


RULES = (
    malformed_json,
    invalid_structure,
    unknown_processor_type,
    unknown_key,
    unknown_ldif_key,
    invalid_regex,
    juel_syntax,
)
