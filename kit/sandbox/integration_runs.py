"""The sandbox's Integration API write side: configurations, runs (asynchronous and fast), stop.

A run is predicted with :func:`kit.integration.predict.predict` over the sandbox store (what ``kit.preview``
computes) and its plan applied to the store: a test run changes nothing, a real run changes what GraphQL
returns afterwards; both land in the run history and the sync log. A run emits the webhook events
``INTEGRATION_RUN_STARTED|FINISHED|ABORTED`` (:func:`kit.sandbox.webhooks.emit`, payload as reference §7.3), and
a real run's ``inboundMetrics`` points go to the sandbox's Metrics API store. An outbound run (asynchronous
only: fast runs answer 400 as iAPI does) exports the LDIF :mod:`kit.integration.engine.outbound` predicts at
``/results``; its ``/stats`` and ``/progress`` take iAPI's outbound shape.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from email.message import Message
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError
from kit.integration.inputs import load_config, load_ldif
from kit.integration.predict import predict
from kit.sandbox import webhooks
from kit.sandbox.api import find_run
from kit.sandbox.apply import apply_plan
from kit.sandbox.errors import ApiError
from kit.sandbox.request_parts import Query, flag, json_body, param
from kit.sandbox.view import StoreView

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox

__all__ = [
    "create_run",
    "create_run_with_config",
    "delete_configuration",
    "fast_run",
    "start_run",
    "stop_run",
    "upsert_configuration",
]

log = logging.getLogger("kit.sandbox")

IDENTITY = ("connectorType", "connectorId", "connectorVersion", "processingDirection", "processingMode")
ACTIVE = ("CREATED", "PENDING", "IN_PROGRESS")
Answer = tuple[int, Any]
#: a run as the sandbox keeps it: iAPI's run fields, plus ``_ldif``, ``_config``, ``_stop`` and ``test``
Run = dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _identity(config: dict[str, Any]) -> tuple[Any, ...]:
    mode = str(config.get("processingMode") or "partial").lower()
    return (*(config.get(k) for k in IDENTITY[:4]), mode)


# -- configurations -------------------------------------------------------------------------------------
def upsert_configuration(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    config = json_body(body)
    if not isinstance(config, dict) or any(not config.get(k) for k in IDENTITY[:4]):
        raise ApiError(400, {"errors": [f"A configuration needs {', '.join(IDENTITY[:4])} and processors."]})
    configs = sandbox.history.configurations
    configs[:] = [c for c in configs if _identity(c) != _identity(config)] + [config]
    return 204, None


def delete_configuration(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    wanted = {k: param(query, k) for k in IDENTITY}
    if any(v is None for v in wanted.values()):
        raise ApiError(400, {"errors": ["Not all necessary fields are set in parameters."]})
    configs = sandbox.history.configurations
    kept = [c for c in configs if _identity(c) != _identity(wanted)]
    if len(kept) == len(configs):
        raise ApiError(404, {"errors": ["No such processor configuration found."]})
    configs[:] = kept
    return 200, None


# -- runs -------------------------------------------------------------------------------------------------
def create_run(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    ldif = json_body(body)
    if not isinstance(ldif, dict):
        raise ApiError(400, {"errors": ["The body must be an LDIF JSON object."]})
    run = _new_run(sandbox, ldif, None)
    if flag(query, "start"):
        _start(sandbox, run, flag(query, "test"))
    elif flag(query, "test"):
        raise ApiError(400, {"errors": ["'test=true' requires 'start=true'."]})
    return 200, {"id": run["id"]}


def create_run_with_config(sandbox: Sandbox, query: Query, body: bytes, headers: Message) -> Answer:
    request = json_body(body)
    if not isinstance(request, dict) or not isinstance(request.get("input"), dict):
        raise ApiError(400, {"errors": ['Expected {"input": <LDIF>, "processorConfiguration": <config>}.']})
    run = _new_run(sandbox, request["input"], request.get("processorConfiguration"))
    if flag(query, "start"):
        _start(sandbox, run, flag(query, "test"))
    return 200, {"id": run["id"]}


def start_run(sandbox: Sandbox, query: Query, body: bytes, headers: Message, run_id: str) -> Answer:
    run = find_run(sandbox, run_id)
    if run["status"] != "CREATED":
        raise ApiError(
            400, {"errors": [f"Synchronization run {run_id} was started already ({run['status']})."]}
        )
    _start(sandbox, run, flag(query, "test"))
    return 200, None


def stop_run(sandbox: Sandbox, query: Query, body: bytes, headers: Message, run_id: str) -> Answer:
    run = find_run(sandbox, run_id)
    if run["status"] not in ACTIVE:
        raise ApiError(
            400, {"errors": [f"Synchronization run {run_id} is not pending or running ({run['status']})."]}
        )
    run["_stop"] = True
    if run["status"] == "CREATED":
        _finish(sandbox, run, "STOPPED")
    return 200, None


def fast_run(
    sandbox: Sandbox, query: Query, body: bytes, headers: Message, with_config: bool = False
) -> Answer:
    request = json_body(body)
    ldif = request.get("input") if with_config and isinstance(request, dict) else request
    config = request.get("processorConfiguration") if with_config and isinstance(request, dict) else None
    if not isinstance(ldif, dict):
        raise ApiError(400, {"errors": ["The body must be an LDIF JSON object."]})
    if str(ldif.get("processingDirection", "")).lower() == "outbound":
        raise ApiError(400, {"errors": ["Fast execution does not support outbound yet."]})
    run = _new_run(sandbox, ldif, config)
    run["test"] = flag(query, "test")
    _execute(sandbox, run)
    stats = run["stats"]
    duration = sum(float(p["processingTotalDuration"][2:-1]) for p in stats.get("processorStatistics") or [])
    return 200, {
        "status": run["status"],
        "warnings": run["warnings"],
        "stats": {
            "duration": f"PT{duration:.6f}S",
            "processedContentCount": run["progress"]["processedContentCount"],
            "processorCount": len(stats.get("processorStatistics") or []),
        },
        "results": run.get("results"),
    }


def _new_run(sandbox: Sandbox, ldif: dict[str, Any], config: object) -> Run:
    if config is not None and not isinstance(config, dict):
        raise ApiError(400, {"errors": ["'processorConfiguration' must be a JSON object."]})
    run: Run = {
        "id": str(uuid.uuid4()),
        "status": "CREATED",
        "description": ldif.get("description") or "",
        "connectorType": ldif.get("connectorType"),
        "connectorId": ldif.get("connectorId"),
        "connectorVersion": ldif.get("connectorVersion"),
        "processingDirection": ldif.get("processingDirection"),
        "processingMode": ldif.get("processingMode") or "partial",
        "createdAt": _now(),
        "synclogId": str(uuid.uuid4()),
        "stats": {"statusChanges": [{"status": "CREATED", "timestamp": _now()}]},
        "progress": {
            "processedContentCount": 0,
            "errorCount": 0,
            "graphQLRequestCount": 0,
            "status": "CREATED",
        },
        "warnings": [],
        "_ldif": ldif,
        "_config": config,
    }
    sandbox.history.runs.append(run)
    return run


def _status(run: Run, status: str) -> None:
    run["status"] = status
    run["progress"]["status"] = status
    run["stats"]["statusChanges"].append({"status": status, "timestamp": _now()})


def _start(sandbox: Sandbox, run: Run, test: bool) -> None:
    run["test"] = test
    _status(run, "PENDING")
    threading.Thread(
        target=_execute, args=(sandbox, run), name=f"lxkit-run-{run['id'][:8]}", daemon=True
    ).start()


def _execute(sandbox: Sandbox, run: Run) -> None:
    time.sleep(sandbox.options.run_delay)
    if run.get("_stop"):
        _finish(sandbox, run, "STOPPED")
        return
    _status(run, "IN_PROGRESS")
    run["_started"] = time.monotonic()
    _emit(sandbox, run, "INTEGRATION_RUN_STARTED")
    try:
        ldif = load_ldif(run["_ldif"]).data
        configs = [load_config(c).data for c in _configs(sandbox, run)]
        with sandbox.lock:
            prediction = predict(configs, ldif, StoreView(sandbox.store))
            if run.get("_stop"):
                _finish(sandbox, run, "STOPPED")
                return
            if not run["test"]:  # the plan ends with the deletions that are not cancelled
                applied = apply_plan(sandbox.store, prediction.plan)
                sandbox.metric_points.extend(applied.metrics)
                for point in applied.metrics:
                    sandbox.metrics.put_iapi(point.measurement, point.time, point.fields, point.tags)
    except LxkitError as exc:
        run["warnings"] = [
            {
                "processor": {"name": "", "index": -1},
                "content": "",
                "message": str(exc),
                "detail": "",
                "category": "RUN_FAILED",
                "status": "ERROR",
            }
        ]
        _finish(sandbox, run, "FAILED")
        return
    outbound = str(prediction.configuration.get("processingDirection") or "").lower() == "outbound"
    stats = prediction.result.stats if outbound else prediction.stats  # outbound: iAPI's outbound shape
    run["warnings"] = list(prediction.result.warnings)
    run["stats"].update({k: v for k, v in stats.items() if k != "statusChanges"})
    output = prediction.plan.output_ldif
    if outbound and output is not None:  # an outbound run exports; its progress counts fact sheets
        output = {**output, "description": f"The resulting LDIF of the outbound run {run['id']}"}
        run["progress"].update(
            contentsCount=len(output.get("content") or []),
            warningsCount=len(run["warnings"]),
            itemsInScopeCount=sum(p["itemsInScopeCount"] for p in stats["processorStatistics"]),
        )
    processed = (
        sum(p["processedContentCount"] for p in stats["processorStatistics"])
        if outbound
        else len(ldif.get("content") or [])
    )
    run["progress"].update(
        processedContentCount=processed,
        errorCount=sum(1 for w in run["warnings"] if w["status"] == "ERROR"),
        graphQLRequestCount=sum(
            p.get("graphQLRequestCount", 0) for p in stats.get("processorStatistics", [])
        ),
    )
    if output is not None:
        run["results"] = output
    _finish(sandbox, run, "FINISHED")


def _configs(sandbox: Sandbox, run: Run) -> list[Any]:
    """The run's own configuration, else the stored ones of its connector (the engine picks the version),
    else all stored ones."""
    if run["_config"]:
        return [run["_config"]]
    ldif = run["_ldif"]
    connector = (ldif.get("connectorType"), ldif.get("connectorId"))
    configurations = sandbox.history.configurations
    mine = [c for c in configurations if (c.get("connectorType"), c.get("connectorId")) == connector]
    return mine or configurations


def _finish(sandbox: Sandbox, run: Run, status: str) -> None:
    """End ``run``: its sync log entry and items, its webhook event, and last its status (a client that sees
    the final status finds the sync log written and the event's deliveries queued)."""
    errors = sum(1 for w in run["warnings"] if w["status"] == "ERROR")
    warnings = len(run["warnings"]) - errors
    started = run["stats"]["statusChanges"][0]["timestamp"]
    sandbox.history.synchronizations.append(
        {
            "id": run["synclogId"],
            "workspaceId": sandbox.store.workspace_id,
            "type": "INTEGRATION_API",
            "name": run["connectorId"],
            "runId": run["id"],
            "trigger": "FULL_SYNC_MANUAL",
            "progress": "ABORTED" if status == "STOPPED" else "FINISHED",
            "status": "ERROR" if errors or status == "FAILED" else "WARNING" if warnings else "OK",
            "createdAt": run["createdAt"],
            "startedAt": started,
            "finishedAt": _now(),
            "processedCount": run["progress"]["processedContentCount"],
            "updateCount": 0,
            "warningCount": warnings,
            "errorCount": errors,
            "test": bool(run.get("test")),
        }
    )
    sandbox.history.sync_items[run["synclogId"]] = [
        {
            "id": str(uuid.uuid4()),
            "synchronizationId": run["synclogId"],
            "workspaceId": sandbox.store.workspace_id,
            "createdAt": _now(),
            "status": w["status"],
            "action": "NONE",
            "source": {"type": run["connectorType"], "id": w["content"]},
            "target": {"type": "FactSheet", "id": None},
            "message": w["message"],
        }
        for w in run["warnings"]
    ]
    _emit(sandbox, run, "INTEGRATION_RUN_ABORTED" if status == "STOPPED" else "INTEGRATION_RUN_FINISHED")
    _status(run, status)


def run_event_payload(run: Run, event_type: str) -> dict[str, Any]:
    """The webhook payload of ``event_type`` for ``run`` (reference §7.3: an Integration API run's keys)."""
    errors = sum(1 for w in run["warnings"] if w["status"] == "ERROR")
    started = run.get("_started")
    return {
        "type": "INTEGRATION-API",
        "scope": str(run.get("processingMode") or "partial").upper(),
        "version": run.get("connectorVersion") or "",
        "duration": 0.0 if started is None or event_type.endswith("STARTED") else time.monotonic() - started,
        "progress": {"STARTED": "RUNNING", "ABORTED": "ABORTED"}.get(
            event_type.rsplit("_", 1)[1], "FINISHED"
        ),
        "direction": str(run.get("processingDirection") or "").upper(),
        "errorCount": errors,
        "connectorId": run.get("connectorId"),
        "warningCount": len(run["warnings"]) - errors,
        "connectorType": run.get("connectorType"),
        "integratedTool": "",
        "processedCount": run["progress"]["processedContentCount"],
        "synchronizationId": run["synclogId"],
    }


def _emit(sandbox: Sandbox, run: Run, event_type: str) -> None:
    """Emit a run event; a failure to emit is logged, never raised into the run."""
    try:
        webhooks.emit(sandbox, event_type, run_event_payload(run, event_type))
    except Exception as exc:
        log.error("lxkit sandbox: emitting %s failed: %s", event_type, type(exc).__name__)
        log.debug("lxkit sandbox: traceback", exc_info=True)
