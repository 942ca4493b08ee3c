"""Run a notebook headless (papermill), export offline HTML, keep a run record.

Design:
- Parameters are checked before a kernel starts: unknown names (papermill itself only logs them), names that
  look like credentials, and any value equal to the configured API token are refused. The token reaches
  the kernel only through the environment, as in an interactive session.
- The kernel runs with ``PLOTLY_RENDERER=plotly_mimetype`` whatever the user's environment says (the
  executed notebook stores each figure as its JSON, without plotly.js; :func:`kit.reports.html.export_html`
  draws them in the HTML, which embeds plotly.js once), ``LXKIT_HEADLESS=1`` (no progress bars in the
  output) and ``LXKIT_OUTPUT_DIR`` = this run's (hidden, partial) folder, where a notebook writes files that
  belong next to its report.
- A ``kpis.json`` the notebook wrote there (``kit.metrics.write_kpi_files``, docs/metrics.md §4) is read
  after the run: its date, totals and alerts go into the record. One not in that shape fails the run
  (:class:`ReportFailed`, the record's ``error`` says what is wrong; every file is kept).
- The output folder is checked (and created if missing) before a kernel starts (see
  :mod:`kit.reports.output_folder`). Everything is written into a hidden ``.partial`` folder first and
  renamed when complete, so a report folder is never half-written; a failed run keeps its executed notebook
  (with papermill's error markers), its HTML and its record, and the call raises :class:`ReportFailed`.
- Nothing reaches the disk or the terminal before :class:`kit.redaction.Redactor` has seen it: papermill
  writes the executed notebook into memory (the ``lxkit-memory://`` handler), the runner redacts it, then
  writes it; the HTML is made from the redacted notebook and redacted again; the record, its error and the
  kernel's own stdout/stderr are redacted too. ``redactions`` in the record counts what the notebook's
  outputs held (``{"api_token": n, "access_token": m}``); the record and error repeat those, uncounted.
- papermill's save-after-every-cell is off: it rewrites the whole notebook twice per cell (quadratic).
- The kernel is always this interpreter's ipykernel (see :mod:`kit.reports.kernel`).
- On POSIX the kernel talks over Unix sockets (ZeroMQ ``ipc``) beside its connection file rather than
  loopback TCP ports: no ports to take, and ipykernel's "running over TCP without encryption" warning goes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import nbformat

from kit._version import __version__
from kit.alerts import ALERTS_FILE, AlertFileError, read_alerts
from kit.config import resolve_workspace
from kit.errors import LxkitError
from kit.redaction import ACCESS_TOKEN, API_TOKEN, REDACTED, Redactor
from kit.reports.errors import ReportError, ReportFailed
from kit.reports.html import export_html
from kit.reports.kernel import join_forwarders, kernel_manager_class
from kit.reports.notebooks import find_notebook
from kit.reports.notify import Target, notify_run, parse_targets
from kit.reports.output_folder import RUNS_LOG, append_line, prepare
from kit.reports.parameters import check_parameters

__all__ = ["REDACTED", "ReportError", "ReportFailed", "RunRecord", "run_report"]

log = logging.getLogger(__name__)

_KERNEL_ENV = {"PLOTLY_RENDERER": "plotly_mimetype", "LXKIT_HEADLESS": "1"}
_ENV_LOCK = threading.Lock()
_MEMORY = "lxkit-memory://"


class _MemoryOutput:
    """A papermill I/O handler keeping executed notebooks in memory until the runner has redacted them."""

    notebooks: ClassVar[dict[str, str]] = {}

    @classmethod
    def write(cls, buf: str, path: str) -> None:
        cls.notebooks[path] = buf

    @classmethod
    def read(cls, path: str) -> str:
        raise LxkitError(f"{path} is write-only")

    @classmethod
    def listdir(cls, path: str) -> list[str]:
        raise LxkitError(f"{path} cannot be listed")

    @classmethod
    def pretty_path(cls, path: str) -> str:
        return path


def _register_memory_output() -> None:
    from papermill.iorw import papermill_io

    if not any(scheme == _MEMORY for scheme, _handler in papermill_io._handlers):
        papermill_io.register(_MEMORY, _MemoryOutput)


@dataclass
class RunRecord:
    """What a report run did: written as ``run.json`` beside its outputs and as a line of ``runs.jsonl``.

    ``kpis`` and ``alerts`` come from a ``kpis.json`` the notebook wrote into its run folder (docs/metrics.md
    §4): ``kpis`` is ``{"date", "count", "values"}`` with ``count`` the number of KPIs in the file (distinct
    names) and ``values`` one ``{"name", "dimensions", "value", "delta", "deltaMonth"}`` per total (rows
    whose ``dimensions`` is ``{}``); ``alerts`` is the file's list as written. Without the file: ``None`` and
    ``[]``. ``error`` is set when a cell raised or when ``kpis.json`` is not in that shape.
    """

    notebook: str
    parameters: dict[str, Any]
    status: str  # "succeeded" or "failed"
    started_at: str
    finished_at: str
    duration_seconds: float
    directory: Path
    notebook_path: Path
    html_path: Path | None
    workspace: str
    workspace_source: str = ""
    profile: str | None = None
    error: dict[str, Any] | None = None
    kpis: dict[str, Any] | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)
    redactions: dict[str, int] = field(default_factory=lambda: {API_TOKEN: 0, ACCESS_TOKEN: 0})
    kit_version: str = __version__
    python: str = field(default_factory=platform.python_version)
    #: one ``{channel, target, status, attempts, error, at}`` per notification target (docs/alerts.md §4)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    def alerts_of(self, alert_on: Collection[str] | None = None) -> list[dict[str, Any]]:
        """The alerts of the kinds in ``alert_on`` (None: every kind)."""
        return [a for a in self.alerts if alert_on is None or a.get("kind") in alert_on]

    def exit_code(self, alert_on: Collection[str] | None = None) -> int:
        """1 failed; 2 ran through with alerts of a kind in ``alert_on`` (None: any kind); else 0."""
        if not self.succeeded:
            return 1
        return 2 if self.alerts_of(alert_on) else 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("directory", "notebook_path", "html_path"):
            data[name] = str(data[name]) if data[name] is not None else None
        return data


@contextlib.contextmanager
def _kernel_environment(extra: Mapping[str, str]) -> Iterator[None]:
    """The kernel inherits this process's environment at start; set ours around the start, then restore."""
    with _ENV_LOCK:
        saved = {name: os.environ.get(name) for name in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _redacted_notebook(path: str, redactor: Redactor, final: Path) -> tuple[nbformat.NotebookNode, Counter]:
    """The executed notebook papermill left in memory, every string redacted; and what was replaced."""
    book = nbformat.reads(_MemoryOutput.notebooks.pop(path), as_version=4)
    counts: Counter[str] = Counter()
    redactor.value(book, counts)
    papermill_meta = book.metadata.get("papermill", {})
    if "output_path" in papermill_meta:
        papermill_meta["output_path"] = str(final)
    return book, counts


def _error_of(exc: BaseException) -> dict[str, Any]:
    return {
        "cell_index": getattr(exc, "cell_index", None),  # position in the executed notebook, from 0
        "execution_count": getattr(exc, "exec_count", None),  # the In [N] papermill's error banner names
        "ename": getattr(exc, "ename", None) or type(exc).__name__,
        "evalue": getattr(exc, "evalue", None) or str(exc),
    }


KPI_FILE = "kpis.json"
_KPI_HINT = "write it with kit.metrics.write_kpi_files (docs/metrics.md §4)"


class _KpiFileError(Exception):
    """``kpis.json`` is not in the documented shape; the message says where."""


def _number_or_null(value: object, where: str) -> float | int | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _KpiFileError(f"{where} must be a number or null, not {json.dumps(value)[:60]}")


def _delta(entry: Mapping[str, Any], key: str, where: str) -> float | int | None:
    part = entry.get(key)
    if part is None:
        return None
    if not isinstance(part, dict):
        raise _KpiFileError(f"{where}.{key} must be an object or null")
    return _number_or_null(part.get("delta"), f"{where}.{key}.delta")


def _no_constant(name: str) -> None:
    raise _KpiFileError(f"it holds {name}, which is not JSON (write null for a missing value)")


def _kpi_summary(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The record's ``kpis`` and ``alerts`` from ``kpis.json``; :class:`_KpiFileError` if it is malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _KpiFileError(f"it cannot be read as JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _KpiFileError("it must hold a JSON object")
    if data.get("format") != 1:
        raise _KpiFileError(f"its format must be 1, not {json.dumps(data.get('format'))[:60]}")
    date = data.get("date")
    if date is not None and not (isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)):
        raise _KpiFileError(
            f"its date must be a YYYY-MM-DD string (null: no values), not {json.dumps(date)[:60]}"
        )
    entries, alerts = data.get("kpis"), data.get("alerts")
    if not isinstance(entries, list):
        raise _KpiFileError("its kpis must be a list")
    if not isinstance(alerts, list) or not all(isinstance(a, dict) for a in alerts):
        raise _KpiFileError("its alerts must be a list of objects")
    names: dict[str, None] = {}
    totals: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        where = f"kpis[{index}]"
        if not isinstance(entry, dict):
            raise _KpiFileError(f"{where} must be an object")
        name, dimensions = entry.get("name"), entry.get("dimensions")
        if not isinstance(name, str) or not name:
            raise _KpiFileError(f"{where}.name must be a non-empty string")
        if not isinstance(dimensions, dict) or not all(isinstance(v, str) for v in dimensions.values()):
            raise _KpiFileError(f"{where}.dimensions must be an object of strings ({{}} for a total)")
        value = _number_or_null(entry.get("value"), f"{where}.value")
        delta, delta_month = _delta(entry, "previous", where), _delta(entry, "monthAgo", where)
        names[name] = None
        if not dimensions:
            totals.append(
                {"name": name, "dimensions": {}, "value": value, "delta": delta, "deltaMonth": delta_month}
            )
    tagged = [{"kind": "kpi", "name": alert.get("kpi"), **alert} for alert in alerts]
    return {"date": date, "count": len(names), "values": totals}, tagged


def _read_kpis(
    folder: Path, shown: Path, error: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None]:
    """``kpis``, ``alerts`` and ``error`` for the record; a malformed file sets ``error`` unless a cell did."""
    path = folder / KPI_FILE
    if not (path.exists() or path.is_symlink()):
        return None, [], error
    try:
        kpis, alerts = _kpi_summary(path)
    except _KpiFileError as exc:
        problem = _file_problem(
            "KpiFileError", f"{shown / KPI_FILE} is not a KPI file the runner can record: {exc}; {_KPI_HINT}"
        )
        return None, [], error or problem
    return kpis, alerts, error


def _file_problem(ename: str, what: str) -> dict[str, Any]:
    """The record's ``error`` for a file the notebook wrote in a shape the runner cannot record."""
    return {
        "cell_index": None,
        "execution_count": None,
        "ename": ename,
        "evalue": f"{what}. The notebook ran through; the file is kept as written.",
    }


def _read_alerts(
    folder: Path, shown: Path, error: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The alerts of ``alerts.json`` (docs/schedules.md §4); a malformed file sets ``error`` unless a cell did."""
    path = folder / ALERTS_FILE
    if not (path.exists() or path.is_symlink()):
        return [], error
    try:
        return read_alerts(path), error
    except AlertFileError as exc:
        problem = _file_problem(
            "AlertFileError", f"{shown / ALERTS_FILE} is not an alerts file the runner can record: {exc}"
        )
        return [], error or problem


def run_report(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    out: str | os.PathLike[str] = "reports",
    *,
    html: bool = True,
    cell_timeout: int = 1800,
    cwd: str | os.PathLike[str] | None = None,
    workspace: str | None = None,
    notify: Iterable[str | Target] = (),
    notify_when: str | None = None,
    report_url: str | None = None,
) -> RunRecord:
    """Execute ``notebook`` with ``parameters``; write notebook, HTML and record under ``out/<name>/<time>/``.

    ``notebook`` is a path or the name of one of the kit's notebooks. ``out`` is created (with its parents)
    when missing. ``cwd`` (default: the current folder) is where the kernel runs and relative paths in
    parameters resolve. ``workspace`` (docs/schedules.md §5): None the configured workspace, or the embedded
    sandbox with a warning when none is; ``"default"`` the configured one or a :class:`ConfigError`;
    ``"sandbox"``; or a profile name.
    ``notify``: targets (``--notify`` values such as ``slack:URL``, or parsed :class:`Target` objects) that get
    one message about the run after ``run.json`` is written (docs/alerts.md §4); ``notify_when`` (alerts,
    always, failure) applies to the values given as text; ``report_url`` is the base URL ``out`` is served
    under, for the message's link to the HTML report. Delivery never raises and never changes the outcome;
    its records become ``run.json``'s ``notifications``.
    Returns the :class:`RunRecord`; raises :class:`ReportFailed` (after writing everything) when a cell
    raised, :class:`ReportError` or :class:`ConfigError` before starting when a parameter, the output folder
    or the workspace is refused.
    """
    source = find_notebook(notebook)
    folder = Path(cwd) if cwd is not None else Path.cwd()
    settings = resolve_workspace(workspace, folder, source.parent)
    token = settings.token.reveal() if settings.token else None
    params = check_parameters(source, parameters if parameters is not None else {}, token)
    targets = parse_targets(notify, notify_when)  # refused before a kernel starts
    redactor = Redactor(token)
    if settings.uses_sandbox and settings.profile != "sandbox":
        log.warning(
            "No workspace configured (%s): %s runs on the embedded demo sandbox. Set LEANIX_HOST and "
            "LEANIX_API_TOKEN, or LEANIX_PROFILE, to report on your workspace.",
            settings.origin,
            source.stem,
        )
    else:
        log.info("%s runs on %s", source.stem, settings.describe())

    import papermill

    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    partial = prepare(out, source.stem, stamp)
    final = partial.parent / stamp
    memory = f"{_MEMORY}{uuid.uuid4().hex}/{source.name}"
    _register_memory_output()
    manager = kernel_manager_class(redactor)
    kernel_env = {
        **_KERNEL_ENV,
        "LXKIT_OUTPUT_DIR": str(partial.resolve()),
        "LXKIT_DOTENV": str(settings.dotenv or ""),  # the kernel resolves the same workspace as we did
        "LEANIX_PROFILE": settings.profile or "",
    }
    clock = time.perf_counter()
    error = None
    try:
        with _kernel_environment(kernel_env):
            papermill.execute_notebook(
                str(source),
                memory,
                parameters=params,
                cwd=str(folder),
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=cell_timeout,
                kernel_manager_class=manager,
            )
    except Exception as exc:  # a failing cell, a dead kernel or a timeout: all are recorded, then raised
        error = redactor.value(_error_of(exc))
    finally:
        join_forwarders(manager)
    duration = time.perf_counter() - clock

    counts: Counter[str] = Counter()
    executed = partial / source.name
    html_path = None
    if memory in _MemoryOutput.notebooks:
        book, counts = _redacted_notebook(memory, redactor, final / source.name)
        nbformat.write(book, executed)
        if html:
            page, page_counts = redactor.text_counted(export_html(book))
            counts += page_counts
            html_path = partial / f"{source.stem}.html"
            html_path.write_text(page, encoding="utf-8")
    if counts:
        log.warning(
            "credentials appeared in the output of %s (%s); redacted",
            source.name,
            ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())),
        )

    kpis, kpi_alerts, error = redactor.value(_read_kpis(partial, final, error))  # the record is redacted too
    other_alerts, error = redactor.value(_read_alerts(partial, final, error))
    record = RunRecord(
        notebook=source.stem,
        parameters=redactor.value(json.loads(json.dumps(params))),
        status="failed" if error else "succeeded",
        started_at=started.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_seconds=round(duration, 2),
        directory=final,
        notebook_path=final / executed.name,
        html_path=final / html_path.name if html_path else None,
        workspace=redactor.text(settings.host or "embedded sandbox"),
        workspace_source=redactor.text(settings.origin),
        profile=settings.profile,
        error=error,
        kpis=kpis,
        alerts=[*kpi_alerts, *other_alerts],
        redactions={API_TOKEN: counts[API_TOKEN], ACCESS_TOKEN: counts[ACCESS_TOKEN]},
    )
    data = redactor.value(record.to_dict())
    (partial / "run.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    partial.rename(final)
    if targets:  # after run.json is complete: a message may link it; its records are added to it
        data["notifications"] = notify_run(
            record, targets, data=data, report_url=report_url, report_root=Path(out), redact=redactor.value
        )
    append_line(Path(out) / RUNS_LOG, json.dumps(data))
    if error:
        raise ReportFailed(record)
    return record
