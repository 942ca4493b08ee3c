"""A preview as text and HTML: the summary lines, the notebook view and a self-contained page."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kit.integration import plan
from kit.outputs import atomic_file, check_output_file
from kit.previews.excel import cell_text

if TYPE_CHECKING:
    from kit.previews.preview import Preview

__all__ = ["notebook_html", "page_html", "save_page", "summary_lines"]

HEAD_ROWS = 10
PAGE_ROW_LIMIT = 5000
_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}"
    "th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0;position:sticky;top:0}pre{background:#f7f7f7;padding:1em}"
    "ul.summary li{margin:2px 0}"
)


def summary_lines(shown: Preview) -> list[str]:
    """What would be created/updated/archived, other writes, warnings, deletions and notes."""
    config = shown.configuration
    content = shown.ldif.get("content") or []
    levels = shown.stats["singleRunLevelStatistics"]
    if str(config.get("processingDirection") or "").lower() == "outbound":
        in_scope = sum(p.get("itemsInScopeCount", 0) for p in shown.result.stats["processorStatistics"])
        head = f"{in_scope:,} fact sheets in scope (summed over processors)"
    else:
        head = f"{len(content):,} content items, {len(levels)} run level(s)"
    lines = [
        f"Run of {config.get('connectorType')}/{config.get('connectorId')} {config.get('connectorVersion')} "
        f"({str(config.get('processingMode') or 'partial').upper()}): {head}"
    ]
    writes = shown.result.plan.writes
    lines.extend(_factsheet_lines(shown, writes))
    for label, kind in (
        ("Relations", plan.RelationWrite),
        ("Tag assignments", plan.TagWrite),
        ("Subscriptions", plan.SubscriptionWrite),
        ("Documents", plan.DocumentWrite),
    ):
        counts: dict[str, int] = {}
        for w in writes:
            if type(w) is kind:
                counts[w.action] = counts.get(w.action, 0) + 1
        if counts:
            lines.append(f"{label}: " + ", ".join(f"{n:,} {a}" for a, n in counts.items()))
    for label, other in (
        ("Metrics points", plan.MetricPoint),
        ("Impacts", plan.ImpactWrite),
        ("To-dos", plan.ToDoWrite),
    ):
        count = sum(1 for w in writes if type(w) is other)
        if count:
            lines.append(f"{label}: {count:,}")
    if shown.output_ldif is not None:
        lines.append(f"Output LDIF: {len(shown.output_ldif.get('content') or []):,} content items")
    lines.append(_warnings_line(shown.warning_records))
    skipped = shown.not_evaluated
    for row in skipped.itertuples(index=False):
        lines.append(f"Not evaluated: {row.what} of {row.processor!r} ({row.path}): {row.why}")
    lines.append(shown.removals.line())
    if shown.deletions is not None:
        lines.extend(f"Deletions: {line}" for line in shown.deletions.summary())
    lines.extend(f"Note: {note}" for note in shown.notes)
    return lines


def _factsheet_lines(shown: Preview, writes: list[object]) -> list[str]:
    field_writes = [w for w in writes if type(w) is plan.FieldWrite]
    created = {id(w.target) for w in field_writes if w.action == "create"}
    updated = {id(w.target) for w in field_writes if w.action == "update"}
    statuses = [w for w in writes if type(w) is plan.StatusWrite]
    changed = int(shown.writes["changed"].sum()) if not shown.writes.empty else 0
    parts = []
    if created:
        parts.append(f"{len(created):,} created")
    if updated:
        parts.append(f"{len(updated):,} updated")
    for action in ("archive", "restore"):
        count = sum(1 for w in statuses if w.action == action)
        if count:
            parts.append(f"{count:,} {action}d")
    if not parts:
        return []
    return [
        f"Fact sheets: {', '.join(parts)} ({len(field_writes):,} field writes, {changed:,} changing a value)"
    ]


def _warnings_line(records: list[dict[str, object]]) -> str:
    infos = sum(1 for w in records if w["status"] == "INFO")
    records = [w for w in records if w["status"] != "INFO"]
    info_text = f"; infos: {infos:,}" if infos else ""
    if not records:
        return "Warnings: none" + info_text
    errors = sum(1 for w in records if w["status"] == "ERROR")
    by_category: dict[str, int] = {}
    for w in records:
        by_category[str(w["category"])] = by_category.get(str(w["category"]), 0) + 1
    top = ", ".join(f"{c} {n:,}" for c, n in sorted(by_category.items(), key=lambda kv: -kv[1]))
    return f"Warnings: {len(records):,} ({errors:,} errors): {top}{info_text}"


def _summary_html(summary: str) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary.splitlines())
    return f"<ul class='summary'>{items}</ul>"


def notebook_html(shown: Preview) -> str:
    """The summary, then the first rows of every non-empty frame (``writes`` only when nothing changes)."""
    parts = [_summary_html(shown.summary())]
    frames = shown.frames()
    for name, frame in frames.items():
        if name == "writes" and "changes" in frames:
            continue
        table = frame.head(HEAD_ROWS).map(cell_text)
        more = f" (first {HEAD_ROWS} of {len(frame):,})" if len(frame) > HEAD_ROWS else ""
        parts.append(f"<h4>{html.escape(name)}{more}</h4>{table.to_html(index=False, escape=True)}")
    return "<div class='lxkit-preview'>" + "".join(parts) + "</div>"


def page_html(shown: Preview) -> str:
    """A self-contained page: summary, then every non-empty frame (the first 5,000 rows of each)."""
    sections = [_summary_html(shown.summary())]
    for name, frame in shown.frames().items():
        table = frame.head(PAGE_ROW_LIMIT).map(cell_text)
        more = f" (first {PAGE_ROW_LIMIT:,} of {len(frame):,} rows)" if len(frame) > PAGE_ROW_LIMIT else ""
        sections.append(
            f"<h2 id='{name}'>{html.escape(name)}{more}</h2>{table.to_html(index=False, escape=True, border=0)}"
        )
    if shown.output_ldif is not None:
        text = json.dumps(shown.output_ldif, indent=2, ensure_ascii=False, default=str)
        sections.append(f"<h2 id='output_ldif'>output LDIF</h2><pre>{html.escape(text)}</pre>")
    config = shown.configuration
    title = html.escape(f"Preview of {config.get('connectorId')} {config.get('connectorVersion')}")
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title><style>{_CSS}</style></head>"
        f"<body><h1>{title}</h1>{''.join(sections)}</body></html>"
    )


def save_page(path: str | os.PathLike[str], page: str) -> Path:
    """Write an HTML page to ``path`` atomically (checked: an .html/.htm name in a folder that exists)."""
    target = check_output_file(path, suffixes=(".html", ".htm"))
    with atomic_file(target) as work:
        work.write_text(page, encoding="utf-8")
    return target
