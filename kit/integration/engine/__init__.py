"""The offline evaluator of Integration API processor configurations (inbound, plus writeToLdif).

    >>> from kit.integration.engine import evaluate
    >>> result = evaluate(config, ldif, view, fields=field_kinds)   # doctest: +SKIP
    >>> result.plan.writes, result.warnings, result.stats           # doctest: +SKIP

Given a configuration (or several: the LDIF is bound to one), an LDIF and optionally a
:class:`~kit.integration.view.WorkspaceView`, it predicts in iAPI's own terms what a run would do: the
:class:`~kit.integration.plan.RunPlan` (writes in execution order, touched objects, output LDIF), Warning
records and ``/stats``. Pure Python, no I/O; every template is compiled once per configuration.
Deletion scopes are not evaluated here (see :mod:`kit.integration.deletion` and the preview).
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
