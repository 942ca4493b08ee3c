"""lxkit: SAP LeanIX workspace data in pandas, with a local sandbox as the embedded default.

>>> import kit
>>> ws = kit.connect()                    # LEANIX_HOST/LEANIX_API_TOKEN, or the embedded sandbox
>>> apps = ws.factsheets("Application")   # doctest: +SKIP
"""

from __future__ import annotations

from kit._version import __version__ as __version__
from kit.client import (
    AuthenticationError,
    ConnectionFailed,
    FieldPermissionError,
    GraphQLError,
    InconsistentRead,
    LeanIXClient,
    LeanIXError,
    RetryPolicy,
    TLSError,
)
from kit.config import ConfigError, Secret, Settings, load_settings
from kit.connection import connect, open
from kit.errors import LxkitError
from kit.iapi_runs import DeletionsNotConfirmed, RunResult
from kit.integration.inputs import InputError, load_config, load_ldif
from kit.integration.juel import JuelError, evaluate
from kit.integration.lint import lint
from kit.integration.removals import Removals
from kit.leanix.introspection import UnknownFactSheetType, UnknownField
from kit.outputs import OutputError
from kit.previews.preview import Preview, preview
from kit.previews.scope import scope_check
from kit.snapshot import Snapshot, SnapshotError, load_snapshot
from kit.workspace import DeniedFieldsWarning, Workspace

__all__ = [
    "Removals",
    "OutputError",
    "TLSError",
    "InconsistentRead",
    "AuthenticationError",
    "DeletionsNotConfirmed",
    "InputError",
    "JuelError",
    "Preview",
    "RunResult",
    "evaluate",
    "lint",
    "load_config",
    "load_ldif",
    "preview",
    "scope_check",
    "ConfigError",
    "ConnectionFailed",
    "DeniedFieldsWarning",
    "FieldPermissionError",
    "GraphQLError",
    "LeanIXClient",
    "LeanIXError",
    "LxkitError",
    "RetryPolicy",
    "Secret",
    "Settings",
    "Snapshot",
    "SnapshotError",
    "UnknownFactSheetType",
    "UnknownField",
    "Workspace",
    "connect",
    "open",
    "load_settings",
    "load_snapshot",
]
