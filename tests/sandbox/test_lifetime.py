"""A stopped sandbox's workspace is freed: a report that builds a year of demo history starts and stops a
dozen sandboxes in one kernel, and each generated workspace is tens of megabytes."""

from __future__ import annotations

import gc
import weakref

from kit.sandbox import Sandbox, SandboxOptions


def test_a_stopped_sandbox_leaves_its_workspace_to_the_collector():
    with Sandbox(SandboxOptions(size=200, seed=3)) as sandbox:
        store = weakref.ref(sandbox.store)
        assert store() is not None
    del sandbox
    gc.collect()
    assert store() is None
