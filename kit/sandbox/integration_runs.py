"""The sandbox's Integration API write side: configurations, runs (asynchronous and fast), stop.

A run applies the same engine as ``kit.preview`` to the sandbox store: a test run changes nothing, a real
run changes what GraphQL returns afterwards; both land in the run history and the sync log.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.errors import LxkitError
from kit.sandbox.api import _param, _run
from kit.sandbox.server import ApiError

if TYPE_CHECKING:
    from kit.sandbox.server import Sandbox

IDENTITY = ("connectorType", "connectorId", "connectorVersion", "processingDirection", "processingMode")
ACTIVE = ("CREATED", "PENDING", "IN_PROGRESS")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _flag(query: dict, name: str) -> bool:
    return str(_param(query, name, "false")).lower() == "true"


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise ApiError(400, {"errors": [f"Request body is not valid JSON: {exc}"]}) from None


def _identity(config: dict) -> tuple:
    mode = str(config.get("processingMode") or "partial").lower()
    return (*(config.get(k) for k in IDENTITY[:4]), mode)


# -- configurations -------------------------------------------------------------------------------------
def upsert_configuration(sandbox: Sandbox, query, body, headers):
    config = _json_body(body)
    if not isinstance(config, dict) or any(not config.get(k) for k in IDENTITY[:4]):
        raise ApiError(400, {"errors": [f"A configuration needs {', '.join(IDENTITY[:4])} and processors."]})
    configs = sandbox.history.configurations
    configs[:] = [c for c in configs if _identity(c) != _identity(config)] + [config]
    return 204, None


def delete_configuration(sandbox: Sandbox, query, body, headers):
    wanted = {k: _param(query, k) for k in IDENTITY}
    if any(v is None for v in wanted.values()):
        raise ApiError(400, {"errors": ["Not all necessary fields are set in parameters."]})
    configs = sandbox.history.configurations
    kept = [c for c in configs if _identity(c) != _identity(wanted)]
    if len(kept) == len(configs):
        raise ApiError(404, {"errors": ["No such processor configuration found."]})
    configs[:] = kept
    return 200, None


# -- runs -------------------------------------------------------------------------------------------------
def create_run(sandbox: Sandbox, query, body, headers):
    ldif = _json_body(body)
    if not isinstance(ldif, dict):
        raise ApiError(400, {"errors": ["The body must be an LDIF JSON object."]})
    run = _new_run(sandbox, ldif, None)
    if _flag(query, "start"):
        _start(sandbox, run, _flag(query, "test"))
    elif _flag(query, "test"):
        raise ApiError(400, {"errors": ["'test=true' requires 'start=true'."]})
    return 200, {"id": run["id"]}


def create_run_with_config(sandbox: Sandbox, query, body, headers):
    request = _json_body(body)
    if not isinstance(request, dict) or not isinstance(request.get("input"), dict):
        raise ApiError(400, {"errors": ['Expected {"input": <LDIF>, "processorConfiguration": <config>}.']})
    run = _new_run(sandbox, request["input"], request.get("processorConfiguration"))
    if _flag(query, "start"):
        _start(sandbox, run, _flag(query, "test"))
    return 200, {"id": run["id"]}


def start_run(sandbox: Sandbox, query, body, headers, run_id: str):
    run = _run(sandbox, run_id)
    if run["status"] != "CREATED":
        raise ApiError(
            400, {"errors": [f"Synchronization run {run_id} was started already ({run['status']})."]}
        )
    _start(sandbox, run, _flag(query, "test"))
    return 200, None


def stop_run(sandbox: Sandbox, query, body, headers, run_id: str):
    run = _run(sandbox, run_id)
    if run["status"] not in ACTIVE:
        raise ApiError(
            400, {"errors": [f"Synchronization run {run_id} is not pending or running ({run['status']})."]}
        )
    run["_stop"] = True
    if run["status"] == "CREATED":
        _finish(sandbox, run, "STOPPED")
    return 200, None


def fast_run(sandbox: Sandbox, query, body, headers, with_config: bool = False):
    request = _json_body(body)
    ldif = request.get("input") if with_config and isinstance(request, dict) else request
    config = request.get("processorConfiguration") if with_config and isinstance(request, dict) else None
    if not isinstance(ldif, dict):
        raise ApiError(400, {"errors": ["The body must be an LDIF JSON object."]})
    if str(ldif.get("processingDirection", "")).lower() == "outbound":
        raise ApiError(400, {"errors": ["Fast execution does not support outbound yet."]})
    run = _new_run(sandbox, ldif, config)
    run["test"] = _flag(query, "test")
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


def _new_run(sandbox: Sandbox, ldif: dict, config: dict | None) -> dict:
    run = {
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


def _status(run: dict, status: str) -> None:
    run["status"] = status
    run["progress"]["status"] = status
    run["stats"]["statusChanges"].append({"status": status, "timestamp": _now()})


def _start(sandbox: Sandbox, run: dict, test: bool) -> None:
    run["test"] = test
    _status(run, "PENDING")
    threading.Thread(
        target=_execute, args=(sandbox, run), name=f"lxkit-run-{run['id'][:8]}", daemon=True
    ).start()


def _execute(sandbox: Sandbox, run: dict) -> None:
    from kit.previews.preview import preview
    from kit.sandbox.apply import apply_plan
    from kit.sandbox.view import StoreView

    time.sleep(sandbox.options.run_delay)
    if run.get("_stop"):
        _finish(sandbox, run, "STOPPED")
        return
    _status(run, "IN_PROGRESS")
    ldif = run["_ldif"]
    configs = (
        [run["_config"]]
        if run["_config"]
        else [
            c
            for c in sandbox.history.configurations  # those of this connector; the engine picks the version
            if (c.get("connectorType"), c.get("connectorId"))
            == (ldif.get("connectorType"), ldif.get("connectorId"))
        ]
        or sandbox.history.configurations
    )
    try:
        with sandbox.lock:
            result = preview(
                configs, run["_ldif"], workspace=StoreView(sandbox.store), fields=sandbox.field_kinds
            )
            if run.get("_stop"):
                _finish(sandbox, run, "STOPPED")
                return
            if not run["test"]:  # the preview's plan ends with the deletions that are not cancelled
                applied = apply_plan(sandbox.store, result.plan)
                sandbox.metric_points.extend(applied.metrics)
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
    run["warnings"] = list(result.warning_records)
    run["stats"].update({k: v for k, v in result.stats.items() if k != "statusChanges"})
    run["progress"].update(
        processedContentCount=len(run["_ldif"].get("content") or []),
        errorCount=sum(1 for w in run["warnings"] if w["status"] == "ERROR"),
        graphQLRequestCount=sum(
            p.get("graphQLRequestCount", 0) for p in result.stats.get("processorStatistics", [])
        ),
    )
    if result.output_ldif is not None:
        run["results"] = result.output_ldif
    _finish(sandbox, run, "FINISHED")


def _finish(sandbox: Sandbox, run: dict, status: str) -> None:
    _status(run, status)
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
