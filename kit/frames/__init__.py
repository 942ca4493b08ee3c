"""Frames: LeanIX API answers read into typed pandas DataFrames.

Holds the column builders (:mod:`~kit.frames.columns`), the GraphQL selections per field kind
(:mod:`~kit.frames.queries`), consistent paging (:mod:`~kit.frames.paging`), the long frames' rows and the
sinks that build several frames from one paging pass (:mod:`~kit.frames.tidy`), the Integration API and sync
log readers (:mod:`~kit.frames.runs`) and :class:`~kit.frames.reader.WorkspaceReader`, the reading half of
:class:`kit.Workspace`, with :func:`~kit.frames.reader.read_type` (every frame of a type in one pass), and
:class:`~kit.frame.Frame`, the DataFrame subclass every kit frame is (its ``to_excel`` works).

May import: ``kit.client``, ``kit.leanix``, ``kit.errors``. Never the engine, sources, snapshots or anything
above them.
"""

from kit.frame import Frame

__all__ = ["Frame"]
