"""Where to connect and with what credentials (docs/schedules.md §1).

Settings come from the environment, then from one ``.env`` file (the environment wins). By default that file
is found the way :func:`load_settings` describes: ``LXKIT_DOTENV`` if set, else the first ``.env`` in the
current folder or one of its parents, else in the folders given as ``also`` (a notebook's folder). A *profile*
names one of several workspaces: ``prod`` reads ``LEANIX_PROD_HOST``, ``LEANIX_PROD_API_TOKEN`` and
``LEANIX_PROD_WORKSPACE``, and its host (never its token) may also come from a profiles file; ``sandbox`` is
the embedded demo sandbox. ``LXKIT_DOTENV`` and ``LXKIT_PROFILES`` are read from the environment only (they
say where the files are, so they cannot be in them).

The API token is kept in a :class:`Secret`, whose repr and str never show it; it is only unwrapped at the
moment the token exchange sends it. No message, ``origin`` or ``describe()`` ever holds a token. With no
``LEANIX_HOST`` configured the kit uses the embedded sandbox (see :func:`kit.connect`), and
:attr:`Settings.origin` says where it looked.
"""

from __future__ import annotations

import difflib
import enum
import io
import ipaddress
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, NoReturn, TypeAlias
from urllib.parse import urlsplit

from dotenv import dotenv_values

from kit.errors import LxkitError
from kit.utf8 import NotUtf8, decode_utf8

if TYPE_CHECKING:
    import yaml

__all__ = [
    "SEARCH",
    "ConfigError",
    "DotenvSetting",
    "Secret",
    "Settings",
    "check_token",
    "load_settings",
    "normalize_host",
    "read_dotenv",
    "resolve_workspace",
]

HOST_VAR = "LEANIX_HOST"
TOKEN_VAR = "LEANIX_API_TOKEN"
WORKSPACE_VAR = "LEANIX_WORKSPACE"
PROFILE_VAR = "LEANIX_PROFILE"
DOTENV_VAR = "LXKIT_DOTENV"
PROFILES_VAR = "LXKIT_PROFILES"
#: the profile that is always the embedded demo sandbox, whatever else is configured
SANDBOX_PROFILE = "sandbox"
#: what a profile name may be (it becomes part of a variable name: ``LEANIX_<NAME>_HOST``)
PROFILE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
PROFILE_RULE = (
    "a profile name is a letter followed by letters, digits or underscores ([A-Za-z][A-Za-z0-9_]*), e.g. 'prod' "
    "or 'eu_test'"
)

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_PROFILE_HOST_VAR = re.compile(r"LEANIX_([A-Za-z][A-Za-z0-9_]*)_HOST")
#: keys of a profiles file entry that look like they hold a credential
_TOKEN_LIKE = re.compile(r"token|secret|passw|pwd|credential|api[_-]?key|bearer|auth", re.IGNORECASE)
_PROFILE_KEYS = ("host", "workspace")
#: a .env or profiles file larger than this is not a settings file (and is not read into memory)
DOTENV_MAX_BYTES = 1 << 20

log = logging.getLogger("kit.config")


class _Search(enum.Enum):
    SEARCH = "search"

    def __repr__(self) -> str:
        return "SEARCH"


#: ``load_settings(dotenv=SEARCH)``: find the ``.env`` file as docs/schedules.md §1 says (the default)
SEARCH: Final = _Search.SEARCH
#: what ``dotenv=`` takes: :data:`SEARCH`, a path, or None (no ``.env`` file)
DotenvSetting: TypeAlias = str | os.PathLike[str] | _Search | None


class ConfigError(LxkitError):
    """The configuration cannot be used as it is; the message says which setting and how to fix it."""


class Secret:
    """A string that does not show itself: repr, str and format all mask it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; call only where it is sent, never to print or store it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:  # pragma: no cover - pickling a secret is always a mistake
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings. ``host`` is a base URL such as ``https://acme.leanix.net``, None for the
    embedded sandbox; ``profile`` the profile used (None for the plain ``LEANIX_HOST`` settings); ``origin``
    where the host came from, or where it was looked for, in words for people; ``dotenv`` the one ``.env``
    file that was read (the runner passes it to a kernel as ``LXKIT_DOTENV``)."""

    host: str | None
    token: Secret | None
    workspace: str | None = None
    profile: str | None = None
    origin: str = ""
    dotenv: str | None = (
        None  # the .env file read (absolute), None for none: a kernel is told to read the same
    )

    @property
    def uses_sandbox(self) -> bool:
        return self.host is None

    def describe(self) -> str:
        """One line: which workspace and where that setting came from, e.g.
        ``https://acme.leanix.net (LEANIX_HOST in /srv/lxkit/.env)``."""
        what = self.host if self.host is not None else "the embedded demo sandbox"
        return f"{what} ({self.origin})" if self.origin else what


def normalize_host(value: str, variable: str = HOST_VAR) -> str:
    """Turn ``acme.leanix.net`` or ``https://acme.leanix.net/Workspace`` into ``https://acme.leanix.net``.

    Plain ``http://`` is accepted only for loopback addresses (a local sandbox); a real workspace must be
    reached over https so the token is never sent in clear text. ``variable`` is the setting the value came
    from, for the messages (``LEANIX_HOST``, or a profile's ``LEANIX_PROD_HOST``).
    """
    token_variable = variable[: -len("HOST")] + "API_TOKEN" if variable.endswith("_HOST") else TOKEN_VAR
    return _normalize_host(
        value,
        variable,
        f"Set {variable} to your instance, e.g. 'acme.leanix.net' or 'https://acme.leanix.net'.",
        token_variable,
    )


def _normalize_host(value: str, what: str, hint: str, token_place: str) -> str:
    raw = value.strip()
    if not raw:
        raise ConfigError(f"{what} is empty. {hint}")
    shown = _shown_host(raw)
    odd = next((i for i, c in enumerate(raw) if unicodedata.category(c)[0] == "C"), None)
    if odd is not None:
        raise ConfigError(
            f"{what} {shown} contains a control or invisible character at position {odd + 1}. {hint}"
        )
    text = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{what} {shown} is not a valid host ({exc}). {hint}") from None
    if parts.scheme not in ("https", "http"):
        raise ConfigError(f"{what} {shown} uses scheme {parts.scheme!r}; only https is supported. {hint}")
    if "@" in parts.netloc:
        raise ConfigError(
            f"{what} {shown} holds a user name or password before '@'. Put only the host in {what}; "
            f"the API token goes in {token_place}."
        )
    hostname = parts.hostname or ""
    if not hostname or not _valid_hostname(hostname):
        raise ConfigError(f"{what} {shown} does not name a valid host. {hint}")
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(f"{what} {shown} has port {port}; a port is 1 to 65535. {hint}")
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError(
            f"{what} {shown} uses plain http; the API token must only travel over https. "
            "Use 'https://…' (plain http is allowed for a local sandbox on 127.0.0.1 or ::1 only)."
        )
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None:
        netloc += f":{port}"
    return f"{parts.scheme}://{netloc}"


def _shown_host(raw: str) -> str:
    """The host value for a message: quoted and escaped, without anything before an '@', shortened."""
    scheme, sep, rest = raw.rpartition("://")
    netloc, slash, path = rest.partition("/")
    if "@" in netloc:
        netloc = "…@" + netloc.rpartition("@")[2]
    shown = f"{scheme}{sep}{netloc}{slash}{path}"
    return repr(shown if len(shown) <= 80 else shown[:79] + "…")


def check_token(value: str, variable: str = TOKEN_VAR) -> None:
    """Raise :class:`ConfigError` when ``value`` cannot be an API token; the message never quotes it.

    The token travels in an HTTP header (base64 of ``apitoken:<token>``, encoded as Latin-1 by requests),
    and LeanIX's tokens are printable ASCII: whitespace, control characters or other letters inside come
    from copying it wrongly. ``variable`` is where it came from (``LEANIX_API_TOKEN`` or a profile's).
    """
    fix = f"Copy the token again (Administration → Technical Users) into {variable}."
    if not value:
        raise ConfigError(f"{variable} is empty. {fix}")
    for position, char in enumerate(value, 1):
        if " " < char < "\x7f":
            continue
        if ord(char) > 0xFF:
            what = "a character that cannot be sent in an HTTP header (it is not Latin-1)"
        elif char.isspace():
            what = "whitespace"
        elif unicodedata.category(char)[0] == "C":
            what = "a control character"
        else:
            what = "a non-ASCII character"
        raise ConfigError(
            f"{variable} holds {what} at position {position} of {len(value)}; an API token is "
            f"printable ASCII only. {fix}"
        )
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        raise ConfigError(f"{variable} is wrapped in quotes; remove them. {fix}")


def _valid_hostname(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
        return True
    except ValueError:
        pass
    return all(_LABEL.match(label) for label in hostname.rstrip(".").split("."))


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


# -- which .env file -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dotenv:
    """The one ``.env`` file to read (None: none) and, for messages, the places a setting was looked for."""

    path: str | None
    places: str  # "the environment or /srv/.env", "the environment or a .env file (looked in /, /srv)", ...

    @property
    def read(self) -> str | None:
        """The absolute path of the file, if there is one to read (not a folder, not missing)."""
        if self.path is None or not os.path.isfile(self.path):
            return None
        return _absolute(self.path)


def _choose_dotenv(
    environ: Mapping[str, str],
    dotenv: DotenvSetting,
    start: str | os.PathLike[str] | None,
    also: Iterable[str | os.PathLike[str]],
) -> _Dotenv:
    if dotenv is None:
        return _Dotenv(None, "the environment (no .env file read)")
    if not isinstance(dotenv, _Search):
        name = os.fspath(dotenv)
        return _Dotenv(name, f"the environment or {_absolute(name)}")
    chosen = environ.get(DOTENV_VAR)
    if chosen is not None:
        if not chosen.strip():
            return _Dotenv(None, f"the environment ({DOTENV_VAR} is empty: no .env file)")
        if not os.path.lexists(chosen):
            raise ConfigError(
                f"{DOTENV_VAR} names the settings file {chosen!r}, which does not exist. Fix the path, set "
                f"{DOTENV_VAR} empty to read no .env file, or unset it to find .env in the current folder "
                "and its parents."
            )
        return _Dotenv(chosen, f"the environment or {_absolute(chosen)} ({DOTENV_VAR})")
    looked: list[str] = []
    for folder in [*_upwards(start), *(_absolute(os.fspath(f)) for f in also)]:
        if folder in looked:
            continue
        looked.append(folder)
        candidate = os.path.join(folder, ".env")
        if _is_dotenv(candidate):
            log.debug("settings file: %s", candidate)
            return _Dotenv(candidate, f"the environment or {candidate}")
    return _Dotenv(None, f"the environment or a .env file (looked in {', '.join(looked)})")


def _upwards(start: str | os.PathLike[str] | None) -> list[str]:
    """``start`` (default: the current folder) and its parents up to the root, as absolute paths."""
    try:
        here = Path(_absolute(os.fspath(start) if start is not None else os.getcwd()))
    except FileNotFoundError:  # the current folder was deleted: nothing to look in
        return []
    return [str(folder) for folder in (here, *here.parents)]


def _absolute(name: str) -> str:
    return os.path.abspath(name)


def _is_dotenv(candidate: str) -> bool:
    """Whether ``candidate`` is the ``.env`` to read: anything there but a folder (``python -m venv .env``).

    What cannot be read (a named pipe, a symlink loop) counts as found, so :func:`read_dotenv` refuses it
    with a message instead of the search passing it by; a folder that cannot be entered is passed by.
    """
    try:
        info = os.stat(candidate)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return False
    except (OSError, ValueError):
        return True
    return not stat.S_ISDIR(info.st_mode)


class _Values:
    """``LEANIX_*`` settings from the environment over those of the ``.env`` file, and where each is."""

    def __init__(self, environ: Mapping[str, str], dotenv: _Dotenv) -> None:
        self.dotenv = dotenv
        self.from_file = read_dotenv(dotenv.path) if dotenv.path is not None else {}
        self.from_env = {k: v for k, v in environ.items() if k.startswith("LEANIX_")}
        self.merged = {**self.from_file, **self.from_env}

    def get(self, name: str) -> str:
        return self.merged.get(name, "").strip()

    def where(self, name: str) -> str:
        """``"in the environment"`` or ``"in /srv/.env"``: where the value of ``name`` came from."""
        if name in self.from_env or self.dotenv.path is None:
            return "in the environment"
        return f"in {_absolute(self.dotenv.path)}"


# -- settings ------------------------------------------------------------------------------------------------


def load_settings(
    env: Mapping[str, str] | None = None,
    dotenv: DotenvSetting = SEARCH,
    *,
    profile: str | None = None,
    start: str | os.PathLike[str] | None = None,
    also: Iterable[str | os.PathLike[str]] = (),
) -> Settings:
    """The settings of the workspace to use, from ``env`` (default: ``os.environ``) over one ``.env`` file.

    ``dotenv``: :data:`SEARCH` (the default) reads the file ``LXKIT_DOTENV`` names (empty: none), else the
    first ``.env`` file in ``start`` (default: the current folder) or one of its parents, else in one of the
    folders ``also``; None reads no file; a path reads that file only (none when it does not exist).

    ``profile`` (else ``LEANIX_PROFILE``, from the environment or the ``.env``) picks a named workspace: its
    ``LEANIX_<NAME>_HOST``, ``LEANIX_<NAME>_API_TOKEN`` and ``LEANIX_<NAME>_WORKSPACE`` (environment, then
    ``.env``), and its entry in the profiles file (``LXKIT_PROFILES``, else
    ``$XDG_CONFIG_HOME/lxkit/profiles.yaml``, else ``~/.config/lxkit/profiles.yaml``), which may hold its host
    and workspace but never a token; the variables win over the file. ``sandbox`` is the embedded sandbox.

    Without a profile: ``LEANIX_HOST``, ``LEANIX_API_TOKEN`` and ``LEANIX_WORKSPACE``; no ``LEANIX_HOST``
    means the embedded sandbox, and ``origin`` says where it was looked for. A host without a token is an
    error (there is nothing to authenticate with), and so is a profile that is configured nowhere (it never
    falls back to the sandbox).
    """
    environ = os.environ if env is None else env
    if profile is not None:
        _check_profile_name(profile, "the profile argument")
        if profile.lower() == SANDBOX_PROFILE:  # whatever else is configured: no file is even read
            return _sandbox_settings()
    values = _Values(environ, _choose_dotenv(environ, dotenv, start, also))
    name = profile
    if name is None and values.get(PROFILE_VAR):
        name = values.get(PROFILE_VAR)
        _check_profile_name(name, f"{PROFILE_VAR} {values.where(PROFILE_VAR)}")
    if name is None:
        return _plain_settings(values)
    if name.lower() == SANDBOX_PROFILE:
        return _sandbox_settings()
    return _profile_settings(name, values, environ)


def resolve_workspace(
    workspace: str | None,
    start: str | os.PathLike[str] | None = None,
    notebook_folder: str | os.PathLike[str] | None = None,
) -> Settings:
    """The settings of a report's ``workspace`` (docs/schedules.md §5), with ``.env`` searched from ``start``
    upwards and then in ``notebook_folder``.

    None: the configured workspace, else the embedded sandbox (the caller says so); ``"default"``: the
    configured workspace, and a :class:`ConfigError` when there is none; ``"sandbox"``: the embedded sandbox;
    anything else: that profile (so no profile can be called ``default``).
    """
    also = () if notebook_folder is None else (notebook_folder,)
    if workspace is None or workspace.strip().lower() == "default":
        settings = load_settings(start=start, also=also)
        if workspace is not None and settings.host is None and settings.profile is None:
            raise ConfigError(
                f"no workspace is configured ({settings.origin}), so this would run on the embedded demo "
                "sandbox. Set LEANIX_HOST and LEANIX_API_TOKEN (in the environment or a .env file in the "
                "working folder or above), or LEANIX_PROFILE; or ask for the workspace 'sandbox'."
            )
        return settings
    return load_settings(profile=workspace.strip(), start=start, also=also)


def _sandbox_settings() -> Settings:
    return Settings(host=None, token=None, profile=SANDBOX_PROFILE, origin=f"profile '{SANDBOX_PROFILE}'")


def _check_profile_name(name: str, where: str) -> None:
    if not PROFILE_NAME.fullmatch(name):
        shown = repr(name if len(name) <= 40 else name[:39] + "…")
        hint = ""
        if "." in name or "://" in name:
            hint = " It looks like a host: a host goes in LEANIX_HOST, or kit.connect(host=…)."
        raise ConfigError(f"The profile name {shown} ({where}) is not valid: {PROFILE_RULE}.{hint}")


def _plain_settings(values: _Values) -> Settings:
    host_value = values.get(HOST_VAR)
    token_value = values.get(TOKEN_VAR)
    workspace = values.get(WORKSPACE_VAR) or None
    if not host_value:
        origin = f"no {HOST_VAR} in {values.dotenv.places}"
        return Settings(host=None, token=None, workspace=workspace, origin=origin, dotenv=values.dotenv.read)
    _refuse_swapped(host_value, token_value, HOST_VAR, TOKEN_VAR)
    host = normalize_host(host_value)
    if TOKEN_VAR in values.merged and not token_value:
        raise ConfigError(
            f"LEANIX_HOST is set to {host} but LEANIX_API_TOKEN is empty. Put a technical user's API token "
            "(Administration → Technical Users) in LEANIX_API_TOKEN, in the environment or in a .env file."
        )
    if not token_value:
        raise ConfigError(
            f"LEANIX_HOST is set to {host} but LEANIX_API_TOKEN is missing. Create a technical user's API "
            "token (Administration → Technical Users) and put LEANIX_API_TOKEN=… in the environment or in a "
            ".env file next to your notebooks; never pass it as a notebook parameter."
        )
    check_token(token_value)
    origin = f"{HOST_VAR} {values.where(HOST_VAR)}"
    return Settings(
        host=host, token=Secret(token_value), workspace=workspace, origin=origin, dotenv=values.dotenv.read
    )


def _refuse_swapped(host_value: str, token_value: str, host_var: str, token_var: str) -> None:
    if token_value and len(token_value) >= 4 and token_value in host_value:
        raise ConfigError(
            f"{host_var} holds the API token (are {host_var} and {token_var} swapped?). {host_var} is "
            f"your instance, e.g. 'acme.leanix.net'; the token goes in {token_var} only."
        )


def _profile_settings(name: str, values: _Values, environ: Mapping[str, str]) -> Settings:
    upper = name.upper()
    host_var, token_var, workspace_var = (
        f"LEANIX_{upper}_{part}" for part in ("HOST", "API_TOKEN", "WORKSPACE")
    )
    profiles = _ProfilesFile.locate(environ)
    entries = profiles.read()
    entry = entries.get(name.lower())
    token_value = values.get(token_var)
    if values.get(host_var):
        where = f"{host_var} {values.where(host_var)}"
        origin = f"profile '{name}': {where}"
        _refuse_swapped(values.get(host_var), token_value, host_var, token_var)
        host = normalize_host(values.get(host_var), host_var)
    elif entry is not None:
        where = f"in {profiles.shown}, line {entry.line}"
        origin = f"profile '{name}' in {profiles.shown}"
        _refuse_swapped(
            entry.host, token_value, f"the host of profile '{name}' in {profiles.shown}", token_var
        )
        host = entry.host
    else:
        raise _not_configured(name, host_var, token_var, values, profiles, entries)
    if not token_value:
        state = "empty" if token_var in values.merged else "missing"
        raise ConfigError(
            f"Profile '{name}' uses {host} ({where}) but {token_var} is {state}. Put a technical user's API "
            f"token (Administration → Technical Users) in {token_var}, in the environment or in a .env file; "
            "never in the profiles file, never as a notebook parameter."
        )
    check_token(token_value, token_var)
    workspace = values.get(workspace_var) or (entry.workspace if entry is not None else None) or None
    return Settings(
        host=host,
        token=Secret(token_value),
        workspace=workspace,
        profile=name,
        origin=origin,
        dotenv=values.dotenv.read,
    )


def _not_configured(
    name: str,
    host_var: str,
    token_var: str,
    values: _Values,
    profiles: _ProfilesFile,
    entries: Mapping[str, _Entry],
) -> ConfigError:
    configured = [f"{entry.name} ({profiles.shown})" for entry in entries.values()]
    for variable in sorted(values.merged):
        match = _PROFILE_HOST_VAR.fullmatch(variable)
        if match and values.get(variable) and match.group(1).lower() not in entries:
            configured.append(f"{match.group(1).lower()} ({variable} {values.where(variable)})")
    listing = ", ".join(configured) if configured else "none"
    in_file = f"no '{name}' in {profiles.shown}" + ("" if profiles.exists else " (no such file)")
    if profiles.path is None:
        in_file = f"no profiles file ({PROFILES_VAR} is empty)"
    return ConfigError(
        f"Profile '{name}' is not configured: no {host_var} in {values.dotenv.places}, and {in_file}. "
        f"Configured profiles: {listing}; '{SANDBOX_PROFILE}' is always the embedded demo sandbox. Set "
        f"{host_var} and {token_var} in the environment or a .env file, or add '{name}: {{host: …}}' to "
        "the profiles file."
    )


# -- the profiles file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One profile of the profiles file: its name as written, normalised host, workspace and line."""

    name: str
    host: str
    workspace: str | None
    line: int


@dataclass(frozen=True)
class _ProfilesFile:
    path: Path | None  # None: LXKIT_PROFILES is empty
    shown: str  # the path for messages, ``~`` for the home folder
    explicit: bool  # named by LXKIT_PROFILES (then it must exist)

    @classmethod
    def locate(cls, environ: Mapping[str, str]) -> _ProfilesFile:
        home = environ.get("HOME") or os.path.expanduser("~")
        chosen = environ.get(PROFILES_VAR)
        if chosen is not None and not chosen.strip():
            return cls(None, "", explicit=True)
        if chosen is not None:
            path = Path(_absolute(chosen))
        else:
            xdg = environ.get("XDG_CONFIG_HOME", "")
            base = Path(xdg) if os.path.isabs(xdg) else Path(home) / ".config"  # XDG: relative is ignored
            path = base / "lxkit" / "profiles.yaml"
        shown = str(path)
        if home not in ("", "/") and path.is_relative_to(home):
            shown = str(Path("~") / path.relative_to(home))
        return cls(path, shown, explicit=chosen is not None)

    @property
    def exists(self) -> bool:
        return self.path is not None and os.path.lexists(self.path)

    def read(self) -> dict[str, _Entry]:
        """The profiles by lower-cased name; {} when there is no file (unless ``LXKIT_PROFILES`` names it)."""
        if self.path is None:
            return {}
        fix = "Make it a YAML file mapping profile names to {host: …, workspace: …}."
        text = _read_small_text(str(self.path), "profiles file", "profiles file", fix, folder_ok=False)
        if text is None:
            if self.explicit:
                raise ConfigError(
                    f"{PROFILES_VAR} names the profiles file {self.shown}, which does not exist. Fix the path, "
                    f"set {PROFILES_VAR} empty for no profiles file, or unset it to use "
                    "~/.config/lxkit/profiles.yaml."
                )
            return {}
        return self._parse(text)

    def _parse(self, text: str) -> dict[str, _Entry]:
        import yaml  # here, not at the top: reading settings without profiles needs no YAML

        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes keep their lines; nothing is built
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            place = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = " ".join(part for part in (exc.context, exc.problem) if part)
            raise ConfigError(f"The profiles file {self.shown}{place}: {problem}. Fix the YAML.") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"The profiles file {self.shown} is not YAML ({exc}). Fix the YAML.") from None
        if root is None:
            return {}
        example = "e.g. 'prod: {host: acme.leanix.net, workspace: AcmeProd}'"
        if not isinstance(root, yaml.MappingNode):
            self._fail(root, f"the file must map profile names to {{host: …, workspace: …}}, {example}")
        entries: dict[str, _Entry] = {}
        for key_node, value_node in root.value:
            name = self._text(key_node, "a profile name")
            if not PROFILE_NAME.fullmatch(name):
                self._fail(key_node, f"{name!r} is not a valid profile name: {PROFILE_RULE}")
            if name.lower() == SANDBOX_PROFILE:
                self._fail(
                    key_node,
                    f"'{name}' is the embedded demo sandbox and cannot be configured; rename the profile",
                )
            if name.lower() in entries:
                first = entries[name.lower()]
                self._fail(
                    key_node,
                    f"profile '{name}' is defined again (first as '{first.name}' on line {first.line})",
                )
            if not isinstance(value_node, yaml.MappingNode):
                self._fail(
                    value_node, f"profile '{name}' must be a mapping {{host: …, workspace: …}}, {example}"
                )
            entries[name.lower()] = self._entry(name, key_node, value_node)
        return entries

    def _entry(self, name: str, key_node: yaml.Node, node: yaml.MappingNode) -> _Entry:
        import yaml

        fields: dict[str, tuple[str, yaml.Node]] = {}
        for field_node, value_node in node.value:
            key = self._text(field_node, f"a key of profile '{name}'")
            if _TOKEN_LIKE.search(key):
                self._fail(
                    field_node,
                    f"profile '{name}' has the key {key!r}; tokens never go in this file. Put the API token in "
                    f"LEANIX_{name.upper()}_API_TOKEN in the environment or a .env file, and remove this line",
                )
            if key not in _PROFILE_KEYS:
                close = difflib.get_close_matches(key, _PROFILE_KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self._fail(
                    field_node,
                    f"profile '{name}' has the unknown key {key!r}{hint}; the keys allowed are host and workspace",
                )
            if key in fields:
                self._fail(field_node, f"profile '{name}' has the key {key!r} twice")
            value = ""
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag != "tag:yaml.org,2002:null":
                value = str(value_node.value).strip()
            if not value:
                self._fail(
                    value_node, f"the {key} of profile '{name}' must be text, e.g. '{key}: acme.leanix.net'"
                )
            fields[key] = (value, value_node)
        if "host" not in fields:
            self._fail(key_node, f"profile '{name}' has no host; add 'host: acme.leanix.net' (your instance)")
        host_text, host_node = fields["host"]
        try:
            host = _normalize_host(
                host_text,
                "the host",
                "Write the host as 'acme.leanix.net' or 'https://acme.leanix.net'.",
                f"LEANIX_{name.upper()}_API_TOKEN, in the environment or a .env file",
            )
        except ConfigError as exc:
            self._fail(host_node, f"profile '{name}': {exc}")
        workspace = fields["workspace"][0] if "workspace" in fields else None
        return _Entry(name, host, workspace, key_node.start_mark.line + 1)

    def _text(self, node: yaml.Node, what: str) -> str:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            self._fail(node, f"{what} must be plain text, not a list or mapping")
        return str(node.value)

    def _fail(self, node: yaml.Node, problem: str) -> NoReturn:
        mark = node.start_mark
        raise ConfigError(
            f"The profiles file {self.shown}, line {mark.line + 1}, column {mark.column + 1}: {problem}."
        )


# -- reading files -------------------------------------------------------------------------------------------


def read_dotenv(path: str | os.PathLike[str]) -> dict[str, str]:
    """The settings in a ``.env`` file; {} when there is none.

    A folder named ``.env`` is skipped (a common name for a virtual environment). Anything else that is
    not a regular file (a named pipe, a device) is refused before it is opened, so reading never blocks;
    so is a file that is not UTF-8 text, with the line and byte where decoding failed.
    """
    fix = "Make it a regular text file with LEANIX_HOST=… and LEANIX_API_TOKEN=… lines, or remove it and use environment variables."
    text = _read_small_text(os.fspath(path), "settings file", ".env file", fix, folder_ok=True)
    if text is None:
        return {}
    return {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}


def _read_small_text(name: str, what: str, kind: str, fix: str, *, folder_ok: bool) -> str | None:
    """The text of the settings file ``name`` (a ``what``, e.g. "settings file"); None when there is none.

    Only a regular file is opened (a named pipe would block), at most :data:`DOTENV_MAX_BYTES` are read, and
    the text must be UTF-8; every refusal names the file.
    """
    try:
        info = os.stat(name)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        reason = "the path contains a NUL character" if isinstance(exc, ValueError) else exc.strerror
        raise ConfigError(f"Cannot read the {what} {name!r}: {reason}.") from None
    if stat.S_ISDIR(info.st_mode):
        if folder_ok:
            log.debug("%s is a folder, not a %s; ignored", name, what)
            return None
        raise ConfigError(f"The {what} {name!r} is a folder. {fix}")
    if not stat.S_ISREG(info.st_mode):
        kind_of = "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "not a regular file"
        raise ConfigError(f"The {what} {name!r} is {kind_of}, so it is not read. {fix}")
    if info.st_size > DOTENV_MAX_BYTES:
        raise ConfigError(
            f"The {what} {name!r} is {info.st_size:,} bytes; a {kind} holds a few lines. Is it the right file?"
        )
    try:
        with open(name, "rb") as handle:
            raw = handle.read(DOTENV_MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"Cannot read the {what} {name!r}: {exc.strerror}.") from None
    return _decode(raw, name, what)


def _decode(raw: bytes, name: str, what: str) -> str:
    try:
        return decode_utf8(raw)
    except NotUtf8 as problem:
        if problem.utf16:
            raise ConfigError(
                f"The {what} {name!r} is saved as UTF-16. Save it as UTF-8 (without BOM)."
            ) from None
        raise ConfigError(
            f"The {what} {name!r} is not UTF-8 text: byte {problem.offset} (line {problem.line}, byte "
            f"{problem.column} of the line) cannot be decoded. Save the file as UTF-8 (most editors: 'Save "
            "with encoding')."
        ) from None
