"""lxkit: SAP LeanIX workspace data in pandas, with a local sandbox as the embedded default.

>>> import kit
>>> ws = kit.connect()                    # LEANIX_HOST/LEANIX_API_TOKEN, or the embedded sandbox
>>> apps = ws.factsheets("Application")   # doctest: +SKIP
"""

from __future__ import annotations

import os

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
from kit.errors import LxkitError
from kit.iapi_runs import DeletionsNotConfirmed, RunResult
from kit.integration.inputs import InputError, load_config, load_ldif
from kit.integration.juel import JuelError, evaluate
from kit.integration.lint import lint
from kit.integration.preview import Preview, preview
from kit.integration.removals import Removals
from kit.integration.scope import scope_check
from kit.model import UnknownFactSheetType, UnknownField
from kit.outputs import OutputError
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
    "load_settings",
    "load_snapshot",
]


def connect(
    host: str | None = None,
    *,
    dotenv: str | os.PathLike | None = ".env",
    sandbox_size: int = 2000,
    retry: RetryPolicy | None = None,
    page_size: int = 1000,
    progress: bool | None = None,
) -> Workspace:
    """A :class:`Workspace` for ``host`` (or ``LEANIX_HOST``), authenticated with ``LEANIX_API_TOKEN``.

    The token is only ever read from the environment or the ``.env`` file. With no host configured the
    embedded sandbox is started (once per process) and used, and the log says so.
    """
    env = dict(os.environ)
    if host is not None:
        env["LEANIX_HOST"] = host
    settings = load_settings(env, dotenv)
    if settings.uses_sandbox:
        from kit.sandbox import SANDBOX_TOKEN, embedded

        sandbox = embedded(size=sandbox_size)
        settings = Settings(host=sandbox.url, token=Secret(SANDBOX_TOKEN), workspace=settings.workspace)
    client = LeanIXClient(settings.host, settings.token, retry=retry)
    client.tokens.bearer()  # fail fast: a wrong token or an unreachable host is reported here, once
    wanted = settings.workspace
    if wanted and wanted not in (client.workspace_name, client.workspace_id):
        client.close()
        raise ConfigError(
            f"LEANIX_WORKSPACE is {wanted!r}, but the API token belongs to workspace "
            f"{client.workspace_name!r} ({client.workspace_id}). Use that workspace's token, or fix LEANIX_WORKSPACE."
        )
    return Workspace(client, page_size=page_size, progress=progress)
