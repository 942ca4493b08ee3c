"""One message per run, from its record (``run.json``): Slack blocks, a Teams Adaptive Card, an e-mail, JSON.

:func:`summarize` reads the record once into a :class:`Summary` (status mark, what ran, where, the alerts
grouped by kind, the error of a failed run, links); each channel's body is made from it, so the channels say
the same thing. What it says (docs/alerts.md §4): ✅ succeeded, ⚠️ alerts, ❌ failed; the report (and
schedule) name; the workspace; the alerts of each kind (connectors, KPIs, others) with their messages, which
carry the numbers, and the alert's own links (sync log, fact sheets); the error line of a failed run; the
HTML report as a link when a ``report_url`` base is configured, else its local path as text.

Slack and Teams lists are capped (``and N more``) so a run with hundreds of alerts still reads; the e-mail
and the webhook JSON carry every alert.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kit import formatting

__all__ = [
    "MARKS",
    "Summary",
    "email_message",
    "slack_body",
    "summarize",
    "teams_body",
    "webhook_body",
]

MARKS = {"succeeded": "✅", "alerts": "⚠️", "failed": "❌"}
KIND_HEADINGS = {"connector": "Connectors", "kpi": "KPIs"}
OTHER_HEADING = "Other alerts"
#: alerts listed per kind in Slack and Teams before "and N more"
CHAT_LIMIT = 10
_SLACK_SECTION_LIMIT = 3000  # Slack refuses a section text longer than this
_SLACK_HEADER_LIMIT = 150


@dataclass(frozen=True)
class Link:
    """A link of the message; ``url`` None means only a local ``path`` is known (shown as text)."""

    title: str
    url: str | None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title, "url": self.url}
        if self.path is not None:
            data["path"] = self.path
        return data


@dataclass(frozen=True)
class Group:
    """The alerts of one kind, in the record's order."""

    heading: str
    alerts: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Summary:
    """What every channel's message says about one run."""

    status: str  # succeeded | alerts | failed
    exit_code: int
    report: str
    schedule: str | None
    workspace: str
    started: str | None
    finished: str | None
    duration: str
    groups: tuple[Group, ...]
    alerts: tuple[dict[str, Any], ...]
    error: str | None
    report_link: Link | None
    record_path: str | None
    facts: tuple[tuple[str, str], ...] = field(default=())

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    @property
    def title(self) -> str:
        """``⚠️ weekly-health (run_health): 2 alerts``; ``❌ run_health failed``; ``✅ run_health succeeded``."""
        what = f"{self.schedule} ({self.report})" if self.schedule else self.report
        if self.status == "failed":
            return f"{self.mark} {what} failed"
        if self.status == "alerts":
            count = len(self.alerts)
            return f"{self.mark} {what}: {count} alert{'s' if count != 1 else ''}"
        return f"{self.mark} {what} succeeded"

    def links(self) -> list[Link]:
        """The report first, then each alert's links (sync log runs, fact sheets) in alert order."""
        found = [self.report_link] if self.report_link is not None else []
        for alert in self.alerts:
            found.extend(alert_links(alert))
        return found


def alert_links(alert: Mapping[str, Any]) -> list[Link]:
    """An alert's ``links`` (``[{"title", "url"}]``), skipping entries that are not in that shape."""
    links = alert.get("links")
    if not isinstance(links, list):
        return []
    return [
        Link(str(item.get("title") or "link"), item["url"])
        for item in links
        if isinstance(item, Mapping) and isinstance(item.get("url"), str) and item["url"]
    ]


def _duration(seconds: Any) -> str:
    """The run's length as people read it (``3.9 s``, ``2 min 5 s``); empty when the record has none."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds != seconds:
        return ""
    return formatting.duration(seconds)


def _started(started_at: Any) -> str | None:
    """``2026-12-07 05:00 UTC`` from the record's ISO time; the text as recorded when it is not one."""
    if not isinstance(started_at, str) or not started_at:
        return None
    try:
        return formatting.moment(started_at)
    except ValueError:
        return started_at


def _error_line(error: Any) -> str | None:
    if not isinstance(error, Mapping):
        return None
    name, value = error.get("ename") or "Error", str(error.get("evalue") or "").strip()
    first = value.splitlines()[0] if value else ""
    cell = f" (cell In [{error['execution_count']}])" if error.get("execution_count") is not None else ""
    return f"{name}: {first}{cell}" if first else f"{name}{cell}"


def _report_link(record: Mapping[str, Any], report_url: str | None, report_root: Path | None) -> Link | None:
    shown = record.get("html_path") or record.get("notebook_path")
    if not shown:
        return None
    title = "HTML report" if record.get("html_path") else "executed notebook"
    path = Path(str(shown))
    if report_url and report_root is not None:
        try:
            relative = path.resolve().relative_to(Path(report_root).resolve())
        except ValueError:
            return Link(title, None, str(path))
        return Link(title, f"{report_url.rstrip('/')}/{quote(relative.as_posix())}", str(path))
    return Link(title, None, str(path))


def summarize(
    record: Mapping[str, Any],
    *,
    schedule: str | None = None,
    report_url: str | None = None,
    report_root: str | Path | None = None,
    alert_on: Collection[str] | None = None,
) -> Summary:
    """The message's content from a run record (``run.json`` as a dict). ``alert_on``: the kinds of alert
    that make a run's status ``alerts`` (None: every kind), as ``RunRecord.exit_code`` counts them."""
    alerts = tuple(a for a in record.get("alerts") or [] if isinstance(a, Mapping))
    counted = [a for a in alerts if alert_on is None or a.get("kind") in alert_on]
    if record.get("status") != "succeeded":
        status, code = "failed", 1
    elif counted:
        status, code = "alerts", 2
    else:
        status, code = "succeeded", 0
    groups: list[Group] = []
    for kind, heading in KIND_HEADINGS.items():
        of_kind = tuple(dict(a) for a in alerts if a.get("kind") == kind)
        if of_kind:
            groups.append(Group(heading, of_kind))
    others = tuple(dict(a) for a in alerts if a.get("kind") not in KIND_HEADINGS)
    if others:
        groups.append(Group(OTHER_HEADING, others))
    workspace = str(record.get("workspace") or "unknown workspace")
    if record.get("profile"):
        workspace += f" (profile {record['profile']})"
    directory = record.get("directory")
    duration = _duration(record.get("duration_seconds"))
    started = _started(record.get("started_at"))
    report = str(record.get("notebook") or "report")
    facts = [("Report", report)]
    if schedule:
        facts.append(("Schedule", schedule))
    facts += [("Workspace", workspace), ("Status", status)]
    if started:
        facts.append(("Started", started + (f" ({duration})" if duration else "")))
    return Summary(
        status=status,
        exit_code=code,
        report=report,
        schedule=schedule,
        workspace=workspace,
        started=record.get("started_at"),
        finished=record.get("finished_at"),
        duration=duration,
        groups=tuple(groups),
        alerts=tuple(dict(a) for a in alerts),
        error=_error_line(record.get("error")) if status == "failed" else None,
        report_link=_report_link(record, report_url, Path(report_root) if report_root is not None else None),
        record_path=str(Path(str(directory)) / "run.json") if directory else None,
        facts=tuple(facts),
    )


# -- Slack ---------------------------------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(link: Link) -> str:
    if link.url is None:
        return f"{_slack_escape(link.title)}: `{_slack_escape(link.path or '')}`"
    return f"<{link.url.replace('|', '%7C').replace('>', '%3E')}|{_slack_escape(link.title)}>"


def _alert_line(alert: Mapping[str, Any], link: Any, escape: Any) -> str:
    text = escape(str(alert.get("message") or alert.get("name") or "alert"))
    if alert.get("kind") not in KIND_HEADINGS:
        text = f"[{escape(str(alert.get('kind')))}] {text}"
    links = alert_links(alert)
    return text + ("  " + " · ".join(link(item) for item in links) if links else "")


def _capped_lines(summary: Summary, line: Any, bullet: str, limit: int) -> list[str]:
    """Per group: a bold heading, then at most ``limit`` alert lines and ``and N more``."""
    lines: list[str] = []
    for group in summary.groups:
        lines.append(f"*{group.heading}* ({len(group.alerts)})")
        lines += [f"{bullet}{line(alert)}" for alert in group.alerts[:limit]]
        if len(group.alerts) > limit:
            lines.append(f"{bullet}and {len(group.alerts) - limit} more (see the report)")
    return lines


def slack_body(summary: Summary) -> dict[str, Any]:
    """``{"text": fallback, "blocks": [header, section (mrkdwn), context (links)]}`` for an incoming webhook."""
    esc = _slack_escape
    head = [f"*Workspace:* {esc(summary.workspace)}"]
    started = _started(summary.started)
    if started:
        head[0] += f"  ·  *Started:* {esc(started)}" + (f" ({summary.duration})" if summary.duration else "")
    if summary.error:
        head.append(f"*Error:* `{esc(summary.error)}`")
    if summary.status == "succeeded" and not summary.alerts:
        head.append("No alerts.")

    def line(alert: Mapping[str, Any]) -> str:
        return _alert_line(alert, _slack_link, esc)

    body = _capped_lines(summary, line, "• ", CHAT_LIMIT)
    text = "\n".join(head + body)
    if len(text) > _SLACK_SECTION_LIMIT:  # long messages or links: drop lines from the end, say how many
        kept = list(head)
        for index, item in enumerate(body):
            note = f"… and {len(body) - index} more line(s) (see the report)"
            if len("\n".join([*kept, item, note])) > _SLACK_SECTION_LIMIT:
                kept.append(note)
                break
            kept.append(item)
        text = "\n".join(kept)[:_SLACK_SECTION_LIMIT]
    context = [_slack_link(summary.report_link)] if summary.report_link else []
    if summary.record_path:
        context.append(f"run record: `{esc(summary.record_path)}`")
    header = summary.title[:_SLACK_HEADER_LIMIT]
    fallback = summary.title + (f": {summary.error}" if summary.error else "")
    if summary.alerts:
        fallback += " — " + "; ".join(str(a.get("message", "")) for a in summary.alerts[:3])
        if len(summary.alerts) > 3:
            fallback += f"; and {len(summary.alerts) - 3} more"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    if context:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": c[:2000]} for c in context]}
        )
    return {"text": fallback, "blocks": blocks}


# -- Teams ---------------------------------------------------------------------------------------------------


def _teams_link(link: Link) -> str:
    if link.url is None:
        return f"{link.title}: {link.path}"
    return f"[{link.title.replace(']', ')')}]({link.url.replace(')', '%29')})"


def teams_body(summary: Summary) -> dict[str, Any]:
    """An Adaptive Card 1.4 in the ``message``/``attachments`` envelope Teams incoming webhooks and Workflows
    take: title, a FactSet, a block per kind of alert, the error, the report link (an ``Action.OpenUrl`` when
    it is a URL)."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": summary.title, "size": "Medium", "weight": "Bolder", "wrap": True},
        {"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in summary.facts]},
    ]
    if summary.error:
        body.append({"type": "TextBlock", "text": summary.error, "color": "Attention", "wrap": True})
    for group in summary.groups:
        body.append(
            {
                "type": "TextBlock",
                "text": f"{group.heading} ({len(group.alerts)})",
                "weight": "Bolder",
                "spacing": "Medium",
                "wrap": True,
            }
        )
        for alert in group.alerts[:CHAT_LIMIT]:
            line = _alert_line(alert, _teams_link, lambda text: text)
            body.append({"type": "TextBlock", "text": f"• {line}", "wrap": True, "spacing": "Small"})
        if len(group.alerts) > CHAT_LIMIT:
            more = f"and {len(group.alerts) - CHAT_LIMIT} more (see the report)"
            body.append({"type": "TextBlock", "text": more, "wrap": True, "isSubtle": True})
    actions: list[dict[str, Any]] = []
    link = summary.report_link
    if link is not None and link.url is not None:
        actions.append({"type": "Action.OpenUrl", "title": f"Open the {link.title}", "url": link.url})
    elif link is not None:
        body.append({"type": "TextBlock", "text": _teams_link(link), "wrap": True, "isSubtle": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


# -- e-mail and JSON -----------------------------------------------------------------------------------------


def _plain_link(link: Link) -> str:
    return f"{link.title}: {link.url or link.path}"


def email_message(summary: Summary, sender: str, to: Collection[str]) -> EmailMessage:
    """A text/plain + text/html e-mail listing every alert (no cap), the error and the links."""
    message = EmailMessage()
    message["Subject"] = summary.title
    message["From"] = sender
    message["To"] = ", ".join(to)
    lines = [summary.title, ""] + [f"{title}: {value}" for title, value in summary.facts]
    if summary.error:
        lines += ["", f"Error: {summary.error}"]
    for group in summary.groups:
        lines += ["", f"{group.heading} ({len(group.alerts)}):"]
        lines += [f"  - {_alert_line(a, _plain_link, lambda t: t)}" for a in group.alerts]
    if summary.report_link is not None:
        lines += ["", _plain_link(summary.report_link)]
    if summary.record_path:
        lines.append(f"Run record: {summary.record_path}")
    message.set_content("\n".join(lines) + "\n")

    esc = html.escape

    def html_link(link: Link) -> str:
        if link.url is None:
            return f"{esc(link.title)}: <code>{esc(link.path or '')}</code>"
        return f'<a href="{esc(link.url)}">{esc(link.title)}</a>'

    parts = [f"<h2>{esc(summary.title)}</h2>", "<table>"]
    parts += [f"<tr><th align='left'>{esc(t)}</th><td>{esc(v)}</td></tr>" for t, v in summary.facts]
    parts.append("</table>")
    if summary.error:
        parts.append(f"<p style='color:#b00020'><b>Error:</b> <code>{esc(summary.error)}</code></p>")
    for group in summary.groups:
        parts.append(f"<h3>{esc(group.heading)} ({len(group.alerts)})</h3><ul>")
        parts += [f"<li>{_alert_line(a, html_link, esc)}</li>" for a in group.alerts]
        parts.append("</ul>")
    if summary.report_link is not None:
        parts.append(f"<p>{html_link(summary.report_link)}</p>")
    if summary.record_path:
        parts.append(f"<p>Run record: <code>{esc(summary.record_path)}</code></p>")
    message.add_alternative("<html><body>" + "\n".join(parts) + "</body></html>\n", subtype="html")
    return message


def webhook_body(summary: Summary) -> dict[str, Any]:
    """The run as JSON for any URL: ``report``, ``schedule``, ``status``, ``exit_code``, ``workspace``,
    ``started``, ``finished``, ``alerts`` (every one, as recorded), ``links`` (``{title, url, path?}``; the
    report's ``url`` is None without a ``report_url`` base) and ``error`` (the error line, or None)."""
    return {
        "report": summary.report,
        "schedule": summary.schedule,
        "status": summary.status,
        "exit_code": summary.exit_code,
        "workspace": summary.workspace,
        "started": summary.started,
        "finished": summary.finished,
        "alerts": [dict(a) for a in summary.alerts],
        "links": [link.as_dict() for link in summary.links()],
        "error": summary.error,
    }
