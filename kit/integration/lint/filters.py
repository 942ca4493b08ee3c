"""Rules on which data objects a processor runs for: ``filter`` and ``forEach``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import LintContext, processor_label
from .rule import Hit, rule

_METACHARACTERS = re.compile(r"[.^$*+?()\[\]{}|\\]")


@rule(
    "LX040",
    "type-filter-is-prefix",
    "warning",
    "filter.type is a regular expression matched against the first characters of content.type, so "
    "\"type\": \"Application\" also runs for 'ApplicationX' or 'ApplicationInterface'; exactType compares the "
    "whole string and is the documented recommendation; source: SAP LeanIX docs 'Inbound Processors / General "
    "Structure' (Filters: exactType (type)).",
    'Use "exactType" for a plain type name (keep "type" for real patterns such as "prj|subp").',
)
def type_filter_is_prefix(ctx: LintContext) -> Iterator[Hit]:
    for index, processor in ctx.processors():
        filter_ = processor.get("filter")
        if not isinstance(filter_, dict) or filter_.get("exactType") is not None:
            continue
        kind = filter_.get("type")
        if isinstance(kind, str) and kind and not _METACHARACTERS.search(kind):
            yield Hit(
                ("processors", index, "filter", "type"),
                f"filter.type '{kind}' matches every content type that starts with it (also '{kind}X')",
                f'use "exactType": "{kind}"',
            )


@rule(
    "LX041",
    "foreach-without-filter",
    "warning",
    "A processor-level forEach without a filter iterates for every data object of the LDIF; iAPI warns about "
    "it unless allowManyIterations is true; source: swagger InboundProcessor.allowManyIterations ('When "
    "false, it produces warnings if forEach option is used and filter is not defined').",
    'Add a filter (e.g. {"exactType": "..."}) or set "allowManyIterations": true when intended.',
)
def foreach_without_filter(ctx: LintContext) -> Iterator[Hit]:
    for index, processor in ctx.processors():
        for_each = processor.get("forEach")
        if not isinstance(for_each, str) or not for_each.strip():
            continue
        if processor.get("allowManyIterations") is True or processor.get("filter"):
            continue
        yield Hit(
            ("processors", index, "forEach"),
            f"{processor_label(index, processor)} uses forEach without a filter: it iterates for every data "
            "object and iAPI logs a warning (allowManyIterations is false)",
        )


RULES = (type_filter_is_prefix, foreach_without_filter)
