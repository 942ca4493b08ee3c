"""The sandbox's PUSH webhook deliveries: one background worker that runs callbacks and sends requests.

An emitted event becomes one :class:`Job` per matching subscription, recorded at once as ``PENDING``; the worker
thread runs the subscription's callback (:func:`kit.callbacks.run_callback`, as the preview does), then sends
the body with ``requests`` (a plain session: no retries of its own, no redirects, no proxies from the
environment, a short timeout) and records the outcome. The retry policy is the sandbox's, as LeanIX's is its
own: a failed attempt is tried again every ``webhook_retry_interval`` seconds up to ``webhook_retry_limit``
attempts, unless the subscription has ``ignoreError``. Neither a request nor a run ever waits for a delivery.

A subscription's ``authorizationHeader`` is sent as ``Authorization`` and kept nowhere else: records hold
statuses and error texts only, and those pass through :func:`~kit.sandbox.guards.redact`.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from kit.callbacks import CallbackError, run_callback
from kit.sandbox.guards import loopback_url_problem, redact

__all__ = ["Deliveries", "Job", "delivery_body"]

log = logging.getLogger("kit.sandbox.webhooks")

CALLBACK_TIME_LIMIT = 1.0  # seconds, per callback run (docs/alerts.md §1)
TIMEOUT = (2.0, 5.0)  # connect, read: a receiver on loopback answers quickly or not at all
ERROR_TEXT = 500  # characters of an error kept in a record


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def delivery_body(subscription: dict[str, Any], event: dict[str, Any]) -> Any:
    """What a subscription's ``payloadMode`` gives the callback: the payload (DEFAULT), the whole event
    (WRAPPED_EVENT, its ``payload`` a JSON text as in LeanIX's event model) or ``{}`` (NO_PAYLOAD)."""
    mode = subscription.get("payloadMode") or "DEFAULT"
    if mode == "NO_PAYLOAD":
        return {}
    if mode == "WRAPPED_EVENT":
        return {**event, "payload": json.dumps(event["payload"], separators=(",", ":"))}
    return event["payload"]


@dataclass(order=True)
class Job:
    """One delivery of one event to one subscription (ordered by when its next attempt is due)."""

    due: float
    seq: int
    record: dict[str, Any] = field(compare=False)
    subscription: dict[str, Any] = field(compare=False)
    event: dict[str, Any] = field(compare=False)
    request: tuple[str, str, str] | None = field(default=None, compare=False)  # method, url, body


class Deliveries:
    """Delivery records per subscription and the worker thread that works through them.

    ``settings()`` returns ``(retry interval, retry limit)`` when an attempt fails (so that a test may change
    the options of a running sandbox); ``secrets()`` returns texts to keep out of records (the API token)."""

    def __init__(
        self, settings: Callable[[], tuple[float, int]], secrets: Callable[[], list[str]] | None = None
    ) -> None:
        self._settings = settings
        self._secrets = secrets or list
        self._cond = threading.Condition()
        self._queue: list[Job] = []
        self._seq = itertools.count()
        self._pending = 0
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._session: requests.Session | None = None
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.stats: dict[str, dict[str, Any]] = {}

    # -- queueing -------------------------------------------------------------------------------------------
    def enqueue(self, subscription: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        """Record a PENDING delivery of ``event`` to ``subscription`` (a copy) and hand it to the worker."""
        record = {
            "id": str(uuid.uuid4()),
            "subscriptionId": subscription["id"],
            "eventType": event["type"],
            "createdAt": _now(),
            "status": "PENDING",
            "attempts": 0,
            "responseStatus": None,
            "error": None,
        }
        with self._cond:
            self.records.setdefault(subscription["id"], []).append(record)
            if self._stopped:
                self._close(record, subscription["id"], "FAILED", "The sandbox stopped before delivering.")
                return dict(record)
            heapq.heappush(self._queue, Job(time.monotonic(), next(self._seq), record, subscription, event))
            self._pending += 1
            self._ensure_worker()
            self._cond.notify_all()
            return dict(record)

    def listed(self, subscription_id: str) -> list[dict[str, Any]]:
        """Copies of a subscription's delivery records, newest first."""
        with self._cond:
            return [dict(r) for r in reversed(self.records.get(subscription_id, []))]

    def forget(self, subscription_id: str) -> None:
        """Drop a deleted subscription's records and statistics (its pending deliveries still end)."""
        with self._cond:
            self.records.pop(subscription_id, None)
            self.stats.pop(subscription_id, None)

    def settled(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds until no delivery is pending; True if none is."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self) -> None:
        """Stop the worker; deliveries still pending are recorded FAILED."""
        with self._cond:
            self._stopped = True
            for job in self._queue:
                self._close(
                    job.record, job.subscription["id"], "FAILED", "The sandbox stopped before delivering."
                )
            self._queue.clear()
            self._pending = 0
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=TIMEOUT[0] + TIMEOUT[1] + CALLBACK_TIME_LIMIT)
        if self._session is not None:
            self._session.close()

    # -- the worker ----------------------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="lxkit-sandbox-webhooks", daemon=True)
            self._thread.start()

    def _next(self) -> Job | None:
        with self._cond:
            while not self._stopped:
                if self._queue:
                    wait = self._queue[0].due - time.monotonic()
                    if wait <= 0:
                        return heapq.heappop(self._queue)
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _work(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._attempt(job)
            except Exception as exc:  # a sandbox bug: the delivery fails, the worker goes on
                log.error("lxkit sandbox: webhook delivery failed: %s", type(exc).__name__)
                log.debug("lxkit sandbox: traceback", exc_info=True)
                with self._cond:
                    self._finish(
                        job, "FAILED", f"Internal error in the lxkit sandbox ({type(exc).__name__})."
                    )

    def _attempt(self, job: Job) -> None:
        sub_id = job.subscription["id"]
        if job.request is None:  # first attempt: the callback decides whether and what to send
            job.request = self._prepare(job)
            if job.request is None:
                return
        method, url, body = job.request
        headers = {"Content-Type": "application/json"}
        if job.subscription.get("authorizationHeader"):
            headers["Authorization"] = str(job.subscription["authorizationHeader"])
        status: int | None = None
        error: str | None = None
        try:
            response = self._http().request(
                method, url, data=body.encode(), headers=headers, timeout=TIMEOUT, allow_redirects=False
            )
            status = response.status_code
            response.close()
            if not 200 <= status < 300:
                error = f"The target answered HTTP {status}; a delivery succeeds on 2xx."
        except requests.RequestException as exc:
            error = f"The request failed: {type(exc).__name__}."
        interval, limit = self._settings()
        with self._cond:
            job.record["attempts"] += 1
            job.record["responseStatus"] = status
            # as LeanIX's subscriptions show it: the HTTP status of the last attempt (None: no answer)
            self.stats.setdefault(sub_id, {})["lastDeliveryStatus"] = status
            if error is None:
                self._finish(job, "DELIVERED", None)
                log.debug("webhook delivery %s to subscription %s: DELIVERED", job.record["id"], sub_id)
                return
            self._count_error(sub_id)
            job.record["error"] = self._clean(error)
            if job.subscription.get("ignoreError") or job.record["attempts"] >= limit or self._stopped:
                self._finish(job, "FAILED", error)
            else:
                job.due = time.monotonic() + interval
                heapq.heappush(self._queue, job)
                self._cond.notify_all()
            log.debug("webhook delivery %s: attempt %d failed", job.record["id"], job.record["attempts"])

    def _prepare(self, job: Job) -> tuple[str, str, str] | None:
        """The request to send ``(method, url, body)``, or None for a delivery that sends nothing (then
        finished here): SKIPPED when the callback left it inactive, FAILED for a callback error."""
        sub = job.subscription
        body = delivery_body(sub, job.event)
        url, method = sub.get("targetUrl"), sub.get("targetMethod") or "POST"
        source = sub.get("callback")
        if source:
            try:
                delivery = run_callback(
                    source,
                    body,
                    target_url=url,
                    target_method=method,
                    name=f"the callback of subscription {sub.get('identifier')!r}",
                    time_limit=CALLBACK_TIME_LIMIT,
                )
            except CallbackError as exc:
                self._no_request(job, "FAILED", str(exc))
                return None
            if not delivery.active:
                self._no_request(job, "SKIPPED", None)
                return None
            body, url, method = delivery.payload, delivery.target_url, delivery.target_method or "POST"
        problem = loopback_url_problem(url)
        if problem:  # the callback may change targetUrl: the rule holds for the URL it leaves
            self._no_request(job, "FAILED", problem)
            return None
        return str(method).upper(), str(url), json.dumps(body, ensure_ascii=False)

    def _no_request(self, job: Job, status: str, error: str | None) -> None:
        with self._cond:
            if status == "FAILED":
                self._count_error(job.subscription["id"])
            self._finish(job, status, error)

    def _http(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.trust_env = False  # no proxy or netrc from the environment: the target is loopback
            self._session = session
        return self._session

    # -- bookkeeping (under the condition's lock) ---------------------------------------------------------
    def _clean(self, text: str | None) -> str | None:
        return None if text is None else redact(text, self._secrets())[:ERROR_TEXT]

    def _count_error(self, sub_id: str) -> None:
        stats = self.stats.setdefault(sub_id, {})
        stats["errorCount"] = stats.get("errorCount", 0) + 1
        stats.setdefault("firstTimeDeliveryFailed", _now())

    def _close(self, record: dict[str, Any], sub_id: str, status: str, error: str | None) -> None:
        record["status"] = status
        record["error"] = self._clean(error)

    def _finish(self, job: Job, status: str, error: str | None) -> None:
        self._close(job.record, job.subscription["id"], status, error)
        self._pending = max(0, self._pending - 1)  # stop() may have cleared the count already
        self._cond.notify_all()
