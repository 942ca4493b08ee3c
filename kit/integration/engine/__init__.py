"""The offline evaluator of Integration API processor configurations (inbound, plus writeToLdif).

    >>> from kit.integration.engine import evaluate
    >>> result = evaluate(config, ldif, view, fields=field_kinds, now=run_start)   # doctest: +SKIP
    >>> result.plan.writes, result.warnings, result.stats, result.variables        # doctest: +SKIP

``evaluate(config | [configs], ldif, view=None, *, fields=None, now=None) -> EngineResult`` binds the LDIF to
a configuration (:func:`bind`), compiles every template once (:func:`compile_configuration`) and runs the
levels against ``view`` (a :class:`~kit.integration.view.WorkspaceView`, or None). It predicts, in iAPI's own
terms, what a run would do: the :class:`~kit.integration.plan.RunPlan` (writes in execution order, touched
objects, output LDIF), Warning records (:mod:`.warnings` lists the categories) and ``/stats``. Pure Python, no
I/O. Deletion scopes are predicted by :mod:`kit.integration.deletion`; :func:`kit.integration.predict.predict`
runs both.

Modules: :mod:`.binding` (LDIF to configuration), :mod:`.configuration` (compiling), :mod:`.run` (levels),
:mod:`.processor` (what all processors share), one module per processor family (:mod:`.factsheet`,
:mod:`.relation`, :mod:`.tag`, :mod:`.subscription`, :mod:`.document`, :mod:`.metrics`, :mod:`.impact_todo`,
:mod:`.variables`, :mod:`.write_to_ldif`), :mod:`.identifiers`, :mod:`.filters`, :mod:`.values` (update
and value rules), :mod:`.context` (what expressions see), :mod:`.state` (the run's view of the workspace),
:mod:`.metamodel` (field kinds), :mod:`.records` (fast plan records), :mod:`.stats`, :mod:`.warnings`.
"""

from __future__ import annotations

from .binding import bind, semantic_version
from .errors import BindingError, ConfigurationError, EngineError
from .metamodel import FieldInfo, FieldModel
from .run import PROCESSOR_TYPES, CompiledConfiguration, EngineResult, compile_configuration, evaluate
from .stats import iso_duration
from .warnings import CATEGORIES, Category

__all__ = [
    "CATEGORIES",
    "PROCESSOR_TYPES",
    "BindingError",
    "Category",
    "CompiledConfiguration",
    "ConfigurationError",
    "EngineError",
    "EngineResult",
    "FieldInfo",
    "FieldModel",
    "bind",
    "compile_configuration",
    "evaluate",
    "iso_duration",
    "semantic_version",
]
