"""The deletion guard: a real run that would archive or delete anything is refused until confirmed.

Scenarios combine removal sources on the hand-written workspace of :mod:`tests.integration.removal_workspace`
(processors in ``mode: delete`` of each kind, a single-select tag group, deletion scopes of each kind narrowed
to the PILOT tag). Processors act on CRM and Fax, scopes on ERP and HR, so each source's count — worked out
by hand below — adds up unchanged in any combination. Each refusal case feeds a missing or wrong
``confirm_deletions`` and expects :class:`DeletionsNotConfirmed` naming the total, each kind with its count
and the number to pass. Acceptances: the right total, any test run, a cancelled or PARTIAL-mode scope.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from functools import cache
from typing import Any

import pytest

from kit.iapi_runs import DeletionsNotConfirmed, require_confirmation
from kit.previews.preview import Preview, preview
from tests.integration.removal_workspace import (
    EXTERNAL,
    archive_apps,
    config,
    delete_documents,
    delete_relations,
    delete_subscriptions,
    delete_tags,
    item,
    ldif,
    set_stage,
    tag_scope,
    update,
    view,
)
from tests.robustness.outcomes import Case, check, params

NOW = datetime(2025, 1, 1, 6, 0)
LABEL = {
    "factSheets": ("fact sheet (archived)", "fact sheets (archived)"),
    "relations": ("relation", "relations"),
    "tags": ("tag assignment", "tag assignments"),
    "subscriptions": ("subscription", "subscriptions"),
    "documents": ("document", "documents"),
}
ORDER = list(LABEL)
TOUCH_CRM = {
    "processorType": "inboundFactSheet",
    "processorName": "Apps",
    "type": "Application",
    "filter": {"exactType": "App"},
    "identifier": EXTERNAL,
    "updates": [update("description", "${data.text}")],
}

# source -> (processors, LDIF items, counts by hand)
PROCESSOR_SOURCES: dict[str, tuple[list[dict], list[dict], dict[str, int]]] = {
    "archive": ([archive_apps()], [item("fax", "Drop")], {"factSheets": 1}),  # Fax archived
    "unlink": (
        [delete_relations()],
        [item("x", "Unlink", app="crm", it="db")],
        {"relations": 1},  # CRM → DB
    ),
    "untag": (
        [delete_tags(grouped=False)],
        [item("t", "Untag", app="crm", tag="Legacy")],
        {"tags": 1},  # Legacy (Other tags) off CRM
    ),
    "stage": (
        [set_stage()],
        [item("s", "Stage", app="crm", tag="Prod")],
        {"tags": 1},  # Prod replaces Dev in the single-select group Stage
    ),
    "unsubscribe": (
        [delete_subscriptions()],
        [item("u", "Unsubscribe", app="crm", user="ann@example.com")],
        {"subscriptions": 1},  # ann on CRM
    ),
    "undocument": (
        [delete_documents()],
        [item("d", "Undocument", app="crm", doc="Runbook")],
        {"documents": 1},  # Runbook on CRM
    ),
}
# scope kind -> count by hand among ERP and HR (both tagged PILOT, neither touched)
SCOPE_SOURCES = {
    "factSheets": 2,  # ERP, HR archived
    "relations": 1,  # ERP → Web
    "tags": 2,  # PILOT on ERP and on HR
    "subscriptions": 1,  # bob on HR
    "documents": 1,  # Spec on ERP
}
#: wrong confirmations, cycled over the scenarios: (id, value from the total)
WRONG = [
    ("missing", lambda total: None),
    ("one-less", lambda total: total - 1),
    ("one-more", lambda total: total + 1),
    ("zero", lambda total: 0),
    ("negative", lambda total: -total),
    ("bool", lambda total: True),
    ("text", lambda total: str(total)),
    ("float", lambda total: float(total)),
]


def scenario(sources: tuple[str, ...], scopes: tuple[str, ...]) -> tuple[dict, dict, dict[str, int]]:
    """(configuration, LDIF, expected counts) for these processor sources and scope kinds."""
    processors, items, counts = [TOUCH_CRM], [item("crm", "App", text="kept")], {}
    for name in sources:
        more, content, expected = PROCESSOR_SOURCES[name]
        processors += more
        items += content
        for kind, n in expected.items():
            counts[kind] = counts.get(kind, 0) + n
    deletion: dict[str, Any] = {}
    for kind in scopes:
        piece = tag_scope(kind=kind)
        deletion.setdefault("maximumDeletionRatio", {}).update(piece["maximumDeletionRatio"])
        deletion[kind] = piece[kind]
        counts[kind] = counts.get(kind, 0) + SCOPE_SOURCES[kind]
    root = {"processingMode": "full", "deletionScope": deletion} if scopes else {}
    header = {"processingMode": "full"} if scopes else {}
    return config(*processors, **root), ldif(*items, **header), counts


def phrases(counts: dict[str, int]) -> list[str]:
    return [f"{counts[k]} {LABEL[k][counts[k] != 1]}" for k in ORDER if k in counts]


@cache
def predicted(sources: tuple[str, ...], scopes: tuple[str, ...]) -> Preview:
    cfg, data, _ = scenario(sources, scopes)
    return preview(cfg, data, view(), now=NOW)


def refused(sources: tuple[str, ...], scopes: tuple[str, ...], wrong: Any) -> Case:
    counts = scenario(sources, scopes)[2]
    total = sum(counts.values())
    label, value = wrong

    def run() -> None:
        require_confirmation(predicted(sources, scopes), test=False, confirm_deletions=value(total))

    name = "+".join(sources + tuple(f"scope-{k}" for k in scopes))
    return Case(
        f"refused-{name}-{label}",
        run,
        DeletionsNotConfirmed,
        (f"would archive or delete {total} item(s)", *phrases(counts), f"confirm_deletions={total}"),
    )


def accepted(sources: tuple[str, ...], scopes: tuple[str, ...], test: bool) -> Case:
    counts = scenario(sources, scopes)[2]
    total = sum(counts.values())

    def run() -> None:
        removals = require_confirmation(
            predicted(sources, scopes), test=test, confirm_deletions=None if test else total
        )
        assert dict(removals.counts) == {k: counts[k] for k in ORDER if k in counts}
        assert removals.total == total

    name = "+".join(sources + tuple(f"scope-{k}" for k in scopes))
    why = (
        "test runs are never refused: LeanIX persists nothing (reference §6.6 item 7)"
        if test
        else "confirm_deletions equals the predicted total"
    )
    return Case(f"{'test-run' if test else 'confirmed'}-{name}", run, None, why=why)


def cancelled(kind: str, confirm: int | None) -> Case:
    """Both PILOT apps' items would go (100%), which reaches a 50% limit: all deletion is cancelled (§6.7)."""

    def run() -> None:
        cfg, data, _ = scenario((), (kind,))
        cfg["deletionScope"]["maximumDeletionRatio"] = {kind: 50}
        shown = preview(cfg, data, view(), now=NOW)
        assert shown.deletions.cancelled
        assert require_confirmation(shown, test=False, confirm_deletions=confirm).total == 0

    if confirm is None:
        return Case(f"cancelled-scope-{kind}", run, None, why="a cancelled deletion removes nothing (§6.7)")
    return Case(
        f"cancelled-scope-{kind}-confirmed-{confirm}",
        run,
        DeletionsNotConfirmed,
        ("would archive or delete nothing", f"confirm_deletions={confirm} does not match"),
    )


def partial(kind: str) -> Case:
    def run() -> None:
        cfg, data, _ = scenario((), (kind,))
        cfg["processingMode"] = "partial"
        data["processingMode"] = "partial"
        shown = preview(cfg, data, view(), now=NOW)
        assert require_confirmation(shown, test=False, confirm_deletions=None).total == 0

    return Case(f"partial-mode-scope-{kind}", run, None, why="PARTIAL mode ignores deletion scopes (§6.7)")


def corpus() -> list[Case]:
    singles = [((s,), ()) for s in PROCESSOR_SOURCES] + [((), (k,)) for k in SCOPE_SOURCES]
    pairs = [(pair, ()) for pair in itertools.combinations(PROCESSOR_SOURCES, 2)]
    mixed = [((s,), (k,)) for s in PROCESSOR_SOURCES for k in SCOPE_SOURCES]
    everything = [
        (tuple(PROCESSOR_SOURCES), ()),
        ((), tuple(SCOPE_SOURCES)),
        (tuple(PROCESSOR_SOURCES), tuple(SCOPE_SOURCES)),
    ]
    scenarios = singles + pairs + mixed + everything
    cases = [refused(s, k, WRONG[i % len(WRONG)]) for i, (s, k) in enumerate(scenarios)]
    cases += [refused(s, k, WRONG[0]) for i, (s, k) in enumerate(singles) if i % len(WRONG)]  # missing too
    cases += [accepted(s, k, test=False) for s, k in singles + everything]
    cases += [accepted(s, k, test=True) for s, k in singles[:6] + everything[-1:]]
    cases += [cancelled(kind, None) for kind in SCOPE_SOURCES] + [cancelled("factSheets", 2)]
    cases += [partial(kind) for kind in SCOPE_SOURCES]
    return cases


CASES = corpus()


@pytest.mark.parametrize("case", params(CASES))
def test_deletion_guard(case: Case) -> None:
    check(case)
