"""Sources: where the integration engine's workspace state comes from, behind one read interface.

Holds the :class:`~kit.integration.view.WorkspaceView` implementations: :class:`LiveView` (a live
workspace, :mod:`~kit.sources.live`), :class:`SnapshotView` (a snapshot, :mod:`~kit.sources.snapshot`),
:class:`HandMadeView` and :class:`NodesView` (hand-made records, :mod:`~kit.sources.records`), their base
:class:`RecordView` (:mod:`~kit.sources.base`), and :func:`as_source`, which picks one for whatever a caller
passes, by ``isinstance``. Each carries ``metamodel`` (a :class:`~kit.leanix.MetaModel` or None). The
sandbox's store is a fourth source; it lives with the sandbox (``kit.sandbox.view``) and subclasses
:class:`RecordView`.

May import: ``kit.integration`` (the read interface and facets), ``kit.frames`` (live reads), ``kit.snapshot``,
``kit.leanix``, ``kit.client``, ``kit.errors``. Never the sandbox, previews, reports or the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kit.frames.reader import WorkspaceReader
from kit.integration.view import WorkspaceView
from kit.snapshot import Snapshot
from kit.sources.base import RecordView, ViewTagResolver
from kit.sources.live import LiveView
from kit.sources.records import HandMadeView, NodesView, RecordShapeError, hand_made, is_node_shaped
from kit.sources.snapshot import SnapshotView

__all__ = [
    "HandMadeView",
    "LiveView",
    "NodesView",
    "RecordShapeError",
    "RecordView",
    "SnapshotView",
    "ViewTagResolver",
    "as_source",
    "hand_made",
]


def as_source(workspace: Any) -> WorkspaceView | None:
    """The read interface for what the caller gave: a source already, a snapshot, a live workspace, or a list
    of fact sheet records; None stays None (no workspace: deletions and searches cannot be computed).

    A list whose records are all in the GraphQL node shape becomes a :class:`NodesView`; any other list is
    read as hand-made records (:mod:`kit.sources.records`) and checked, with ``users="any"``."""
    if workspace is None or isinstance(workspace, RecordView):
        return workspace
    if isinstance(workspace, Snapshot):
        return SnapshotView(workspace)
    if isinstance(workspace, WorkspaceReader):
        return LiveView(workspace)
    if isinstance(workspace, WorkspaceView):
        return workspace
    if isinstance(workspace, Iterable) and not isinstance(workspace, str | bytes | Mapping):
        items = list(workspace)
        if all(isinstance(i, Mapping) and is_node_shaped(i) for i in items):
            return NodesView(items)
        return HandMadeView(items, users="any")
    raise TypeError(
        "workspace must be a Workspace, a Snapshot, a list of fact sheet records or a source "
        f"(kit.sources), not {type(workspace).__name__}"
    )
