"""The Integration API and sync log answers a snapshot keeps, so that its run readers work offline.

Writing records the API's own answers (JSON) for :class:`~kit.frames.runs.RunsMixin`'s requests, within
these bounds:

* ``runs()``: every run the workspace lists;
* ``synclog()``: the newest :data:`SYNCLOG_LIMIT` synchronizations;
* ``synclog_items()``: the newest :data:`SYNC_ITEMS_LIMIT` sync items of all synchronizations, and up to
  :data:`SYNC_ITEMS_LIMIT` items of each of the newest :data:`DETAILED` synchronizations;
* ``run_status()``, ``run_progress()``, ``run_stats()``, ``run_warnings()``: the runs of the newest
  :data:`DETAILED` synchronizations (newest first), or the last :data:`DETAILED` runs listed when the sync
  log names none.

Reading answers the same requests from the record (:class:`Replay`, a stand-in for the client), so the
frames are built by the very code that builds them live. A request outside the bounds raises
:class:`~kit.snapshot.SnapshotError` naming the bound.
"""

from __future__ import annotations

import re
from typing import Any

from kit.frames.runs import IAPI, SYNCLOG
from kit.snapshot.errors import SnapshotError

__all__ = ["DETAILED", "SYNCLOG_LIMIT", "SYNC_ITEMS_LIMIT", "Replay", "record_answers"]

SYNCLOG_LIMIT = 2000
SYNC_ITEMS_LIMIT = 1000
DETAILED = 25
_PAGE = 100

_RUN = re.compile(rf"{IAPI}/synchronizationRuns/(?P<id>[^/]+)/(?P<what>status|progress|stats|warnings)")
_SYNC_ITEMS = re.compile(rf"{SYNCLOG}/synchronizations/(?P<id>[^/]+)/syncItems")


def record_answers(client: Any) -> dict[str, Any]:
    """The answers the snapshot keeps (see the module docstring), read through ``client``."""
    get = client.get
    runs = get(f"{IAPI}/synchronizationRuns") or []
    synclog = _pages(client, f"{SYNCLOG}/synchronizations", {}, SYNCLOG_LIMIT)
    items = _pages(client, f"{SYNCLOG}/syncItems", {}, SYNC_ITEMS_LIMIT)
    newest = synclog[:DETAILED]
    item_of_sync = {
        s["id"]: _pages(client, f"{SYNCLOG}/synchronizations/{s['id']}/syncItems", {}, SYNC_ITEMS_LIMIT)
        for s in newest
        if s.get("id")
    }
    listed = [r.get("id") for r in runs if r.get("id")]
    detailed = list(dict.fromkeys(s["runId"] for s in newest if s.get("runId") in listed))
    if not detailed:
        detailed = listed[-DETAILED:]
    details: dict[str, dict[str, Any]] = {}
    for run_id in detailed:
        base = f"{IAPI}/synchronizationRuns/{run_id}"
        warnings: list[Any] = []
        offset = 0
        while True:
            page = get(f"{base}/warnings", params={"offset": offset, "limit": _PAGE}) or []
            warnings.extend(page)
            if len(page) < _PAGE:
                break
            offset += _PAGE
        details[run_id] = {
            "status": get(f"{base}/status"),
            "progress": get(f"{base}/progress"),
            "stats": get(f"{base}/stats"),
            "warnings": warnings,
        }
    return {
        "bounds": {"synclog": SYNCLOG_LIMIT, "syncItems": SYNC_ITEMS_LIMIT, "detailed": DETAILED},
        "runs": runs,
        "details": details,
        "synclog": synclog,
        "syncItems": items,
        "syncItemsOf": item_of_sync,
    }


def _pages(client: Any, path: str, params: dict[str, Any], limit: int) -> list[Any]:
    rows: list[Any] = []
    page = 1
    while len(rows) < limit:
        answer = client.get(path, params={**params, "page": page, "size": _PAGE, "sort": "createdAt-desc"})
        data = (answer or {}).get("data") or []
        rows.extend(data)
        if len(data) < _PAGE:
            break
        page += 1
    return rows[:limit]


class Replay:
    """Answers :class:`~kit.frames.runs.RunsMixin`'s GET requests from recorded answers (a client stand-in)."""

    def __init__(self, answers: dict[str, Any], where: str) -> None:
        self.answers = answers
        self.where = where

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        params = params or {}
        if path == f"{IAPI}/synchronizationRuns":
            return self.answers["runs"]
        run = _RUN.fullmatch(path)
        if run:
            details = self.answers["details"].get(run["id"])
            if details is None:
                raise SnapshotError(
                    f"The snapshot at {self.where} keeps the details of the runs of its newest "
                    f"{self.answers['bounds']['detailed']} synchronizations; run {run['id']} is not among "
                    "them. Read it from the live workspace."
                )
            if run["what"] != "warnings":
                return details[run["what"]]
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", _PAGE))
            return details["warnings"][offset : offset + limit]
        if path == f"{SYNCLOG}/synchronizations":
            return self._page(self.answers["synclog"], params)
        if path == f"{SYNCLOG}/syncItems":
            return self._page(self.answers["syncItems"], params)
        items = _SYNC_ITEMS.fullmatch(path)
        if items:
            found = self.answers["syncItemsOf"].get(items["id"])
            if found is None:
                found = [i for i in self.answers["syncItems"] if i.get("synchronizationId") == items["id"]]
            return self._page(found, params)
        raise SnapshotError(f"A snapshot cannot answer GET {path}; read it from the live workspace.")

    @staticmethod
    def _page(rows: list[Any], params: dict[str, Any]) -> dict[str, Any]:
        if params.get("status"):
            rows = [r for r in rows if r.get("status") == params["status"]]
        size = int(params.get("size", _PAGE))
        start = (int(params.get("page", 1)) - 1) * size
        return {"data": rows[start : start + size], "total": len(rows)}
