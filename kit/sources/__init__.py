"""Sources: where the integration engine's workspace state comes from, behind one read interface.

Holds the :class:`~kit.integration.view.WorkspaceView` implementations for a live workspace
(:class:`LiveView`), a snapshot (:class:`SnapshotView`) and hand-made records (:class:`NodesView`), and
:func:`as_source`, which picks one for whatever a caller passes, by ``isinstance``. The sandbox's store is a
fourth source; it lives with the sandbox (``kit.sandbox.view``) and subclasses :class:`RecordView`.

May import: ``kit.integration`` (the read interface and facets), ``kit.frames`` (live reads), ``kit.snapshot``,
``kit.leanix``, ``kit.client``, ``kit.errors``. Never the sandbox, previews, reports or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kit.frames.reader import WorkspaceReader
from kit.integration.view import WorkspaceView
from kit.snapshot import Snapshot
from kit.sources.views import LiveView, NodesView, RecordView, SnapshotView, ViewTagResolver

__all__ = ["LiveView", "NodesView", "RecordView", "SnapshotView", "ViewTagResolver", "as_source"]


def as_source(workspace: Any) -> WorkspaceView | None:
    """The read interface for what the caller gave: a source already, a snapshot, a live workspace, or a list
    of fact sheet records; None stays None (no workspace: deletions and searches cannot be computed)."""
    if workspace is None or isinstance(workspace, RecordView):
        return workspace
    if isinstance(workspace, Snapshot):
        return SnapshotView(workspace)
    if isinstance(workspace, WorkspaceReader):
        return LiveView(workspace)
    if isinstance(workspace, WorkspaceView):
        return workspace
    if isinstance(workspace, Iterable) and not isinstance(workspace, str | bytes | Mapping):
        return NodesView(list(workspace))
    raise TypeError(
        "workspace must be a Workspace, a Snapshot, a list of fact sheet records or a source "
        f"(kit.sources), not {type(workspace).__name__}"
    )
