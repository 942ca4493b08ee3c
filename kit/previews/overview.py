"""The top of a preview page: the summary box (how many writes, creates, updates, archives, warnings) and
the deletion guard's outcome as a callout.

Both are computed from the preview's own frames and deletion prediction, never from its text summary, so the
page and :meth:`~kit.previews.preview.Preview.summary` can be checked against each other.

The deletion guard follows LeanIX's documented rule (reference §6.7): ``maximumDeletionRatio`` is a percent
per kind (default 50); when the share of items a scope would delete reaches it (≥), **all** deletion of the
run is cancelled. Shares are shown in whole percent rounded down, so a shown share never reaches a limit
the real ratio does not (62.5% reads ``62%``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit import formatting as fmt
from kit.integration.deletion import KINDS as DELETION_KINDS
from kit.integration.deletion import whole_percent

if TYPE_CHECKING:
    from kit.integration.deletion import KindPrediction
    from kit.previews.preview import Preview

__all__ = ["Callout", "Counts", "Stat", "counts", "counts_html", "deletion_guard"]

# (plural noun, verb) per deletion scope kind, as the callout words them
_KIND_WORDS = {
    "factSheets": ("fact sheets", "archive"),
    "relations": ("relations", "delete"),
    "tags": ("tag assignments", "remove"),
    "subscriptions": ("subscriptions", "delete"),
    "documents": ("documents", "delete"),
}


@dataclass(frozen=True)
class Stat:
    """One number of the summary box: its value, its label and a short hint of what it counts."""

    key: str
    value: int
    label: str
    hint: str = ""
    tone: str = ""  # "", "warn" (warnings) or "muted" (zero)


@dataclass(frozen=True)
class Counts:
    """What the summary box shows, counted from the preview's frames.

    ``writes``: every write the run would send (the plan's records: field values, status changes, relations,
    tags, subscriptions, documents, metrics points ..., and deletions that are not cancelled);
    ``created``: fact sheets the run creates; ``updated``: existing fact sheets with at least one value that
    changes, ``unchanged``: matched ones where nothing changes; ``archived``: fact sheets archived by
    processors or deletion scopes; ``restored``; ``removed``: other items deleted (relations, tag assignments,
    subscriptions, documents ...); ``cancelled``: what the deletion guard stops; ``warnings`` (WARNING and
    ERROR records) and ``infos`` (INFO records).
    """

    writes: int
    created: int
    updated: int
    unchanged: int
    archived: int
    restored: int
    removed: int
    cancelled: int
    warnings: int
    infos: int

    def stats(self) -> list[Stat]:
        """The box's numbers in reading order (restored, removed and infos only when there are any)."""
        out = [
            Stat("writes", self.writes, "Writes", "values, relations, tags … sent to LeanIX"),
            Stat("created", self.created, "Created", "new fact sheets"),
            Stat(
                "updated",
                self.updated,
                "Updated",
                "fact sheets whose values change"
                + (f"; {self.unchanged:,} more matched, unchanged" if self.unchanged else ""),
            ),
            Stat(
                "archived",
                self.archived,
                "Archived",
                "fact sheets"
                + (f"; {self.cancelled:,} more stopped by the deletion guard" if self.cancelled else ""),
            ),
        ]
        if self.restored:
            out.append(Stat("restored", self.restored, "Restored", "archived fact sheets made active"))
        if self.removed:
            out.append(Stat("removed", self.removed, "Deleted", "relations, tag assignments, documents …"))
        out.append(Stat("warnings", self.warnings, "Warnings", "warnings and errors", "warn"))
        if self.infos:
            out.append(Stat("infos", self.infos, "Infos", "expected misses of optional updates"))
        return [s if s.value else Stat(s.key, s.value, s.label, s.hint, "muted") for s in out]


def _distinct(values: Iterable[Any]) -> int:
    return len({str(v) for v in values})


def counts(shown: Preview) -> Counts:
    """The summary box's numbers (see :class:`Counts`)."""
    writes, changes = shown.writes, shown.changes
    created = updated = matched = restored = 0
    if not writes.empty:
        created = _distinct(writes.loc[writes["action"] == "create", "target_ref"])
        matched = _distinct(writes.loc[writes["action"] == "update", "target_ref"])
        updated = _distinct(changes.loc[changes["action"] == "update", "target_ref"])
        restored = _distinct(writes.loc[writes["action"] == "restore", "target_ref"])
    removals = shown.removals
    archived = int(removals.counts.get("factSheets", 0))
    deletions = shown.deletions
    cancelled = 0
    if deletions is not None and deletions.cancelled:
        cancelled = sum(len(k.to_delete) for k in deletions.kinds.values())
    return Counts(
        writes=len(shown.plan.writes),
        created=created,
        updated=updated,
        unchanged=matched - updated,
        archived=archived,
        restored=restored,
        removed=removals.total - archived,
        cancelled=cancelled,
        warnings=len(shown.warnings),
        infos=len(shown.infos),
    )


def counts_html(box: Counts) -> str:
    """The summary box as HTML: one tile per number (``data-stat`` names it, for tests and styling)."""
    tiles = []
    for stat in box.stats():
        tone = f" lx-{stat.tone}" if stat.tone else ""
        tiles.append(
            f"<div class='lx-stat{tone}' data-stat='{stat.key}'>"
            f"<div class='lx-stat-value'>{stat.value:,}</div>"
            f"<div class='lx-stat-label'>{html.escape(stat.label)}</div>"
            f"<div class='lx-stat-hint'>{html.escape(stat.hint)}</div></div>"
        )
    return f"<div class='lx-summary'>{''.join(tiles)}</div>"


@dataclass(frozen=True)
class Callout:
    """The deletion guard's outcome: ``level`` is ``cancelled`` (red), ``passes`` (green) or ``neutral``
    (nothing to delete, or not predicted); a ``title`` and sentences."""

    level: str
    title: str
    lines: tuple[str, ...]

    def to_html(self) -> str:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in self.lines)
        return (
            f"<div class='lx-callout lx-{self.level}' role='note' data-guard='{self.level}'>"
            f"<div class='lx-callout-title'>{html.escape(self.title)}</div>{body}</div>"
        )


def _limit_text(limit: float) -> str:
    return f"{fmt.number(limit)}%"


def _kind_phrase(pred: KindPrediction) -> str:
    """``archive 62% of the fact sheets in scope (5 of 8)``."""
    noun, verb = _KIND_WORDS[pred.kind]
    count = len(pred.to_delete)
    return f"{verb} {whole_percent(count, pred.in_scope)} of the {noun} in scope ({count:,} of {pred.in_scope:,})"


def deletion_guard(shown: Preview) -> Callout | None:
    """The deletion guard's outcome in plain words; None when the configuration has no deletion scope."""
    config = shown.configuration
    scopes = config.get("deletionScope")
    if not scopes:
        return None
    mode = str(config.get("processingMode") or "partial").lower()
    if mode != "full":
        return Callout(
            "neutral",
            "Deletion scopes are not used in PARTIAL mode",
            (
                "LeanIX reads deletion scopes only when processingMode is full: this run would delete nothing.",
            ),
        )
    deletions = shown.deletions
    if deletions is None:
        return Callout(
            "neutral",
            "Deletions were not predicted",
            ("No workspace was given, so what the deletion scopes would delete is unknown.",),
        )
    scoped = [deletions.kinds[k] for k in DELETION_KINDS if k in deletions.kinds]
    if not scoped:
        return None
    if deletions.cancelled:
        reached = [p for p in scoped if p.reached_limit]
        first, *others = reached
        lines = [
            f"LeanIX would cancel this run's deletion: it would {_kind_phrase(first)}, "
            f"the limit is {_limit_text(first.limit)}."
        ]
        lines.extend(f"It would also {_kind_phrase(p)}, the limit is {_limit_text(p.limit)}." for p in others)
        stopped = [p for p in scoped if not p.reached_limit and p.to_delete]
        lines.extend(
            f"Also cancelled: {len(p.to_delete):,} of {p.in_scope:,} {_KIND_WORDS[p.kind][0]} in scope "
            f"({whole_percent(len(p.to_delete), p.in_scope)}, below its {_limit_text(p.limit)} limit)."
            for p in stopped
        )
        lines.append(
            "When any deletion scope reaches its maximumDeletionRatio, LeanIX deletes nothing at all. "
            "If these deletions are meant, raise the limit in deletionScope.maximumDeletionRatio; "
            "otherwise narrow the scope (e.g. to a tag)."
        )
        return Callout("cancelled", "The deletion guard would cancel all deletion", tuple(lines))
    lines = []
    for pred in scoped:
        noun, _ = _KIND_WORDS[pred.kind]
        if pred.to_delete:
            lines.append(f"It would {_kind_phrase(pred)}, below the {_limit_text(pred.limit)} limit.")
        else:
            lines.append(
                f"Nothing of the {pred.in_scope:,} {noun} in scope would be deleted "
                f"(limit {_limit_text(pred.limit)})."
            )
    if any(p.to_delete for p in scoped):
        return Callout("passes", "The deletion guard lets this run's deletion through", tuple(lines))
    return Callout("neutral", "The deletion scopes would delete nothing", tuple(lines))
