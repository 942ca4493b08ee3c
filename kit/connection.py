"""Where lxkit connects: :func:`connect` (a live workspace, or the embedded sandbox when none is configured)
and :func:`open` (a live workspace, the sandbox or a snapshot folder, by name).

The top of the house: it joins config, the client, the sandbox, workspaces and snapshots, and nothing below
imports it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from datetime import date

from kit.client import LeanIXClient, RetryPolicy
from kit.config import SANDBOX_PROFILE, SEARCH, ConfigError, DotenvSetting, Secret, Settings, load_settings
from kit.sandbox import SANDBOX_TOKEN, embedded
from kit.sandbox.guards import as_of_date
from kit.snapshot import Snapshot, load_snapshot
from kit.workspace import Workspace

__all__ = ["connect", "open"]

log = logging.getLogger("kit.connection")


def connect(
    profile: str | None = None,
    *,
    host: str | None = None,
    dotenv: DotenvSetting = SEARCH,
    sandbox_size: int = 2000,
    sandbox_as_of: date | str | None = None,
    retry: RetryPolicy | None = None,
    page_size: int = 1000,
    progress: bool | None = None,
) -> Workspace:
    """A :class:`Workspace` for the configured workspace, or for ``profile`` (``"sandbox"``: the embedded one).

    The settings are :func:`kit.config.load_settings`'s (``dotenv`` as there): ``LEANIX_HOST`` and
    ``LEANIX_API_TOKEN``, or a profile's ``LEANIX_<NAME>_HOST`` and ``LEANIX_<NAME>_API_TOKEN``; the token is
    only ever read from the environment or the ``.env`` file. ``host`` replaces the configured host (of the
    profile, if one is given; without one, ``LEANIX_PROFILE`` is ignored and ``LEANIX_API_TOKEN`` is sent).
    With no host configured the embedded sandbox is started (once per process) and used, and the log says
    so and why (:meth:`Settings.describe`). ``sandbox_as_of`` (a date or ``YYYY-MM-DD``) makes that the demo
    workspace as it was on that day; a real workspace ignores it, with a warning.
    """
    as_of = as_of_date(sandbox_as_of)  # a bad date fails here, whichever workspace is used
    settings = _settings(profile, host, dotenv)
    if settings.host is not None and settings.token is not None:
        client = LeanIXClient(settings.host, settings.token, retry=retry)
        if as_of is not None:
            log.warning(
                "sandbox_as_of=%s is ignored: %s is a real workspace, not the sandbox.", as_of, settings.host
            )
    else:  # no host configured, or the sandbox profile (load_settings never returns a host without a token)
        reason = settings.describe() + "."
        if settings.profile is None:
            reason += " Set LEANIX_HOST and LEANIX_API_TOKEN, or choose a profile, to use a real workspace."
        sandbox = embedded(size=sandbox_size, as_of=as_of, reason=reason)
        client = LeanIXClient(sandbox.url, Secret(SANDBOX_TOKEN), retry=retry)
    client.tokens.bearer()  # fail fast: a wrong token or an unreachable host is reported here, once
    wanted = settings.workspace
    if wanted and wanted not in (client.workspace_name, client.workspace_id):
        client.close()
        if settings.profile is None:
            setting = f"LEANIX_WORKSPACE is {wanted!r}"
            fix = "fix LEANIX_WORKSPACE"
        else:
            variable = f"LEANIX_{settings.profile.upper()}_WORKSPACE"
            setting = (
                f"Profile {settings.profile!r} expects workspace {wanted!r} ({variable} or the profiles file)"
            )
            fix = f"fix {variable} or the profile's workspace in the profiles file"
        raise ConfigError(
            f"{setting}, but the API token belongs to workspace {client.workspace_name!r} "
            f"({client.workspace_id}). Use that workspace's token, or {fix}."
        )
    return Workspace(client, page_size=page_size, progress=progress)


def _settings(profile: str | None, host: str | None, dotenv: DotenvSetting) -> Settings:
    """:func:`load_settings`, with ``host`` (when given) in place of the configured host."""
    if host is None:
        return load_settings(dotenv=dotenv, profile=profile)
    if profile is not None and profile.lower() == SANDBOX_PROFILE:
        raise ConfigError(
            f"kit.connect({profile!r}, host=…) names two workspaces: the profile {profile!r} is the embedded "
            "demo sandbox. Leave out host=, or the profile."
        )
    env = dict(os.environ)
    if profile is None:
        env["LEANIX_HOST"] = host
        env["LEANIX_PROFILE"] = ""  # the environment wins over .env: no profile from either
        origin = "the host argument of kit.connect()"
    else:
        env[f"LEANIX_{profile.upper()}_HOST"] = host
        origin = f"profile '{profile}': the host argument of kit.connect()"
    settings = load_settings(env, dotenv, profile=profile)
    return replace(settings, origin=origin)


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
        return connect(SANDBOX_PROFILE, progress=False)
    return load_snapshot(word)
