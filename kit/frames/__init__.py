"""Frames: LeanIX API answers read into typed pandas DataFrames.

Holds the column builders (:mod:`~kit.frames.columns`), the GraphQL selections per field kind
(:mod:`~kit.frames.queries`), consistent paging (:mod:`~kit.frames.paging`), the Integration API and sync log
readers (:mod:`~kit.frames.runs`) and :class:`~kit.frames.reader.WorkspaceReader`, the reading half of
:class:`kit.Workspace`.

May import: ``kit.client``, ``kit.leanix``, ``kit.errors``. Never the engine, sources, snapshots or anything
above them.
"""
