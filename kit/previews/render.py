"""A preview as text and HTML: the summary lines, the notebook view and a self-contained page.

The page (``Preview.to_html``) and the notebook view (``Preview._repr_html_``) share one body: a header
naming the connector, the summary box and the deletion guard callout (:mod:`.overview`), a contents line,
then the sections (:mod:`.sections`). The page is self-contained: no script, no font or style fetched, so it
opens the same offline, in a mail attachment or an artifact store.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError
from kit.integration import plan
from kit.outputs import atomic_file, check_output_file
from kit.previews.overview import counts, counts_html, deletion_guard
from kit.previews.sections import sections
from kit.tables import Links

if TYPE_CHECKING:
    from kit.previews.preview import Preview

__all__ = ["notebook_html", "page_html", "save_page", "summary_lines"]

HEAD_ROWS = 10
PAGE_ROW_LIMIT = 5000
#: the page's look; every rule is scoped to ``.lxkit-preview`` so the notebook view leaves JupyterLab alone
CSS = """
.lxkit-preview{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;
  font-size:14px;line-height:1.45;max-width:1320px;box-sizing:border-box;overflow-wrap:anywhere}
.lxkit-preview *{box-sizing:border-box}
.lxkit-preview h1{font-size:24px;margin:0 0 4px}
.lxkit-preview h2{font-size:18px;margin:0 0 8px;display:inline-block}
.lxkit-preview .lx-meta{color:#52606d;margin:0 0 4px}
.lxkit-preview .lx-description{margin:6px 0 0;max-width:60em}
.lxkit-preview .lx-summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;
  margin:20px 0 16px}
.lxkit-preview .lx-stat{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:12px 16px}
.lxkit-preview .lx-stat-value{font-size:30px;font-weight:600;font-variant-numeric:tabular-nums;color:#102a43}
.lxkit-preview .lx-stat-label{font-weight:600}
.lxkit-preview .lx-stat-hint{font-size:12px;color:#616e7c}
.lxkit-preview .lx-stat.lx-warn .lx-stat-value{color:#b54708}
.lxkit-preview .lx-stat.lx-muted .lx-stat-value{color:#9aa5b1}
.lxkit-preview .lx-callout{border:1px solid;border-left-width:6px;border-radius:6px;padding:10px 16px;
  margin:0 0 16px}
.lxkit-preview .lx-callout p{margin:4px 0}
.lxkit-preview .lx-callout-title{font-weight:700;font-size:15px}
.lxkit-preview .lx-cancelled{background:#fdecea;border-color:#c62828;color:#7a1010}
.lxkit-preview .lx-passes{background:#e9f6ec;border-color:#2e7d32;color:#1b4d22}
.lxkit-preview .lx-neutral{background:#eef2f7;border-color:#7b8794;color:#323f4b}
.lxkit-preview nav.lx-toc{margin:0 0 12px;color:#52606d}
.lxkit-preview nav.lx-toc a{color:#1f5fa8;text-decoration:none}
.lxkit-preview section{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:12px 16px;
  margin:0 0 14px}
.lxkit-preview section details>summary{cursor:pointer}
.lxkit-preview .lx-intro,.lxkit-preview .lx-more{color:#52606d;margin:0 0 8px}
.lxkit-preview .lxkit-empty{color:#52606d;font-style:italic;margin:0}
.lxkit-preview table.lxkit-table{font-size:13px;max-width:100%}
.lxkit-preview table.lxkit-table th{background:#f0f4f8;border-bottom:2px solid #d9e2ec;font-weight:600}
.lxkit-preview table.lxkit-table td{border-bottom:1px solid #e4e7eb}
.lxkit-preview table.lxkit-table tr:nth-child(even) td{background:#fafbfc}
.lxkit-preview table.lxkit-table a{color:#1f5fa8}
.lxkit-preview pre{background:#f5f7fa;padding:12px;white-space:pre-wrap;overflow-wrap:anywhere;
  max-height:40em;overflow-y:auto;font-size:12px}
.lxkit-preview footer{color:#7b8794;font-size:12px;margin:8px 0 0}
"""
_PAGE_CSS = "body{margin:0;background:#f5f7fa}main.lxkit-preview{margin:0 auto;padding:24px 32px}"


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


def _meta(shown: Preview) -> str:
    """``projectSync · FULL mode · inbound · 2 LDIF content items · 2 run levels · previewed …``."""
    config = shown.configuration
    direction = str(config.get("processingDirection") or "inbound").lower()
    parts = [
        f"Connector type {config.get('connectorType')}",
        f"{str(config.get('processingMode') or 'partial').upper()} mode",
        direction,
    ]
    if direction == "outbound":
        in_scope = sum(p.get("itemsInScopeCount", 0) for p in shown.result.stats["processorStatistics"])
        parts.append(f"{in_scope:,} fact sheets in scope")
    else:
        content = shown.ldif.get("content") or []
        levels = len(shown.stats["singleRunLevelStatistics"])
        parts.append(f"{len(content):,} LDIF content item{'s' if len(content) != 1 else ''}")
        parts.append(f"{levels} run level{'s' if levels != 1 else ''}")
    parts.append(f"previewed {shown.now:%Y-%m-%d %H:%M}")
    return " · ".join(parts)


def _links(shown: Preview, links: Any) -> Any:
    """Where fact sheet names link to: ``links`` as given (a Workspace, Links or mapping), else the live
    workspace the preview read, when it knows its host and name; else None (names stay plain text)."""
    if links is not None:
        return links  # kit.tables.table reads a Workspace, Links or mapping
    client = getattr(getattr(shown.view, "workspace", None), "client", None)
    if client is None:
        return None
    try:
        host, name = client.base_url, client.workspace_name
    except (LxkitError, AttributeError, KeyError):
        return None
    return Links(str(host), str(name)) if host and name else None


def _body(shown: Preview, *, links: Any, rows: int, full: bool) -> str:
    """Header, summary box, deletion guard, contents line and sections: the page's and the notebook's body."""
    config = shown.configuration
    title = f"Preview of {config.get('connectorId')} {config.get('connectorVersion')}"
    description = config.get("description")
    head = (
        f"<header><h1>{html.escape(title)}</h1><p class='lx-meta'>{html.escape(_meta(shown))}</p>"
        + (f"<p class='lx-description'>{html.escape(str(description))}</p>" if description else "")
        + "</header>"
    )
    guard = deletion_guard(shown)
    parts = sections(shown, links=links, rows=rows, full=full)
    toc = " · ".join(
        f"<a href='#{p.id}'>{html.escape(p.heading)}</a>" + (f" ({p.rows:,})" if p.rows else "")
        for p in parts
    )
    return (
        head
        + counts_html(counts(shown))
        + (guard.to_html() if guard is not None else "")
        + f"<nav class='lx-toc'>On this page: {toc}</nav>"
        + "".join(p.to_html() for p in parts)
    )


def notebook_html(shown: Preview, *, links: Any = None) -> str:
    """The notebook view: the page's body with the first 10 rows of each table, styles scoped to it."""
    body = _body(shown, links=_links(shown, links), rows=HEAD_ROWS, full=False)
    return f"<div class='lxkit-preview'><style>{CSS}</style>{body}</div>"


def page_html(shown: Preview, *, links: Any = None) -> str:
    """A self-contained page (no script, nothing fetched): summary box, deletion guard, then the sections
    (the first 5,000 rows of each table)."""
    config = shown.configuration
    title = html.escape(f"Preview of {config.get('connectorId')} {config.get('connectorVersion')}")
    body = _body(shown, links=_links(shown, links), rows=PAGE_ROW_LIMIT, full=True)
    read = "the LDIF and a read of the workspace" if shown.view is not None else "the LDIF (no workspace)"
    footer = f"<footer>Predicted by lxkit from the configuration and {read}; nothing was written to LeanIX.</footer>"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{_PAGE_CSS}{CSS}</style></head>"
        f"<body><main class='lxkit-preview'>{body}{footer}</main></body></html>"
    )


def save_page(path: str | os.PathLike[str], page: str) -> Path:
    """Write an HTML page to ``path`` atomically (checked: an .html/.htm name in a folder that exists)."""
    target = check_output_file(path, suffixes=(".html", ".htm"))
    with atomic_file(target) as work:
        work.write_text(page, encoding="utf-8")
    return target
