"""Run a notebook headless (papermill), export offline HTML, keep a run record.

Design:
- Parameters are checked before a kernel starts: unknown names (papermill itself only logs them), names that
  look like credentials, and any value equal to the configured API token are refused. The token reaches
  the kernel only through the environment, as in an interactive session.
- The kernel runs with ``PLOTLY_RENDERER=notebook`` (figures carry plotly.js and render offline in the
  HTML) and ``LXKIT_HEADLESS=1`` (no progress bars in the output).
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
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import nbformat

from kit._version import __version__
from kit.config import load_settings
from kit.errors import LxkitError
from kit.redaction import ACCESS_TOKEN, API_TOKEN, REDACTED, Redactor
from kit.reports.errors import ParameterError, ReportError, ReportFailed
from kit.reports.html import export_html
from kit.reports.kernel import join_forwarders, kernel_manager_class
from kit.reports.notebooks import find_notebook, notebook_parameters
from kit.reports.output_folder import RUNS_LOG, append_line, prepare
from kit.reports.parameters import check_name, check_value

__all__ = ["REDACTED", "ReportError", "ReportFailed", "RunRecord", "run_report"]

log = logging.getLogger(__name__)

_SECRET_NAME = re.compile(r"token|secret|passw|api_?key|credential", re.IGNORECASE)
_KERNEL_ENV = {"PLOTLY_RENDERER": "notebook", "LXKIT_HEADLESS": "1"}
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
    """What a report run did: written as ``run.json`` beside its outputs and as a line of ``runs.jsonl``."""

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
    error: dict[str, Any] | None = None
    redactions: dict[str, int] = field(default_factory=lambda: {API_TOKEN: 0, ACCESS_TOKEN: 0})
    kit_version: str = __version__
    python: str = field(default_factory=platform.python_version)

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("directory", "notebook_path", "html_path"):
            data[name] = str(data[name]) if data[name] is not None else None
        return data


def check_parameters(notebook: Path, parameters: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """The parameters as they will be injected; raises :class:`ReportError` naming what is wrong."""
    if not isinstance(parameters, Mapping):
        raise ParameterError(
            f"parameters must be a mapping of names to values, not {type(parameters).__name__}"
        )
    declared = notebook_parameters(notebook)
    for name in parameters:
        check_name(name)
        if _SECRET_NAME.search(name):
            raise ParameterError(
                f"parameter {name!r} looks like a credential: papermill writes parameters into the executed "
                "notebook. Put LEANIX_API_TOKEN in the environment or a .env file; the notebook reads it there."
            )
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ParameterError(f"{notebook.name} has no parameter {name!r}; its parameters are: {known}")
    redactor = Redactor(token)
    for name, value in parameters.items():
        check_value(name, value)
        kind = redactor.kind_in(json.dumps(value))
        if kind == API_TOKEN:
            raise ParameterError(
                f"the value of parameter {name!r} holds the configured API token; the token must never be a "
                "parameter (it would be written into the executed notebook)"
            )
        if kind == ACCESS_TOKEN:
            raise ParameterError(
                f"the value of parameter {name!r} holds an access token (a JWT); credentials must never be "
                "parameters (they would be written into the executed notebook)"
            )
    return dict(parameters)


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


def run_report(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    out: str | os.PathLike[str] = "reports",
    *,
    html: bool = True,
    cell_timeout: int = 1800,
    cwd: str | os.PathLike[str] | None = None,
) -> RunRecord:
    """Execute ``notebook`` with ``parameters``; write notebook, HTML and record under ``out/<name>/<time>/``.

    ``notebook`` is a path or the name of one of the kit's notebooks. ``out`` is created (with its parents)
    when missing. ``cwd`` (default: the current folder) is where relative paths in parameters resolve.
    Returns the :class:`RunRecord`; raises :class:`ReportFailed` (after writing everything) when a cell
    raised, :class:`ReportError` before starting when a parameter or the output folder is refused.
    """
    import papermill

    source = find_notebook(notebook)
    settings = load_settings()
    token = settings.token.reveal() if settings.token else None
    params = check_parameters(source, parameters if parameters is not None else {}, token)
    redactor = Redactor(token)

    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    partial = prepare(out, source.stem, stamp)
    final = partial.parent / stamp
    memory = f"{_MEMORY}{uuid.uuid4().hex}/{source.name}"
    _register_memory_output()
    manager = kernel_manager_class(redactor)
    clock = time.perf_counter()
    error = None
    try:
        with _kernel_environment(_KERNEL_ENV):
            papermill.execute_notebook(
                str(source),
                memory,
                parameters=params,
                cwd=str(cwd or Path.cwd()),
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
        error=error,
        redactions={API_TOKEN: counts[API_TOKEN], ACCESS_TOKEN: counts[ACCESS_TOKEN]},
    )
    data = redactor.value(record.to_dict())
    (partial / "run.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    partial.rename(final)
    append_line(Path(out) / RUNS_LOG, json.dumps(data))
    if error:
        raise ReportFailed(record)
    return record
