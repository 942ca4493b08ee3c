"""A local, LeanIX-compatible sandbox server with a generated demo workspace.

``kit.connect()`` starts one in-process when no ``LEANIX_HOST`` is configured (see :func:`embedded`).
"""

from __future__ import annotations

import logging
import threading

from kit.sandbox.faults import Faults
from kit.sandbox.guards import SandboxError
from kit.sandbox.server import SANDBOX_TOKEN, Sandbox, SandboxOptions

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
