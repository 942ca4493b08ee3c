"""Rules on deletion scopes: what they select, when they apply, and their safety guard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .context import LintContext
from .rule import Hit, rule

#: per kind, the key that selects which items of the fact sheets in scope are candidates
_SELECTORS = {
    "factSheets": None,
    "relations": "relationTypes",
    "tags": "tagScopes",
    "subscriptions": "subscriptionScopes",
    "documents": "documentMatches",
    "impacts": None,
}
_TEST_TAG = (
    '{"facetKey": "${integration.tags.getTagGroupId(\'Testing\')}", "operator": "OR", '
    "\"keys\": [\"${integration.tags.getTagId('Testing','TEST_PRJ')}\"]}"
)


def _narrowing(scope: Any) -> bool:
    """True when a scope selects less than whole fact sheet types (ids, external ids, other facets)."""
    if not isinstance(scope, dict):
        return False
    if scope.get("ids") or scope.get("externalIds") or scope.get("fullTextSearch"):
        return True
    facets = scope.get("facetFilters")
    return any(
        isinstance(facet, dict) and facet.get("facetKey") != "FactSheetTypes"
        for facet in (facets if isinstance(facets, list) else [])
    )


def _types(scope: Any) -> list[str]:
    facets = scope.get("facetFilters") if isinstance(scope, dict) else None
    return [
        key
        for facet in (facets if isinstance(facets, list) else [])
        if isinstance(facet, dict) and facet.get("facetKey") == "FactSheetTypes"
        for key in _list(facet.get("keys"))
        if isinstance(key, str)
    ]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@rule(
    "LX050",
    "deletion-scope-unfiltered",
    "warning",
    "In a full run everything in a deletion scope that the run did not touch is deleted; a scope with only a "
    "FactSheetTypes facet (or none) puts every fact sheet of the type in scope, so a partial or test LDIF "
    "archives the rest; source: SAP LeanIX 'Best Practices for the Integration API' (Leverage Deletion Scope: "
    "'All potentially existing project Fact Sheets in the workspace will be in scope for deletion' - add a "
    "test tag such as TEST_PRJ as filter criteria), 'Auto-deletion with inboundProcessors'.",
    f"Narrow the scope, e.g. with a test tag facet {_TEST_TAG}, ids/externalIds, an owner or an advanced "
    "expression; keep maximumDeletionRatio low.",
)
def deletion_scope_unfiltered(ctx: LintContext) -> Iterator[Hit]:
    deletion = ctx.root.get("deletionScope")
    if not isinstance(deletion, dict):
        return
    for kind, selector in _SELECTORS.items():
        entries = deletion.get(kind)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or _narrowing(entry.get("scope")) or entry.get("advanced"):
                continue
            if kind == "factSheets" and entry.get("owner"):
                continue
            if selector is not None and entry.get(selector):
                continue
            types = _types(entry.get("scope"))
            what = (
                "every fact sheet of type " + ", ".join(types)
                if types
                else "every fact sheet of the workspace"
            )
            selects = what if kind == "factSheets" else f"the {kind} of {what}"
            segments = ("deletionScope", kind, index) + (("scope",) if "scope" in entry else ())
            yield Hit(
                segments,
                f"deletionScope.{kind}[{index}] has no narrowing filter: it selects {selects}, and a full run "
                "deletes whatever the LDIF did not touch",
                f"add a test tag facet such as {_TEST_TAG} (or ids, externalIds, owner, advanced)",
            )


@rule(
    "LX051",
    "deletion-scope-partial-mode",
    "warning",
    "Deletion scopes are only evaluated when processingMode is full; in a partial configuration the "
    "deletionScope is ignored and nothing is cleaned up; source: swagger InboundProcessorConfiguration."
    "deletionScope ('used to delete untouched entities on a full sync mode'), SAP LeanIX docs "
    "'Auto-deletion with inboundProcessors'.",
    'Set "processingMode": "full" (configuration and LDIF) or remove the deletionScope.',
)
def deletion_scope_partial_mode(ctx: LintContext) -> Iterator[Hit]:
    deletion = ctx.root.get("deletionScope")
    if not isinstance(deletion, dict) or not any(deletion.get(kind) for kind in (*_SELECTORS, "todos")):
        return
    if ctx.mode == "full":
        return
    mode = ctx.root.get("processingMode")
    why = f"processingMode is '{mode}'" if isinstance(mode, str) else "processingMode is not set (partial)"
    yield Hit(("deletionScope",), f"deletionScope is ignored: {why}", at_key=True)


@rule(
    "LX052",
    "deletion-ratio-guard-off",
    "warning",
    "maximumDeletionRatio cancels all deletion when the share of items to delete reaches the limit (default "
    "50%); 101 or more switches the guard off, so a broken or empty LDIF can delete the whole scope; source: "
    "SAP LeanIX docs 'Auto-deletion with inboundProcessors' (increase to 101 to allow removing even 100%), "
    "SAP Signavio 'Case 11: maximumDeletionRatio used to protect of unwanted data loss'.",
    "Use a limit below 100 (e.g. 30) and raise it only for a deliberate clean-up run.",
)
def deletion_ratio_guard_off(ctx: LintContext) -> Iterator[Hit]:
    deletion = ctx.root.get("deletionScope")
    ratios = deletion.get("maximumDeletionRatio") if isinstance(deletion, dict) else None
    if not isinstance(ratios, dict):
        return
    for kind, ratio in ratios.items():
        if isinstance(ratio, int | float) and not isinstance(ratio, bool) and ratio >= 101:
            yield Hit(
                ("deletionScope", "maximumDeletionRatio", kind),
                f"maximumDeletionRatio.{kind} is {ratio}: the deletion guard is off for {kind} (even 100% of the "
                "scope may be deleted)",
            )


RULES = (deletion_scope_unfiltered, deletion_scope_partial_mode, deletion_ratio_guard_off)
