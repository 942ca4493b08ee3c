"""lxkit: SAP LeanIX workspace data in pandas, with a local sandbox as the embedded default.

>>> import kit
>>> ws = kit.connect()                    # LEANIX_HOST/LEANIX_API_TOKEN, or the embedded sandbox
>>> apps = ws.factsheets("Application")   # doctest: +SKIP

Every error class the kit raises on purpose is exported here; ``kit/errors.py`` draws their tree.
"""

from __future__ import annotations

import os

from kit import metrics as metrics  # kit.metrics: KPIs over time
from kit._version import __version__ as __version__
from kit.alerts import AlertFileError
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
from kit.outputs import OutputError
from kit.previews.preview import Preview, preview
from kit.previews.scope import scope_check
from kit.reports.errors import NotebookNotFound, ParameterError, ReportAlerted, ReportError, ReportFailed
from kit.reports.schedules.errors import ScheduleError
from kit.sandbox import SandboxError
from kit.sandbox.store import StoreError
from kit.snapshot import Snapshot, SnapshotError, load_snapshot
from kit.sources import RecordShapeError
from kit.workspace import DeniedFieldsWarning, Workspace


def history(folder: str | os.PathLike[str]) -> metrics.History:
    """The KPI history in ``folder`` (dated snapshots): ``metrics.History(folder)``."""
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
    "NotebookNotFound",
    "SandboxError",
    "StoreError",
    "KpiError",
]
