"""One prediction of a run: the engine's plan, warnings and stats, plus the deletion scopes of a FULL run.

    >>> from kit.integration.predict import predict
    >>> p = predict(configs, ldif, view, now=run_start)        # doctest: +SKIP
    >>> p.result.plan.writes, p.deletions, p.notes, p.removals.total   # doctest: +SKIP

``kit.preview()``, the scope check and the sandbox's runs all call :func:`predict`. Pure: no files, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from kit.integration.deletion import KINDS as DELETION_KINDS
from kit.integration.deletion import DeletionPrediction, predict_deletions
from kit.integration.describe import Describer
from kit.integration.engine import EngineResult, evaluate
from kit.integration.engine.stats import stats_document
from kit.integration.plan import RunPlan
from kit.integration.removals import Removals, count_removals
from kit.integration.view import WorkspaceView

__all__ = ["Prediction", "predict"]


@dataclass(frozen=True, eq=False)
class Prediction:
    """What a run of ``ldif`` would do to ``view``: ``result`` (the engine's), ``deletions`` (a FULL run's
    deletion scopes, None when not predicted), ``notes`` (what was assumed or could not be done, in words)."""

    result: EngineResult
    ldif: Mapping[str, Any]
    view: WorkspaceView | None
    deletions: DeletionPrediction | None
    notes: tuple[str, ...]
    now: datetime

    @property
    def configuration(self) -> Mapping[str, Any]:
        """The configuration the LDIF was bound to."""
        return self.result.configuration

    @cached_property
    def plan(self) -> RunPlan:
        """The run's plan an applier replays: the engine's writes in execution order, then the deletion
        writes of a FULL-mode run when they are predicted and not cancelled."""
        plan = self.result.plan
        writes = list(plan.writes)
        if self.deletions is not None:
            writes.extend(self.deletions.writes())
        return RunPlan(writes=writes, touched=plan.touched, output_ldif=plan.output_ldif)

    @cached_property
    def stats(self) -> dict[str, Any]:
        """``/stats`` in iAPI's shape; ``deletedObjects``: what the deletion scopes would delete."""
        result = self.result
        return stats_document(
            result.compiled.processors,
            result.stats["singleRunLevelStatistics"],
            {p["processorIndex"]: p["errorCount"] for p in result.stats["processorStatistics"]},
            self.deleted_objects(),
        )

    def deleted_objects(self) -> list[dict[str, Any]]:
        """``{"kind", "id", "type", "name"}`` per item the deletion scopes would delete (none when cancelled)."""
        deletions = self.deletions
        if deletions is None or deletions.cancelled:
            return []
        return [
            {"kind": item.kind, "id": item.id, "type": item.type, "name": item.name}
            for kind in DELETION_KINDS
            if (pred := deletions.kinds.get(kind)) is not None
            for item in pred.to_delete
        ]

    @cached_property
    def describe(self) -> Describer:
        """(id, readable reference, type, name) of a fact sheet reference of this run."""
        return Describer(self.result.state, self.view)

    @cached_property
    def removals(self) -> Removals:
        """What the run would archive or delete, by kind: processors (``mode: delete``, constraining relations,
        single-select tag groups) and the deletion scopes that are not cancelled. ``removals.total`` is the
        number a real run asks to confirm."""
        configuration = self.configuration
        unknown = []
        full = str(configuration.get("processingMode") or "").lower() == "full"
        if self.deletions is None and full and configuration.get("deletionScope"):
            unknown.append("deletion scopes, as no workspace was given")
        processors = configuration.get("processors")
        return count_removals(
            self.result.plan.writes,
            self.deletions,
            processors=processors if isinstance(processors, list) else None,
            describe=self.describe,
            unknown=unknown,
        )


def predict(
    configs: list[dict[str, Any]],
    ldif: dict[str, Any],
    view: WorkspaceView | None,
    *,
    fields: Any = None,
    now: datetime | None = None,
) -> Prediction:
    """Run the engine over ``ldif`` (bound to one of ``configs``) against ``view`` and predict the deletion
    scopes of a FULL-mode run. ``now``: the run's start (default: now, to the second)."""
    now = now or datetime.now().replace(microsecond=0)
    result = evaluate(configs, ldif, view, fields=fields, now=now)
    notes = list(result.notes)
    configuration = result.configuration
    mode = str(configuration.get("processingMode") or "partial").lower()
    scopes = configuration.get("deletionScope")
    deletions = None
    if mode != "full":
        if scopes:
            notes.append("PARTIAL mode: deletion scopes are ignored")
    elif scopes:
        if view is None:
            notes.append("no workspace given: deletions cannot be computed")
        else:
            deletions = predict_deletions(
                configuration, view, result.plan.touched, header=result.header, now=now
            )
    return Prediction(result, ldif, view, deletions, tuple(notes), now)
