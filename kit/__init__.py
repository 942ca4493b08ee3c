"""lxkit: SAP LeanIX workspace data in pandas, with a local sandbox as the embedded default.

>>> import kit
>>> ws = kit.connect()                    # LEANIX_HOST/LEANIX_API_TOKEN, or the embedded sandbox
>>> apps = ws.factsheets("Application")   # doctest: +SKIP

Every error class the kit raises on purpose is exported here; ``kit/errors.py`` draws their tree.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kit._version import __version__ as __version__

if TYPE_CHECKING:  # what the names below are; at run time each is imported on first use
    from kit import metrics as metrics  # kit.metrics: KPIs over time
    from kit.alerts import AlertFileError
    from kit.callbacks import CallbackError
    from kit.client import (
        AuthenticationError,
        BadRequest,
        ConnectionFailed,
        FieldPermissionError,
        GraphQLError,
        InconsistentRead,
        LeanIXClient,
        LeanIXError,
        NotFound,
        PermissionDenied,
        RateLimited,
        RetryPolicy,
        ServerError,
        TLSError,
    )
    from kit.config import ConfigError, Secret, Settings, load_settings
    from kit.connection import connect, open
    from kit.errors import LxkitError
    from kit.iapi_runs import DeletionsNotConfirmed, RunResult, RunTimeout
    from kit.integration.deletion import DeletionScopeError
    from kit.integration.engine import BindingError, ConfigurationError, EngineError
    from kit.integration.facets import FacetError
    from kit.integration.inputs import InputError, load_config, load_ldif
    from kit.integration.juel import (
        JuelError,
        JuelEvaluationError,
        JuelSyntaxError,
        RegexTimeout,
        evaluate,
    )
    from kit.integration.lint import lint
    from kit.integration.removals import Removals
    from kit.leanix import MetaModelError, UnknownFactSheetType, UnknownField
    from kit.metrics import KpiError
    from kit.metrics.metrics_api import PublishError
    from kit.outputs import OutputError
    from kit.previews.preview import Preview, preview
    from kit.previews.scope import scope_check
    from kit.reports.errors import NotebookNotFound, ParameterError, ReportAlerted, ReportError, ReportFailed
    from kit.reports.notify.targets import NotifyError
    from kit.reports.schedules.errors import ScheduleError
    from kit.sandbox import SandboxError
    from kit.sandbox.store import StoreError
    from kit.snapshot import Snapshot, SnapshotError, load_snapshot
    from kit.sources import RecordShapeError
    from kit.workspace import DeniedFieldsWarning, Workspace

# name -> (module, attribute; None: the module itself). ``import kit`` loads none of them, so the command
# line's quick paths (``lxkit --help``, ``lxkit report --list``, refusals) do not pay for pandas, graphql-core
# and the sandbox; ``kit.connect`` and the rest load what they need when first used.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "AlertFileError": ("kit.alerts", "AlertFileError"),
    "AuthenticationError": ("kit.client", "AuthenticationError"),
    "BadRequest": ("kit.client", "BadRequest"),
    "BindingError": ("kit.integration.engine", "BindingError"),
    "CallbackError": ("kit.callbacks", "CallbackError"),
    "ConfigError": ("kit.config", "ConfigError"),
    "ConfigurationError": ("kit.integration.engine", "ConfigurationError"),
    "ConnectionFailed": ("kit.client", "ConnectionFailed"),
    "DeletionScopeError": ("kit.integration.deletion", "DeletionScopeError"),
    "DeletionsNotConfirmed": ("kit.iapi_runs", "DeletionsNotConfirmed"),
    "DeniedFieldsWarning": ("kit.workspace", "DeniedFieldsWarning"),
    "EngineError": ("kit.integration.engine", "EngineError"),
    "FacetError": ("kit.integration.facets", "FacetError"),
    "FieldPermissionError": ("kit.client", "FieldPermissionError"),
    "GraphQLError": ("kit.client", "GraphQLError"),
    "InconsistentRead": ("kit.client", "InconsistentRead"),
    "InputError": ("kit.integration.inputs", "InputError"),
    "JuelError": ("kit.integration.juel", "JuelError"),
    "JuelEvaluationError": ("kit.integration.juel", "JuelEvaluationError"),
    "JuelSyntaxError": ("kit.integration.juel", "JuelSyntaxError"),
    "KpiError": ("kit.metrics", "KpiError"),
    "LeanIXClient": ("kit.client", "LeanIXClient"),
    "LeanIXError": ("kit.client", "LeanIXError"),
    "LxkitError": ("kit.errors", "LxkitError"),
    "MetaModelError": ("kit.leanix", "MetaModelError"),
    "NotFound": ("kit.client", "NotFound"),
    "NotebookNotFound": ("kit.reports.errors", "NotebookNotFound"),
    "OutputError": ("kit.outputs", "OutputError"),
    "ParameterError": ("kit.reports.errors", "ParameterError"),
    "PermissionDenied": ("kit.client", "PermissionDenied"),
    "Preview": ("kit.previews.preview", "Preview"),
    "NotifyError": ("kit.reports.notify.targets", "NotifyError"),
    "PublishError": ("kit.metrics.metrics_api", "PublishError"),
    "RateLimited": ("kit.client", "RateLimited"),
    "RecordShapeError": ("kit.sources", "RecordShapeError"),
    "RegexTimeout": ("kit.integration.juel", "RegexTimeout"),
    "Removals": ("kit.integration.removals", "Removals"),
    "ReportAlerted": ("kit.reports.errors", "ReportAlerted"),
    "ReportError": ("kit.reports.errors", "ReportError"),
    "ReportFailed": ("kit.reports.errors", "ReportFailed"),
    "RetryPolicy": ("kit.client", "RetryPolicy"),
    "RunResult": ("kit.iapi_runs", "RunResult"),
    "RunTimeout": ("kit.iapi_runs", "RunTimeout"),
    "SandboxError": ("kit.sandbox", "SandboxError"),
    "ScheduleError": ("kit.reports.schedules.errors", "ScheduleError"),
    "Secret": ("kit.config", "Secret"),
    "ServerError": ("kit.client", "ServerError"),
    "Settings": ("kit.config", "Settings"),
    "Snapshot": ("kit.snapshot", "Snapshot"),
    "SnapshotError": ("kit.snapshot", "SnapshotError"),
    "StoreError": ("kit.sandbox.store", "StoreError"),
    "TLSError": ("kit.client", "TLSError"),
    "UnknownFactSheetType": ("kit.leanix", "UnknownFactSheetType"),
    "UnknownField": ("kit.leanix", "UnknownField"),
    "Workspace": ("kit.workspace", "Workspace"),
    "connect": ("kit.connection", "connect"),
    "evaluate": ("kit.integration.juel", "evaluate"),
    "lint": ("kit.integration.lint", "lint"),
    "load_config": ("kit.integration.inputs", "load_config"),
    "load_ldif": ("kit.integration.inputs", "load_ldif"),
    "load_settings": ("kit.config", "load_settings"),
    "load_snapshot": ("kit.snapshot", "load_snapshot"),
    "metrics": ("kit.metrics", None),
    "open": ("kit.connection", "open"),
    "preview": ("kit.previews.preview", "preview"),
    "scope_check": ("kit.previews.scope", "scope_check"),
}


def __getattr__(name: str) -> Any:
    import importlib

    where = _EXPORTS.get(name)
    if where is None:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    module = importlib.import_module(where[0])
    value = module if where[1] is None else getattr(module, where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


def history(folder: str | os.PathLike[str]) -> metrics.History:
    """The KPI history in ``folder`` (dated snapshots): ``metrics.History(folder)``."""
    from kit import metrics

    return metrics.History(folder)


__all__ = [
    # connecting and reading
    "DeniedFieldsWarning",
    "LeanIXClient",
    "RetryPolicy",
    "Secret",
    "Settings",
    "Snapshot",
    "Workspace",
    "connect",
    "load_settings",
    "load_snapshot",
    "open",
    # the Integration API, offline and live
    "Preview",
    "Removals",
    "RunResult",
    "evaluate",
    "lint",
    "load_config",
    "load_ldif",
    "preview",
    "scope_check",
    # KPIs over time (docs/metrics.md)
    "history",
    "metrics",
    # errors, in the order of the tree in kit/errors.py
    "LxkitError",
    "ConfigError",
    "LeanIXError",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "BadRequest",
    "RateLimited",
    "ServerError",
    "ConnectionFailed",
    "TLSError",
    "GraphQLError",
    "FieldPermissionError",
    "InconsistentRead",
    "RunTimeout",
    "MetaModelError",
    "UnknownFactSheetType",
    "UnknownField",
    "RecordShapeError",
    "SnapshotError",
    "OutputError",
    "InputError",
    "JuelError",
    "JuelSyntaxError",
    "JuelEvaluationError",
    "RegexTimeout",
    "EngineError",
    "BindingError",
    "ConfigurationError",
    "FacetError",
    "DeletionScopeError",
    "DeletionsNotConfirmed",
    "ReportError",
    "ParameterError",
    "ReportFailed",
    "ReportAlerted",
    "AlertFileError",
    "ScheduleError",
    "NotifyError",
    "CallbackError",
    "NotebookNotFound",
    "SandboxError",
    "StoreError",
    "KpiError",
    "PublishError",
]
