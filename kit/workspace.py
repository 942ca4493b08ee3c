"""A LeanIX workspace: everything :class:`~kit.frames.reader.WorkspaceReader` reads, plus Integration API runs
(:meth:`Workspace.run`) and snapshots (:meth:`Workspace.snapshot`).

The class sits above the layers it joins (reading, previews, runs, snapshots), so none of them needs to
import it: they take a :class:`~kit.frames.reader.WorkspaceReader`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kit.frames.reader import DeniedFieldsWarning, WorkspaceReader
from kit.iapi_runs import RunResult, run_integration
from kit.snapshot import write_snapshot
from kit.webhooks import Webhooks

__all__ = ["DeniedFieldsWarning", "Workspace"]


class Workspace(WorkspaceReader):
    """One workspace: what :class:`~kit.frames.reader.WorkspaceReader` reads (frames, the model, runs and the
    sync log), plus :meth:`run` and :meth:`snapshot`."""

    # -- Integration API runs -------------------------------------------------------------------------------
    def run(
        self,
        config: Any,
        ldif: Any,
        *,
        test: bool = True,
        confirm_deletions: int | None = None,
        predict: bool = True,
        timeout: float = 3600.0,
    ) -> RunResult:
        """Run ``ldif`` through processor ``config``: a **test** run unless ``test=False``.

        Predicts the outcome first (offline, against this workspace), then starts the run, polls its status
        with backoff until FINISHED/FAILED/STOPPED and returns a :class:`kit.iapi_runs.RunResult` with the
        reported stats and warnings beside the prediction. A real run that would archive or delete anything
        (processors in ``mode: delete``, single-select tag replacements, deletion scopes) is refused until
        ``confirm_deletions`` equals ``preview.removals.total``.
        """
        return run_integration(
            self,
            config,
            ldif,
            test=test,
            confirm_deletions=confirm_deletions,
            predict=predict,
            timeout=timeout,
        )

    # -- webhooks -------------------------------------------------------------------------------------------
    @property
    def webhooks(self) -> Webhooks:
        """This workspace's webhook subscriptions (LeanIX's Webhooks API): list, create, update, delete and
        their deliveries; see :class:`kit.webhooks.Webhooks` and docs/alerts.md §2."""
        return Webhooks(self.client)

    # -- snapshots ------------------------------------------------------------------------------------------
    def snapshot(
        self, directory: str | os.PathLike[str], types: list[str] | None = None, overwrite: bool = False
    ) -> Path:
        """Write every frame (fact sheets per type, relations, tags, lifecycles, subscriptions, runs) as
        Parquet plus a manifest and return the folder's path; read it back offline with
        :func:`kit.load_snapshot`."""
        return write_snapshot(self, directory, types=types, overwrite=overwrite)

    # -- exports --------------------------------------------------------------------------------------------
    def export(
        self, path: str | os.PathLike[str], types: list[str] | None = None, overwrite: bool = False
    ) -> Path:
        """Export the active fact sheets of ``types`` (default: all) with their relations and tags for
        people: ``.xlsx`` one sheet per type plus ``Relations`` and ``Tags`` (zoned timestamps as UTC with
        `` (UTC)`` in the header, header row frozen, autofilter, fitted widths); a ``.csv`` or ``.parquet``
        path is a folder with one file per type plus ``relations`` and ``tags``. An existing target is
        refused unless ``overwrite``; see :mod:`kit.exports`."""
        from kit.exports import export

        return export(self, path, types, overwrite=overwrite)
