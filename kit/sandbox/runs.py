"""Demo Integration API history: 90 days of runs for a few connectors, with stats, warnings and sync logs.

Deterministic for a seed, and dated relative to a fixed reference day, never the wall clock.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["CONNECTORS", "RunHistory", "generate_runs"]


@dataclass(frozen=True)
class Connector:
    connector_type: str
    connector_id: str
    version: str
    direction: str
    mode: str
    description: str
    hour: int  # when the nightly run starts
    items: int  # typical content items per run
    processors: tuple[tuple[str, str, int], ...]  # (processorType, processorName, run level)


CONNECTORS = (
    Connector(
        "servicenowCmdb",
        "servicenow-cmdb",
        "1.4.2",
        "inbound",
        "full",
        "ServiceNow CMDB nightly import",
        2,
        1800,
        (
            ("inboundFactSheet", "Applications from CMDB", 0),
            ("inboundFactSheet", "IT components from CIs", 0),
            ("inboundRelation", "App to IT component", 1),
            ("inboundTag", "Environment tags", 1),
        ),
    ),
    Connector(
        "k8sDeployments",
        "k8s-prod-eu",
        "2.0.1",
        "inbound",
        "partial",
        "Kubernetes deployments (prod EU)",
        3,
        420,
        (
            ("inboundFactSheet", "Apps from Deployments", 0),
            ("inboundFactSheet", "ITComponent from Cluster", 0),
            ("inboundRelation", "Rel from Apps to ITComponent", 1),
        ),
    ),
    Connector(
        "awsInventory",
        "aws-org-main",
        "1.1.0",
        "inbound",
        "partial",
        "AWS cloud inventory",
        4,
        950,
        (
            ("inboundFactSheet", "Cloud services", 0),
            ("inboundTag", "Account tags", 1),
            ("inboundMetrics", "Monthly cost points", 1),
        ),
    ),
    Connector(
        "jiraProjects",
        "jira-portfolio",
        "0.9.3",
        "inbound",
        "partial",
        "Jira portfolio projects",
        5,
        160,
        (
            ("inboundFactSheet", "Projects", 0),
            ("inboundSubscription", "Project owners", 1),
            ("inboundDocument", "Jira links", 1),
        ),
    ),
)

WARNING_TEMPLATES = (
    ("No value could be found for key '{field}'", "NO_VALUE_FOUND", "WARNING"),
    ("Fact sheet with external id '{ext}' could not be found", "FACT_SHEET_NOT_FOUND", "WARNING"),
    ("Value '{value}' is not allowed for field '{field}'", "INVALID_VALUE", "WARNING"),
    ("Relation target '{ext}' does not exist; relation skipped", "RELATION_TARGET_MISSING", "WARNING"),
    ("GraphQL request failed: Validation error for field '{field}'", "GRAPHQL_ERROR", "ERROR"),
)
# How the demo history is shaped, so run-health reports have something to find: most runs finish with a few
# warnings; one connector is flaky; one has failed the last nights in a row (an incident to alert on).
FAILURE_RATES = {"jira-portfolio": 0.3}  # share of FAILED runs; others 0.06 (plus 0.04 STOPPED everywhere)
FAILING_LAST_NIGHTS = {"servicenow-cmdb": 3}
ERROR_WARNING_SHARE = 0.02  # of a finished run's warnings, how many are errors (GraphQL validation errors)

FIELDS = ("businessCriticality", "lifecycle.active", "alias", "description", "technicalSuitability")


@dataclass
class RunHistory:
    """Runs (newest last), their configurations and the matching sync log."""

    runs: list[dict] = field(default_factory=list)
    configurations: list[dict] = field(default_factory=list)
    synchronizations: list[dict] = field(default_factory=list)
    sync_items: dict[str, list[dict]] = field(default_factory=dict)

    def run(self, run_id: str) -> dict | None:
        return self._by_id().get(run_id)

    def synchronization(self, sync_id: str) -> dict | None:
        return next((s for s in self.synchronizations if s["id"] == sync_id), None)

    def _by_id(self) -> dict[str, dict]:
        if len(getattr(self, "_index", {})) != len(self.runs):
            self._index = {r["id"]: r for r in self.runs}
        return self._index


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _duration(seconds: float) -> str:
    return f"PT{seconds:.6f}S"


def generate_runs(
    workspace_id: str, days: int = 90, seed: int = 7, until: datetime | None = None
) -> RunHistory:
    """Nightly runs of every connector for the ``days`` whole days (UTC) before ``until`` (default: now),
    plus manual re-runs. A connector's runs of one day depend only on (``seed``, day, connector), so two
    windows agree on the days they share, except that the last ``FAILING_LAST_NIGHTS`` nights before
    ``until`` failed (an ongoing incident at every ``until``). The window moves with the clock so that a
    report of "the last 30 days" finds runs."""
    history = RunHistory(configurations=[_configuration(c) for c in CONNECTORS])
    end = (until or datetime.now(UTC)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start_day = end - timedelta(days=days)
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        for index, connector in enumerate(CONNECTORS):
            if connector.connector_id == "jira-portfolio" and day.weekday() >= 5:
                continue  # business days only
            key = f"{seed}/{day:%Y-%m-%d}/{connector.connector_id}"
            rng = random.Random(key)
            rerun = rng.random() < 0.04  # drawn first: a failing night changes the nightly run only
            failing = offset >= days - FAILING_LAST_NIGHTS.get(connector.connector_id, 0)
            roll = _nightly_roll(day, index)
            _add_run(history, rng, connector, day, workspace_id, manual=False, failing=failing, roll=roll)
            if rerun and not failing:  # during the incident nobody re-ran it with success
                later = day + timedelta(hours=6)
                _add_run(history, random.Random(f"{key}/manual"), connector, later, workspace_id, manual=True)
    history.runs.sort(key=lambda r: r["createdAt"])
    history.synchronizations.sort(key=lambda s: s["createdAt"])
    return history


def _nightly_roll(day: datetime, index: int) -> float:
    """The status roll of connector ``index``'s nightly run on ``day``: a golden-ratio (Weyl) sequence over
    the days, so every few weeks of history hold each status in close to its share (a flaky connector
    looks flaky in any 30-day window), yet each day's roll depends on that day alone."""
    return (day.toordinal() * 0.6180339887498949 + index * 0.25) % 1.0


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _add_run(
    history,
    rng,
    connector: Connector,
    day: datetime,
    workspace_id: str,
    manual: bool,
    failing: bool = False,
    roll: float | None = None,
) -> None:
    """One run of ``connector`` on ``day``; ``roll`` (0..1) decides its status (drawn from ``rng`` if None)."""
    created = day.replace(hour=connector.hour) + timedelta(
        minutes=rng.randint(0, 20), seconds=rng.random() * 60
    )
    roll = rng.random() if roll is None else roll
    failure_rate = FAILURE_RATES.get(connector.connector_id, 0.06)
    status = "FINISHED" if roll < 0.96 - failure_rate else "FAILED" if roll < 0.96 else "STOPPED"
    if failing:
        status = "FAILED"
    items = max(1, int(rng.gauss(connector.items, connector.items * 0.08)))
    if status != "FINISHED":
        items = int(items * rng.uniform(0.05, 0.7))
    pending = timedelta(seconds=rng.uniform(0.2, 8.0))
    busy = timedelta(seconds=items * rng.uniform(0.004, 0.02) + rng.uniform(0.5, 3))
    started, finished = created + pending, created + pending + busy
    run_id, sync_id = _uuid(rng), _uuid(rng)
    warning_count = int(rng.expovariate(1 / 18)) if status == "FINISHED" else rng.randint(5, 160)
    warnings = [  # a failed run has at least one error, so its sync log entry is an ERROR
        _warning(rng, connector, errors=status != "FINISHED", error=status == "FAILED" and not i)
        for i in range(warning_count)
    ]
    errors = sum(1 for w in warnings if w["status"] == "ERROR")
    per_processor = _split(rng, items, len(connector.processors))
    processor_stats: list[dict[str, Any]] = []
    for index, ((_ptype, name, _level), count) in enumerate(
        zip(connector.processors, per_processor, strict=True)
    ):
        total = busy.total_seconds() * count / max(items, 1)
        processor_stats.append(
            {
                "processorIndex": index,
                "processorName": name,
                "processingTotalDuration": _duration(total),
                "processingNetworkDuration": _duration(total * rng.uniform(0.5, 0.8)),
                "processedContentCount": count,
                "graphQLRequestCount": int(count * rng.uniform(0.9, 1.3)),
                "errorCount": sum(
                    1 for w in warnings if w["processor"]["index"] == index and w["status"] == "ERROR"
                ),
            }
        )
    levels = sorted({level for _t, _n, level in connector.processors})
    level_stats = []
    for level in levels:
        share = busy.total_seconds() / len(levels)
        level_stats.append(
            {
                "singleRunIndex": level,
                "totalTime": _duration(share),
                "prefetchTime": _duration(share * 0.02),
                "processTime": _duration(share * 0.97),
                "processedContentCount": items,
                "errorCount": errors if level == levels[-1] else 0,
            }
        )
    deleted = []
    if connector.mode == "full" and status == "FINISHED" and rng.random() < 0.3:
        deleted = [{"type": "FACT_SHEET", "id": _uuid(rng)} for _ in range(rng.randint(1, 6))]
    terminal = finished if status != "STOPPED" else started + busy / 2
    run = {
        "id": run_id,
        "status": status,
        "description": f"{connector.description}{' (manual re-run)' if manual else ''}",
        "connectorType": connector.connector_type,
        "connectorId": connector.connector_id,
        "connectorVersion": connector.version,
        "processingDirection": connector.direction,
        "processingMode": connector.mode,
        "createdAt": _iso(created),
        "synclogId": sync_id,
        "stats": {
            "statusChanges": [
                {"status": "CREATED", "timestamp": _iso(created)},
                {"status": "PENDING", "timestamp": _iso(created + pending / 3)},
                {"status": "IN_PROGRESS", "timestamp": _iso(started)},
                {"status": status, "timestamp": _iso(terminal)},
            ],
            "processorStatistics": processor_stats,
            "singleRunLevelStatistics": level_stats,
            "deletedObjects": deleted,
            "totalBlockingTime": _duration(pending.total_seconds()),
        },
        "progress": {
            "processedContentCount": items,
            "errorCount": errors,
            "graphQLRequestCount": sum(p["graphQLRequestCount"] for p in processor_stats),
            "runLevelIndex": levels[-1],
            "status": status,
            "itemsInScopeCount": items,
        },
        "warnings": warnings,
    }
    history.runs.append(run)
    sync_status = "ERROR" if errors else "WARNING" if warnings else "OK"
    history.synchronizations.append(
        {
            "id": sync_id,
            "workspaceId": workspace_id,
            "type": "INTEGRATION_API",
            "name": connector.connector_id,
            "runId": run_id,
            "trigger": "FULL_SYNC_MANUAL" if manual else "FULL_SYNC_JOB",
            "progress": "ABORTED" if status == "STOPPED" else "FINISHED",
            "status": sync_status,
            "createdAt": _iso(created),
            "startedAt": _iso(started),
            "finishedAt": _iso(terminal),
            "processedCount": items,
            "updateCount": int(items * rng.uniform(0.02, 0.3)),
            "warningCount": len(warnings) - errors,
            "errorCount": errors,
        }
    )
    history.sync_items[sync_id] = [
        {
            "id": _uuid(rng),
            "synchronizationId": sync_id,
            "workspaceId": workspace_id,
            "createdAt": _iso(started + busy * (i / max(len(warnings), 1))),
            "status": w["status"],
            "action": "NONE",
            "source": {"type": connector.connector_type, "id": w["content"]},
            "target": {"type": "FactSheet", "id": None},
            "message": w["message"],
        }
        for i, w in enumerate(warnings)
    ]


def _warning(rng: random.Random, connector: Connector, errors: bool, error: bool = False) -> dict:
    """One warning (an error if ``error``); a failed run's are often errors, a finished run's rarely
    (ERROR_WARNING_SHARE)."""
    if error:
        message, category, status = WARNING_TEMPLATES[-1]
    elif errors or rng.random() < ERROR_WARNING_SHARE:
        message, category, status = rng.choice(WARNING_TEMPLATES)
    else:
        message, category, status = rng.choice(WARNING_TEMPLATES[:-1])
    index = rng.randrange(len(connector.processors))
    ext = f"{connector.connector_id}-{rng.randint(1000, 9999)}"
    return {
        "processor": {"name": connector.processors[index][1], "index": index},
        "content": ext,
        "message": message.format(field=rng.choice(FIELDS), ext=ext, value=rng.choice(("n/a", "TBD", "9"))),
        "detail": "",
        "category": category,
        "status": status,
    }


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    return [int(w * scale) for w in weights]


_EXTERNAL = {"external": {"id": {"expr": "${content.id}"}, "type": {"expr": "externalId"}}}
_TARGETS = {  # processor name -> fact sheet type it writes
    "Applications from CMDB": "Application",
    "IT components from CIs": "ITComponent",
    "Apps from Deployments": "Application",
    "ITComponent from Cluster": "ITComponent",
    "Cloud services": "ITComponent",
    "Projects": "Project",
}


def _processor(connector: Connector, ptype: str, name: str, level: int) -> dict:
    """A complete, valid processor for the demo connectors (so their configurations can really run)."""
    source = connector.connector_type
    processor: dict = {
        "processorType": ptype,
        "processorName": name,
        "run": level,
        "enabled": True,
        "filter": {"exactType": source},
    }
    value = [{"expr": "${data.name}"}]
    if ptype == "inboundFactSheet":
        processor.update(
            type=_TARGETS[name],
            identifier=_EXTERNAL,
            updates=[
                {"key": {"expr": "name"}, "values": value},
                {
                    "key": {"expr": "description"},
                    "values": [{"expr": "${data.description}"}],
                    "optional": True,
                },
            ],
        )
    elif ptype == "inboundRelation":
        processor.update(
            type="relApplicationToITComponent",
            **{"from": _EXTERNAL},
            to={"external": {"id": {"expr": "${data.host}"}, "type": {"expr": "externalId"}}},
        )
    elif ptype == "inboundTag":
        processor.update(
            identifier=_EXTERNAL,
            forEach="${data.tags}",
            updates=[
                {"key": {"expr": "name"}, "values": [{"expr": "${integration.valueOfForEach}"}]},
                {"key": {"expr": "group.name"}, "values": [{"expr": "Environment"}]},
            ],
            filter={"exactType": source, "advanced": "${not empty data.tags}"},
        )
    elif ptype == "inboundMetrics":
        processor.update(
            updates=[
                {"key": {"expr": "measurement"}, "values": [{"expr": "monthlyCost"}]},
                {"key": {"expr": "time"}, "values": [{"expr": "${data.month}"}]},
                {"key": {"expr": "fieldKey"}, "values": [{"expr": "cost"}]},
                {"key": {"expr": "fieldValueNumber"}, "values": [{"expr": "${data.cost}"}]},
                {"key": {"expr": "tagKey"}, "values": [{"expr": "factSheetId"}]},
                {"key": {"expr": "tagValue"}, "values": [{"expr": "${content.id}"}]},
            ]
        )
    elif ptype == "inboundSubscription":
        processor.update(
            identifier=_EXTERNAL,
            updates=[
                {"key": {"expr": "user"}, "values": [{"expr": "${data.owner}"}]},
                {"key": {"expr": "subscriptionType"}, "values": [{"expr": "RESPONSIBLE"}]},
            ],
        )
    elif ptype == "inboundDocument":
        processor.update(
            identifier=_EXTERNAL,
            updates=[
                {"key": {"expr": "name"}, "values": [{"expr": "Jira epic"}]},
                {"key": {"expr": "url"}, "values": [{"expr": "${data.url}"}]},
            ],
        )
    return processor


def _configuration(connector: Connector) -> dict:
    return {
        "connectorType": connector.connector_type,
        "connectorId": connector.connector_id,
        "connectorVersion": connector.version,
        "processingDirection": connector.direction,
        "processingMode": connector.mode,
        "processors": [_processor(connector, *p) for p in connector.processors],
        "variables": {},
    }
