"""Where lxkit connects: :func:`connect` (a live workspace, or the embedded sandbox when none is configured)
and :func:`open` (a live workspace, the sandbox or a snapshot folder, by name).

The top of the house: it joins config, the client, the sandbox, workspaces and snapshots, and nothing below
imports it.
"""

from __future__ import annotations

import logging
import os
from datetime import date

from kit.client import LeanIXClient, RetryPolicy
from kit.config import ConfigError, Secret, load_settings
from kit.sandbox import SANDBOX_TOKEN, embedded
from kit.sandbox.guards import as_of_date
from kit.snapshot import Snapshot, load_snapshot
from kit.workspace import Workspace

__all__ = ["connect", "open"]

log = logging.getLogger("kit.connection")


def connect(
    host: str | None = None,
    *,
    dotenv: str | os.PathLike | None = ".env",
    sandbox_size: int = 2000,
    sandbox_as_of: date | str | None = None,
    retry: RetryPolicy | None = None,
    page_size: int = 1000,
    progress: bool | None = None,
) -> Workspace:
    """A :class:`Workspace` for ``host`` (or ``LEANIX_HOST``), authenticated with ``LEANIX_API_TOKEN``.

    The token is only ever read from the environment or the ``.env`` file. With no host configured the
    embedded sandbox is started (once per process) and used, and the log says so. ``sandbox_as_of``
    (a date or ``YYYY-MM-DD``) makes that the demo workspace as it was on that day; a real workspace
    ignores it, with a warning.
    """
    as_of = as_of_date(sandbox_as_of)  # a bad date fails here, whichever workspace is used
    env = dict(os.environ)
    if host is not None:
        env["LEANIX_HOST"] = host
    settings = load_settings(env, dotenv)
    if settings.host is not None and settings.token is not None:
        client = LeanIXClient(settings.host, settings.token, retry=retry)
        if as_of is not None:
            log.warning(
                "sandbox_as_of=%s is ignored: %s is a real workspace, not the sandbox.", as_of, settings.host
            )
    else:  # no host configured (load_settings never returns a host without a token)
        sandbox = embedded(size=sandbox_size, as_of=as_of)
        client = LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=retry)
    client.tokens.bearer()  # fail fast: a wrong token or an unreachable host is reported here, once
    wanted = settings.workspace
    if wanted and wanted not in (client.workspace_name, client.workspace_id):
        client.close()
        raise ConfigError(
            f"LEANIX_WORKSPACE is {wanted!r}, but the API token belongs to workspace "
            f"{client.workspace_name!r} ({client.workspace_id}). Use that workspace's token, or fix LEANIX_WORKSPACE."
        )
    return Workspace(client, page_size=page_size, progress=progress)


def open(spec: str | os.PathLike[str] | None) -> Workspace | Snapshot | None:  # noqa: A001 - kit.open, like io.open
    """What a notebook parameter or CLI option names: ``"live"`` the configured workspace (the embedded
    sandbox when none is configured), ``"sandbox"`` the embedded sandbox whatever is configured, ``""``,
    ``"none"`` or None no workspace, anything else a snapshot folder."""
    if spec is None:
        return None
    word = os.fspath(spec).strip()
    if word.lower() in ("", "none"):
        return None
    if word.lower() == "live":
        return connect(progress=False)
    if word.lower() == "sandbox":
        sandbox = embedded()
        client = LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN))
        return Workspace(client, progress=False)
    return load_snapshot(word)
