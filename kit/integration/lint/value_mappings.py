"""Rule on value mappings without a catch-all (iAPI ``values`` lists and Signavio ``valueMappings``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kit.integration.inputs.config import iter_updates
from kit.integration.juel import JuelError, compile_java_regex

from .context import LintContext
from .rule import Hit, rule

_SAMPLES = ("", "x", "Other value 42", "Ä-_/.:;#")


def is_catch_all(pattern: Any) -> bool:
    """True when the (Java) regex matches any single-line value in full: ``.*``, ``^.*$``, ``(.*)`` ..."""
    if not isinstance(pattern, str):
        return False
    try:
        compiled = compile_java_regex(pattern)
        return all(compiled.fullmatch(sample) for sample in _SAMPLES)
    except JuelError:  # invalid, or over the regex time budget: not a catch-all
        return False


@rule(
    "LX030",
    "value-mapping-catch-all",
    "warning",
    "When no alternative of a value mapping matches, nothing is written and the run logs a 'no value' "
    "warning for that input; a last catch-all mapping removes it; source: SAP LeanIX 'Best Practices for the "
    'Integration API\' (Cover All Edge Cases: end the list with {"outputExpression": "Other value", '
    '"regexMatch": ".*"}), \'JUEL and RegEx\' for the iAPI form.',
    'End the list with a catch-all: iAPI {"expr": ..., "regexMatch": ".*", "regexReplace": {...}} or '
    'a value without regexMatch (or set "optional": true); Signavio {"outputExpression": "Other value", '
    '"regexMatch": ".*"} (or a defaultValue).',
    target=("config", "mappings"),
)
def value_mapping_catch_all(ctx: LintContext) -> Iterator[Hit]:
    if ctx.kind == "mappings":
        yield from _signavio(ctx.root)
    else:
        yield from _iapi(ctx.root)


def _iapi(data: dict[str, Any]) -> Iterator[Hit]:
    for segments, entry in iter_updates(data):
        values = entry.get("values")
        if not isinstance(values, list) or entry.get("optional") is True:
            continue
        alternatives = [v for v in values if isinstance(v, dict) and isinstance(v.get("regexMatch"), str)]
        last = values[-1] if values else None
        if len(alternatives) < 2 or not isinstance(last, dict):
            continue
        if last.get("regexMatch") is None or is_catch_all(last.get("regexMatch")):
            continue
        key = entry.get("key", {}).get("expr") if isinstance(entry.get("key"), dict) else None
        what = f"the value mapping of '{key}'" if isinstance(key, str) else "this value mapping"
        example = last.get("expr") if isinstance(last.get("expr"), str) else "${...}"
        yield Hit(
            (*segments, "values"),
            f"{what} ({len(alternatives)} regexMatch alternatives) has no catch-all: input matching none of "
            "them gets no value and the run logs a 'no value' warning",
            f'add a last value {{"expr": "{example}", "regexMatch": ".*", "regexReplace": {{"match": "^.*$", '
            f'"replace": "Other"}}}}, or set "optional": true',
        )


def _signavio(data: dict[str, Any]) -> Iterator[Hit]:
    mappings = data.get("inboundMappings")
    for index, mapping in enumerate(mappings if isinstance(mappings, list) else []):
        fields = mapping.get("fields") if isinstance(mapping, dict) else None
        for position, field in enumerate(fields if isinstance(fields, list) else []):
            if not isinstance(field, dict) or field.get("defaultValue") is not None:
                continue
            value_mappings = field.get("valueMappings")
            if not isinstance(value_mappings, list) or not value_mappings:
                continue
            last = value_mappings[-1]
            if isinstance(last, dict) and is_catch_all(last.get("regexMatch")):
                continue
            name = field.get("leanixFieldName")
            yield Hit(
                ("inboundMappings", index, "fields", position, "valueMappings"),
                f"valueMappings of '{name}' ({len(value_mappings)} mapping{'s' if len(value_mappings) != 1 else ''}) "
                "end without a catch-all: a value no regexMatch matches is logged as a warning in the sync log",
                'add {"outputExpression": "Other value", "regexMatch": ".*"} as the last mapping, or set a defaultValue',
            )


RULES = (value_mapping_catch_all,)
