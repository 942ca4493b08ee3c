"""Preview a processor configuration offline: what a run would write, warn and delete, as DataFrames.

    >>> from kit.previews.preview import preview
    >>> shown = preview("config.json", "ldif.json", workspace)     # doctest: +SKIP
    >>> shown                                                        # doctest: +SKIP  (summary + tables)
    >>> shown.changes, shown.warnings, shown.deletions              # doctest: +SKIP
    >>> shown.to_excel("preview.xlsx"); shown.to_html("preview.html")  # doctest: +SKIP

``config`` is one configuration or several (the LDIF is bound to one of them like iAPI does), ``config`` and
``ldif`` are dicts, JSON text or file paths (validated by :mod:`kit.integration.inputs`, whose errors point at
line and column). ``workspace`` is None, a :class:`~kit.integration.view.WorkspaceView`, a
:class:`~kit.snapshot.Snapshot`, a :class:`~kit.workspace.Workspace` or a list of fact sheet records in the
GraphQL node shape (:func:`kit.sources.as_source` picks). Without a workspace external ids are taken as new
and deletions cannot be predicted (the ``notes`` say so).

:func:`preview` = load inputs -> ``as_source`` -> :func:`kit.integration.predict.predict` -> :class:`Preview`.
The frames live in :mod:`.frames`, text and HTML in :mod:`.render`, the workbook in :mod:`.excel`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from kit.integration import inputs
from kit.integration.engine import EngineResult, bind
from kit.integration.plan import RunPlan
from kit.integration.predict import Prediction, predict
from kit.integration.removals import Removals
from kit.integration.view import WorkspaceView
from kit.previews.excel import save_workbook
from kit.previews.frames import FRAMES, PlanFrames, paused_gc
from kit.previews.render import notebook_html, page_html, save_page, summary_lines
from kit.sources import as_source as as_view

__all__ = ["FRAMES", "Preview", "as_view", "binding_of", "load_inputs", "preview"]


def _load(source: Any, kind: str) -> dict[str, Any]:
    """A validated configuration or LDIF as a plain dict."""
    loaded = inputs.load_config(source) if kind == "config" else inputs.load_ldif(source)
    return loaded.data


def load_inputs(config: Any, ldif: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(configurations, LDIF) as plain dicts, validated; ``config`` may be one or a list."""
    items = list(config) if isinstance(config, list | tuple) else [config]
    configs = [
        c.data if hasattr(c, "data") and not isinstance(c, Mapping) else _load(c, "config") for c in items
    ]
    data = ldif.data if hasattr(ldif, "data") and not isinstance(ldif, Mapping) else _load(ldif, "ldif")
    return configs, data


def binding_of(config: Any, ldif: Any) -> Mapping[str, Any]:
    """The configuration the LDIF binds to (validated inputs; raises BindingError naming the difference)."""
    configs, data = load_inputs(config, ldif)
    return bind(configs, data)


def preview(
    config: Any,
    ldif: Any,
    workspace: Any = None,
    *,
    fields: Any = None,
    now: datetime | None = None,
) -> Preview:
    """What a run of ``ldif`` through ``config`` would do to ``workspace`` (see the module docstring)."""
    configs, data = load_inputs(config, ldif)
    view = as_view(workspace)
    with paused_gc():
        return Preview(predict(configs, data, view, fields=fields, now=now))


class Preview(PlanFrames):
    """A predicted run shown to people: the plan, frames of what it writes, warnings, stats, variables,
    deletions and notes; ``to_excel`` and ``to_html`` save it."""

    def __init__(self, prediction: Prediction) -> None:
        self.prediction = prediction
        self.result: EngineResult = prediction.result
        self.ldif: Mapping[str, Any] = prediction.ldif
        self.view: WorkspaceView | None = prediction.view
        self.now: datetime = prediction.now
        #: :class:`~kit.integration.deletion.DeletionPrediction` of a FULL-mode run with a workspace, or None
        self.deletions = prediction.deletions
        #: what the prediction assumed or could not do, in words
        self.notes: list[str] = list(prediction.notes)
        self.configuration: Mapping[str, Any] = prediction.configuration
        #: the run's plan (engine writes, then deletion writes that are not cancelled)
        self.plan: RunPlan = prediction.plan
        #: the exported LDIF of an outbound configuration or of writeToLdif processors (None without them)
        self.output_ldif = prediction.result.plan.output_ldif
        #: Warning records in iAPI's shape
        self.warning_records: list[dict[str, Any]] = prediction.result.warnings
        #: ``/stats`` in iAPI's shape (``deletedObjects``: what the deletion scopes would delete)
        self.stats: dict[str, Any] = prediction.stats
        self._setup_frames()

    @cached_property
    def removals(self) -> Removals:
        """What the run would archive or delete, by kind (``removals.total`` is the number a real run asks
        to confirm); see :attr:`kit.integration.predict.Prediction.removals`."""
        return self.prediction.removals

    def summary(self) -> str:
        """A few lines: what would be created/updated/archived, other writes, warnings, deletions, notes."""
        return "\n".join(summary_lines(self))

    def __repr__(self) -> str:
        return "Preview(\n  " + self.summary().replace("\n", "\n  ") + "\n)"

    def _repr_html_(self) -> str:
        """The notebook view: summary box, deletion guard and the first rows of each section."""
        return notebook_html(self)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """One sheet per non-empty frame (plus ``summary``); lists and maps as JSON text."""
        sheets = {"summary": pd.DataFrame({"summary": self.summary().splitlines()}), **self.frames()}
        return save_workbook(path, sheets)

    def to_html(self, path: str | os.PathLike[str], *, links: Any = None) -> Path:
        """A self-contained page (no script, nothing fetched) an architect reads: a summary box (writes,
        creates, updates, archives, warnings), the deletion guard's outcome, then sections with human
        headings (the first 5,000 rows of each table). ``links``: a ``Workspace``,
        :class:`kit.tables.Links` or ``{"host", "workspace"}`` to link fact sheet names; by default the
        live workspace the preview read, if any."""
        return save_page(path, page_html(self, links=links))
