"""What a run would archive or delete, counted by kind: the one number a real run asks to confirm.

Two sources remove things in LeanIX:

* **processors** — ``mode: delete`` (an inboundFactSheet archives the matched fact sheet; inboundRelation,
  inboundTag, inboundSubscription, inboundDocument … delete what they name), ``constrainingRelations``
  (relations of the source not written by the processor are deleted) and single-select tag groups (assigning
  a tag removes the group's other tag from the fact sheet);
* **deletion scopes** of a FULL-mode run (:mod:`kit.integration.deletion`) — only when the ratio limit does not
  cancel them.

:func:`count_removals` reads the engine's plan records (StatusWrite ``archive``, RelationWrite,
SubscriptionWrite and DocumentWrite ``delete``, TagWrite ``remove``) and the deletion prediction, and returns
:class:`Removals`: counts per kind, the total and one row per item. A record written by a processor whose
configuration says ``mode: delete`` counts as a removal whatever its action, so a processor type whose
deletion the engine does not model is still counted (LeanIX applies the mode to every inbound processor,
reference §6.3). No I/O: names come from the caller's ``describe``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from kit.integration.plan import (
    DocumentWrite,
    FactSheetRef,
    ImpactWrite,
    RelationWrite,
    StatusWrite,
    SubscriptionWrite,
    TagWrite,
    ToDoWrite,
)

__all__ = ["KINDS", "LABELS", "Removals", "count_removals"]

KINDS = ("factSheets", "relations", "tags", "subscriptions", "documents", "impacts", "todos")
"""Kinds in the order counts and phrases list them (deletion scope kinds first, as the configuration has)."""
LABELS = {
    "factSheets": ("fact sheet (archived)", "fact sheets (archived)"),
    "relations": ("relation", "relations"),
    "tags": ("tag assignment", "tag assignments"),
    "subscriptions": ("subscription", "subscriptions"),
    "documents": ("document", "documents"),
    "impacts": ("impact", "impacts"),
    "todos": ("to-do", "to-dos"),
}
"""(singular, plural) of each kind as messages show it."""
COLUMNS = [
    "kind",
    "action",
    "by",
    "processor_index",
    "processor",
    "content_id",
    "factsheet_id",
    "id",
    "type",
    "name",
    "detail",
]
_KIND_OF = {
    StatusWrite: "factSheets",
    RelationWrite: "relations",
    TagWrite: "tags",
    SubscriptionWrite: "subscriptions",
    DocumentWrite: "documents",
    ImpactWrite: "impacts",
    ToDoWrite: "todos",
}
_REMOVING = {"archive", "delete", "remove"}
_VERB = {"factSheets": "archive", "tags": "remove"}

#: (id, readable reference, type, name) of a fact sheet reference; the preview's own lookup
Describe = Callable[[FactSheetRef], tuple[Any, Any, Any, Any]]


@dataclass(frozen=True, eq=False)
class Removals:
    """What a run would archive or delete: ``counts`` per kind (only kinds with items, in :data:`KINDS`
    order), one row per item in ``items``, and ``unknown``: what could not be counted and why."""

    counts: Mapping[str, int]
    items: pd.DataFrame
    unknown: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        """The number ``ws.run(..., test=False, confirm_deletions=...)`` must be given."""
        return sum(self.counts.values())

    def phrase(self) -> str:
        """``5 fact sheets (archived), 2 relations`` (``nothing`` when empty)."""
        return _phrase(self.counts)

    def by_source(self) -> dict[str, str]:
        """The phrase per source: ``{"processors": "1 relation", "deletion scopes": "…"}`` (non-empty only)."""
        out = {}
        for source, label in (("processor", "processors"), ("deletion scope", "deletion scopes")):
            kinds = [k for k, by in zip(self.items["kind"], self.items["by"], strict=True) if by == source]
            if kinds:
                out[label] = _phrase({k: kinds.count(k) for k in KINDS if k in kinds})
        return out

    def line(self) -> str:
        """The preview summary's line: ``Would archive or delete: …`` plus what was not counted."""
        text = f"Would archive or delete: {self.phrase()}"
        if self.unknown:
            text += " (not counted: " + "; ".join(self.unknown) + ")"
        return text

    def __repr__(self) -> str:
        return f"Removals({self.phrase()}; total {self.total})"


def _phrase(counts: Mapping[str, int]) -> str:
    if not counts:
        return "nothing"
    return ", ".join(f"{n:,} {LABELS[kind][int(n) != 1]}" for kind, n in counts.items())


def count_removals(
    writes: Iterable[Any],
    deletions: Any = None,
    *,
    processors: list[Mapping[str, Any]] | None = None,
    describe: Describe | None = None,
    unknown: Iterable[str] = (),
) -> Removals:
    """Count what a run would archive or delete.

    ``writes``: the engine's plan records (not the deletion writes: those come from ``deletions``, a
    :class:`~kit.integration.deletion.DeletionPrediction` or None); ``processors``: the configuration's
    processor list (to find ``mode: delete``); ``describe``: the fact sheet lookup used for names;
    ``unknown``: reasons something could not be counted (kept on the result and shown in its line).
    """
    delete_mode = {
        i
        for i, p in enumerate(processors or ())
        if isinstance(p, Mapping) and str(p.get("mode") or "").lower() == "delete"
    }
    rows: list[tuple[Any, ...]] = []
    for write in writes:
        kind = _KIND_OF.get(type(write))
        if kind is None:
            continue
        origin = write.origin
        action = getattr(write, "action", None)
        by_mode = origin is not None and origin.processor_index in delete_mode
        if by_mode and kind == "tags" and action == "remove":
            continue  # a tag processor in mode delete removes the tag it names, not the group's other tags
        if action not in _REMOVING and not (by_mode and action != "create" and kind != "factSheets"):
            continue
        rows.append(_processor_row(kind, write, origin, action, by_mode, describe))
    found = list(unknown)
    if deletions is not None:
        found.extend(f"deletionScope: {w}" for w in deletions.warnings if "is not predicted" in w)
        if not deletions.cancelled:
            for pred in deletions.kinds.values():
                for item in pred.to_delete:
                    rows.append(
                        (
                            item.kind,
                            _VERB.get(item.kind, "delete"),
                            "deletion scope",
                            None,
                            None,
                            None,
                            item.factsheet_id,
                            item.id,
                            item.type,
                            item.name,
                            item.detail,
                        )
                    )
    items = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    if len(items):
        order = {k: i for i, k in enumerate(KINDS)}
        items = items.sort_values("kind", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    kinds = list(items["kind"])
    counts = {kind: kinds.count(kind) for kind in KINDS if kind in kinds}
    return Removals(MappingProxyType(counts), items, tuple(dict.fromkeys(found)))


def _processor_row(
    kind: str, write: Any, origin: Any, action: str | None, by_mode: bool, describe: Describe | None
) -> tuple[Any, ...]:
    """One row for a record a processor wrote (``by_mode``: counted for the processor's ``mode: delete``)."""
    verb = _VERB.get(kind, "delete")
    target = getattr(write, "source", None) if kind == "relations" else getattr(write, "target", None)
    fs_id, fs_text, fs_type, fs_name = _described(target, describe)
    detail = f"processor mode delete ({type(write).__name__} {action})" if action not in _REMOVING else ""
    item_id: Any = None
    if kind == "factSheets":
        item_id, type_name, name = fs_id, fs_type, fs_name
    elif kind == "relations":
        other = _described(write.target, describe)
        type_name = write.type
        name = f"{fs_name or fs_text} → {other[3] or other[1]}"
    elif kind == "tags":
        type_name, name = write.group or "Other tags", write.tag
    elif kind == "subscriptions":
        type_name, name = write.type, write.user
    elif kind == "documents":
        type_name, name = write.values.get("documentType"), write.name
    else:
        type_name, name = None, None
    where = f"on {fs_type or 'fact sheet'} {fs_name or fs_text}" if kind != "factSheets" else ""
    detail = "; ".join(p for p in (where, detail) if p)
    return (
        kind,
        verb,
        "processor",
        origin.processor_index if origin is not None else None,
        origin.processor_name if origin is not None else None,
        origin.content_id if origin is not None else None,
        fs_text if fs_id is None else fs_id,
        item_id,
        type_name,
        name,
        detail,
    )


def _described(ref: FactSheetRef | None, describe: Describe | None) -> tuple[Any, Any, Any, Any]:
    if ref is None:
        return (None, None, None, None)
    if describe is not None:
        return describe(ref)
    text = ref.id
    if text is None and ref.external is not None:
        text = f"{ref.type or 'fact sheet'} {ref.external[0]}={ref.external[1]}"
    return (ref.id, text, ref.type, None)
