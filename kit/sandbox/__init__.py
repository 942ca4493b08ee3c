"""The sandbox: a local, LeanIX-compatible server over a generated demo workspace, for tests and notebooks.

``kit.connect()`` starts one in-process when no ``LEANIX_HOST`` is configured (see :func:`embedded`);
``lxkit sandbox serve`` starts one from the shell.

Holds, from the top down (``.importlinter`` checks this order):

- ``server``: :class:`Sandbox`, the HTTP server and its routes;
- ``integration_runs``, ``api``, ``graphql_api``: the endpoint handlers (Integration API writes: runs are
  predicted with :func:`kit.integration.predict.predict` and applied by ``apply``; reads; Pathfinder GraphQL);
- ``demo``, ``apply``, ``view``, ``schema``, ``store``, ``metamodel``: the workspace (generated, changed by runs,
  seen by the engine as a :class:`~kit.integration.view.WorkspaceView`, served as a GraphQL schema, held in
  memory, declared by one meta model);
- ``options``, ``tokens``, ``runs``, ``guards``, ``faults``, ``request_parts``, ``errors``: settings, MTM
  tokens, the demo run history, checks on settings and requests, injected faults, request parsing, errors.

May import ``kit.integration``, ``kit.sources`` (the base of the views), ``kit.leanix`` and ``kit.errors``;
never ``kit.client``, ``kit.frames``, ``kit.previews`` or ``kit.workspace`` (the sandbox is what those talk to,
over HTTP).
"""

from __future__ import annotations

import logging
import threading

from kit.sandbox.errors import SandboxError
from kit.sandbox.faults import Faults
from kit.sandbox.options import SANDBOX_TOKEN, SandboxOptions
from kit.sandbox.server import Sandbox

__all__ = ["SANDBOX_TOKEN", "Faults", "Sandbox", "SandboxError", "SandboxOptions", "embedded"]

log = logging.getLogger("kit.sandbox")
_lock = threading.Lock()
_embedded: dict[int, Sandbox] = {}


def embedded(size: int = 2000, seed: int = 7) -> Sandbox:
    """The process's embedded sandbox for ``size``/``seed``, started on first use on an ephemeral loopback port."""
    with _lock:
        key = hash((size, seed))
        if key not in _embedded:
            sandbox = Sandbox(SandboxOptions(size=size, seed=seed)).start()
            _embedded[key] = sandbox
            log.warning(
                "No LEANIX_HOST configured: using the embedded lxkit sandbox at %s (demo workspace %r, "
                "%d fact sheets). Set LEANIX_HOST and LEANIX_API_TOKEN to use a real workspace.",
                sandbox.url,
                sandbox.store.workspace_name,
                size,
            )
        return _embedded[key]
