"""``schedules.yaml``: read safely, checked completely, every problem named by file, line, column and key.

The shape is docs/schedules.md §6. Reading uses the parameters loader of :mod:`kit.reports.parameters`
(safe YAML without aliases, duplicate keys, implicit dates or integers beyond 64 bits). Every problem in the
file is collected and reported at once, each as ``schedules.yaml, line 7, column 11: schedules[1].cron:
'every monday' is not a cron expression …``, so one ``lxkit schedule list`` shows all there is to fix.

Choices made here (the contract leaves them open):

* ``defaults`` may hold ``out``, ``timezone``, ``workspace``, ``retention``, ``retries`` and ``alert_on``;
  ``retention`` and ``retries`` merge key by key. ``parameters`` belong to each schedule (they are checked
  against that schedule's notebook), as do ``name``, ``notebook`` and ``cron``.
* Without them: ``out: reports``, ``timezone: UTC``, ``retention: {keep_runs: 0, keep_days: 0}`` (keep
  everything: nothing is deleted unless asked), ``retries: {attempts: 1, backoff_seconds: 60}`` (no retry),
  ``alert_on`` every kind (``null`` says the same).
* A cron expression has five fields of digits, month and day names, ``*``, ``,``, ``-`` and ``/``, or is one
  of the macros cron itself knows (``@hourly`` … ``@yearly``; ``@reboot`` has no time and is refused).
  croniter's extensions (``L``, ``#``, ``H``, a seconds field) are refused because the same expression goes
  into a crontab (``install-cron``), and so is an expression that never matches (``0 0 31 2 *``).
* ``notebook``: a value ending in ``.ipynb`` or holding a ``/`` is a path (relative to the file's folder);
  anything else is the name of a notebook shipped with lxkit.
* Parameters are checked without a token (the runner checks again with the workspace's token).
* ``notify`` (docs/alerts.md §4): a list of targets, each checked here (a URL's scheme and host, an e-mail
  entry's keys); a schedule's own list replaces the defaults' (``notify: []`` for none). ``notify_base_url``
  (defaults or a schedule): the URL under which the schedule's ``out`` folder is served, so messages link
  the HTML report.
* ``publish: {via: metrics-api | integration-api, dry_run: true}`` (docs/alerts.md §5) sets the notebook's
  parameters ``publish`` and ``publish_dry_run`` (``dry_run`` defaults to true). A schedule whose notebook
  declares no ``publish`` (or no ``publish_dry_run``) parameter is refused; ``publish`` in ``defaults``
  applies only to the schedules whose notebook declares both, so it can sit beside run_health schedules.
  Setting ``publish`` or ``publish_dry_run`` in ``parameters`` as well is refused (one place says it).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from kit.errors import LxkitError
from kit.reports.notify.targets import NotifyError, Target, parse_entry
from kit.reports.parameters import MAX_FILE_BYTES, _ParametersLoader, shown_path
from kit.reports.schedules.errors import ScheduleError

__all__ = [
    "SCHEDULES_FILE",
    "SCHEDULES_VAR",
    "STATE_FOLDER",
    "Retention",
    "Retries",
    "Schedule",
    "ScheduleFile",
    "load_schedules",
    "schedules_path",
]

SCHEDULES_FILE = "schedules.yaml"
SCHEDULES_VAR = "LXKIT_SCHEDULES"
#: the folder beside the schedules file holding ``state.json``, ``locks/`` and ``logs/``
STATE_FOLDER = ".lxkit"

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
PROFILE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MACROS = ("@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually")
_CRON_NAMES = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat", re.I)
_CRON_CHARS = re.compile(r"[0-9*,/-]+")
_CRON_HINT = (
    "five fields: minute hour day-of-month month day-of-week, e.g. '0 6 * * 1' for Mondays at 06:00, "
    "or a macro such as @daily"
)
_WORKSPACE_HINT = (
    "sandbox (the embedded demo sandbox), default (the workspace LEANIX_HOST configures, in the "
    "environment or a .env file) or a profile name such as prod"
)

TOP_KEYS = ("defaults", "schedules")
DEFAULT_KEYS = (
    "out",
    "timezone",
    "workspace",
    "retention",
    "retries",
    "alert_on",
    "notify",
    "notify_base_url",
    "publish",
)
SCHEDULE_KEYS = (
    "name",
    "notebook",
    "cron",
    "timezone",
    "workspace",
    "parameters",
    "out",
    "retention",
    "retries",
    "alert_on",
    "notify",
    "notify_base_url",
    "publish",
)
PUBLISH_KEYS = ("via", "dry_run")
PUBLISH_VIA = ("metrics-api", "integration-api")
RETENTION_KEYS = ("keep_runs", "keep_days")
RETRIES_KEYS = ("attempts", "backoff_seconds")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Retention:
    """Run folders to keep: the newest ``keep_runs`` and those younger than ``keep_days`` (0: no limit)."""

    keep_runs: int = 0
    keep_days: int = 0


@dataclass(frozen=True)
class Retries:
    """``attempts`` in all (1: no retry), waiting ``backoff_seconds * 2**(k-1)`` (at most 1 h) after the k-th."""

    attempts: int = 1
    backoff_seconds: int = 60


@dataclass(frozen=True)
class Schedule:
    """One checked entry of ``schedules:``; paths are absolute."""

    name: str
    notebook: Path
    cron: str
    workspace: str
    out: Path
    timezone: str = "UTC"
    parameters: dict[str, Any] = field(default_factory=dict)
    retention: Retention = Retention()
    retries: Retries = Retries()
    alert_on: tuple[str, ...] | None = None  # None: every kind
    notify: tuple[Target, ...] = ()
    notify_base_url: str | None = None
    publish: dict[str, Any] | None = None  # {"via", "dry_run"} as set (already in parameters)
    line: int = 0  # where the entry starts in the file (1-based)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def runs_folder(self) -> Path:
        """``<out>/<name>``: what ``run_report(out=…)`` receives, holding ``<notebook>/<time>/`` folders."""
        return self.out / self.name


@dataclass(frozen=True)
class ScheduleFile:
    """A checked schedules file: its absolute path and its schedules in file order."""

    path: Path
    schedules: tuple[Schedule, ...]

    @property
    def folder(self) -> Path:
        """Where relative paths resolve, reports run (their ``cwd``) and ``.lxkit/`` lives."""
        return self.path.parent

    @property
    def state_folder(self) -> Path:
        return self.folder / STATE_FOLDER

    def get(self, name: str) -> Schedule:
        """The schedule called ``name``; :class:`ScheduleError` listing the names (and a close one) if none."""
        for schedule in self.schedules:
            if schedule.name == name:
                return schedule
        names = [s.name for s in self.schedules]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(names) or "none"
        raise ScheduleError(
            f"{shown_path(self.path)} has no schedule {name!r} (its schedules: {listed}).{hint}"
        )


def schedules_path(given: str | os.PathLike[str] | None = None) -> Path:
    """The schedules file: ``given`` (``--file``), else ``./schedules.yaml``, else ``$LXKIT_SCHEDULES``."""
    if given is not None:
        return Path(os.path.abspath(Path(given).expanduser()))
    here = Path.cwd() / SCHEDULES_FILE
    if here.is_file():
        return here
    variable = os.environ.get(SCHEDULES_VAR, "").strip()
    if variable:
        return Path(os.path.abspath(Path(variable).expanduser()))
    raise ScheduleError(
        f"no {SCHEDULES_FILE} in the current folder ({Path.cwd()}) and {SCHEDULES_VAR} is not set; give "
        f"--file PATH, set {SCHEDULES_VAR}=PATH, or run lxkit from the folder holding {SCHEDULES_FILE}"
    )


class _Invalid(Exception):
    """A value is refused; the message says why (the checker adds file, line, column and key)."""


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Checker:
    """Collects problems, each placed at the YAML node of its key path."""

    def __init__(self, shown: str, root: yaml.Node | None) -> None:
        self.shown = shown
        self.root = root
        self.problems: list[tuple[int, int, str]] = []

    def fail(self, path: Path_, message: str, *, at_key: bool = False) -> None:
        mark = self._mark(path, at_key)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        where = f"{_dotted(path)}: " if path else ""
        self.problems.append((line, column, f"{self.shown}, line {line}, column {column}: {where}{message}"))

    def check(self, path: Path_, parse: Callable[[Any], Any], value: Any) -> Any:
        """``parse(value)``, or :data:`_BAD` after recording its refusal at ``path``."""
        try:
            return parse(value)
        except _Invalid as exc:
            self.fail(path, str(exc))
            return _BAD

    def keys(self, mapping: Mapping[Any, Any], allowed: tuple[str, ...], path: Path_, what: str) -> None:
        """Refuse keys not in ``allowed``, with the closest allowed one as a hint."""
        for key in mapping:
            if key in allowed:
                continue
            if not isinstance(key, str):
                self.fail((*path, str(key)), f"a key must be text, not {type(key).__name__}", at_key=True)
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            self.fail(
                (*path, key),
                f"unknown key {key!r} in {what}; {hint}the keys are: {', '.join(allowed)}",
                at_key=True,
            )

    def _mark(self, path: Path_, at_key: bool) -> yaml.Mark | None:
        node = self.root
        key_node: yaml.Node | None = None
        for part in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        key_node, child = k, v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                key_node, child = None, node.value[part]
            if child is None:
                break
            node = child
        else:
            if at_key and key_node is not None:
                return key_node.start_mark
        return node.start_mark if node is not None else None

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        lines = [message for _line, _column, message in sorted(self.problems)]
        if len(lines) == 1:
            raise ScheduleError(lines[0])
        raise ScheduleError(f"{self.shown} has {len(lines)} problems:\n  " + "\n  ".join(lines))


_BAD = object()


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = "empty" if isinstance(value, str) else f"a {type(value).__name__} ({value!r})"
        raise _Invalid(f"must be {what}, not {shown}")
    return value


def _name(value: Any) -> str:
    text = _text(value, "text")
    if not NAME.fullmatch(text):
        raise _Invalid(
            f"{text!r} is not a schedule name: lower-case letters, digits, '-' and '_', starting with a letter "
            "or digit, at most 64 characters (it names folders and lock files), e.g. weekly-health"
        )
    return text


def _cron(value: Any) -> str:
    text = " ".join(_text(value, "a cron expression (" + _CRON_HINT + ")").split())
    if text.startswith("@"):
        if text.lower() not in MACROS:
            raise _Invalid(f"{value!r} is not a cron macro; the macros are {', '.join(MACROS)}")
        return text.lower()
    fields = text.split(" ")
    if len(fields) != 5:
        raise _Invalid(f"{value!r} is not a cron expression: it has {len(fields)} field(s); {_CRON_HINT}")
    for field_text in fields:
        if not _CRON_CHARS.fullmatch(_CRON_NAMES.sub("0", field_text)):
            raise _Invalid(
                f"{value!r} is not a cron expression cron understands: field {field_text!r} may hold only "
                f"digits, month and day names, '*', ',', '-' and '/'; {_CRON_HINT}"
            )
    from croniter import CroniterBadDateError, croniter  # type: ignore[import-untyped]

    if not croniter.is_valid(text):
        raise _Invalid(f"{value!r} is not a cron expression (a value is out of range?); {_CRON_HINT}")
    try:
        croniter(text, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except CroniterBadDateError:
        raise _Invalid(f"{value!r} never matches a date (such as 31 February); {_CRON_HINT}") from None
    return text


def _timezone(value: Any) -> str:
    text = _text(value, "an IANA time zone name such as Europe/Berlin or UTC")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(text, sorted(available_timezones()), n=1)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else " (IANA names such as Europe/Berlin, America/New_York, UTC)"
        )
        raise _Invalid(f"{text!r} is not a time zone{hint}") from None
    return text


def _workspace(value: Any) -> str:
    text = _text(value, _WORKSPACE_HINT)
    if text not in ("sandbox", "default") and not PROFILE.fullmatch(text):
        raise _Invalid(
            f"{text!r} is not a workspace: give {_WORKSPACE_HINT} (profile names are letters, digits and _, "
            "starting with a letter)"
        )
    return text


def _count(value: Any, minimum: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _Invalid(f"must be a whole number of at least {minimum} ({what}), not {value!r}")
    return value


#: the alert kinds lxkit itself writes (health.alert_records, KPI threshold breaches); a notebook may add others
KNOWN_ALERT_KINDS = ("connector", "kpi")


def _alert_on(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(kind, str) and kind for kind in value):
        raise _Invalid(
            f"must be a list of alert kinds such as [connector, kpi] ([] for none; leave it out for every "
            f"kind), not {value!r}"
        )
    for kind in value:  # a typo would silently mean "never alert": refuse near misses of the known kinds
        close = difflib.get_close_matches(kind, KNOWN_ALERT_KINDS, n=1, cutoff=0.6)
        if close and kind not in KNOWN_ALERT_KINDS:
            raise _Invalid(
                f"{kind!r} is not an alert kind lxkit writes; did you mean {close[0]!r}? (the kinds are "
                f"{', '.join(KNOWN_ALERT_KINDS)}, or one your own notebook writes with kit.alerts.write_alerts)"
            )
    return tuple(value)


def _base_url(value: Any) -> str:
    from urllib.parse import urlsplit

    text = _text(value, "the http(s) URL under which the reports folder is served")
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _Invalid(
            f"{text!r} is not an http(s) URL; give the URL under which the schedule's out folder is served, "
            "such as https://reports.example.com/lxkit"
        )
    return text.strip()


def _notify(checker: _Checker, value: Any, path: Path_) -> tuple[Target, ...] | None:
    """The checked targets of a ``notify`` list (None when one is refused; its problem is recorded)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        checker.fail(
            path,
            "must be a list of targets, such as [{slack_env: LXKIT_SLACK_URL}, {email: {host: smtp.example.com, "
            f"to: [ops@example.com]}}] (docs/alerts.md §4), not {value!r}",
        )
        return None
    targets: list[Target] = []
    refused = False
    for index, entry in enumerate(value):
        try:
            targets.append(parse_entry(entry))
        except NotifyError as exc:
            checker.fail((*path, index, *exc.path), str(exc))
            refused = True
    return None if refused else tuple(targets)


def _publish(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Invalid(
            f"must be a mapping such as {{via: metrics-api, dry_run: false}} (null: no publishing), not {value!r}"
        )
    unknown = [key for key in value if key not in PUBLISH_KEYS]
    if unknown:
        raise _Invalid(f"unknown key {unknown[0]!r} in publish; the keys are: {', '.join(PUBLISH_KEYS)}")
    if value.get("via") not in PUBLISH_VIA:
        raise _Invalid(f"via must be one of {', '.join(PUBLISH_VIA)}, not {value.get('via')!r}")
    dry_run = value.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise _Invalid(f"dry_run must be true (show what would be written) or false, not {dry_run!r}")
    return {"via": value["via"], "dry_run": dry_run}


def _sub_mapping(
    checker: _Checker,
    value: Any,
    path: Path_,
    allowed: tuple[str, ...],
    rules: Mapping[str, Callable[[Any], Any]],
) -> dict[str, Any]:
    """The checked keys of ``retention`` or ``retries`` given here (merged with the defaults' by the caller)."""
    if not isinstance(value, dict):
        checker.fail(path, f"must be a mapping with the keys {', '.join(allowed)}, not {value!r}")
        return {}
    checker.keys(value, allowed, path, _dotted(path))
    parsed = {key: checker.check((*path, key), rules[key], value[key]) for key in allowed if key in value}
    return {key: item for key, item in parsed.items() if item is not _BAD}


_RETENTION_RULES: dict[str, Callable[[Any], Any]] = {
    "keep_runs": lambda v: _count(v, 0, "0 keeps every run"),
    "keep_days": lambda v: _count(v, 0, "0 keeps runs of any age"),
}
_RETRIES_RULES: dict[str, Callable[[Any], Any]] = {
    "attempts": lambda v: _count(v, 1, "1 runs once, without retries"),
    "backoff_seconds": lambda v: _count(v, 0, "the wait after the first failed attempt"),
}
_PLAIN_RULES: dict[str, Callable[[Any], Any]] = {
    "timezone": _timezone,
    "workspace": _workspace,
    "alert_on": _alert_on,
    "out": lambda v: _text(v, "a folder path"),
    "notify_base_url": _base_url,
    "publish": _publish,
}


def _section(checker: _Checker, mapping: dict[str, Any], path: Path_) -> dict[str, Any]:
    """The checked keys shared by ``defaults`` and a schedule (bad ones left out, their problems recorded)."""
    found: dict[str, Any] = {}
    for key, rule in _PLAIN_RULES.items():
        if key in mapping:
            value = checker.check((*path, key), rule, mapping[key])
            if value is not _BAD:
                found[key] = value
    for key, allowed, rules in (
        ("retention", RETENTION_KEYS, _RETENTION_RULES),
        ("retries", RETRIES_KEYS, _RETRIES_RULES),
    ):
        if key in mapping:
            found[key] = _sub_mapping(checker, mapping[key], (*path, key), allowed, rules)
    if "notify" in mapping:
        targets = _notify(checker, mapping["notify"], (*path, "notify"))
        if targets is not None:
            found["notify"] = targets
    return found


def _notebook(value: Any, folder: Path) -> Path:
    from kit.reports.errors import NotebookNotFound
    from kit.reports.notebooks import find_notebook

    text = _text(value, "a notebook name (such as run_health) or a path to an .ipynb file")
    if text.endswith(".ipynb") or "/" in text or os.sep in text:
        path = Path(os.path.normpath(folder / Path(text).expanduser()))
        if not path.is_file():
            raise _Invalid(
                f"no notebook at {shown_path(path)} (a relative path is read from the schedules file's folder, "
                f"{shown_path(folder)})"
            )
        return path
    try:
        return find_notebook(text)
    except NotebookNotFound as exc:
        raise _Invalid(str(exc)) from None


def _parameter(notebook: Path, name: Any, value: Any) -> Any:
    """One parameter checked against the notebook's parameters cell (name, declared type, no credentials)."""
    from kit.reports.parameters import check_parameters

    try:
        return check_parameters(notebook, {name: value}, None, {name: "the schedules file"})[name]
    except LxkitError as exc:
        raise _Invalid(str(exc)) from None


def _parameters(checker: _Checker, value: Any, notebook: Any, path: Path_) -> dict[str, Any]:
    """The schedule's parameters, each checked where it is written (when the notebook itself is valid)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        checker.fail(path, f"must be a mapping of parameter names to values, not {value!r}")
        return {}
    if notebook is _BAD:
        return value  # the notebook is refused already; its parameters cannot be checked
    checked: dict[str, Any] = {}
    for name, item in value.items():

        def one(v: Any, n: Any = name) -> Any:
            return _parameter(notebook, n, v)

        checked[name] = checker.check((*path, name), one, item)
    return checked


def _with_publish(
    checker: _Checker,
    parameters: dict[str, Any],
    notebook: Path,
    publish: dict[str, Any],
    path: Path_,
    from_defaults: bool,
) -> dict[str, Any]:
    """``parameters`` with ``publish``/``publish_dry_run`` set from ``publish`` (see the module docstring)."""
    from kit.reports.notebooks import notebook_parameters

    declared = notebook_parameters(notebook)
    missing = [name for name in ("publish", "publish_dry_run") if name not in declared]
    if missing and from_defaults and "publish" not in declared:
        return parameters  # defaults.publish is for the notebooks that can publish
    if missing:
        where = f"{shown_path(notebook)} (its parameters: {', '.join(declared) or 'none'})"
        checker.fail(
            path,
            f"the notebook declares no {' and no '.join(missing)} parameter, so it cannot publish: {where}. "
            "Remove publish here, or use a notebook that publishes (metrics_report)",
        )
        return parameters
    given = [name for name in ("publish", "publish_dry_run") if name in parameters]
    if given:
        checker.fail(
            path,
            f"parameters sets {' and '.join(given)} as well; say it once: publish: {{via, dry_run}} or the "
            "parameters, not both",
        )
        return parameters
    merged = dict(parameters)
    for name, value in (("publish", publish["via"]), ("publish_dry_run", publish["dry_run"])):

        def one(v: Any, n: str = name) -> Any:
            return _parameter(notebook, n, v)

        checked = checker.check(path, one, value)
        if checked is not _BAD:
            merged[name] = checked
    return merged


def _schedule(
    checker: _Checker, entry: Any, index: int, defaults: dict[str, Any], folder: Path
) -> Schedule | None:
    path: Path_ = ("schedules", index)
    if not isinstance(entry, dict):
        checker.fail(
            path, f"each schedule is a mapping with the keys {', '.join(SCHEDULE_KEYS)}, not {entry!r}"
        )
        return None
    checker.keys(entry, SCHEDULE_KEYS, path, "a schedule")
    problems = len(checker.problems)
    for key, hint in (
        ("name", "a name such as weekly-health"),
        ("notebook", "a notebook such as run_health or reports/my.ipynb"),
        ("cron", "a cron expression such as '0 6 * * 1'"),
    ):
        if key not in entry:
            checker.fail(path, f"no {key}; give {hint}")
    if "workspace" not in entry and "workspace" not in defaults:
        checker.fail(path, f"no workspace; say which workspace it reports on: {_WORKSPACE_HINT}")
    name: Any = checker.check((*path, "name"), _name, entry["name"]) if "name" in entry else _BAD
    notebook: Any = (
        checker.check((*path, "notebook"), lambda v: _notebook(v, folder), entry["notebook"])
        if "notebook" in entry
        else _BAD
    )
    cron: Any = checker.check((*path, "cron"), _cron, entry["cron"]) if "cron" in entry else _BAD
    own = _section(checker, entry, path)
    parameters = _parameters(checker, entry.get("parameters"), notebook, (*path, "parameters"))
    merged = {**defaults, **own}
    publish = merged.get("publish")
    if publish and notebook is not _BAD and len(checker.problems) == problems:
        from_defaults = "publish" not in own
        where = ("defaults", "publish") if from_defaults else (*path, "publish")
        parameters = _with_publish(checker, parameters, notebook, publish, where, from_defaults)
    if len(checker.problems) > problems:
        return None
    out = Path(os.path.normpath(folder / Path(merged.get("out", "reports")).expanduser()))
    node = checker._mark(path, at_key=False)
    return Schedule(
        name=name,
        notebook=notebook,
        cron=cron,
        workspace=merged["workspace"],
        out=out,
        timezone=merged.get("timezone", "UTC"),
        parameters=parameters,
        retention=Retention(**{**defaults.get("retention", {}), **own.get("retention", {})}),
        retries=Retries(**{**defaults.get("retries", {}), **own.get("retries", {})}),
        alert_on=merged.get("alert_on"),
        notify=merged.get("notify", ()),
        notify_base_url=merged.get("notify_base_url"),
        publish=publish if publish and "publish" in parameters else None,
        line=node.line + 1 if node is not None else 0,
    )


def _read(path: Path) -> tuple[str, yaml.Node | None, Any]:
    """The file's text, its YAML node tree (for line and column) and its data; refusals name the spot."""
    shown = shown_path(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScheduleError(
            f"no schedules file {shown}; create it (docs/schedules.md §6 shows the shape) or give --file PATH"
        ) from None
    except OSError as exc:
        raise ScheduleError(f"cannot read schedules file {shown}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScheduleError(
            f"schedules file {shown} is larger than {MAX_FILE_BYTES:,} bytes; is it the right file?"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScheduleError(
            f"{shown}, line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None
    loader = _ParametersLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        problem = problem.replace("a parameters file", "a schedules file")
        raise ScheduleError(f"{shown}{place}: {problem}; fix the YAML") from None
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{shown}: invalid YAML ({exc}); fix the YAML") from None
    except RecursionError:
        raise ScheduleError(f"{shown}: nested too deeply; fix the YAML") from None
    finally:
        loader.dispose()
    return shown, root, data


def load_schedules(path: str | os.PathLike[str] | None = None) -> ScheduleFile:
    """Read and check a schedules file (default: :func:`schedules_path`); :class:`ScheduleError` lists every
    problem with file, line, column and key."""
    file = schedules_path(path)
    shown, root, data = _read(file)
    checker = _Checker(shown, root)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        checker.fail(
            (),
            f"must hold a mapping with 'schedules:' (and optionally 'defaults:'), not {type(data).__name__}",
        )
        checker.raise_if_any()
    checker.keys(data, TOP_KEYS, (), "the schedules file")
    defaults: dict[str, Any] = {}
    if data.get("defaults") is not None:
        if not isinstance(data["defaults"], dict):
            checker.fail(("defaults",), f"must be a mapping with some of the keys {', '.join(DEFAULT_KEYS)}")
        else:
            given = data["defaults"]
            for key in given:
                if key in SCHEDULE_KEYS and key not in DEFAULT_KEYS:
                    checker.fail(
                        ("defaults", key), f"{key} is set per schedule, not in defaults", at_key=True
                    )
            checker.keys(
                {k: v for k, v in given.items() if k not in SCHEDULE_KEYS},
                DEFAULT_KEYS,
                ("defaults",),
                "defaults",
            )
            defaults = _section(checker, given, ("defaults",))
    entries = data.get("schedules")
    schedules: list[Schedule] = []
    if "schedules" not in data:
        checker.fail((), "no 'schedules:' list; add one entry per schedule (docs/schedules.md §6)")
    elif not isinstance(entries, list):
        checker.fail(
            ("schedules",), f"must be a list of schedules (each starting with '- name: …'), not {entries!r}"
        )
    else:
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            schedule = _schedule(checker, entry, index, defaults, file.parent)
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in seen:
                first = checker._mark(("schedules", seen[name]), at_key=False)
                checker.fail(
                    ("schedules", index, "name"),
                    f"{name!r} is already the name of schedules[{seen[name]}] (line "
                    f"{first.line + 1 if first else '?'}); names must be unique (they name folders and locks)",
                )
            elif isinstance(name, str):
                seen[name] = index
            if schedule is not None:
                schedules.append(schedule)
    checker.raise_if_any()
    return ScheduleFile(path=file, schedules=tuple(schedules))
