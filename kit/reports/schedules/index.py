"""``<out>/index.html``: every schedule writing to ``<out>`` and its runs, newest first, readable offline.

One page, self-contained: inline CSS, no script, no font or image from anywhere, links relative to the page
(so the folder can be copied, zipped or served as it is). Each run shows its status as a word and a colour
(succeeded, alerts, failed), its start (UTC), duration, which attempt it was, links to its HTML report and
``run.json``, up to five headline KPI values (``kpis.values``) and its alert messages or error. Everything
taken from a run is escaped. The page is written to a temporary file and renamed over the old one, so a
browser never shows half a page even while another schedule rewrites it.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kit.reports.schedules.runs import RUN_FILE, Run, read_runs
from kit.reports.schedules.spec import Schedule
from kit.reports.schedules.state import write_atomically

__all__ = ["INDEX_FILE", "render_index", "run_status", "write_index"]

INDEX_FILE = "index.html"
HEADLINE_KPIS = 5

_CSS = """
:root { color-scheme: light; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --line: #d0d7de; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 78rem; padding: 0 1rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .25rem; }
.meta, .muted { color: #59636e; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 0 .25em;
       border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { font-size: .85rem; color: #59636e; font-weight: 600; }
td.num { white-space: nowrap; }
.status { display: inline-block; font-weight: 600; border-radius: 1em; padding: 0 .6em; white-space: nowrap;
          border: 1px solid currentColor; }
.status.succeeded { color: var(--ok); background: #dafbe1; }
.status.alerts { color: var(--warn); background: #fff8c5; }
.status.failed { color: var(--bad); background: #ffebe9; }
tr.failed td:first-child { border-left: 4px solid var(--bad); }
tr.alerts td:first-child { border-left: 4px solid var(--warn); }
tr.succeeded td:first-child { border-left: 4px solid var(--ok); }
ul { margin: 0; padding-left: 1.1rem; }
dl.kpis { margin: 0; display: grid; grid-template-columns: auto auto; gap: 0 .75rem; }
dl.kpis dt { color: #59636e; } dl.kpis dd { margin: 0; font-variant-numeric: tabular-nums; }
.error { color: var(--bad); }
"""
_MARKS = {"succeeded": "✓", "alerts": "!", "failed": "✗"}


def run_status(record: dict[str, Any], alert_on: Sequence[str] | None) -> str:
    """``failed``, ``alerts`` (ran through with alerts of a kind in ``alert_on``; None: any) or ``succeeded``."""
    if record.get("status") != "succeeded":
        return "failed"
    alerts = record.get("alerts") or []
    relevant = [a for a in alerts if isinstance(a, dict) and (alert_on is None or a.get("kind") in alert_on)]
    return "alerts" if relevant else "succeeded"


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–" if value is None else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4g}"


def _link(target: Path, page_folder: Path) -> str:
    return quote(Path(os.path.relpath(target, page_folder)).as_posix())


def _kpis(record: dict[str, Any]) -> str:
    kpis = record.get("kpis")
    values = kpis.get("values") if isinstance(kpis, dict) else None
    if not isinstance(values, list) or not values:
        return '<span class="muted">–</span>'
    rows = [
        f"<dt>{html.escape(str(v.get('name')))}</dt><dd>{html.escape(_number(v.get('value')))}</dd>"
        for v in values[:HEADLINE_KPIS]
        if isinstance(v, dict)
    ]
    return f'<dl class="kpis">{"".join(rows)}</dl>'


def _notes(record: dict[str, Any]) -> str:
    items: list[str] = []
    error = record.get("error")
    if isinstance(error, dict):
        text = f"{error.get('ename')}: {error.get('evalue')}"
        items.append(f'<li class="error">{html.escape(text)}</li>')
    for alert in record.get("alerts") or []:
        if isinstance(alert, dict):
            kind = f"[{alert.get('kind')}] " if alert.get("kind") else ""
            items.append(f"<li>{html.escape(kind + str(alert.get('message')))}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else '<span class="muted">–</span>'


def _row(run: Run, schedule: Schedule, page_folder: Path) -> str:
    record = run.record
    status = run_status(record, schedule.alert_on)
    links = []
    report = record.get("html_path")
    if isinstance(report, str) and (run.folder / Path(report).name).is_file():
        links.append(f'<a href="{_link(run.folder / Path(report).name, page_folder)}">report</a>')
    links.append(f'<a href="{_link(run.folder / RUN_FILE, page_folder)}">run.json</a>')
    attempt, attempts = run.schedule.get("attempt"), run.schedule.get("attempts")
    tried = f"{attempt} of {attempts}" if isinstance(attempt, int) and isinstance(attempts, int) else "–"
    return (
        f'<tr class="{status}"><td><span class="status {status}">{_MARKS[status]} {status}</span></td>'
        f'<td class="num">{_when(run.started)}</td><td class="num">{_duration(record.get("duration_seconds"))}</td>'
        f'<td class="num">{tried}</td><td class="num">{" · ".join(links)}</td><td>{_kpis(record)}</td>'
        f"<td>{_notes(record)}</td></tr>"
    )


def _section(schedule: Schedule, runs: list[Run], page_folder: Path) -> str:
    name = html.escape(schedule.name)
    meta = (
        f"{html.escape(schedule.notebook.stem)} · cron <code>{html.escape(schedule.cron)}</code> "
        f"({html.escape(schedule.timezone)}) · workspace {html.escape(schedule.workspace)} · "
        f"{len(runs)} run{'s' if len(runs) != 1 else ''} kept"
    )
    if not runs:
        body = '<p class="muted">No runs yet.</p>'
    else:
        head = (
            "<thead><tr><th>Status</th><th>Started</th><th>Duration</th><th>Attempt</th><th>Files</th>"
            "<th>Headline KPIs</th><th>Alerts and errors</th></tr></thead>"
        )
        rows = "".join(_row(run, schedule, page_folder) for run in runs)
        body = f"<table>{head}<tbody>{rows}</tbody></table>"
    return f'<section id="{name}"><h2>{name}</h2><p class="meta">{meta}</p>{body}</section>'


def render_index(
    schedules: Iterable[Schedule], page_folder: Path, source: Path, now: datetime | None = None
) -> str:
    """The page for ``schedules`` (those writing to ``page_folder``), read from their run folders now."""
    chosen = list(schedules)
    sections = "".join(_section(s, read_runs(s.runs_folder), page_folder) for s in chosen)
    contents = " · ".join(f'<a href="#{html.escape(s.name)}">{html.escape(s.name)}</a>' for s in chosen)
    written = _when(now or datetime.now(UTC))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Scheduled reports – {html.escape(page_folder.name)}</title><style>{_CSS}</style></head><body>"
        f'<h1>Scheduled reports</h1><p class="meta">Schedules from <code>{html.escape(str(source))}</code>, '
        f"runs in <code>{html.escape(str(page_folder))}</code>; written {written}.</p>"
        f"<p>{contents}</p>{sections}</body></html>\n"
    )


def write_index(schedules: Iterable[Schedule], out: Path, source: Path, now: datetime | None = None) -> Path:
    """Rewrite ``<out>/index.html`` for the schedules whose ``out`` is ``out``; its path."""
    chosen = [s for s in schedules if s.out == out]
    out.mkdir(parents=True, exist_ok=True)
    page = out / INDEX_FILE
    write_atomically(page, render_index(chosen, out, source, now))
    return page
