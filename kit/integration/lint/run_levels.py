"""Rule on run levels: processors that need fact sheets another processor creates in the same run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .context import LintContext, processor_label, run_level
from .rule import Hit, rule

_RELATION = re.compile(r"rel([A-Z]\w*?)To([A-Z]\w*)")
#: processors that attach something to fact sheets found by an identifier (fact sheet -> endpoint key)
_ATTACHING = {
    "inboundTag": ("identifier", "factSheets"),
    "inboundSubscription": ("identifier",),
    "inboundDocument": ("identifier",),
}


@dataclass(frozen=True)
class _Creator:
    index: int
    level: int
    type: str | None
    id_field: str | None
    label: str


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and "${" not in value and "#{" not in value else None


def _external_field(identifier: Any) -> tuple[bool, str | None]:
    """Whether an identifier uses an external id, and the external id field's name when it is literal."""
    external = identifier.get("external") if isinstance(identifier, dict) else None
    if not isinstance(external, dict):
        return False, None
    kind = external.get("type")
    return True, _literal(kind.get("expr")) if isinstance(kind, dict) else None


def _creators(ctx: LintContext) -> list[_Creator]:
    creators = []
    for index, processor in ctx.processors(enabled_only=True):
        if processor.get("processorType") != "inboundFactSheet" or processor.get("mode") == "delete":
            continue
        if processor.get("readOnly") is True:
            continue
        external, id_field = _external_field(processor.get("identifier"))
        if external:
            label = processor_label(index, processor)
            creators.append(
                _Creator(index, run_level(processor), _literal(processor.get("type")), id_field, label)
            )
    return creators


def _endpoints(processor: dict[str, Any]) -> Iterator[tuple[str, str | None, str | None]]:
    """``(key, fact sheet type or None, external id field or None)`` for each endpoint found by external id."""
    kind = processor.get("processorType")
    if kind == "inboundRelation":
        match = (
            _RELATION.fullmatch(processor.get("type") or "")
            if isinstance(processor.get("type"), str)
            else None
        )
        types = match.groups() if match else (None, None)
        for key, fact_sheet_type in zip(("from", "to"), types, strict=True):
            external, id_field = _external_field(processor.get(key))
            if external:
                yield key, fact_sheet_type, id_field
    for key in _ATTACHING.get(kind, ()):  # type: ignore[arg-type]
        external, id_field = _external_field(processor.get(key))
        if external:
            yield key, None, id_field


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


@rule(
    "LX070",
    "relation-same-run-level",
    "warning",
    "Processors of one run level run in parallel with no guaranteed order, so a relation (or a tag, "
    "subscription or document) whose fact sheet is created by a processor at the same or a later level may "
    "be processed before the fact sheet exists and fail with 'fact sheet not found'; source: SAP LeanIX docs "
    "'Inbound Processors / Overview' (run: 0 when creating a Fact Sheet, run: 1 when creating a relation to "
    "the new Fact Sheet), 'Grouped Execution' (same run levels run in parallel).",
    'Put fact sheet processors at "run": 0 and relation/tag/subscription/document processors at "run": 1.',
)
def relation_same_run_level(ctx: LintContext) -> Iterator[Hit]:
    creators = _creators(ctx)
    if not creators:
        return
    for index, processor in ctx.processors(enabled_only=True):
        level = run_level(processor)
        for key, fact_sheet_type, id_field in _endpoints(processor):
            clash = [
                c
                for c in creators
                if c.index != index
                and c.level >= level
                and _compatible(c.type, fact_sheet_type)
                and _compatible(c.id_field, id_field)
            ]
            if not clash:
                continue
            creator = clash[0]
            what = f"{fact_sheet_type} fact sheets" if fact_sheet_type else "fact sheets"
            label = processor_label(index, processor)
            segments = ("processors", index, "run") if "run" in processor else ("processors", index)
            yield Hit(
                segments,
                f"{label} runs at level {level}, but the {what} its '{key}' identifier points to are created by "
                f"{creator.label} at level {creator.level}: it may be processed before they exist",
                f'set "run": {creator.level + 1} on {label}',
            )
            break


RULES = (relation_same_run_level,)
