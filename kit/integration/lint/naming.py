"""Rule on processor names."""

from __future__ import annotations

from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, rule

_OPERATORS = "+*>="


@rule(
    "LX042",
    "processor-name-operators",
    "warning",
    "Processor names should not contain characters reserved as operators (+ * > =); source: SAP LeanIX docs "
    "'Inbound Processors / Overview' (Processor Naming).",
    "Rename the processor without + * > = (e.g. 'Apps and ITComponents' instead of 'Apps+ITComponents').",
)
def processor_name_operators(ctx: LintContext) -> Iterator[Hit]:
    for index, processor in ctx.processors():
        name = processor.get("processorName")
        if not isinstance(name, str):
            continue
        found = "".join(c for c in _OPERATORS if c in name)
        if found:
            shown = " ".join(found)
            yield Hit(
                ("processors", index, "processorName"),
                f"processorName '{name}' contains operator characters {shown}",
            )


RULES = (processor_name_operators,)
