"""Alerts from lxkit itself reach people: one message per run to Slack, Teams, e-mail or any URL.

docs/alerts.md §4 is the contract. :func:`notify` sends a run record's message to each target whose ``when``
asks for it and returns one delivery record per target; :func:`notify_run` does that for a finished run and
adds the records to its ``run.json`` as ``notifications`` (written atomically). Neither raises for a
delivery problem, and neither changes the run's status or exit code.

* :mod:`~kit.reports.notify.targets`: ``--notify`` values and ``notify:`` entries of a schedules file;
* :mod:`~kit.reports.notify.messages`: the message, as Slack blocks, a Teams card, an e-mail, JSON;
* :mod:`~kit.reports.notify.send`: HTTP with retries and SMTP.

>>> targets = [parse_cli_target("slack:https://hooks.slack.com/services/T0/B0/x")]   # doctest: +SKIP
>>> notify(record, targets, report_url="https://reports.example.com")                # doctest: +SKIP
[{'channel': 'slack', 'target': 'https://hooks.slack.com', 'status': 'sent', 'attempts': 1, ...}]
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError
from kit.outputs import atomic_file
from kit.reports.notify.messages import Summary, summarize
from kit.reports.notify.send import deliver, skipped
from kit.reports.notify.targets import NotifyError, Target, parse_cli_target, parse_entry

if TYPE_CHECKING:
    from kit.reports.runner import RunRecord

__all__ = [
    "NotifyError",
    "Summary",
    "Target",
    "notify",
    "notify_run",
    "parse_cli_target",
    "parse_entry",
    "parse_targets",
    "summarize",
    "wanted",
]

log = logging.getLogger(__name__)


def parse_targets(specs: Iterable[str | Target], when: str | None = None) -> list[Target]:
    """``--notify`` values (or targets as they are) as targets; :class:`NotifyError` before anything runs."""
    return [spec if isinstance(spec, Target) else parse_cli_target(spec, when or "alerts") for spec in specs]


def wanted(target: Target, summary: Summary) -> bool:
    """Whether ``target.when`` asks for a message about this run: ``always``; ``failure`` when it failed;
    ``alerts`` (the default) when it failed or has alerts."""
    if target.when == "always":
        return True
    if target.when == "failure":
        return summary.status == "failed"
    return summary.status in ("failed", "alerts")


def _as_dict(record: RunRecord | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(record, Mapping):
        return dict(record)
    return record.to_dict()


def notify(
    record: RunRecord | Mapping[str, Any],
    targets: Iterable[Target],
    *,
    schedule: str | None = None,
    report_url: str | None = None,
    report_root: str | os.PathLike[str] | None = None,
    alert_on: Collection[str] | None = None,
    backoff: float | None = None,
) -> list[dict[str, Any]]:
    """Send the run's message to each target that wants it; one record per target, in order.

    ``record``: a :class:`~kit.reports.runner.RunRecord` or ``run.json`` as a dict. ``report_url``: the base
    URL under which ``report_root`` (the folder the reports are written to) is served; the message then
    links the HTML report, else it names its local path. ``alert_on``: the alert kinds that count (None:
    all). ``backoff``: seconds for the retry backoff (default ``LXKIT_NOTIFY_BACKOFF`` or 2). Never raises.
    """
    data = _as_dict(record)
    summary = summarize(
        data,
        schedule=schedule,
        report_url=report_url,
        report_root=Path(report_root) if report_root is not None else None,
        alert_on=alert_on,
    )
    results: list[dict[str, Any]] = []
    for target in targets:
        result = deliver(target, summary, backoff=backoff) if wanted(target, summary) else skipped(target)
        if result["status"] == "failed":
            log.warning("notification to %s %s failed: %s", target.channel, result["target"], result["error"])
        results.append(result)
    return results


def notify_run(
    record: RunRecord,
    targets: Iterable[Target],
    *,
    data: Mapping[str, Any] | None = None,
    schedule: str | None = None,
    report_url: str | None = None,
    report_root: str | os.PathLike[str] | None = None,
    alert_on: Collection[str] | None = None,
    backoff: float | None = None,
    redact: Callable[[Any], Any] | None = None,
) -> list[dict[str, Any]]:
    """:func:`notify` for a finished run, then ``notifications`` added to its ``run.json`` (atomically) and
    to ``record.notifications``. ``data`` is the record as written (already redacted), when the caller has
    it; ``redact`` is applied to the delivery records before they are stored (the runner's redactor). A
    ``run.json`` that cannot be read or written is logged; the run's outcome stands."""
    targets = list(targets)
    if not targets:
        return []
    results = notify(
        data if data is not None else record,
        targets,
        schedule=schedule,
        report_url=report_url,
        report_root=report_root,
        alert_on=alert_on,
        backoff=backoff,
    )
    if redact is not None:
        results = redact(results)
    record.notifications = results
    path = Path(record.directory) / "run.json"
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
        written["notifications"] = results
        with atomic_file(path) as work:
            work.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    except (OSError, ValueError, LxkitError) as exc:
        log.warning("could not add the notifications to %s: %s", path, exc)
    return results
