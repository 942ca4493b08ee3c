"""The sandbox: a local, LeanIX-compatible server over a generated demo workspace, for tests and notebooks.

``kit.connect()`` starts one in-process when no ``LEANIX_HOST`` is configured (see :func:`embedded`);
``lxkit sandbox serve`` starts one from the shell.

Holds, from the top down (``.importlinter`` checks this order):

- ``server``: :class:`Sandbox`, the HTTP server and its routes;
- ``integration_runs``, ``api``, ``webhooks``, ``metrics``, ``graphql_api``: the endpoint handlers (Integration
  API writes: runs are predicted with :func:`kit.integration.predict.predict` and applied by ``apply``, and emit
  ``INTEGRATION_RUN_*`` events; reads; the Webhooks API; the Metrics API v2; Pathfinder GraphQL);
- ``webhook_deliveries``: PUSH deliveries of events to subscriptions, callbacks run by :mod:`kit.callbacks`,
  retried as LeanIX does (docs/alerts.md §3);
- ``demo``, ``demo_history``, ``apply``, ``view``, ``schema``, ``store``, ``metamodel``: the workspace (generated,
  on any day of its history, changed by runs, seen by the engine as a :class:`~kit.integration.view.WorkspaceView`,
  served as a GraphQL schema, held in memory, declared by one meta model);
- ``options``, ``tokens``, ``runs``, ``guards``, ``faults``, ``request_parts``, ``errors``: settings, MTM
  tokens, the demo run history, checks on settings and requests, injected faults, request parsing, errors.

May import ``kit.integration``, ``kit.sources`` (the base of the views), ``kit.leanix``, ``kit.callbacks`` and
``kit.errors``;
never ``kit.client``, ``kit.frames``, ``kit.previews`` or ``kit.workspace`` (the sandbox is what those talk to,
over HTTP).
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from kit.sandbox.errors import SandboxError
from kit.sandbox.faults import Faults
from kit.sandbox.guards import HISTORY_START, REFERENCE_DATE
from kit.sandbox.options import SANDBOX_TOKEN, SandboxOptions
from kit.sandbox.server import Sandbox

__all__ = [
    "HISTORY_START",
    "REFERENCE_DATE",
    "SANDBOX_TOKEN",
    "Faults",
    "Sandbox",
    "SandboxError",
    "SandboxOptions",
    "embedded",
]

log = logging.getLogger("kit.sandbox")
_lock = threading.Lock()
_embedded: dict[tuple[int, int, date | None], Sandbox] = {}


def embedded(
    size: int = 2000, seed: int = 7, as_of: date | None = None, *, reason: str | None = None
) -> Sandbox:
    """The process's embedded sandbox for ``size``/``seed``/``as_of`` (the demo workspace as it was on that
    day, None for :data:`REFERENCE_DATE`), started on first use on an ephemeral loopback port. The start is
    logged once, with ``reason`` (why the sandbox is used, e.g. ``Settings.describe()``) when given."""
    with _lock:
        key = (size, seed, as_of)  # REFERENCE_DATE differs from None in its runs: those end on that day
        if key not in _embedded:
            sandbox = Sandbox(SandboxOptions(size=size, seed=seed, as_of=as_of)).start()
            _embedded[key] = sandbox
            if reason is None:
                reason = (
                    "No LEANIX_HOST configured. Set LEANIX_HOST and LEANIX_API_TOKEN to use a real workspace."
                )
            log.warning(
                "Using the embedded lxkit sandbox at %s (demo workspace %r, %d fact sheets): %s",
                sandbox.url,
                sandbox.store.workspace_name,
                size,
                reason,
            )
        return _embedded[key]
